// DatabaseProbe: asks PostgreSQL "SELECT 1" every few seconds on a connection of its own, so
// status and /metrics say whether the database is reachable also while the server is idle (the
// writer only finds out when it has a batch to write).
#pragma once

#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ingest::server {

struct DatabaseHealth {
  bool checked = false;  // false until the first probe
  bool reachable = false;
  std::string error;  // the last probe's error, empty when reachable
  absl::Time checked_at = absl::InfinitePast();
};

class DatabaseProbe {
 public:
  using Ping = std::function<absl::Status()>;

  // `reachable_again` (may be empty) runs after a probe that succeeds following one that failed,
  // outside the probe's lock: the batch writer retries then instead of at its backoff.
  DatabaseProbe(Ping ping, absl::Duration every, std::function<void()> reachable_again = {})
      : ping_(std::move(ping)), every_(every), reachable_again_(std::move(reachable_again)) {}
  ~DatabaseProbe() { Stop(); }

  // Probes every `every` on a thread of its own, the first time at once.
  void Start();
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

  // One probe now, on the caller's thread.
  void ProbeNow() ABSL_LOCKS_EXCLUDED(mu_);
  DatabaseHealth health() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const Ping ping_;
  const absl::Duration every_;
  const std::function<void()> reachable_again_;
  mutable absl::Mutex mu_;  // guards the last probe's result and the stop flag
  DatabaseHealth health_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace ingest::server
