// `ingest-server migrate`: applies the pending schema migrations as the role of --db (the role that
// owns the schema), and with --grant-to gives the role the server connects as exactly what it
// needs; then exits. The serving role itself never changes the schema (docs/security.md).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace ingest::server {

struct MigrateConfig {
  std::string db;        // libpq connection string of the owning role, passed to libpq as is
  std::string grant_to;  // serving role to grant its privileges to; empty: none
};

// Adds the subcommand to `app`; parsing fills `config`. Its result is true when it was given.
CLI::App* AddMigrateCommand(CLI::App& app, MigrateConfig& config);

// Prints what it applied (or that the schema is current) and what it granted; 0 when done, 1 with
// one line on stderr saying what failed.
int RunMigrate(const MigrateConfig& config);

}  // namespace ingest::server
