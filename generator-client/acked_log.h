// AckedLog: the --acked-log file, one accepted event_id per line, shared by every producer of a
// run so a test or a person can check later that each of them reached the table.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "ingest/v1/ingest.pb.h"

namespace ingest::generator {

class AckedLog {
 public:
  // Opens `path` for appending; InvalidArgument naming the path and the OS error when it cannot.
  static absl::StatusOr<std::unique_ptr<AckedLog>> Open(const std::string& path);
  ~AckedLog();

  // Appends the ids of a batch's `events` events, `id_prefix` followed by the event's index,
  // except those `ack` rejects. Thread-safe.
  void Append(absl::string_view id_prefix, int events, const v1::BatchAck& ack);
  // Writes buffered lines to the file; an error names the file.
  absl::Status Flush();

 private:
  AckedLog(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}

  const std::string path_;
  absl::Mutex mu_;
  std::FILE* file_ ABSL_GUARDED_BY(mu_);
  std::string line_buffer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ingest::generator
