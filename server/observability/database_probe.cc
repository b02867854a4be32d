#include "server/observability/database_probe.h"

#include <pthread.h>

#include "absl/time/clock.h"
#include "common/logging.h"

namespace ingest::server {

void DatabaseProbe::Start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "db-probe");
    while (true) {
      ProbeNow();
      absl::MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stop_; };
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping), every_)) return;
    }
  });
}

void DatabaseProbe::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void DatabaseProbe::ProbeNow() {
  const absl::Status st = ping_();
  bool back = false;
  {
    absl::MutexLock lock(&mu_);
    const bool was_reachable = !health_.checked || health_.reachable;
    health_.checked = true;
    health_.reachable = st.ok();
    health_.error = st.ok() ? "" : std::string(st.message());
    health_.checked_at = absl::Now();
    back = !was_reachable && st.ok();
    // Only the changes: a long outage is one warning, not one per probe.
    if (was_reachable && !st.ok()) Logger("sink")->warn("PostgreSQL is unreachable: {}", st.message());
    if (back) Logger("sink")->info("PostgreSQL is reachable again");
  }
  if (back && reachable_again_) reachable_again_();
}

DatabaseHealth DatabaseProbe::health() const {
  absl::MutexLock lock(&mu_);
  return health_;
}

}  // namespace ingest::server
