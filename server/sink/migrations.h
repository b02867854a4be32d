// Applies the pending sql/NNN_*.sql migrations inside one transaction that holds an advisory
// lock, so several servers starting at once against one database are safe.
#pragma once

#include <pqxx/connection>
#include <vector>

#include "absl/status/statusor.h"

namespace ingest::server {

// Returns the versions applied now (empty when the schema was current).
absl::StatusOr<std::vector<int>> ApplyMigrations(pqxx::connection& conn);

}  // namespace ingest::server
