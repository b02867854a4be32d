#include "tests/testing/memory_sink.h"

#include "absl/time/clock.h"
#include "common/time_text.h"

namespace ingest::server {

absl::StatusOr<CommitResult> MemorySink::Write(const SealedBatch& batch) {
  absl::MutexLock lock(&mu_);
  ++attempts_;
  if (fail_next_ > 0) {
    --fail_next_;
    return fail_with_;
  }
  if (auto it = batches_.find(batch.batch_id); it != batches_.end()) {
    CommitResult again = it->second;
    again.already_committed = true;
    return again;
  }
  CommitResult result;
  std::map<std::string, const EventRow*> last;  // within a batch, the later position wins
  for (size_t k = 0; k < batch.items.size(); ++k) {
    const WindowItem& item = batch.items[k];
    std::vector<RejectedRow> refused;
    for (const auto& e : item.events) {
      if (refused_product_.empty() || e.product_id != refused_product_) {
        last[e.event_id] = &e;
        continue;
      }
      refused.push_back(RejectedRow{PositionOfEvent(item, &e - item.events.data()), e.event_id, "db_refused",
                                    "PostgreSQL refused the row (SQLSTATE 23514)", ""});
      result.refused_rows.push_back({k, refused.back()});
    }
    for (const auto& r : item.rejects) rejects_.push_back(r);
    for (const auto& r : refused) rejects_.push_back(r);
    result.rejected += item.rejects.size() + refused.size();
    result.refused += refused.size();
    if (item.source == Source::kStream) {
      ProducerRecord& p = producers_[item.origin];
      p.last_sequence = std::max(p.last_sequence, item.sequence);
      p.acks.push_back(StoredAck{item.sequence, item.content_hash, WithRefused(item.ack, refused)});
    }
  }
  for (const auto& [id, row] : last) {
    auto it = rows_.find(id);
    if (it == rows_.end()) {
      rows_[id] = *row;
      ++result.inserted;
    } else if (update_on_conflict_) {
      it->second = *row;
      ++result.updated;
    }
  }
  result.committed_at_us = ToMicros(absl::Now());
  batches_[batch.batch_id] = result;
  return result;
}

absl::StatusOr<std::optional<ProducerRecord>> MemorySink::LoadProducer(const std::string& producer_id) {
  absl::MutexLock lock(&mu_);
  auto it = producers_.find(producer_id);
  if (it == producers_.end()) return std::optional<ProducerRecord>();
  return std::optional<ProducerRecord>(it->second);
}

absl::StatusOr<uint64_t> MemorySink::LastBatchId() {
  absl::MutexLock lock(&mu_);
  return batches_.empty() ? 0 : batches_.rbegin()->first;
}

void MemorySink::RefuseProduct(std::string product_id) {
  absl::MutexLock lock(&mu_);
  refused_product_ = std::move(product_id);
}

void MemorySink::FailNextWrites(int n, absl::Status error) {
  absl::MutexLock lock(&mu_);
  fail_next_ = n;
  fail_with_ = std::move(error);
}

std::map<std::string, EventRow> MemorySink::rows() const {
  absl::MutexLock lock(&mu_);
  return rows_;
}

std::vector<RejectedRow> MemorySink::rejects() const {
  absl::MutexLock lock(&mu_);
  return rejects_;
}

std::vector<uint64_t> MemorySink::committed_batches() const {
  absl::MutexLock lock(&mu_);
  std::vector<uint64_t> out;
  for (const auto& [id, _] : batches_) out.push_back(id);
  return out;
}

int MemorySink::write_attempts() const {
  absl::MutexLock lock(&mu_);
  return attempts_;
}

}  // namespace ingest::server
