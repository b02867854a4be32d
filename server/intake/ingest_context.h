// What every StreamEvents and UploadFile call of the server shares.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "ingest/v1/ingest.pb.h"
#include "server/access/authenticator.h"
#include "server/access/call_limits.h"
#include "server/batching/micro_batcher.h"
#include "server/durability/log_budget.h"
#include "server/intake/file_registry.h"
#include "server/intake/producers.h"
#include "server/intake/stream_directory.h"
#include "server/intake/worker_pool.h"
#include "server/model/ack_mode.h"
#include "server/observability/metrics.h"

namespace ingest::server {

struct IngestContext {
  ProducerRegistry* producers = nullptr;
  MicroBatcher* batcher = nullptr;
  StreamDirectory* streams = nullptr;
  Metrics* metrics = nullptr;
  Clock* clock = nullptr;
  AckMode ack_mode = AckMode::kDurable;  // --ack: when a batch or file is answered
  // --wal-max-bytes: while it is exceeded streams stop reading; null means no budget.
  LogBudget* budget = nullptr;
  // --auth-tokens: each call's bearer token is checked before its first message; null: none needed.
  Authenticator* tokens = nullptr;
  // Open streams and uploads, and the streams' idle clock; null: no limits (unit tests).
  CallLimits* limits = nullptr;
  uint64_t max_request_events = 100000;  // --max-request-events
  // Loads a new producer's state from PostgreSQL off the RPC threads; null: on the caller's thread.
  WorkerPool* loads = nullptr;

  // UploadFile (all set, or uploads are refused as UNIMPLEMENTED).
  FileRegistry* files = nullptr;
  // The committed ingestion of a file by sha256 (ingested_files), or nullopt.
  std::function<absl::StatusOr<std::optional<v1::UploadResult>>(const std::string& sha256)> lookup_file;
  std::string uploads_dir;  // where uploads are spooled while they arrive
  uint64_t max_upload_bytes = 256ull << 20;
  WorkerPool* uploads = nullptr;  // spooling and ingestion, off the RPC threads
};

}  // namespace ingest::server
