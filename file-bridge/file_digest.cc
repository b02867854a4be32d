#include "file-bridge/file_digest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/sha256.h"

namespace ingest::bridge {
namespace {

absl::Status ReadError(int err, const std::string& path) {
  std::string message = absl::StrCat("cannot read ", path, ": ", ErrnoText(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(message);
  return absl::UnavailableError(message);
}

}  // namespace

absl::StatusOr<FileDigest> DigestFile(const std::string& path, size_t chunk_bytes) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ReadError(errno, path);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return ReadError(err, path);
  }
  Sha256 hash;
  std::vector<char> buffer(chunk_bytes);
  FileDigest digest;
  while (true) {
    ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return ReadError(err, path);
    }
    if (n == 0) break;
    hash.Update(absl::string_view(buffer.data(), static_cast<size_t>(n)));
    digest.size_bytes += static_cast<uint64_t>(n);
  }
  close(fd);
  digest.sha256 = ToHex(hash.Finish());
  digest.identity = {st.st_dev, st.st_ino, static_cast<uint64_t>(st.st_size),
                     absl::TimeFromTimespec(st.st_mtim), S_ISREG(st.st_mode)};
  return digest;
}

}  // namespace ingest::bridge
