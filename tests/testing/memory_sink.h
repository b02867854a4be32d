// MemorySink: an EventSink in memory for tests — rows by event_id with the same upsert rules,
// rejects, producer acks and batch rows; it can be told to fail the next writes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "server/model/event_sink.h"

namespace ingest::server {

class MemorySink final : public EventSink {
 public:
  explicit MemorySink(bool update_on_conflict = true) : update_on_conflict_(update_on_conflict) {}

  absl::StatusOr<CommitResult> Write(const SealedBatch& batch) override;
  absl::StatusOr<std::optional<ProducerRecord>> LoadProducer(const std::string& producer_id) override;
  absl::StatusOr<uint64_t> LastBatchId() override;

  // The next `n` writes fail with `error`.
  void FailNextWrites(int n, absl::Status error);
  // Rows with this product_id are refused from now on, as PostgreSQL refuses rows breaking a
  // CHECK constraint: stored as db_refused rejects, reported in CommitResult::refused_rows.
  void RefuseProduct(std::string product_id);

  std::map<std::string, EventRow> rows() const;
  std::vector<RejectedRow> rejects() const;
  std::vector<uint64_t> committed_batches() const;
  int write_attempts() const;

 private:
  const bool update_on_conflict_;
  mutable absl::Mutex mu_;
  std::map<std::string, EventRow> rows_ ABSL_GUARDED_BY(mu_);
  std::vector<RejectedRow> rejects_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, CommitResult> batches_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, ProducerRecord> producers_ ABSL_GUARDED_BY(mu_);
  int fail_next_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status fail_with_ ABSL_GUARDED_BY(mu_);
  int attempts_ ABSL_GUARDED_BY(mu_) = 0;
  std::string refused_product_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ingest::server
