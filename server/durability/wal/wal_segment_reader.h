// WalSegmentReader: reads the records of one log segment file through a bounded buffer.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ingest::server {

class WalSegmentReader {
 public:
  enum class Kind {
    kRecord,  // a valid record: `payload`, `next` is the offset after it
    kEnd,     // a zero length or no room for a frame: the end of the written data
    kDamage,  // `problem` says what is wrong at this offset
  };
  struct Read {
    Kind kind = Kind::kEnd;
    absl::string_view payload;  // valid until the next call
    uint64_t next = 0;
    std::string problem;
  };

  // Opens `<dir>/<segment>.wal` read-only (read-write when `writable`, for repairs).
  // NotFound when the file does not exist.
  static absl::StatusOr<WalSegmentReader> Open(const std::string& dir, uint64_t segment, bool writable);

  WalSegmentReader(WalSegmentReader&& other) noexcept;
  WalSegmentReader& operator=(WalSegmentReader&&) = delete;
  ~WalSegmentReader();

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }

  // OK, or DataLoss saying what is wrong with the segment header.
  absl::Status CheckHeader();
  // The record (or end, or damage) at `offset`; an error only when the file cannot be read.
  absl::StatusOr<Read> ReadAt(uint64_t offset);
  // The offset of the first non-zero byte at or after `offset`, or size() when there is none.
  absl::StatusOr<uint64_t> FirstNonZeroFrom(uint64_t offset);
  // Overwrites every non-zero byte from `offset` to the end with zeros and fdatasyncs.
  absl::Status ZeroFrom(uint64_t offset);

 private:
  WalSegmentReader(std::string path, uint64_t segment, int fd, uint64_t size);
  // Makes [offset, offset + length) available in the buffer; returns a pointer to it.
  absl::StatusOr<const char*> Fetch(uint64_t offset, uint64_t length);
  absl::Status ReadError(int err) const;

  std::string path_;
  uint64_t segment_;
  int fd_;
  uint64_t size_;
  std::string buffer_;
  uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
};

}  // namespace ingest::server
