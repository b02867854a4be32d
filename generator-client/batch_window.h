// BatchWindow: one producer's batches between their first send and their ack. Acks arrive in
// order, so each must answer the oldest pending batch; acked batch objects are reused for new
// batches. Not thread-safe: the producer's mutex guards it.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "generator-client/acked_log.h"
#include "generator-client/summary.h"
#include "ingest/v1/ingest.pb.h"

namespace ingest::generator {

class BatchWindow {
 public:
  // `acked_log` may be null; it must outlive the window.
  explicit BatchWindow(AckedLog* acked_log) : acked_log_(acked_log) {}

  size_t size() const { return pending_.size(); }
  bool empty() const { return pending_.empty(); }

  // A batch object to fill: an acked one when there is one, else a new one.
  std::unique_ptr<v1::EventBatch> TakeFree();
  // Puts a filled batch at the end of the window, about to be sent for the first time at `now`.
  v1::EventBatch* Add(std::unique_ptr<v1::EventBatch> batch, absl::Time now);
  // The pending batches, oldest first, to resend on a new stream. A pointer stays valid until
  // the batch is acked and its object handed out again by TakeFree.
  std::vector<const v1::EventBatch*> Pending() const;

  // Matches `ack` to the oldest pending batch, counts it and releases the batch. An ack for a
  // batch acked before is ignored; an ack for any other sequence is an Internal error.
  absl::Status OnAck(const v1::BatchAck& ack, absl::Time now);

  ProducerStats& stats() { return stats_; }
  const ProducerStats& stats() const { return stats_; }

 private:
  struct PendingBatch {
    std::unique_ptr<v1::EventBatch> batch;
    absl::Time first_sent;
  };

  AckedLog* const acked_log_;
  std::deque<PendingBatch> pending_;
  std::vector<std::unique_ptr<v1::EventBatch>> free_;
  uint64_t last_acked_ = 0;
  ProducerStats stats_;
};

}  // namespace ingest::generator
