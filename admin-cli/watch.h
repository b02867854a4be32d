// --watch: run a command again every interval and redraw its output in place until SIGINT or
// SIGTERM. On a terminal each frame clears the screen first (ANSI escape codes); elsewhere
// (a pipe, a file) frames follow each other. The wait between frames sleeps in sigtimedwait, so
// nothing spins, and each frame's RPC is bounded by --timeout.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace ingest::admin {

// The interval `--watch` without a value stands for.
inline constexpr absl::Duration kDefaultWatchInterval = absl::Seconds(2);
// Refreshing faster than this only loads the server (and its database).
inline constexpr absl::Duration kMinWatchInterval = absl::Milliseconds(500);

// `--watch` takes an optional value: when it is last, or the next word is not a duration
// ("--watch status", "--watch --json"), it becomes "--watch=2s", so the word stays a command
// or an option. "--watch 5" and "--watch=5" are left alone.
std::vector<std::string> WithWatchDefault(const std::vector<std::string>& args);

// Waits up to the duration; true when the watch must stop.
using StopWait = std::function<bool(absl::Duration)>;

// Blocks SIGINT and SIGTERM in the calling thread and the threads it starts afterwards (call it
// before the gRPC channel exists), and returns a wait that is true once one of them arrived.
StopWait StopOnSignal();

struct WatchFrame {
  absl::Duration interval;
  bool terminal = false;  // clear the screen before each frame
  std::string title;      // a line above each frame; empty for none (JSON output)
};

// Draws frames until `stop` says so; returns the exit code of the last frame. `draw` writes a
// frame's output and errors into the two streams it gets; they are written out at once, the
// errors after the output.
int Watch(const WatchFrame& frame, const std::function<int(std::ostream& out, std::ostream& err)>& draw,
          std::ostream& out, std::ostream& err, const StopWait& stop);

}  // namespace ingest::admin
