// A ping of PostgreSQL on a connection of its own ("SELECT 1"), for the DatabaseProbe: whether
// the database answers now, also while no batch waits to be written.
#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"

namespace ingest::server {

// The returned function may be called from any thread; calls are serialised. A key=value
// conninfo gets a 5 s connect timeout, so a ping of a silent host ends in time.
std::function<absl::Status()> MakeDatabasePing(const std::string& conninfo);

}  // namespace ingest::server
