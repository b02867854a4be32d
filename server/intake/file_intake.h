// FileIntake: turns a received CSV file (spooled to disk, size and sha256 verified) into window
// items: its rows are read one at a time with the CSV reader and cut into parts of at most
// `part_rows` rows, each handed on with the body of its log record, so memory does not grow with
// the file. The last part carries the file's totals (FileDone) for ingested_files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ingest/v1/ingest.pb.h"
#include "server/model/sealed_batch.h"

namespace ingest::server {

struct UploadedFile {
  std::string path;       // the spooled bytes
  std::string file_name;  // as the client named it
  std::string sha256;     // hex, verified
  uint64_t size_bytes = 0;
};

// Receives each part in order; an error stops the reading and is returned.
using EmitPart = std::function<absl::Status(WindowItem item, std::string body)>;

inline constexpr size_t kFilePartRows = 5000;

// Reads the whole file. InvalidArgument (naming the columns) for an unusable header, before any
// part is emitted. The returned result has the exact counts and the first 1000 rejections.
absl::StatusOr<v1::UploadResult> ReadUploadedFile(const UploadedFile& file, absl::Time now,
                                                  const EmitPart& emit, size_t part_rows = kFilePartRows);

// OK when `allowed` takes every event_id of the file (rows invalid otherwise included); else its
// error for the first one that it refuses, prefixed with the file name and line. A pass of its own
// before any part is emitted, so that a refused file stores nothing.
absl::Status CheckEventIds(const UploadedFile& file, absl::Time now,
                           const std::function<absl::Status(absl::string_view event_id)>& allowed);

}  // namespace ingest::server
