// LogRate: lets a repeated warning through at most once per interval for each key (a producer,
// a file, the sink) and counts the ones held back, so a misbehaving client or a long database
// outage cannot flood the log while the first line of each still shows at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ingest::server {

class LogRate {
 public:
  explicit LogRate(absl::Duration interval) : interval_(interval) {}

  // nullopt: hold this line back. Otherwise log it, with the number of lines held back for this
  // key since the last one let through.
  std::optional<uint64_t> Allow(const std::string& key, absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    absl::Time last = absl::InfinitePast();
    uint64_t held = 0;
  };
  // Keys are forgotten once this many are held, so many short-lived keys cannot grow memory.
  static constexpr size_t kMaxKeys = 4096;

  const absl::Duration interval_;
  absl::Mutex mu_;  // guards the per-key times and held-back counts
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

// " (N similar lines held back)", or "" when none were.
std::string HeldBack(uint64_t lines);

}  // namespace ingest::server
