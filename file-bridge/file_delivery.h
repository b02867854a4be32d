// FileDelivery: takes one complete file from the watch folder to archive/ or failed/. It hashes
// the file, uploads it, and moves it only once the server has answered: a result (duplicate or
// not) archives it, a refusal fails it. Transient errors are retried on the same file with
// exponential backoff (honouring the retry-after-ms trailer) while the files behind it wait.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "file-bridge/bridge_config.h"
#include "file-bridge/bridge_summary.h"
#include "file-bridge/file_mover.h"
#include "file-bridge/file_scanner.h"
#include "file-bridge/file_uploader.h"
#include "file-bridge/stop_flag.h"
#include "spdlog/spdlog.h"

namespace ingest::bridge {

class FileDelivery {
 public:
  enum class Step {
    kMoved,    // archived or failed: it left the watch folder
    kGone,     // someone else removed it
    kChanged,  // it changed since it settled: it has to settle again
    kStopped,  // the stop flag was set; the file stays
    kAbort,    // the run must end: see exit_code() and failure()
  };

  // Everything passed in must outlive the delivery; counts go to `summary`.
  FileDelivery(const BridgeConfig& config, const Clock* clock, const StopFlag* stop, BridgeSummary* summary);

  Step Deliver(const ScannedFile& file);
  // Abandons the upload in flight. Thread-safe; call after setting the stop flag.
  void Cancel() { uploader_.Cancel(); }
  // Bytes of the file in hand sent so far by its upload in flight. Thread-safe.
  uint64_t bytes_sent() const { return uploader_.body_bytes_sent(); }

  int exit_code() const { return exit_code_; }
  const std::string& failure() const { return failure_; }

 private:
  // Upload attempts until the server has answered; the verdict is neither kRetry nor kBlocked
  // (in --once mode, kRetry and kBlocked end in kAbort after enough attempts).
  Step Upload(const ScannedFile& file, const FileDigest& digest);
  bool Connect(UploadOutcome* outcome);
  Step Archive(const std::string& name, const FileDigest& digest, const v1::UploadResult& result);
  Step Refuse(const std::string& name, const FileDigest& digest, const absl::Status& why);
  // Retries `move` with backoff until it works; the answer is durable, only the folder is wrong.
  Step MoveWithRetry(const std::string& name, const std::function<absl::Status()>& move);
  Step Abort(int exit_code, std::string failure);

  const BridgeConfig& config_;
  const Clock* clock_;
  const StopFlag* stop_;
  BridgeSummary* summary_;
  FileUploader uploader_;
  FileMover mover_;
  std::shared_ptr<spdlog::logger> log_;
  int exit_code_ = 0;
  std::string failure_;
};

}  // namespace ingest::bridge
