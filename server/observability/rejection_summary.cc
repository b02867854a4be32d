#include "server/observability/rejection_summary.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/units.h"

namespace ingest::server {
namespace {

constexpr size_t kShown = 3;          // codes and origins named in the line
constexpr size_t kMaxOrigins = 1000;  // origins counted per period; the rest go under "others"

// "a 12, b 3, c 1 and 2 more", largest first.
std::string Top(const std::map<std::string, uint64_t>& counts) {
  std::vector<std::pair<std::string, uint64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> parts;
  for (size_t i = 0; i < sorted.size() && i < kShown; ++i)
    parts.push_back(absl::StrCat(sorted[i].first, " ", sorted[i].second));
  std::string out = absl::StrJoin(parts, ", ");
  if (sorted.size() > kShown) absl::StrAppend(&out, " and ", sorted.size() - kShown, " more");
  return out;
}

}  // namespace

void RejectionSummary::Add(const std::string& source, const std::string& origin, const std::string& code,
                           uint64_t count) {
  absl::MutexLock lock(&mu_);
  total_ += count;
  by_code_[code] += count;
  std::string key = absl::StrCat(source == "file" ? "file '" : "producer '", origin, "'");
  if (by_origin_.size() >= kMaxOrigins && !by_origin_.contains(key)) key = "others";
  by_origin_[key] += count;
}

std::string RejectionSummary::Take(absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (total_ == 0 || now - last_line_ < interval_) return "";
  const std::string period =
      last_line_ == absl::InfinitePast()
          ? std::string("since the server started")
          : absl::StrCat("in the last ", DurationText(absl::Trunc(now - last_line_, absl::Seconds(1))));
  std::string line =
      absl::StrCat(total_, " event", total_ == 1 ? "" : "s", " rejected ", period, ": ", Top(by_code_),
                   "; from ", Top(by_origin_), " (details: ingest-admin rejections)");
  last_line_ = now;
  total_ = 0;
  by_code_.clear();
  by_origin_.clear();
  return line;
}

}  // namespace ingest::server
