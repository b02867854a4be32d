#include "generator-client/acked_log.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace ingest::generator {

absl::StatusOr<std::unique_ptr<AckedLog>> AckedLog::Open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot open --acked-log ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<AckedLog>(new AckedLog(path, file));
}

AckedLog::~AckedLog() {
  absl::MutexLock lock(&mu_);
  if (file_ != nullptr) std::fclose(file_);
}

void AckedLog::Append(absl::string_view id_prefix, int events, const v1::BatchAck& ack) {
  std::vector<bool> rejected(events, false);
  for (const v1::Rejection& r : ack.rejections()) {
    if (r.index() < rejected.size()) rejected[r.index()] = true;
  }
  absl::MutexLock lock(&mu_);
  line_buffer_.clear();
  for (int i = 0; i < events; ++i) {
    if (!rejected[i]) absl::StrAppend(&line_buffer_, id_prefix, i, "\n");
  }
  std::fwrite(line_buffer_.data(), 1, line_buffer_.size(), file_);
}

absl::Status AckedLog::Flush() {
  absl::MutexLock lock(&mu_);
  if (std::fflush(file_) != 0 || std::ferror(file_)) {
    return absl::InternalError(absl::StrCat("cannot write --acked-log ", path_, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace ingest::generator
