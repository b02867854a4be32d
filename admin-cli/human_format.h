// Human renderings for ingest-admin's views: elapsed times, ages, byte sizes, UTC times and the
// width of the terminal the tables are printed on.
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace ingest::admin {

// "350ms", "42s", "3m05s", "1h02m", "2d03h": two units at most, the larger first.
std::string FormatElapsed(absl::Duration d);

// "0 B", "512 B", "1.5 KiB", "12.0 MiB", "3.2 GiB" (binary units, as --wal-max-bytes takes them).
std::string FormatBytes(uint64_t bytes);

// False for the zero Timestamp, which the server sends for "never".
bool IsSet(const google::protobuf::Timestamp& ts);

// "2026-11-23 10:01:02Z" (UTC, whole seconds); "-" when unset.
std::string FormatTimestamp(const google::protobuf::Timestamp& ts);

// "5s ago", "in 4s" or "just now" (within a second of `now`).
std::string FormatRelative(absl::Time t, absl::Time now);

// True when stdout is a terminal.
bool StdoutIsTerminal();

// The columns tables must fit. On a terminal: its width (ioctl TIOCGWINSZ), else $COLUMNS, else
// 80. Not a terminal (a pipe, a file): $COLUMNS when set, else 0, meaning no limit.
size_t TerminalWidth();

}  // namespace ingest::admin
