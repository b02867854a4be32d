// The command line of ingest-server: every option and the ServerConfig field it sets.
#pragma once

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "server/server_config.h"

namespace ingest::server {

// Adds every option to `app`; parsing fills `config`.
void AddServerOptions(CLI::App& app, ServerConfig& config);

}  // namespace ingest::server
