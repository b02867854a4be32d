// Reading the write-ahead log: a full scan at start (with optional repair of a damaged tail),
// and reading back a range of records (the records of one sealed micro-batch).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/durability/wal/wal_format.h"

namespace ingest::server {

using WalRecordFn = std::function<void(WalPosition, absl::string_view payload)>;

struct WalScan {
  WalPosition end;        // after the last valid record: where a writer continues
  uint64_t records = 0;   // valid records delivered
  uint64_t bytes = 0;     // payload bytes of those records
  uint64_t segments = 0;  // segment files read
  // Empty, or one sentence: the file, the offset, what is wrong there, how many bytes follow,
  // and whether it is a torn tail (nothing acknowledged lost) or damage before later segments
  // (acknowledged, fsynced records lost).
  std::string damage;
  bool repaired = false;  // repair was asked for and the damage was cut off
};

// Calls `fn` for each valid record of the log in `dir`, in order, and stops at the first damage:
// a bad or foreign segment header, a missing segment, a record running past its segment, a
// checksum mismatch, or non-zero bytes after the end of the written data. With `repair`, the
// damaged segment is zero-filled from the damaged offset to its end (or deleted when its header
// is bad), later segments and leftover `.wal.tmp` files are deleted, and everything is fsynced,
// so the next scan is clean and a WalWriter can continue at `end`. Without `repair` nothing on
// disk changes. A missing or empty dir is an empty log whose end is 1:32.
// Errors only when files cannot be read or (with repair) changed.
absl::StatusOr<WalScan> ScanWal(const std::string& dir, const WalRecordFn& fn, bool repair);

// Calls `fn` for each record at a position p with from <= p < to; `from` must be where a record
// starts (as Append returned it). DataLoss when a segment in the range is missing, a record in
// it is damaged, or the log ends before `to`; InvalidArgument when to < from.
absl::Status ReadWalRange(const std::string& dir, WalPosition from, WalPosition to, const WalRecordFn& fn);

}  // namespace ingest::server
