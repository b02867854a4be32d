// WalPosition: where a record starts in the write-ahead log. Every stage that follows an event
// carries it (a window item remembers where its record is; offsets/N names a range of them), so
// it lives here rather than in durability/wal/.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ingest::server {

// Segment number and byte offset inside the segment.
struct WalPosition {
  uint64_t segment = 0;
  uint64_t offset = 0;

  std::string ToString() const;  // "3:4096"
  friend auto operator<=>(const WalPosition&, const WalPosition&) = default;
};

// Parses "3:4096" (as ToString writes it).
absl::StatusOr<WalPosition> ParseWalPosition(absl::string_view text);

}  // namespace ingest::server
