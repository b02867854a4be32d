// A fake IngestService for generator tests: acks every batch at once (validating its events like
// the server does), follows the contract's sequence rules, and can kill or refuse a stream.
#pragma once

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/validation.h"
#include "ingest/v1/ingest.grpc.pb.h"

namespace ingest::generator {

class FakeIngestService final : public v1::IngestService::Service {
 public:
  struct Behaviour {
    int kill_after = 0;  // >0: end the first stream, unacked, when its kill_after-th batch arrives
    grpc::StatusCode kill_code = grpc::StatusCode::UNAVAILABLE;
    std::string retry_after_ms;  // trailer sent with the kill, when not empty
    bool never_ack = false;      // read batches but never answer
  };
  struct Received {
    int stream;  // 1 for the first stream the fake saw
    std::string producer_id;
    uint64_t sequence;
    absl::Time at;
  };

  explicit FakeIngestService(Behaviour behaviour) : behaviour_(behaviour) {}

  grpc::Status StreamEvents(grpc::ServerContext* ctx,
                            grpc::ServerReaderWriter<v1::BatchAck, v1::EventBatch>* stream) override {
    int stream_no;
    {
      absl::MutexLock lock(&mu_);
      stream_no = ++streams_;
    }
    v1::EventBatch batch;
    int batches_on_stream = 0;
    while (stream->Read(&batch)) {
      ++batches_on_stream;
      absl::MutexLock lock(&mu_);
      received_.push_back({stream_no, batch.producer_id(), batch.sequence(), absl::Now()});
      uint64_t& last = last_received_[batch.producer_id()];
      if (batch.sequence() > last + 1) {
        return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                            "sequence gap: expected " + std::to_string(last + 1));
      }
      last = std::max(last, batch.sequence());
      if (stream_no == 1 && batches_on_stream == behaviour_.kill_after) {
        if (!behaviour_.retry_after_ms.empty())
          ctx->AddTrailingMetadata("retry-after-ms", behaviour_.retry_after_ms);
        return grpc::Status(behaviour_.kill_code, "injected failure");
      }
      if (behaviour_.never_ack) continue;
      v1::BatchAck ack = Validate(batch);
      ++acks_[{batch.producer_id(), batch.sequence()}];
      stream->Write(ack);
    }
    return grpc::Status::OK;
  }

  std::vector<Received> received() {
    absl::MutexLock lock(&mu_);
    return received_;
  }
  int streams() {
    absl::MutexLock lock(&mu_);
    return streams_;
  }
  // How many acks each (producer, sequence) got.
  std::map<std::pair<std::string, uint64_t>, int> acks() {
    absl::MutexLock lock(&mu_);
    return acks_;
  }
  uint64_t rejected_total() {
    absl::MutexLock lock(&mu_);
    return rejected_total_;
  }

 private:
  v1::BatchAck Validate(const v1::EventBatch& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    v1::BatchAck ack;
    ack.set_sequence(batch.sequence());
    absl::Time now = absl::Now();
    for (int i = 0; i < batch.events_size(); ++i) {
      if (auto problem = ValidateEvent(batch.events(i), now)) {
        v1::Rejection* r = ack.add_rejections();
        r->set_index(i);
        r->set_event_id(batch.events(i).event_id());
        r->set_code(problem->code);
        r->set_reason(problem->reason);
      }
    }
    ack.set_rejected(ack.rejections_size());
    ack.set_accepted(batch.events_size() - ack.rejections_size());
    rejected_total_ += ack.rejected();
    return ack;
  }

  const Behaviour behaviour_;
  absl::Mutex mu_;
  int streams_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<Received> received_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> last_received_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, uint64_t>, int> acks_ ABSL_GUARDED_BY(mu_);
  uint64_t rejected_total_ ABSL_GUARDED_BY(mu_) = 0;
};

// The fake served on 127.0.0.1 at a port the kernel picks.
class FakeServer {
 public:
  explicit FakeServer(FakeIngestService::Behaviour behaviour = {}) : service_(behaviour) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~FakeServer() {
    server_->Shutdown(gpr_time_add(gpr_now(GPR_CLOCK_REALTIME), gpr_time_from_millis(500, GPR_TIMESPAN)));
  }

  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  FakeIngestService& service() { return service_; }

 private:
  FakeIngestService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace ingest::generator
