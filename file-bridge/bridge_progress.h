// What file-bridge --once has done so far, and the text of its progress line: files done of
// those found at the start, rows accepted (and their rate over the last seconds) and rejected,
// failed files, duplicates, retries, elapsed time, and how much of the current file is sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "common/progress.h"
#include "file-bridge/bridge_summary.h"

namespace ingest::bridge {

struct OnceProgress {
  bool listed = false;       // the watch folder has been listed: files_total is known
  size_t files_total = 0;    // candidates present when --once started
  BridgeSummary summary;     // as of the last file that ended
  std::string current_file;  // being read or uploaded; empty between files
  uint64_t current_size = 0;
  uint64_t current_sent = 0;  // bytes of it sent by the upload in flight
};

class OnceProgressText {
 public:
  explicit OnceProgressText(absl::Time start) : start_(start), accepted_rate_(start) {}

  // E.g. "files 12/40 · rows 120,000 accepted (45,000/s) · 1,200 rejected · 2 failed ·
  // 3 duplicates · 12s · current: events_0013.csv 45%"; "" until the folder is listed.
  std::string Render(const OnceProgress& progress, absl::Time now);

 private:
  const absl::Time start_;
  RecentRate accepted_rate_;
};

}  // namespace ingest::bridge
