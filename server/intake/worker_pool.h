// WorkerPool: a fixed number of named threads that run queued jobs in order. The intake uses it
// for work that must not run on gRPC's callback threads: loading a producer's state from
// PostgreSQL, and everything an upload does on disk (spooling its chunks, reading it back).
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ingest::server {

class WorkerPool {
 public:
  // Starts `threads` threads (at least one), each named `name` (at most 15 characters shown).
  WorkerPool(const std::string& name, size_t threads);
  // Stop().
  ~WorkerPool();

  // Queues `job`; it runs on one of the pool's threads. Never blocks. After Stop it runs at once
  // on the caller's thread, so that no job (which may be what finishes an RPC) is ever lost.
  void Run(std::function<void()> job) ABSL_LOCKS_EXCLUDED(mu_);

  // Waits until no job is queued or running; false if some still are at `deadline`.
  bool WaitIdle(absl::Time deadline) ABSL_LOCKS_EXCLUDED(mu_);

  // Runs the jobs already queued, then ends the threads.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

  size_t threads() const { return threads_.size(); }
  // Jobs queued or running.
  size_t pending() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Loop() ABSL_LOCKS_EXCLUDED(mu_);

  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  size_t running_ ABSL_GUARDED_BY(mu_) = 0;  // jobs taken off the queue and not yet finished
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace ingest::server
