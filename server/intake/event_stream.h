// EventStream: the reactor of one StreamEvents call. It reads each batch as raw bytes (which the
// write-ahead log keeps as they are), admits it through the producer's sequence rules, hands new
// ones to the window, and writes one ack per batch in arrival order as each becomes durable.
// It stops reading — so HTTP/2 flow control pushes back on the producer — while 256 batches
// wait for their acks, while the log is over its budget, or for as long as its client is over
// --max-batches-per-second. Before its first read, the call's token
// and the stream limits are checked (server/access/). The first batch of a producer whose
// state is not in memory is processed on the loads pool, as that state comes from PostgreSQL.
#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "ingest/v1/ingest.pb.h"
#include "server/intake/ingest_context.h"
#include "server/model/received_batch.h"

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
    bool log_paused ABSL_GUARDED_BY(mu) = false;   // waiting for room in the log budget
    bool rate_paused ABSL_GUARDED_BY(mu) = false;  // waiting out its client's --max-batches-per-second
    std::unique_ptr<grpc::Alarm> rate_alarm ABSL_GUARDED_BY(mu);  // ends rate_paused
    bool reads_done ABSL_GUARDED_BY(mu) = false;                  // half-closed, or ended by an error
    bool finished ABSL_GUARDED_BY(mu) = false;
    grpc::Status final_status ABSL_GUARDED_BY(mu);
    grpc::StatusCode finished_code ABSL_GUARDED_BY(mu) = grpc::StatusCode::OK;  // counted in OnDone
    Metrics* metrics = nullptr;                                                 // counts how the call ended

    uint64_t Reserve() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
    void Fill(uint64_t slot, const v1::BatchAck& ack) ABSL_LOCKS_EXCLUDED(mu);
    // Writes the next ready ack, reads the next batch if allowed, finishes when all is acked.
    void Pump() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
    void FinishNow(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
    // Ends the stream at once, or once every batch received is acked.
    void End(const grpc::Status& status, bool after_acks) ABSL_LOCKS_EXCLUDED(mu);
  };

  struct Message;  // one batch as read: its bytes, kept alive, and what they parse to

  // The call's token and a place under the stream limits; an error refuses the call unread.
  grpc::Status Open();
  // Ends the stream, once its batches are acked, when it idled past --stream-idle-timeout.
  CallLimits::EndIdle IdleEnd();
  // The token still in force and the batch within --max-request-events.
  grpc::Status Allowed(const ReceivedBatch& received);
  // Admits the batch and hands it on; an error ends the stream.
  grpc::Status Process(const Message& message);
  // The stream's producer is the first batch's; a batch naming another is refused.
  grpc::Status BindProducer(const std::string& producer);
  // After a batch: the next read, or the end of the stream with `status`.
  void Continue(const grpc::Status& status);
  // The next read waits `wait`, for the client's --max-batches-per-second.
  void PauseForRate(absl::Duration wait) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu);
  // Acks everything received so far, then ends the stream with `status`.
  void EndAfterAcks(const grpc::Status& status);
  // Drops one reference; the last one (gRPC's, or a job's on the loads pool) deletes the reactor.
  void Unref();

  IngestContext ctx_;
  const std::string peer_;  // kept: the call's context is gone after OnDone, a job may still run
  grpc::CallbackServerContext* call_;
  std::shared_ptr<Shared> shared_;
  grpc::ByteBuffer request_;
  std::shared_ptr<const Grant> grant_;                // what the call's token allows
  std::unique_ptr<CallLimits::StreamTicket> ticket_;  // its place under the limits; null without limits
  std::string producer_id_;   // set by the first batch; written and read by one batch at a time
  std::atomic<int> refs_{1};  // gRPC's until OnDone, plus one per job queued on ctx_.loads
};

}  // namespace ingest::server
