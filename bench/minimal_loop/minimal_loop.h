// The minimal loop: a StreamEvents server that does only what a durable ack needs — parse each
// batch, a trivial check per event, append the batch's bytes to a file, group-commit fdatasync,
// ack in order with the real server's BatchAck — so that bench/ingest_path.sh can compare
// ingest-server with the limit this machine and gRPC set.
#pragma once

#include <string>

namespace ingest::bench {

struct MinimalLoopConfig {
  std::string listen = "127.0.0.1:0";
  std::string log_file = "minimal-loop.log";
  std::string ready_file;  // written once listening: "ingest=HOST:PORT"
};

// Serves until SIGINT or SIGTERM; returns the process's exit code.
int RunMinimalLoop(const MinimalLoopConfig& config);

}  // namespace ingest::bench
