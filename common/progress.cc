#include "common/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "common/logging.h"
#include "spdlog/sinks/sink.h"

namespace ingest {
namespace progress_internal {

constexpr char kEraseToEnd[] = "\x1b[K";
constexpr int kDefaultColumns = 80;

// The terminal and what the line shows on it, guarded by one mutex that log sinks take too.
struct Screen {
  explicit Screen(ProgressTerminal t) : terminal(std::move(t)) {}

  const ProgressTerminal terminal;
  absl::Mutex mu;
  std::string shown ABSL_GUARDED_BY(mu);  // on the terminal now; empty when nothing is
};

}  // namespace progress_internal

namespace {

using progress_internal::kEraseToEnd;
using progress_internal::Screen;

// At most `columns` - 1 characters: writing into the last column makes some terminals wrap,
// and then `\r` no longer returns to the start of the line. Control bytes (from a file name,
// say) become '?' so nothing can move the cursor or change the terminal.
std::string FitLine(absl::string_view text, int columns) {
  const size_t limit = static_cast<size_t>(std::max(columns, 2) - 1);
  std::string out;
  size_t characters = 0;
  bool cut = false;
  for (unsigned char c : text) {
    const bool continuation = (c & 0xC0) == 0x80;  // of a UTF-8 sequence
    if (!continuation && ++characters > limit) {
      cut = true;
      break;
    }
    out.push_back(c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c));
  }
  if (cut) {  // "... · 12s · " -> "... · 12s"
    absl::string_view kept = absl::StripTrailingAsciiWhitespace(out);
    kept = absl::StripSuffix(kept, absl::StripAsciiWhitespace(kProgressSeparator));
    out.resize(absl::StripTrailingAsciiWhitespace(kept).size());
  }
  return out;
}

int ColumnsOf(const ProgressTerminal& terminal) {
  int columns = terminal.columns ? terminal.columns() : 0;
  return columns > 0 ? columns : progress_internal::kDefaultColumns;
}

// Wraps a logger's sink: erases the line before a log line and draws it again below.
class LineAwareSink final : public spdlog::sinks::sink {
 public:
  LineAwareSink(spdlog::sink_ptr inner, std::shared_ptr<Screen> screen)
      : inner_(std::move(inner)), screen_(std::move(screen)) {
    set_level(inner_->level());
  }

  void log(const spdlog::details::log_msg& msg) override {
    absl::MutexLock lock(&screen_->mu);
    const bool shown = !screen_->shown.empty();
    if (shown) screen_->terminal.write(absl::StrCat("\r", kEraseToEnd));
    inner_->log(msg);
    inner_->flush();
    if (shown) screen_->terminal.write(absl::StrCat("\r", screen_->shown, kEraseToEnd));
  }
  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }
  const Screen* screen() const { return screen_.get(); }

 private:
  const spdlog::sink_ptr inner_;
  const std::shared_ptr<Screen> screen_;
};

}  // namespace

absl::StatusOr<ProgressMode> ParseProgressMode(absl::string_view text) {
  if (text.empty() || text == "auto") return ProgressMode::kAuto;
  if (text == "always") return ProgressMode::kAlways;
  if (text == "never") return ProgressMode::kNever;
  return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not auto, always or never"));
}

ProgressMode ProgressModeFromEnvironment(const char* program) {
  const char* text = std::getenv("INGEST_PROGRESS");
  auto mode = ParseProgressMode(text == nullptr ? "" : text);
  if (mode.ok()) return *mode;
  std::fprintf(stderr, "%s: note: INGEST_PROGRESS=%s; using auto\n", program,
               std::string(mode.status().message()).c_str());
  return ProgressMode::kAuto;
}

ProgressTerminal StderrTerminal() {
  ProgressTerminal t;
  t.is_terminal = isatty(STDERR_FILENO) == 1;
  t.columns = [] {
    struct winsize ws = {};
    return ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 ? static_cast<int>(ws.ws_col) : 0;
  };
  // Through stderr's FILE*, like spdlog's stderr sink, so the two keep their order.
  t.write = [](absl::string_view bytes) {
    std::fwrite(bytes.data(), 1, bytes.size(), stderr);
    std::fflush(stderr);
  };
  return t;
}

ProgressLine::ProgressLine(ProgressTerminal terminal, ProgressMode mode, const Clock* clock)
    : enabled_(mode == ProgressMode::kAlways || (mode == ProgressMode::kAuto && terminal.is_terminal)),
      clock_(clock),
      screen_(std::make_shared<Screen>(std::move(terminal))) {}

ProgressLine::~ProgressLine() {
  absl::MutexLock lock(&screen_->mu);
  if (screen_->shown.empty()) return;
  screen_->terminal.write(absl::StrCat("\r", kEraseToEnd));
  screen_->shown.clear();
}

void ProgressLine::KeepLogsApart(std::initializer_list<std::string> components) {
  if (!enabled_) return;
  for (const std::string& component : components) {
    for (spdlog::sink_ptr& sink : Logger(component)->sinks()) {
      auto* wrapped = dynamic_cast<LineAwareSink*>(sink.get());
      if (wrapped != nullptr && wrapped->screen() == screen_.get()) continue;
      sink = std::make_shared<LineAwareSink>(sink, screen_);
    }
  }
}

void ProgressLine::Update(absl::FunctionRef<std::string()> render) {
  if (!enabled_ || finished_) return;
  const absl::Time now = clock_->Now();
  if (rendered_ && now - last_render_ < kMinRedraw) return;
  rendered_ = true;
  last_render_ = now;
  std::string text = render();
  absl::MutexLock lock(&screen_->mu);
  text = FitLine(text, ColumnsOf(screen_->terminal));
  if (text.empty() || text == screen_->shown) return;
  screen_->terminal.write(absl::StrCat("\r", text, kEraseToEnd));
  screen_->shown = std::move(text);
}

void ProgressLine::Finish(absl::FunctionRef<std::string()> render) {
  if (!enabled_ || finished_) return;
  finished_ = true;
  std::string text = render();
  absl::MutexLock lock(&screen_->mu);
  text = FitLine(text, ColumnsOf(screen_->terminal));
  if (!text.empty()) {
    screen_->terminal.write(absl::StrCat("\r", text, kEraseToEnd, "\n"));
  } else if (!screen_->shown.empty()) {
    screen_->terminal.write(absl::StrCat("\r", kEraseToEnd));
  }
  screen_->shown.clear();
}

std::string GroupThousands(uint64_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string ShortDuration(absl::Duration d) {
  const int64_t s = std::max<int64_t>(0, absl::ToInt64Seconds(d));
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  return absl::StrFormat("%dh%02dm", s / 3600, s % 3600 / 60);
}

double RecentRate::Add(absl::Time now, uint64_t total) {
  samples_.emplace_back(now, total);
  // Keep one sample at or before the window's start, so the rate spans the whole window.
  while (samples_.size() > 2 && samples_[1].first <= now - window_) samples_.pop_front();
  const auto& [first_time, first_total] = samples_.front();
  const double seconds = absl::ToDoubleSeconds(now - first_time);
  if (seconds <= 0 || total < first_total) return 0;
  return static_cast<double>(total - first_total) / seconds;
}

}  // namespace ingest
