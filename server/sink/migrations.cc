#include "server/sink/migrations.h"

#include <pqxx/pqxx>
#include <set>

#include "migrations_data.h"
#include "server/sink/pg_errors.h"

namespace ingest::server {
namespace {

// An arbitrary constant shared by every ingest-server: the key of the migration lock.
constexpr long kMigrationLockKey = 0x696e6765737431;  // "ingest1"

}  // namespace

absl::StatusOr<std::vector<int>> ApplyMigrations(pqxx::connection& conn) {
  std::vector<int> applied;
  absl::Status st = CatchPg("applying schema migrations", [&] {
    pqxx::work tx(conn);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
    tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    std::set<int> done;
    for (const auto& row : tx.exec("SELECT version FROM schema_migrations")) {
      done.insert(row[0].as<int>());
    }
    for (const auto& m : sql::Migrations()) {
      if (done.count(m.version)) continue;
      tx.exec(m.text);
      tx.exec_params("INSERT INTO schema_migrations (version) VALUES ($1)", m.version);
      applied.push_back(m.version);
    }
    tx.commit();
  });
  if (!st.ok()) return st;
  return applied;
}

}  // namespace ingest::server
