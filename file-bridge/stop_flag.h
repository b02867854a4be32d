// StopFlag: set once by a signal watcher, read by the loop, and able to cut its sleeps short.
#pragma once

#include <algorithm>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ingest::bridge {

class StopFlag {
 public:
  void Set() {
    absl::MutexLock lock(&mu_);
    set_ = true;
  }
  bool is_set() const {
    absl::MutexLock lock(&mu_);
    return set_;
  }
  // Sleeps `delay` unless the flag is set first; false when it is set.
  bool SleepFor(absl::Duration delay) const {
    absl::MutexLock lock(&mu_);
    auto set = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return set_; };
    mu_.AwaitWithTimeout(absl::Condition(&set), std::max(delay, absl::ZeroDuration()));
    return !set_;
  }

 private:
  mutable absl::Mutex mu_;
  bool set_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ingest::bridge
