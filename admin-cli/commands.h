// ingest-admin's subcommands. Each Add*Command adds its CLI11 subcommand with its options to
// `app` and returns how to run it; a new command (producers, rejections, files, where) is one
// more function here and one line in cli.cc.
#pragma once

#include <CLI/CLI.hpp>

#include "admin-cli/command.h"

namespace ingest::admin {

Command AddStatusCommand(CLI::App& app);   // GetStatus as a key/value table
Command AddBatchesCommand(CLI::App& app);  // ListBatches as a table
Command AddFlushCommand(CLI::App& app);    // Flush: seal the window and wait for the commit
Command AddHealthCommand(CLI::App& app);   // grpc.health.v1 Check

}  // namespace ingest::admin
