// Run(): ingest-server's life — prepare the database, start the window, the writer and both
// listeners, serve until SIGTERM/SIGINT, then drain.
#pragma once

#include "server/server_config.h"

namespace ingest::server {

// Returns the process exit code: 0 after a clean drain, 1 when it could not start.
int Run(const ServerConfig& config);

}  // namespace ingest::server
