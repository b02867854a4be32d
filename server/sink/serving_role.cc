// GrantServingRole (migrations.h): the privileges of the role a serving ingest-server connects as.
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "server/sink/migrations.h"
#include "server/sink/pg_errors.h"

namespace ingest::server {
namespace {

// What the server does as its role, and so all it gets: it reads and writes rows (INSERT ... ON
// CONFLICT, UPDATE, DELETE of producers' old acks), draws ids from the BIGSERIAL sequences, and
// reads schema_migrations at start. Its staging tables and function are in pg_temp (TEMPORARY on
// the database); COPY goes only into them; advisory locks need no privilege.
struct RelationGrant {
  const char* kind;
  const char* grant;
  const char* revoke;  // everything else the object type has, so the result is exact
};
constexpr RelationGrant kTableGrant{"TABLE", "SELECT, INSERT, UPDATE, DELETE",
                                    "TRUNCATE, REFERENCES, TRIGGER"};
constexpr RelationGrant kReadOnlyGrant{"TABLE", "SELECT",
                                       "INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER"};
constexpr RelationGrant kSequenceGrant{"SEQUENCE", "USAGE", "SELECT, UPDATE"};

void Grant(pqxx::transaction_base& tx, const RelationGrant& g, const std::string& object,
           const std::string& role) {
  tx.exec(absl::StrCat("GRANT ", g.grant, " ON ", g.kind, " ", object, " TO ", role));
  tx.exec(absl::StrCat("REVOKE ", g.revoke, " ON ", g.kind, " ", object, " FROM ", role));
}

void GrantOnDatabaseAndSchema(pqxx::transaction_base& tx, const std::string& role) {
  auto row = tx.exec(
      "SELECT quote_ident(current_database()), quote_ident(current_schema()), "
      " (SELECT pg_has_role(datdba, 'USAGE') FROM pg_database WHERE datname = current_database())")[0];
  const std::string db = row[0].as<std::string>(), schema = row[1].as<std::string>();
  // Without ownership of the database, CONNECT and TEMPORARY are the DBA's to give (PUBLIC has them
  // unless revoked).
  if (row[2].as<bool>()) tx.exec(absl::StrCat("GRANT CONNECT, TEMPORARY ON DATABASE ", db, " TO ", role));
  tx.exec(absl::StrCat("GRANT USAGE ON SCHEMA ", schema, " TO ", role));
  tx.exec(absl::StrCat("ALTER DEFAULT PRIVILEGES IN SCHEMA ", schema,
                       " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ", role));
  tx.exec(absl::StrCat("ALTER DEFAULT PRIVILEGES IN SCHEMA ", schema, " GRANT USAGE ON SEQUENCES TO ", role));
}

}  // namespace

absl::StatusOr<GrantCounts> GrantServingRole(pqxx::connection& conn, const std::string& role_name) {
  GrantCounts counts;
  absl::Status st = CatchPg(absl::StrCat("granting role \"", role_name, "\" its privileges"), [&] {
    counts = GrantCounts{};
    pqxx::work tx(conn);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kSchemaLockKey);
    const std::string role = tx.quote_name(role_name);
    GrantOnDatabaseAndSchema(tx, role);
    auto relations = tx.exec(
        "SELECT format('%I.%I', n.nspname, c.relname), c.relkind, c.relname = 'schema_migrations' "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
        "  AND pg_has_role(c.relowner, 'USAGE') ORDER BY 1");
    for (const auto& r : relations) {
      const std::string object = r[0].as<std::string>();
      const char kind = r[1].as<std::string>()[0];
      if (kind == 'S') {
        Grant(tx, kSequenceGrant, object, role);
        ++counts.sequences;
      } else if (kind == 'v' || kind == 'm') {
        Grant(tx, kReadOnlyGrant, object, role);
        ++counts.views;
      } else {
        Grant(tx, r[2].as<bool>() ? kReadOnlyGrant : kTableGrant, object, role);
        ++counts.tables;
      }
    }
    tx.commit();
  });
  if (!st.ok()) return st;
  return counts;
}

}  // namespace ingest::server
