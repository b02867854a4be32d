#include "admin-cli/watch.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/units.h"

namespace ingest::admin {
namespace {

constexpr char kClearScreen[] = "\x1b[H\x1b[2J";  // cursor home, erase the screen

}  // namespace

std::vector<std::string> WithWatchDefault(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") {  // the rest are arguments, not options
      out.insert(out.end(), args.begin() + i, args.end());
      break;
    }
    if (args[i] != "--watch") {
      out.push_back(args[i]);
      continue;
    }
    if (i + 1 < args.size() && !absl::StartsWith(args[i + 1], "-") && ParseDuration(args[i + 1]).ok()) {
      out.push_back(args[i]);
      continue;
    }
    out.push_back(absl::StrCat("--watch=", DurationText(kDefaultWatchInterval)));
  }
  return out;
}

StopWait StopOnSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return [set](absl::Duration timeout) {
    timespec ts = absl::ToTimespec(timeout);
    int sig;
    do {
      sig = sigtimedwait(&set, nullptr, &ts);
    } while (sig < 0 && errno == EINTR);
    return sig > 0;
  };
}

int Watch(const WatchFrame& frame, const std::function<int(std::ostream& out, std::ostream& err)>& draw,
          std::ostream& out, std::ostream& err, const StopWait& stop) {
  int code = 0;
  do {
    std::ostringstream body, errors;
    code = draw(body, errors);
    std::string text = frame.terminal ? kClearScreen : "";
    if (!frame.title.empty()) {
      absl::StrAppend(&text, frame.title, "  ",
                      absl::FormatTime("%Y-%m-%d %H:%M:%SZ", absl::Now(), absl::UTCTimeZone()), "\n\n");
    }
    text += body.str();
    out << text << std::flush;
    err << errors.str() << std::flush;
  } while (!stop(frame.interval));
  return code;
}

}  // namespace ingest::admin
