#include "server/durability/wal/wal_segment.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/durable_file.h"
#include "common/failpoint.h"
#include "server/durability/wal/wal_format.h"

namespace ingest::server {
namespace {

absl::Status CreationError(const std::string& dir, const std::string& path, int err) {
  if (err == ENOSPC || err == EDQUOT) {
    return absl::UnavailableError(
        absl::StrCat("no room for a new log segment in ", dir, ": ", ErrnoText(err)));
  }
  return absl::UnavailableError(absl::StrCat("cannot create log segment ", path, ": ", ErrnoText(err)));
}

}  // namespace

absl::StatusOr<int> CreateWalSegment(const std::string& dir, uint64_t segment, uint64_t bytes) {
  const std::string path = WalSegmentPath(dir, segment);
  if (FailpointArmed("wal_enospc")) {
    return absl::UnavailableError(absl::StrCat("no room for a new log segment in ", dir, ": ",
                                               ErrnoText(ENOSPC), " [failpoint wal_enospc]"));
  }
  const std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return CreationError(dir, path, errno);
  // posix_fallocate returns the error instead of setting errno.
  int err = posix_fallocate(fd, 0, static_cast<off_t>(bytes));
  if (err == 0) err = PwriteAll(fd, EncodeWalHeader(segment), 0);
  if (err == 0 && fdatasync(fd) != 0) err = errno;
  if (err == 0 && rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    close(fd);
    unlink(tmp.c_str());
    return CreationError(dir, path, err);
  }
  // Without a durable directory entry, records fdatasynced into the file could vanish in a crash,
  // so the segment is not used unless the directory fsync succeeds.
  if (absl::Status st = FsyncDirectory(dir); !st.ok()) {
    close(fd);
    unlink(path.c_str());
    return absl::UnavailableError(absl::StrCat("cannot create log segment ", path, ": ", st.message()));
  }
  return fd;
}

absl::StatusOr<int> OpenWalSegment(const std::string& dir, uint64_t segment) {
  const std::string path = WalSegmentPath(dir, segment);
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("cannot open log segment ", path, ": ", ErrnoText(errno)));
  }
  return fd;
}

int PwritevAll(int fd, iovec* iov, int count, uint64_t offset) {
  while (count > 0) {
    int batch = count < IOV_MAX ? count : IOV_MAX;
    ssize_t n = pwritev(fd, iov, batch, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;  // a regular file never accepts 0 of >0 bytes; do not spin
    offset += static_cast<uint64_t>(n);
    size_t left = static_cast<size_t>(n);
    while (count > 0 && left >= iov->iov_len) {
      left -= iov->iov_len;
      ++iov;
      --count;
    }
    if (count > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + left;
      iov->iov_len -= left;
    }
  }
  return 0;
}

}  // namespace ingest::server
