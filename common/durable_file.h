// POSIX helpers for files that must survive a crash, shared by the server's log and checkpoints
// and by file-bridge's moves: fsync of directories, atomic replacement (tmp -> fsync -> rename
// -> fsync(dir)), durable renames, directory creation, full reads and writes, errno text.
// Errors map errno to a status code a caller can act on: NotFound (ENOENT), ResourceExhausted
// (ENOSPC, EDQUOT), PermissionDenied (EACCES, EPERM), FailedPrecondition (EXDEV), else
// Unavailable.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ingest {

// "No space left on device (ENOSPC)"-style text for an errno value.
std::string ErrnoText(int err);

// "`what`: <errno text>" with the status code of the mapping above.
absl::Status ErrnoStatus(int err, absl::string_view what);

// Makes a rename, creation or removal of an entry of `dir` ("" is the current one) durable.
absl::Status FsyncDirectory(const std::string& dir);

// Creates `dir` and its missing parents (like mkdir -p); each new entry is fsynced into its parent.
absl::Status MakeDirectories(const std::string& dir);

// Replaces `path` by a file holding `content`: writes `path`.tmp, fsyncs it, renames it over
// `path` and fsyncs the directory, so a crash leaves either the old file or the new one.
absl::Status WriteFileDurably(const std::string& path, absl::string_view content);

// rename(from, to), then fsync of both directories; fails (never copies) across filesystems.
absl::Status RenameDurably(const std::string& from, const std::string& to);

// The whole content of `path`.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// pwrite of every byte of `data` at `offset` (retrying short writes and EINTR); errno on failure.
int PwriteAll(int fd, absl::string_view data, uint64_t offset);

// pread of up to `size` bytes at `offset` into `out` (retrying short reads and EINTR) until
// `size` bytes or end of file; returns the bytes read, or -errno.
int64_t PreadFull(int fd, char* out, uint64_t size, uint64_t offset);

// What a file is right now; two equal identities mean the same, unchanged file.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  uint64_t size = 0;
  absl::Time mtime;
  bool regular = false;
  bool operator==(const FileIdentity&) const = default;
};

// lstat of `path`; NotFound when it does not exist.
absl::StatusOr<FileIdentity> IdentityOf(const std::string& path);

// "dir/name", without doubling a trailing slash; just `name` when `dir` is "".
std::string JoinPath(const std::string& dir, const std::string& name);

}  // namespace ingest
