// BatchWindow: one producer's batches between their first send and their ack, each kept as the
// bytes that were sent, so a resend sends them again unchanged. Acks arrive in order, so each
// must answer the oldest pending batch. Not thread-safe: the producer's mutex guards it.
#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "generator-client/acked_log.h"
#include "generator-client/summary.h"
#include "ingest/v1/ingest.pb.h"

namespace ingest::generator {

class BatchWindow {
 public:
  // `acked_log` may be null; it must outlive the window. Event ids are those EventFactory gives
  // the batches of `producer_id`.
  BatchWindow(std::string producer_id, AckedLog* acked_log)
      : producer_id_(std::move(producer_id)), acked_log_(acked_log) {}

  size_t size() const { return pending_.size(); }
  bool empty() const { return pending_.empty(); }

  // Puts batch `sequence` of `events` events, serialized as `bytes`, at the end of the window,
  // about to be sent for the first time at `now`.
  void Add(uint64_t sequence, int events, const grpc::ByteBuffer& bytes, absl::Time now);
  // The pending batches' bytes, oldest first, to resend on a new stream (copies share the bytes).
  std::vector<grpc::ByteBuffer> Pending() const;

  // Matches `ack` to the oldest pending batch, counts it and releases the batch. An ack for a
  // batch acked before is ignored; an ack for any other sequence is an Internal error.
  absl::Status OnAck(const v1::BatchAck& ack, absl::Time now);

  ProducerStats& stats() { return stats_; }
  const ProducerStats& stats() const { return stats_; }

 private:
  struct PendingBatch {
    uint64_t sequence;
    int events;
    grpc::ByteBuffer bytes;
    absl::Time first_sent;
  };

  const std::string producer_id_;
  AckedLog* const acked_log_;
  std::deque<PendingBatch> pending_;
  uint64_t last_acked_ = 0;
  ProducerStats stats_;
};

}  // namespace ingest::generator
