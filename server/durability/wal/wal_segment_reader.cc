#include "server/durability/wal/wal_segment_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/durable_file.h"
#include "server/durability/wal/wal_format.h"

namespace ingest::server {
namespace {

constexpr uint64_t kChunkBytes = 1 << 20;  // reads go in windows of this size (or one record)

}  // namespace

absl::StatusOr<WalSegmentReader> WalSegmentReader::Open(const std::string& dir, uint64_t segment,
                                                        bool writable) {
  std::string path = WalSegmentPath(dir, segment);
  int fd = open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string message = absl::StrCat("cannot open log segment ", path, ": ", ErrnoText(err));
    return err == ENOENT ? absl::NotFoundError(message) : absl::UnavailableError(message);
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot stat log segment ", path, ": ", ErrnoText(err)));
  }
  return WalSegmentReader(std::move(path), segment, fd, static_cast<uint64_t>(st.st_size));
}

WalSegmentReader::WalSegmentReader(std::string path, uint64_t segment, int fd, uint64_t size)
    : path_(std::move(path)), segment_(segment), fd_(fd), size_(size) {}

WalSegmentReader::WalSegmentReader(WalSegmentReader&& other) noexcept
    : path_(std::move(other.path_)),
      segment_(other.segment_),
      fd_(other.fd_),
      size_(other.size_),
      buffer_(std::move(other.buffer_)),
      buffer_offset_(other.buffer_offset_) {
  other.fd_ = -1;
}

WalSegmentReader::~WalSegmentReader() {
  if (fd_ >= 0) close(fd_);
}

absl::Status WalSegmentReader::ReadError(int err) const {
  return absl::UnavailableError(absl::StrCat("cannot read log segment ", path_, ": ", ErrnoText(err)));
}

absl::StatusOr<const char*> WalSegmentReader::Fetch(uint64_t offset, uint64_t length) {
  if (offset >= buffer_offset_ && offset + length <= buffer_offset_ + buffer_.size()) {
    return buffer_.data() + (offset - buffer_offset_);
  }
  const uint64_t want = std::min(std::max(length, kChunkBytes), size_ - offset);
  buffer_.resize(want);
  buffer_offset_ = offset;
  int64_t n = PreadFull(fd_, buffer_.data(), want, offset);
  if (n < 0) return ReadError(static_cast<int>(-n));
  buffer_.resize(static_cast<size_t>(n));
  if (static_cast<uint64_t>(n) < length) {
    return absl::UnavailableError(absl::StrCat("log segment ", path_, " shrank while being read"));
  }
  return buffer_.data();
}

absl::Status WalSegmentReader::CheckHeader() {
  const uint64_t length = std::min(size_, kWalHeaderBytes);
  absl::StatusOr<const char*> header = Fetch(0, length);
  if (!header.ok()) return header.status();
  return CheckWalHeader(absl::string_view(*header, length), segment_);
}

absl::StatusOr<WalSegmentReader::Read> WalSegmentReader::ReadAt(uint64_t offset) {
  Read read;
  if (offset > size_ || size_ - offset < kWalFrameBytes) return read;  // kEnd
  absl::StatusOr<const char*> frame = Fetch(offset, kWalFrameBytes);
  if (!frame.ok()) return frame.status();
  const uint32_t length = LoadLittleEndian32(*frame);
  const uint32_t stored = LoadLittleEndian32(*frame + 4);
  if (length == 0) return read;  // kEnd
  read.kind = Kind::kDamage;
  if (length > size_ - offset - kWalFrameBytes) {
    read.problem =
        absl::StrCat("the record length ", length, " runs past the end of the segment (", size_, " bytes)");
    return read;
  }
  absl::StatusOr<const char*> data = Fetch(offset, kWalFrameBytes + length);
  if (!data.ok()) return data.status();
  absl::string_view payload(*data + kWalFrameBytes, length);
  const uint32_t computed = WalRecordChecksum(payload);
  if (computed != stored) {
    read.problem = absl::StrFormat("checksum mismatch in a record of %u bytes (stored %08x, computed %08x)",
                                   length, stored, computed);
    return read;
  }
  read.kind = Kind::kRecord;
  read.payload = payload;
  read.next = offset + kWalFrameBytes + length;
  return read;
}

absl::StatusOr<uint64_t> WalSegmentReader::FirstNonZeroFrom(uint64_t offset) {
  while (offset < size_) {
    const uint64_t length = std::min(kChunkBytes, size_ - offset);
    absl::StatusOr<const char*> data = Fetch(offset, length);
    if (!data.ok()) return data.status();
    const char* end = *data + length;
    const char* hit = std::find_if(*data, end, [](char c) { return c != 0; });
    if (hit != end) return offset + static_cast<uint64_t>(hit - *data);
    offset += length;
  }
  return size_;
}

absl::Status WalSegmentReader::ZeroFrom(uint64_t offset) {
  // Only chunks holding non-zero bytes are written: the preallocated rest stays unwritten.
  const std::string zeros(kChunkBytes, '\0');
  while (offset < size_) {
    absl::StatusOr<uint64_t> dirty = FirstNonZeroFrom(offset);
    if (!dirty.ok()) return dirty.status();
    if (*dirty >= size_) break;
    const uint64_t length = std::min(kChunkBytes, size_ - *dirty);
    if (int err = PwriteAll(fd_, absl::string_view(zeros.data(), length), *dirty); err != 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot zero-fill log segment ", path_, ": ", ErrnoText(err)));
    }
    buffer_.clear();  // it may hold what was just overwritten
    offset = *dirty + length;
  }
  if (fdatasync(fd_) != 0) {
    return absl::UnavailableError(
        absl::StrCat("fdatasync of log segment ", path_, " failed: ", ErrnoText(errno)));
  }
  return absl::OkStatus();
}

}  // namespace ingest::server
