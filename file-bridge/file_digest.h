// FileDigest: the sha256 and size of a file, read once in chunks (never whole in memory), and the
// identity of the file that was read, so later steps can tell whether it is still the same.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "common/durable_file.h"

namespace ingest::bridge {

struct FileDigest {
  std::string sha256;  // lowercase hex
  uint64_t size_bytes = 0;
  FileIdentity identity;  // of the open file when it was read
};

// Reads `path` once; NotFound when it is gone, PermissionDenied when it cannot be read.
absl::StatusOr<FileDigest> DigestFile(const std::string& path, size_t chunk_bytes = 64 * 1024);

}  // namespace ingest::bridge
