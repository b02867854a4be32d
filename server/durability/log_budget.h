// LogBudget: --wal-max-bytes. While the write-ahead log holds more than its budget (PostgreSQL is
// down or slow and nothing commits), streams stop reading new batches — HTTP/2 flow control then
// pushes back on the producers — and uploads are answered UNAVAILABLE. Commits remove segments;
// Recheck() then resumes the waiting streams.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace ingest::server {

class LogBudget {
 public:
  // `bytes` reports the log's size on disk; a budget of 0 means none.
  LogBudget(std::function<uint64_t()> bytes, uint64_t max_bytes)
      : bytes_(std::move(bytes)), max_bytes_(max_bytes) {}

  bool Full() const { return max_bytes_ != 0 && bytes_() > max_bytes_; }
  uint64_t max_bytes() const { return max_bytes_; }

  // Runs `resume` once the log is back within its budget: at once (on this thread) if it is
  // now, else from the Recheck() that finds room.
  void WhenRoom(std::function<void()> resume) ABSL_LOCKS_EXCLUDED(mu_);
  // After the log shrank: resumes every waiter if there is room now.
  void Recheck() ABSL_LOCKS_EXCLUDED(mu_);
  // Streams waiting for room (GetStatus, metrics).
  size_t waiting() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::function<uint64_t()> bytes_;
  const uint64_t max_bytes_;
  mutable absl::Mutex mu_;  // guards the streams waiting for room
  std::vector<std::function<void()>> waiters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ingest::server
