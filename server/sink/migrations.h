// The schema: the pending sql/NNN_*.sql migrations applied inside one transaction that holds an
// advisory lock (so several servers or `ingest-server migrate` runs at once are safe), the check a
// starting server makes before it touches the schema, and the grants of the serving role.
#pragma once

#include <pqxx/connection>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/sink/database_migration.h"

namespace ingest::server {

// The advisory lock held by every change of the schema or its grants: an arbitrary constant
// shared by every ingest-server ("ingest1").
inline constexpr long kSchemaLockKey = 0x696e6765737431;

// Applies the pending migrations as the role of `conn`, which must be able to change the schema.
// Returns the versions applied now (empty when the schema was current).
absl::StatusOr<std::vector<int>> ApplyMigrations(pqxx::connection& conn);

// At server start. The schema current: nothing at all (no DDL, no lock). Migrations pending: they
// are applied when the role may change the schema (it has CREATE on the schema and owns
// schema_migrations, if that exists); otherwise FailedPrecondition with "schema is at version N,
// this server needs M: run `ingest-server migrate --db …` as the owning role".
absl::StatusOr<std::vector<int>> PrepareSchema(pqxx::connection& conn);

// The schema's version: the highest migration applied (0 when none), read without changing it.
absl::StatusOr<int> SchemaVersion(pqxx::connection& conn);

// Gives `role` exactly what a serving ingest-server needs on the schema's objects that the role of
// `conn` owns: SELECT, INSERT, UPDATE, DELETE on the tables (only SELECT on schema_migrations),
// SELECT on the views, USAGE on the sequences, USAGE on the schema, CONNECT and TEMPORARY on the
// database (when the role of `conn` owns it), and the same on tables and sequences it creates
// later (ALTER DEFAULT PRIVILEGES). Privileges beyond these on those objects are revoked from it.
absl::StatusOr<GrantCounts> GrantServingRole(pqxx::connection& conn, const std::string& role);

}  // namespace ingest::server
