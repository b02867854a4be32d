#include "admin-cli/human_format.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time_text.h"

namespace ingest::admin {

std::string FormatElapsed(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = -d;
  if (d < absl::Seconds(1)) return absl::StrCat(absl::ToInt64Milliseconds(d), "ms");
  int64_t s = absl::ToInt64Seconds(d);
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  if (s < 86400) return absl::StrFormat("%dh%02dm", s / 3600, s % 3600 / 60);
  return absl::StrFormat("%dd%02dh", s / 86400, s % 86400 / 3600);
}

std::string FormatBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

bool IsSet(const google::protobuf::Timestamp& ts) { return ts.seconds() != 0 || ts.nanos() != 0; }

std::string FormatTimestamp(const google::protobuf::Timestamp& ts) {
  if (!IsSet(ts)) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%SZ", FromProtoTime(ts), absl::UTCTimeZone());
}

std::string FormatRelative(absl::Time t, absl::Time now) {
  absl::Duration d = now - t;
  if (absl::AbsDuration(d) < absl::Seconds(1)) return "just now";
  if (d > absl::ZeroDuration()) return absl::StrCat(FormatElapsed(d), " ago");
  return absl::StrCat("in ", FormatElapsed(-d));
}

bool StdoutIsTerminal() { return isatty(STDOUT_FILENO) == 1; }

size_t TerminalWidth() {
  const bool terminal = StdoutIsTerminal();
  winsize ws{};
  if (terminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  size_t columns = 0;
  const char* env = std::getenv("COLUMNS");
  if (env != nullptr && absl::SimpleAtoi(env, &columns) && columns > 0) return columns;
  return terminal ? 80 : 0;
}

}  // namespace ingest::admin
