// AdminService: status, recent batches and Flush, served on the admin listener only.
#pragma once

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ingest/v1/admin.grpc.pb.h"
#include "server/batch_writer.h"
#include "server/counters.h"
#include "server/durable_log.h"
#include "server/micro_batcher.h"
#include "server/sink/postgres_reader.h"
#include "server/log_budget.h"
#include "server/stream_directory.h"

namespace ingest::server {

struct AdminContext {
  std::string version;
  std::string server_id;
  absl::Time started_at;
  absl::Duration trigger;
  absl::Duration flush_timeout;
  std::string ack_mode;
  std::vector<std::pair<std::string, std::string>> listeners;  // role, address
  MicroBatcher* batcher;
  BatchWriter* writer;
  IntakeCounters* counters;
  StreamDirectory* streams;
  PostgresReader* reader;
  DurableLog* log;
  LogBudget* budget;
};

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(AdminContext ctx) : ctx_(std::move(ctx)) {}

  // The addresses actually bound, known only once both listeners are up.
  void SetListeners(std::vector<std::pair<std::string, std::string>> listeners) {
    absl::MutexLock lock(&mu_);
    ctx_.listeners = std::move(listeners);
  }

  grpc::Status GetStatus(grpc::ServerContext*, const v1::GetStatusRequest*, v1::GetStatusResponse*) override;
  grpc::Status ListBatches(grpc::ServerContext*, const v1::ListBatchesRequest*,
                           v1::ListBatchesResponse*) override;
  grpc::Status Flush(grpc::ServerContext*, const v1::FlushRequest*, v1::FlushResponse*) override;

 private:
  absl::Mutex mu_;
  AdminContext ctx_;
};

}  // namespace ingest::server
