// GroupCommitLog: an append-only file whose appends become durable in groups. Callers append
// from any thread; one thread ("log-sync") runs fdatasync over everything appended since its
// last one, then calls each covered append's completion, in append order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace ingest::bench {

class GroupCommitLog {
 public:
  struct Totals {
    uint64_t appends = 0;
    uint64_t bytes = 0;
    uint64_t syncs = 0;
  };

  // Creates or truncates `path` and starts the sync thread.
  static absl::StatusOr<std::unique_ptr<GroupCommitLog>> Open(const std::string& path);
  // Syncs what was appended, runs its completions, and closes the file.
  ~GroupCommitLog();

  // Appends `pieces` (one batch's bytes, in order) and calls `durable` on the sync thread once
  // an fdatasync covered them. An error from write() is returned and `durable` never runs.
  absl::Status Append(const std::vector<absl::string_view>& pieces, std::function<void()> durable);

  Totals totals();

 private:
  explicit GroupCommitLog(int fd);
  void SyncLoop();

  const int fd_;
  absl::Mutex mu_;
  std::vector<std::function<void()>> waiting_ ABSL_GUARDED_BY(mu_);  // appended, not yet synced
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  Totals totals_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace ingest::bench
