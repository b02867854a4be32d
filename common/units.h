// Durations ("500ms", "10s", "2m", "1h", bare number = seconds) and sizes ("4MiB", bytes) as
// written on command lines.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ingest {

absl::StatusOr<absl::Duration> ParseDuration(absl::string_view text);
absl::StatusOr<uint64_t> ParseSize(absl::string_view text);

// "10s", "90s", "2m", "250ms": a spelling ParseDuration reads back (millisecond resolution).
std::string DurationText(absl::Duration d);

}  // namespace ingest
