// EventStream: the reactor of one StreamEvents call. It reads batches, admits each through the
// producer's sequence rules, hands new ones to the window, and writes one ack per batch in
// arrival order as each becomes durable.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "ingest/v1/ingest.grpc.pb.h"
#include "server/clock.h"
#include "server/counters.h"
#include "server/micro_batcher.h"
#include "server/producers.h"
#include "server/stream_directory.h"

namespace ingest::server {

// What every stream of the server shares.
struct IngestContext {
  ProducerRegistry* producers;
  MicroBatcher* batcher;
  StreamDirectory* streams;
  IntakeCounters* counters;
  Clock* clock;
  bool durable_acks;  // --ack=durable: ack once in the fsynced log, not once committed
  // True while the log is over --wal-max-bytes: new batches get UNAVAILABLE with a retry hint.
  std::function<bool()> log_full = [] { return false; };
};

class EventStream final : public grpc::ServerBidiReactor<v1::EventBatch, v1::BatchAck> {
 public:
  EventStream(const IngestContext& ctx, grpc::CallbackServerContext* call);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // The part of the stream that ack callbacks may reach after the reactor is gone.
  struct Shared {
    absl::Mutex mu;
    EventStream* reactor ABSL_GUARDED_BY(mu);
    std::deque<std::optional<v1::BatchAck>> slots ABSL_GUARDED_BY(mu);  // acks in batch order
    uint64_t first_slot ABSL_GUARDED_BY(mu) = 0;
    v1::BatchAck writing ABSL_GUARDED_BY(mu);
    bool write_in_flight ABSL_GUARDED_BY(mu) = false;
    bool read_paused ABSL_GUARDED_BY(mu) = false;
    bool reads_done ABSL_GUARDED_BY(mu) = false;  // half-closed, or ended by an error
    bool finished ABSL_GUARDED_BY(mu) = false;
    grpc::Status final_status ABSL_GUARDED_BY(mu);

    uint64_t Reserve() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
    void Fill(uint64_t slot, const v1::BatchAck& ack) ABSL_LOCKS_EXCLUDED(mu);
    void Pump() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
    void FinishNow(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
    // Ends the stream at once, or once every batch received is acked.
    void End(const grpc::Status& status, bool after_acks) ABSL_LOCKS_EXCLUDED(mu);
  };

  // Admits the batch in request_; returns an error that ends the stream.
  grpc::Status Process();
  // Acks everything received so far, then ends the stream with `status`.
  void EndAfterAcks(const grpc::Status& status);

  IngestContext ctx_;
  grpc::CallbackServerContext* call_;
  std::shared_ptr<Shared> shared_;
  v1::EventBatch request_;
  std::string producer_id_;
};

// The IngestService on the callback API.
class IngestServiceImpl final : public v1::IngestService::CallbackService {
 public:
  explicit IngestServiceImpl(const IngestContext& ctx) : ctx_(ctx) {}

  grpc::ServerBidiReactor<v1::EventBatch, v1::BatchAck>* StreamEvents(
      grpc::CallbackServerContext* call) override;
  grpc::ServerReadReactor<v1::FileChunk>* UploadFile(grpc::CallbackServerContext* call,
                                                     v1::UploadResult* result) override;

 private:
  IngestContext ctx_;
};

}  // namespace ingest::server
