// ProgressLine: one status line on stderr for long client runs (event-generator streaming,
// file-bridge --once), redrawn in place at most 4 times a second and cut to the terminal width.
// It is drawn only when stderr is a terminal, so logs, pipes and files look as they always did;
// INGEST_PROGRESS=always|never overrides that. Also the small pieces such a line is made of.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace ingest {
namespace progress_internal {
struct Screen;
}  // namespace progress_internal

enum class ProgressMode {
  kAuto,    // only when stderr is a terminal
  kAlways,  // even into a pipe or file (e.g. through `less -R`)
  kNever,
};

// The value of INGEST_PROGRESS: "auto" (or empty: unset), "always" or "never".
absl::StatusOr<ProgressMode> ParseProgressMode(absl::string_view text);

// INGEST_PROGRESS, read once by a client's main: a value it does not know is noted on stderr
// ("`program`: note: …") and taken as auto, since it only asks for a way of displaying.
ProgressMode ProgressModeFromEnvironment(const char* program);

// Where the line goes: a seam so tests can stand in for the terminal.
struct ProgressTerminal {
  bool is_terminal = false;
  std::function<int()> columns;                  // its width now; 0 or less when unknown (80 is used)
  std::function<void(absl::string_view)> write;  // bytes, written at once
};

// stderr: isatty, TIOCGWINSZ, and writes through the same FILE* as the loggers.
ProgressTerminal StderrTerminal();

class ProgressLine {
 public:
  static constexpr absl::Duration kMinRedraw = absl::Milliseconds(250);

  // `clock` must outlive the line.
  ProgressLine(ProgressTerminal terminal, ProgressMode mode, const Clock* clock);
  // Erases a line still shown, when Finish was not reached.
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const { return enabled_; }

  // Log lines of these components (ingest::Logger) then erase the line before they print and
  // draw it again below them, so the two never run into each other. Call before other threads
  // log; does nothing when the line is not enabled.
  void KeepLogsApart(std::initializer_list<std::string> components);

  // Redraws with `render()` when enabled and kMinRedraw has passed since the last call of
  // `render`, which is not called otherwise; it runs without any lock of the line held and
  // returns "" when there is nothing to show yet.
  void Update(absl::FunctionRef<std::string()> render);
  // Draws `render()` one last time and ends the line, so what is printed next starts on a line
  // of its own (a "" from `render` erases the line instead). Later calls to Update draw nothing.
  void Finish(absl::FunctionRef<std::string()> render);

 private:
  const bool enabled_;
  const Clock* clock_;
  std::shared_ptr<progress_internal::Screen> screen_;  // shared with the sinks of KeepLogsApart
  // Update and Finish are called from one thread.
  bool rendered_ = false;
  bool finished_ = false;
  absl::Time last_render_;
};

// Between the parts of a progress line; a cut at the width drops one it would leave dangling.
inline constexpr absl::string_view kProgressSeparator = " · ";

// 1234567 -> "1,234,567".
std::string GroupThousands(uint64_t n);
// A coarse duration for people: "12s", "3m07s", "1h02m".
std::string ShortDuration(absl::Duration d);

// A count's rate per second over the last `window`, from its running total sampled now and then;
// the total was 0 at `start`, so early on it is the rate since the start.
class RecentRate {
 public:
  explicit RecentRate(absl::Time start, absl::Duration window = absl::Seconds(5))
      : window_(window), samples_{{start, 0}} {}
  // Records `total` at `now` and returns the rate over the window.
  double Add(absl::Time now, uint64_t total);

 private:
  const absl::Duration window_;
  std::deque<std::pair<absl::Time, uint64_t>> samples_;
};

}  // namespace ingest
