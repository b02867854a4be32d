#include "server/sink/database_migration.h"

#include <memory>
#include <pqxx/pqxx>

#include "server/sink/migrations.h"
#include "server/sink/pg_errors.h"

namespace ingest::server {

absl::StatusOr<MigrateOutcome> MigrateDatabase(const MigrateRequest& request) {
  std::unique_ptr<pqxx::connection> conn;
  absl::Status st = CatchPg("connecting to PostgreSQL",
                            [&] { conn = std::make_unique<pqxx::connection>(request.conninfo); });
  if (!st.ok()) return st;
  MigrateOutcome outcome;
  // As a starting server does: a role that may not change the schema gets the line that says so.
  auto applied = PrepareSchema(*conn);
  if (!applied.ok()) return applied.status();
  outcome.applied = *applied;
  auto version = SchemaVersion(*conn);
  if (!version.ok()) return version.status();
  outcome.version = *version;
  if (!request.grant_to.empty()) {
    auto grants = GrantServingRole(*conn, request.grant_to);
    if (!grants.ok()) return grants.status();
    outcome.granted = true;
    outcome.grants = *grants;
  }
  return outcome;
}

}  // namespace ingest::server
