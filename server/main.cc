// ingest-server: command line -> ServerConfig -> Run, or `ingest-server migrate`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "common/conninfo_password.h"
#include "common/logging.h"
#include "server/migrate_command.h"
#include "server/server.h"
#include "server/server_access.h"
#include "server/server_options.h"

namespace {

constexpr char kPasswordWarning[] =
    "the --db connection string holds a password: it is hidden from the process list now, but other "
    "local users could read it there until then; keep it in PGPASSFILE or ~/.pgpass instead";

}  // namespace

int main(int argc, char** argv) {
  ingest::server::ServerConfig config;
  ingest::server::MigrateConfig migrate;
  CLI::App app{
      "ingest-server: receives click-stream events over gRPC (StreamEvents) and writes them to\n"
      "PostgreSQL in micro-batches, one transaction per batch. Admin API (ingest-admin) on\n"
      "--admin-listen, Prometheus /metrics on --metrics-listen. The database password comes from\n"
      "PGPASSFILE or ~/.pgpass, never the command line. `ingest-server migrate --db DSN` applies\n"
      "schema migrations as the owning role (see migrate --help)."};
  ingest::server::AddServerOptions(app, config);
  CLI::App* migrate_command = ingest::server::AddMigrateCommand(app, migrate);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  const bool password_hidden = ingest::HidePasswordsInArgv(argc, argv) > 0;
  if (*migrate_command) {
    if (password_hidden) std::cerr << "ingest-server migrate: warning: " << kPasswordWarning << "\n";
    return ingest::server::RunMigrate(migrate);
  }
  if (auto st = ingest::SetLogLevel(config.log_level); !st.ok()) {
    std::cerr << "ingest-server: " << st.message() << "\n";
    return 2;
  }
  if (password_hidden) ingest::Logger("server")->warn(kPasswordWarning);
  ingest::server::ServerAccess access;
  if (!config.verify_checkpoints) {
    auto loaded = ingest::server::LoadServerAccess(config);
    if (!loaded.ok()) {
      std::cerr << "ingest-server: " << loaded.status().message() << "\n";
      return 2;
    }
    access = std::move(*loaded);
  }
  return ingest::server::Run(config, std::move(access));
}
