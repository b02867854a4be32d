// StopSignal: SIGTERM and SIGINT, blocked in every thread and waited for by the main thread, which
// also takes SIGHUP (the hangup action, e.g. re-reading the token file, runs on it); and
// RetryUntilOk, which retries a start-up step until it succeeds or a stop signal arrives.
#pragma once

#include <signal.h>

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace ingest::server {

class StopSignal {
 public:
  // Blocks the signals in the calling thread and in every thread it starts afterwards.
  StopSignal();
  // True when a stop signal arrived within `timeout` (or earlier). A SIGHUP meanwhile runs the
  // hangup action and the wait goes on.
  bool WaitFor(absl::Duration timeout);
  // What SIGHUP does from now on (until set, it is logged and ignored).
  void OnHangup(std::function<void()> action) { on_hangup_ = std::move(action); }

 private:
  sigset_t set_;
  std::function<void()> on_hangup_;
  bool received_ = false;
};

// Runs `step` until it succeeds, logging each failure and waiting a capped, doubling delay;
// Cancelled when a stop signal came first.
absl::Status RetryUntilOk(const std::string& what, StopSignal& stop,
                          const std::function<absl::Status()>& step);

}  // namespace ingest::server
