#include "server/durability/log_budget.h"

namespace ingest::server {

void LogBudget::WhenRoom(std::function<void()> resume) {
  {
    absl::MutexLock lock(&mu_);
    // Checked under the lock, so a Recheck() that runs right after cannot miss this waiter.
    if (Full()) {
      waiters_.push_back(std::move(resume));
      return;
    }
  }
  resume();
}

void LogBudget::Recheck() {
  std::vector<std::function<void()>> ready;
  {
    absl::MutexLock lock(&mu_);
    if (waiters_.empty() || Full()) return;
    ready.swap(waiters_);
  }
  for (auto& resume : ready) resume();
}

size_t LogBudget::waiting() const {
  absl::MutexLock lock(&mu_);
  return waiters_.size();
}

}  // namespace ingest::server
