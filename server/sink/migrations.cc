#include "server/sink/migrations.h"

#include <algorithm>
#include <pqxx/pqxx>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "migrations_data.h"
#include "server/sink/pg_errors.h"

namespace ingest::server {
namespace {

// What the role of a connection finds of the schema, read without changing anything.
struct SchemaState {
  std::set<int> applied;
  bool may_migrate = false;  // CREATE on the schema, and schema_migrations (if any) is its own
  std::string role;
};

SchemaState ReadSchemaState(pqxx::transaction_base& tx) {
  SchemaState s;
  auto row = tx.exec(
      "SELECT to_regclass('schema_migrations') IS NOT NULL, "
      " coalesce(has_schema_privilege(current_schema(), 'CREATE'), false) AND "
      " coalesce((SELECT pg_has_role(relowner, 'USAGE') FROM pg_class "
      "           WHERE oid = to_regclass('schema_migrations')), true), "
      " current_user")[0];
  s.may_migrate = row[1].as<bool>();
  s.role = row[2].as<std::string>();
  if (row[0].as<bool>()) {
    for (const auto& r : tx.exec("SELECT version FROM schema_migrations")) s.applied.insert(r[0].as<int>());
  }
  return s;
}

std::vector<int> Pending(const std::set<int>& applied) {
  std::vector<int> pending;
  for (const auto& m : sql::Migrations()) {
    if (!applied.count(m.version)) pending.push_back(m.version);
  }
  return pending;
}

int VersionOf(const std::set<int>& applied) { return applied.empty() ? 0 : *applied.rbegin(); }

int NeededVersion() {
  int needed = 0;
  for (const auto& m : sql::Migrations()) needed = std::max(needed, m.version);
  return needed;
}

}  // namespace

absl::StatusOr<std::vector<int>> ApplyMigrations(pqxx::connection& conn) {
  std::vector<int> applied;
  absl::Status st = CatchPg("applying schema migrations", [&] {
    applied.clear();
    pqxx::work tx(conn);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kSchemaLockKey);
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

absl::StatusOr<std::vector<int>> PrepareSchema(pqxx::connection& conn) {
  SchemaState state;
  absl::Status st = CatchPg("reading the schema's version", [&] {
    pqxx::read_transaction tx(conn);
    state = ReadSchemaState(tx);
  });
  if (!st.ok()) return st;
  if (Pending(state.applied).empty()) return std::vector<int>{};
  if (!state.may_migrate) {
    return absl::FailedPreconditionError(
        absl::StrCat("schema is at version ", VersionOf(state.applied), ", this server needs ",
                     NeededVersion(), ": run `ingest-server migrate --db …` as the owning role (role \"",
                     state.role, "\" may not change the schema)"));
  }
  return ApplyMigrations(conn);
}

absl::StatusOr<int> SchemaVersion(pqxx::connection& conn) {
  int version = 0;
  absl::Status st = CatchPg("reading the schema's version", [&] {
    pqxx::read_transaction tx(conn);
    version = VersionOf(ReadSchemaState(tx).applied);
  });
  if (!st.ok()) return st;
  return version;
}

}  // namespace ingest::server
