#include "server/observability/log_rate.h"

#include "absl/strings/str_cat.h"

namespace ingest::server {

std::optional<uint64_t> LogRate::Allow(const std::string& key, absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= kMaxKeys && !entries_.contains(key)) entries_.clear();
  Entry& e = entries_[key];
  if (now - e.last < interval_) {
    e.held++;
    return std::nullopt;
  }
  e.last = now;
  const uint64_t held = e.held;
  e.held = 0;
  return held;
}

std::string HeldBack(uint64_t lines) {
  if (lines == 0) return "";
  return absl::StrCat(" (", lines, " similar line", lines == 1 ? "" : "s", " held back)");
}

}  // namespace ingest::server
