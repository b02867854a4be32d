// BridgeLoop: the file bridge itself. One trigger every --interval: scan the watch folder, take
// at most --max-files-per-trigger complete files oldest first, and deliver them one after the
// other (FileDelivery: upload, then archive/ or failed/). --once processes the complete files
// present at the start, in batches of --max-files-per-trigger without waiting between them.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "file-bridge/bridge_config.h"
#include "file-bridge/bridge_progress.h"
#include "file-bridge/bridge_summary.h"
#include "file-bridge/file_delivery.h"
#include "file-bridge/file_scanner.h"
#include "file-bridge/stop_flag.h"
#include "spdlog/spdlog.h"

namespace ingest::bridge {

class BridgeLoop {
 public:
  // `clock` (time of the settle rule and of the triggers) must outlive the loop.
  explicit BridgeLoop(BridgeConfig config, const Clock* clock = SystemClock::Get());

  // Creates the folders, then runs --once, or until Stop(). Never prints; logs each file.
  BridgeOutcome Run();

  // Takes no further file and abandons the upload in flight (its file stays). Thread-safe.
  void Stop();

  // How far --once is, for a progress line drawn by another thread. Thread-safe.
  OnceProgress Progress() const;

 private:
  absl::Status PrepareFolders();
  BridgeOutcome RunOnce();
  BridgeOutcome RunForever();
  // One trigger: delivers `files` in order and erases from `only` (when given) those that left
  // the folder. False when the run must end (stopped, or an abort FileDelivery recorded).
  bool Trigger(const std::vector<ScannedFile>& files, std::set<std::string>* only);
  // The outcome of a --once run that went through every candidate it could.
  BridgeOutcome OnceOutcome(const std::set<std::string>& left);
  // Shows summary_ and `current` (may be null: between files) to Progress().
  void PublishProgress(const ScannedFile* current);

  const BridgeConfig config_;
  const Clock* clock_;
  StopFlag stop_;
  BridgeSummary summary_;
  FileScanner scanner_;
  FileDelivery delivery_;
  std::shared_ptr<spdlog::logger> log_;

  mutable absl::Mutex progress_mu_;
  OnceProgress progress_ ABSL_GUARDED_BY(progress_mu_);
};

// Run with SIGINT/SIGTERM handled (stop, leaving the file in flight where it is), with --once a
// progress line on stderr (config.progress), the summary printed on stdout and the failure line
// on stderr. Returns the exit code.
int Run(const BridgeConfig& config);

}  // namespace ingest::bridge
