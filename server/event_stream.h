// EventStream: the reactor of one StreamEvents call. It reads each batch as raw bytes (which the
// write-ahead log keeps as they are), admits it through the producer's sequence rules, hands new
// ones to the window, and writes one ack per batch in arrival order as each becomes durable.
// It stops reading — so HTTP/2 flow control pushes back on the producer — while 256 batches
// wait for their acks or while the log is over its budget.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "ingest/v1/ingest.pb.h"
#include "server/ingest_context.h"

namespace ingest::server {

class EventStream final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
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
    grpc::ByteBuffer writing ABSL_GUARDED_BY(mu);
    bool write_in_flight ABSL_GUARDED_BY(mu) = false;
    bool read_in_flight ABSL_GUARDED_BY(mu) = false;
    bool log_paused ABSL_GUARDED_BY(mu) = false;  // waiting for room in the log budget
    bool reads_done ABSL_GUARDED_BY(mu) = false;  // half-closed, or ended by an error
    bool finished ABSL_GUARDED_BY(mu) = false;
    grpc::Status final_status ABSL_GUARDED_BY(mu);
    Metrics* metrics = nullptr;  // counts how the call ended

    uint64_t Reserve() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
    void Fill(uint64_t slot, const v1::BatchAck& ack) ABSL_LOCKS_EXCLUDED(mu);
    // Writes the next ready ack, reads the next batch if allowed, finishes when all is acked.
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
  grpc::ByteBuffer request_;
  std::string producer_id_;
};

}  // namespace ingest::server
