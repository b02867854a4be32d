// Small POSIX helpers for files that must survive a crash: fsync of directories, atomic
// replacement (tmp -> fsync -> rename -> fsync(dir)), directory creation, errno text.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ingest::server {

// "No space left on device (ENOSPC)"-style text for an errno value.
std::string ErrnoText(int err);

// Makes a rename, creation or removal of an entry of `dir` durable.
absl::Status FsyncDirectory(const std::string& dir);

// Creates `dir` and its missing parents (like mkdir -p); each new entry is fsynced into its parent.
absl::Status MakeDirectories(const std::string& dir);

// Replaces `path` by a file holding `content`: writes `path`.tmp, fsyncs it, renames it over
// `path` and fsyncs the directory, so a crash leaves either the old file or the new one.
absl::Status WriteFileDurably(const std::string& path, absl::string_view content);

// The whole content of `path`.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// pwrite of every byte of `data` at `offset` (retrying short writes and EINTR); errno on failure.
int PwriteAll(int fd, absl::string_view data, uint64_t offset);

// pread of up to `size` bytes at `offset` into `out` (retrying short reads and EINTR) until
// `size` bytes or end of file; returns the bytes read, or -errno.
int64_t PreadFull(int fd, char* out, uint64_t size, uint64_t offset);

}  // namespace ingest::server
