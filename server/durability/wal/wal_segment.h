// Creating and writing log segment files (used by the writer's sync thread).
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace ingest::server {

// Creates segment `segment` in `dir`: `<name>.tmp` is preallocated to `bytes`, gets its header,
// is fdatasynced and renamed into place, and the directory is fsynced, so a `.wal` file always
// has a durable header. Returns a descriptor open for writing. Failures leave no segment behind
// and are Unavailable; lack of space (ENOSPC, EDQUOT, or the failpoint `wal_enospc`) says
// "no room for a new log segment in DIR: ...".
absl::StatusOr<int> CreateWalSegment(const std::string& dir, uint64_t segment, uint64_t bytes);

// Opens an existing segment for writing.
absl::StatusOr<int> OpenWalSegment(const std::string& dir, uint64_t segment);

// pwritev of every byte described by `iov[0..count)` at `offset`, retrying short writes and
// EINTR (it modifies `iov`); returns 0 or the errno of the failure.
int PwritevAll(int fd, iovec* iov, int count, uint64_t offset);

}  // namespace ingest::server
