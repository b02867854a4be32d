// ServerState: one reading of the server's moving parts — window, writer, log, intake — taken
// by GetStatus and by each /metrics scrape, so both tell the same story.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "server/batching/batch_writer.h"
#include "server/batching/micro_batcher.h"
#include "server/durability/durable_log.h"
#include "server/durability/log_budget.h"
#include "server/intake/file_registry.h"
#include "server/intake/producers.h"
#include "server/intake/stream_directory.h"
#include "server/model/ack_mode.h"
#include "server/observability/database_probe.h"

namespace ingest::server {

// Where the state is read from; all set by the wiring (server/wiring.h; tests may leave
// files/draining null).
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
  AckMode ack_mode = AckMode::kDurable;         // --ack
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
