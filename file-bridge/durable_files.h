// POSIX helpers for moving files so that a crash leaves each one in exactly one place: directory
// creation and fsync, atomic small-file writes (tmp -> fsync -> rename -> fsync(dir)), renames
// made durable in both directories, and file identity (device, inode, size, mtime).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ingest::bridge {

// "No such file or directory (ENOENT)"-style text for an errno value.
std::string ErrnoText(int err);

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

// Makes a rename, creation or removal of an entry of `dir` durable.
absl::Status FsyncDirectory(const std::string& dir);

// Creates `dir` and its missing parents (like mkdir -p).
absl::Status MakeDirectories(const std::string& dir);

// Replaces `path` by a file holding `content`: writes `path`.tmp, fsyncs it, renames it over
// `path` and fsyncs the directory, so a crash leaves either the old file or the new one.
absl::Status WriteFileDurably(const std::string& path, absl::string_view content);

// rename(from, to), then fsync of both directories; fails (never copies) across filesystems.
absl::Status RenameDurably(const std::string& from, const std::string& to);

// The whole content of a small file.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path);

// "dir/name", without doubling a trailing slash.
std::string JoinPath(const std::string& dir, const std::string& name);

}  // namespace ingest::bridge
