// What every StreamEvents and UploadFile call of the server shares.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "ingest/v1/ingest.pb.h"
#include "common/clock.h"
#include "server/file_registry.h"
#include "server/log_budget.h"
#include "server/metrics.h"
#include "server/micro_batcher.h"
#include "server/producers.h"
#include "server/stream_directory.h"

namespace ingest::server {

struct IngestContext {
  ProducerRegistry* producers;
  MicroBatcher* batcher;
  StreamDirectory* streams;
  Metrics* metrics;
  Clock* clock;
  bool durable_acks;  // --ack=durable: ack once in the fsynced log, not once committed
  // --wal-max-bytes: while it is exceeded streams stop reading; null means no budget.
  LogBudget* budget = nullptr;

  // UploadFile (all set, or uploads are refused as UNIMPLEMENTED).
  FileRegistry* files = nullptr;
  // The committed ingestion of a file by sha256 (ingested_files), or nullopt.
  std::function<absl::StatusOr<std::optional<v1::UploadResult>>(const std::string& sha256)> lookup_file;
  std::string uploads_dir;  // where uploads are spooled while they arrive
  uint64_t max_upload_bytes = 256ull << 20;
  class UploadWorkers* upload_workers = nullptr;
};

}  // namespace ingest::server
