#include "server/access/rate_budget.h"

#include <algorithm>

namespace ingest::server {

absl::Duration RateBudget::Take(absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (last_ != absl::InfinitePast() && now > last_) {
    tokens_ = std::min(per_second_, tokens_ + absl::ToDoubleSeconds(now - last_) * per_second_);
  }
  if (now > last_) last_ = now;
  tokens_ -= 1;
  if (tokens_ >= 0) return absl::ZeroDuration();
  return absl::Seconds(-tokens_ / per_second_);
}

}  // namespace ingest::server
