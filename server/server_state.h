// ServerState: one reading of the server's moving parts — window, writer, log, intake — taken
// by GetStatus and by each /metrics scrape, so both tell the same story.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "server/batch_writer.h"
#include "server/database_probe.h"
#include "server/durable_log.h"
#include "server/file_registry.h"
#include "server/log_budget.h"
#include "server/micro_batcher.h"
#include "server/producers.h"
#include "server/stream_directory.h"

namespace ingest::server {

// Where the state is read from; all set by server.cc (tests may leave files/draining null).
struct StateSources {
  MicroBatcher* batcher = nullptr;
  BatchWriter* writer = nullptr;
  DurableLog* log = nullptr;
  LogBudget* budget = nullptr;
  StreamDirectory* streams = nullptr;
  ProducerRegistry* producers = nullptr;
  FileRegistry* files = nullptr;
  const DatabaseProbe* database = nullptr;
  const std::atomic<bool>* draining = nullptr;  // set once SIGTERM/SIGINT started the drain
  bool committed_acks = false;                  // --ack=committed
  uint64_t segment_bytes = 0;                   // --wal-segment-bytes
};

// Intake modes, as GetStatus names them.
inline constexpr const char* kAccepting = "accepting";
inline constexpr const char* kThrottling = "throttling";
inline constexpr const char* kRefusing = "refusing";

struct ServerState {
  WindowStats window;
  WriterStats writer;
  uint64_t wal_bytes = 0;
  uint64_t wal_segments = 0;
  uint64_t wal_max_bytes = 0;  // 0: no budget
  uint64_t checkpoint_bytes = 0;
  std::string intake_mode = kAccepting;
  std::string intake_reason;  // why it is not plainly accepting
  size_t streams = 0;
  size_t streams_waiting = 0;  // paused until commits free log space
  size_t producers = 0;
  size_t uploads_in_progress = 0;
  DatabaseHealth database;  // unchecked without a probe
};

ServerState ReadServerState(const StateSources& sources);

}  // namespace ingest::server
