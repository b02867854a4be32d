// ingest-admin's subcommands. Each Add*Command adds its CLI11 subcommand with its options to
// `app` and returns how to run it; a new command is one more function here and one line in
// cli.cc. status, batches, flush and health are in commands.cc; producers, rejections, files and
// where in inspect_commands.cc.
#pragma once

#include <CLI/CLI.hpp>

#include "admin-cli/command.h"

namespace ingest::admin {

Command AddStatusCommand(CLI::App& app);      // GetStatus as a key/value table
Command AddBatchesCommand(CLI::App& app);     // ListBatches as a table
Command AddFlushCommand(CLI::App& app);       // Flush: seal the window and wait for the commit
Command AddHealthCommand(CLI::App& app);      // grpc.health.v1 Check
Command AddProducersCommand(CLI::App& app);   // ListProducers as a table
Command AddRejectionsCommand(CLI::App& app);  // ListRejections as a table, optionally one code
Command AddFilesCommand(CLI::App& app);       // ListFiles as a table
Command AddWhereCommand(CLI::App& app);       // WhereIsEvent; exits 1 when the event is unknown

}  // namespace ingest::admin
