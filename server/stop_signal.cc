#include "server/stop_signal.h"

#include <pthread.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/units.h"

namespace ingest::server {

StopSignal::StopSignal() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
}

bool StopSignal::WaitFor(absl::Duration timeout) {
  if (received_) return true;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    timespec ts = absl::ToTimespec(std::max(deadline - absl::Now(), absl::ZeroDuration()));
    const int sig = sigtimedwait(&set_, nullptr, &ts);
    if (sig == SIGHUP) {
      if (on_hangup_) {
        on_hangup_();
      } else {
        Logger("server")->info("received SIGHUP before serving; nothing to re-read yet");
      }
      if (absl::Now() < deadline) continue;
      return false;
    }
    if (sig > 0) {
      received_ = true;
      Logger("server")->info("received {}, draining", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    }
    return received_;
  }
}

absl::Status RetryUntilOk(const std::string& what, StopSignal& stop,
                          const std::function<absl::Status()>& step) {
  absl::Duration delay = absl::Milliseconds(500);
  while (true) {
    absl::Status st = step();
    if (st.ok()) return st;
    Logger("server")->error("cannot {} ({}); retrying in {}", what, st.message(), DurationText(delay));
    if (stop.WaitFor(delay)) return absl::CancelledError(absl::StrCat("stopped while trying to ", what));
    delay = std::min(delay * 2, absl::Seconds(10));
  }
}

}  // namespace ingest::server
