// RejectionSummary: one warning now and then (at most once per interval) saying how many events
// were rejected since the last one, by code and by the producers and files that sent them — the
// log's answer to "is someone sending bad data?", with ingest-admin rejections for the details.
// Never payloads.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ingest::server {

class RejectionSummary {
 public:
  explicit RejectionSummary(absl::Duration interval) : interval_(interval) {}

  // `count` events of `origin` (a producer id or a file name, shown with its `source`) were
  // rejected with `code`.
  void Add(const std::string& source, const std::string& origin, const std::string& code, uint64_t count)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The summary line when one is due — there were rejections, and the last line is `interval`
  // old (the first comes at once); "" if not.
  std::string Take(absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const absl::Duration interval_;
  absl::Mutex mu_;  // guards the counts since the last summary line
  absl::Time last_line_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint64_t total_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, uint64_t> by_code_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> by_origin_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ingest::server
