#include "generator-client/batch_window.h"

#include "absl/strings/str_cat.h"
#include "generator-client/event_factory.h"

namespace ingest::generator {

void BatchWindow::Add(uint64_t sequence, int events, const grpc::ByteBuffer& bytes, absl::Time now) {
  ++stats_.batches_sent;
  stats_.events_sent += events;
  pending_.push_back(PendingBatch{sequence, events, bytes, now});
}

std::vector<grpc::ByteBuffer> BatchWindow::Pending() const {
  std::vector<grpc::ByteBuffer> out;
  out.reserve(pending_.size());
  for (const PendingBatch& p : pending_) out.push_back(p.bytes);
  return out;
}

absl::Status BatchWindow::OnAck(const v1::BatchAck& ack, absl::Time now) {
  if (ack.sequence() <= last_acked_) return absl::OkStatus();  // a repeated ack; already counted
  if (pending_.empty() || ack.sequence() != pending_.front().sequence) {
    return absl::InternalError(
        absl::StrCat("the server acked sequence ", ack.sequence(), " but the oldest unacked batch is ",
                     pending_.empty() ? std::string("none") : absl::StrCat(pending_.front().sequence)));
  }
  const PendingBatch& done = pending_.front();
  last_acked_ = ack.sequence();
  ++stats_.batches_acked;
  stats_.events_acked += done.events;
  stats_.accepted += ack.accepted();
  stats_.rejected += ack.rejected();
  stats_.latency.Add(now - done.first_sent);
  if (acked_log_ != nullptr) acked_log_->Append(EventIdPrefix(producer_id_, done.sequence), done.events, ack);
  pending_.pop_front();
  return absl::OkStatus();
}

}  // namespace ingest::generator
