#include "server/intake/file_registry.h"

namespace ingest::server {

absl::StatusOr<std::optional<v1::UploadResult>> FileRegistry::Claim(const std::string& sha256,
                                                                    absl::Time deadline) {
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

void FileRegistry::RestoreFromLog(std::vector<WindowItem>* tail) {
  absl::flat_hash_map<std::string, std::vector<v1::Rejection>> listed;
  for (WindowItem& item : *tail) {
    if (item.source != Source::kFile) continue;
    auto& rejections = listed[item.content_hash];
    for (const auto& r : item.ack.rejections()) {
      if (rejections.size() < static_cast<size_t>(kMaxListedRejections)) rejections.push_back(r);
    }
    if (!item.file_done) continue;
    v1::UploadResult result;
    result.set_file_name(item.file_done->file_name);
    result.set_sha256(item.content_hash);
    result.set_accepted(item.file_done->accepted);
    result.set_rejected(item.file_done->rejected);
    for (auto& r : rejections) *result.add_rejections() = std::move(r);
    result.set_rejections_truncated(result.rejected() > static_cast<uint32_t>(result.rejections_size()));
    {
      absl::MutexLock lock(&mu_);
      files_[item.content_hash] = Entry{true, std::move(result)};
    }
    item.on_committed = [this, sha256 = item.content_hash](const std::vector<RejectedRow>&) {
      Committed(sha256);
    };
  }
}

size_t FileRegistry::in_flight() const {
  absl::MutexLock lock(&mu_);
  return files_.size();
}

}  // namespace ingest::server
