// The text format of checkpoint entries (`offsets/N`, `commits/N`):
//   v1
//   key=value        (one per line)
//   crc32=<8 hex digits, zlib crc32 of every byte before this line>
// Every line ends with '\n'. A reader skips keys it does not know.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/durability/wal/wal_format.h"

namespace ingest::server {

inline constexpr absl::string_view kCheckpointFormatVersion = "v1";

// offsets/N: the log range that makes batch N, written before the batch goes to the database.
struct OffsetsEntry {
  uint64_t batch_id = 0;
  WalPosition first;  // the first record of the batch
  WalPosition end;    // after its last record (ReadWalRange(first, end) yields the batch)
  int64_t window_start_us = 0;
  int64_t window_end_us = 0;
  uint64_t events = 0;

  friend bool operator==(const OffsetsEntry&, const OffsetsEntry&) = default;
};

// commits/N: batch N is committed in the database.
struct CommitEntry {
  uint64_t batch_id = 0;
  int64_t committed_at_us = 0;
};

// The file content, version line to checksum line.
std::string EncodeOffsetsEntry(const OffsetsEntry& entry);
std::string EncodeCommitEntry(const CommitEntry& entry);

// Checks version and checksum and returns the key=value pairs; DataLoss with a sentence (without
// the file name) saying what is wrong.
absl::StatusOr<std::map<std::string, std::string>> ParseCheckpointEntry(absl::string_view content);

// The entry in `content`; DataLoss when it is damaged, incomplete or names another batch id.
absl::StatusOr<OffsetsEntry> DecodeOffsetsEntry(absl::string_view content, uint64_t batch_id);
absl::StatusOr<CommitEntry> DecodeCommitEntry(absl::string_view content, uint64_t batch_id);

}  // namespace ingest::server
