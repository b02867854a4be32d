// ingest-server: command line -> ServerConfig -> Run.
#include <CLI/CLI.hpp>
#include <iostream>

#include "common/logging.h"
#include "server/server.h"
#include "server/server_access.h"
#include "server/server_options.h"

int main(int argc, char** argv) {
  ingest::server::ServerConfig config;
  CLI::App app{
      "ingest-server: receives click-stream events over gRPC (StreamEvents) and writes them to\n"
      "PostgreSQL in micro-batches, one transaction per batch. Admin API (ingest-admin) on\n"
      "--admin-listen, Prometheus /metrics on --metrics-listen. The database password comes from\n"
      "PGPASSFILE or ~/.pgpass, never the command line."};
  ingest::server::AddServerOptions(app, config);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (auto st = ingest::SetLogLevel(config.log_level); !st.ok()) {
    std::cerr << "ingest-server: " << st.message() << "\n";
    return 2;
  }
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
