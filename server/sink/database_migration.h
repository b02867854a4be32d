// MigrateDatabase: what `ingest-server migrate` does, on a connection of its own (this header
// keeps libpqxx out of the command's code): the pending migrations applied as the DSN's role,
// then, when asked, the grants of the role the server will connect as.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ingest::server {

// What GrantServingRole (migrations.h) granted on.
struct GrantCounts {
  int tables = 0;
  int views = 0;
  int sequences = 0;
};

struct MigrateRequest {
  std::string conninfo;  // libpq connection string of the role that owns the schema, passed as is
  std::string grant_to;  // the serving role to grant its privileges to; empty: none
};

struct MigrateOutcome {
  std::vector<int> applied;  // versions applied now, ascending; empty when the schema was current
  int version = 0;           // the schema's version afterwards
  bool granted = false;
  GrantCounts grants;
};

absl::StatusOr<MigrateOutcome> MigrateDatabase(const MigrateRequest& request);

}  // namespace ingest::server
