#include "server/migrate_command.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/sink/database_migration.h"

namespace ingest::server {

CLI::App* AddMigrateCommand(CLI::App& app, MigrateConfig& config) {
  CLI::App* cmd = app.add_subcommand(
      "migrate",
      "Apply the pending schema migrations (sql/NNN_*.sql, built in) and exit: 0 when the schema is\n"
      "current, 1 with one line saying what failed. Run it as the role that owns the schema, before\n"
      "starting a new version of the server; the server's own role then needs no right to change\n"
      "the schema. The password comes from PGPASSFILE or ~/.pgpass, never the command line.");
  cmd->add_option("--db", config.db,
                  "libpq connection string of the owning role, e.g. \"host=127.0.0.1 port=5432 "
                  "dbname=ecommerce_events user=ingest_owner sslmode=verify-full\"; passed to libpq as is, "
                  "PG* environment variables fill what it leaves out")
      ->required();
  cmd->add_option("--grant-to", config.grant_to,
                  "also give this role what a serving ingest-server needs and nothing more: SELECT, INSERT, "
                  "UPDATE, DELETE on the tables (SELECT on schema_migrations), SELECT on the views, USAGE on "
                  "the sequences, and the same on tables made later")
      ->type_name("ROLE");
  return cmd;
}

namespace {

std::string Count(int n, const char* noun) { return absl::StrCat(n, " ", noun, n == 1 ? "" : "s"); }

std::string Versions(const std::vector<int>& versions) {
  return absl::StrJoin(versions, ", ",
                       [](std::string* out, int v) { absl::StrAppendFormat(out, "%03d", v); });
}

}  // namespace

int RunMigrate(const MigrateConfig& config) {
  auto outcome = MigrateDatabase(MigrateRequest{config.db, config.grant_to});
  if (!outcome.ok()) {
    std::cerr << "ingest-server migrate: " << outcome.status().message() << "\n";
    return 1;
  }
  if (outcome->applied.empty()) {
    std::cout << "the schema is current (version " << outcome->version << "): nothing to apply\n";
  } else {
    std::cout << "applied schema migrations " << Versions(outcome->applied) << ": the schema is at version "
              << outcome->version << "\n";
  }
  if (outcome->granted) {
    const GrantCounts& g = outcome->grants;
    std::cout << "granted role \"" << config.grant_to << "\" what ingest-server needs on "
              << Count(g.tables, "table") << ", " << Count(g.views, "view") << " and "
              << Count(g.sequences, "sequence") << "\n";
  }
  return 0;
}

}  // namespace ingest::server
