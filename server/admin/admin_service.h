// AdminService: status, recent batches, producers, rejections, files, event lookup and Flush,
// served on the admin listener only. RPCs with more than a few lines of logic live in a file of
// their own (list_producers.cc, where_is_event.cc); database reads go through PostgresReader.
#pragma once

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ingest/v1/admin.grpc.pb.h"
#include "server/access/authenticator.h"
#include "server/admin/server_state.h"
#include "server/observability/metrics.h"
#include "server/sink/postgres_reader.h"

namespace ingest::server {

struct AdminContext {
  std::string version;
  std::string server_id;
  absl::Time started_at;
  absl::Duration trigger;
  absl::Duration flush_timeout;
  AckMode ack_mode;
  std::vector<std::pair<std::string, std::string>> listeners;  // role, address
  StateSources state;  // the window, writer, log and intake GetStatus reads
  Metrics* metrics;
  PostgresReader* reader;
  // --auth-tokens on a TCP admin listener: every call needs an admin token; null: none needed.
  const Authenticator* tokens = nullptr;
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
  grpc::Status ListProducers(grpc::ServerContext*, const v1::ListProducersRequest*,
                             v1::ListProducersResponse*) override;
  grpc::Status ListRejections(grpc::ServerContext*, const v1::ListRejectionsRequest*,
                              v1::ListRejectionsResponse*) override;
  grpc::Status ListFiles(grpc::ServerContext*, const v1::ListFilesRequest*, v1::ListFilesResponse*) override;
  grpc::Status WhereIsEvent(grpc::ServerContext*, const v1::WhereIsEventRequest*,
                            v1::WhereIsEventResponse*) override;
  grpc::Status Flush(grpc::ServerContext*, const v1::FlushRequest*, v1::FlushResponse*) override;

 private:
  // OK when tokens are off, or the call's token is marked admin; else the refusal, counted.
  grpc::Status Authorize(const grpc::ServerContext& call) const;

  absl::Mutex mu_;  // guards ctx_.listeners, set once the listeners are bound
  AdminContext ctx_;
};

}  // namespace ingest::server
