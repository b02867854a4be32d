#include "common/units.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ingest {
namespace {

// Splits "12.5MiB" into 12.5 and "MiB".
bool SplitNumber(absl::string_view text, double* number, absl::string_view* unit) {
  size_t i = 0;
  while (i < text.size() && (absl::ascii_isdigit(text[i]) || text[i] == '.')) ++i;
  if (i == 0) return false;
  *unit = text.substr(i);
  return absl::SimpleAtod(text.substr(0, i), number) && std::isfinite(*number) && *number >= 0;
}

}  // namespace

absl::StatusOr<absl::Duration> ParseDuration(absl::string_view raw) {
  absl::string_view text = absl::StripAsciiWhitespace(raw);
  double n;
  absl::string_view unit;
  if (!SplitNumber(text, &n, &unit)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad duration '", raw, "': write a number with a unit, e.g. 500ms, 10s, 2m, 1h"));
  }
  if (unit.empty() || unit == "s") return absl::Seconds(n);
  if (unit == "ms") return absl::Milliseconds(n);
  if (unit == "m") return absl::Minutes(n);
  if (unit == "h") return absl::Hours(n);
  return absl::InvalidArgumentError(
      absl::StrCat("bad duration '", raw, "': unknown unit '", unit, "' (use ms, s, m or h)"));
}

absl::StatusOr<uint64_t> ParseSize(absl::string_view raw) {
  absl::string_view text = absl::StripAsciiWhitespace(raw);
  double n;
  absl::string_view unit;
  if (!SplitNumber(text, &n, &unit)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad size '", raw, "': write bytes or a number with a unit, e.g. 4MiB, 256MiB, 8GiB"));
  }
  double scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  if (unit == "KiB") scale = 1024.0;
  if (unit == "MiB") scale = 1024.0 * 1024;
  if (unit == "GiB") scale = 1024.0 * 1024 * 1024;
  if (unit == "TiB") scale = 1024.0 * 1024 * 1024 * 1024;
  if (scale == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad size '", raw, "': unknown unit '", unit, "' (use KiB, MiB, GiB or bytes)"));
  }
  const double bytes = n * scale;
  if (bytes >= 18446744073709551615.0) {
    return absl::InvalidArgumentError(absl::StrCat("bad size '", raw, "': too large (at most 16 EiB)"));
  }
  return static_cast<uint64_t>(std::round(bytes));
}

std::string DurationText(absl::Duration d) {
  int64_t ms = absl::ToInt64Milliseconds(d);
  if (ms % 1000 != 0) return absl::StrCat(ms, "ms");
  int64_t s = ms / 1000;
  if (s % 3600 == 0 && s > 0) return absl::StrCat(s / 3600, "h");
  if (s % 60 == 0 && s > 0) return absl::StrCat(s / 60, "m");
  return absl::StrCat(s, "s");
}

}  // namespace ingest
