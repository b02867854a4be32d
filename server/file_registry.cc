#include "server/file_registry.h"

namespace ingest::server {

absl::StatusOr<std::optional<v1::UploadResult>> FileRegistry::Claim(const std::string& sha256, absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto settled = [this, &sha256]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    auto it = files_.find(sha256);
    return it == files_.end() || it->second.durable;
  };
  if (!mu_.AwaitWithDeadline(absl::Condition(&settled), deadline)) {
    return absl::DeadlineExceededError("another upload of the same file is still in progress");
  }
  auto it = files_.find(sha256);
  if (it != files_.end()) return std::optional<v1::UploadResult>(it->second.result);
  files_.emplace(sha256, Entry{});
  return std::optional<v1::UploadResult>();
}

void FileRegistry::Durable(const std::string& sha256, const v1::UploadResult& result) {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(sha256);
  if (it == files_.end()) return;  // already committed: the database answers
  it->second.durable = true;
  it->second.result = result;
}

void FileRegistry::Release(const std::string& sha256) {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(sha256);
  if (it != files_.end() && !it->second.durable) files_.erase(it);
}

void FileRegistry::Committed(const std::string& sha256) {
  absl::MutexLock lock(&mu_);
  files_.erase(sha256);
}

size_t FileRegistry::in_flight() const {
  absl::MutexLock lock(&mu_);
  return files_.size();
}

}  // namespace ingest::server
