#include "generator-client/batch_window.h"

#include "absl/strings/str_cat.h"

namespace ingest::generator {

std::unique_ptr<v1::EventBatch> BatchWindow::TakeFree() {
  if (free_.empty()) return std::make_unique<v1::EventBatch>();
  std::unique_ptr<v1::EventBatch> batch = std::move(free_.back());
  free_.pop_back();
  return batch;
}

v1::EventBatch* BatchWindow::Add(std::unique_ptr<v1::EventBatch> batch, absl::Time now) {
  ++stats_.batches_sent;
  stats_.events_sent += batch->events_size();
  pending_.push_back(PendingBatch{std::move(batch), now});
  return pending_.back().batch.get();
}

std::vector<const v1::EventBatch*> BatchWindow::Pending() const {
  std::vector<const v1::EventBatch*> out;
  out.reserve(pending_.size());
  for (const PendingBatch& p : pending_) out.push_back(p.batch.get());
  return out;
}

absl::Status BatchWindow::OnAck(const v1::BatchAck& ack, absl::Time now) {
  if (ack.sequence() <= last_acked_) return absl::OkStatus();  // a repeated ack; already counted
  if (pending_.empty() || ack.sequence() != pending_.front().batch->sequence()) {
    return absl::InternalError(absl::StrCat(
        "the server acked sequence ", ack.sequence(), " but the oldest unacked batch is ",
        pending_.empty() ? std::string("none") : absl::StrCat(pending_.front().batch->sequence())));
  }
  PendingBatch done = std::move(pending_.front());
  pending_.pop_front();
  last_acked_ = ack.sequence();
  ++stats_.batches_acked;
  stats_.events_acked += done.batch->events_size();
  stats_.accepted += ack.accepted();
  stats_.rejected += ack.rejected();
  stats_.latency.Add(now - done.first_sent);
  if (acked_log_ != nullptr) acked_log_->Append(*done.batch, ack);
  free_.push_back(std::move(done.batch));
  return absl::OkStatus();
}

}  // namespace ingest::generator
