// WalWriter: appends records to the write-ahead log with group commit.
//
// Append() only takes a short lock: it assigns the record its position and queues it. A single
// thread, "wal-sync", takes everything queued, writes it with one pwritev per segment, issues
// one fdatasync, and then runs every waiting `done`. Segments are preallocated, so a full disk
// shows up when a segment is created (those records get Unavailable, the writer stays usable)
// and never as a write or fdatasync error; such an error is fatal: the process logs it and exits
// with kWalFatalExitCode, and the restart recovers from what the log holds.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/durability/wal/wal_format.h"

namespace ingest::server {

// Exit status after a failed write or fdatasync of the log (EX_SOFTWARE).
inline constexpr int kWalFatalExitCode = 70;

struct WalOptions {
  std::string dir;                       // created if missing
  uint64_t segment_bytes = 64ull << 20;  // size of each preallocated segment
};

class WalWriter {
 public:
  using Done = std::function<void(absl::Status)>;

  // Continues the log in options.dir after `end_of_valid_data`, the `end` of a ScanWal with
  // repair (or of a clean scan); {0,0} or a position in a segment that does not exist yet
  // starts that segment (segment 1 for a fresh dir). Fails when a segment after it exists.
  static absl::StatusOr<std::unique_ptr<WalWriter>> Open(WalOptions options, WalPosition end_of_valid_data);

  ~WalWriter();  // Stop()
  WalWriter(const WalWriter&) = delete;
  WalWriter& operator=(const WalWriter&) = delete;

  // Queues `payload` (1 byte or more) and returns where its record starts. `done` runs once, on
  // the wal-sync thread, after the record is written and fdatasynced (OK), or when it cannot be
  // (Unavailable: no room for a new segment). On an error returned here (InvalidArgument: empty
  // or larger than a segment holds; FailedPrecondition: stopped) `done` is never called.
  absl::StatusOr<WalPosition> Append(std::string payload, Done done);

  // After the last appended record: where the next record goes unless it needs a new segment.
  WalPosition end() const;
  // After the last record that is fdatasynced.
  WalPosition durable_end() const;
  // Bytes of the segment files (preallocated size, so it grows in steps of segment_bytes).
  uint64_t BytesOnDisk() const { return bytes_on_disk_.load(); }
  // Payload + frame bytes appended but not yet durable (for a memory/backpressure budget).
  uint64_t pending_bytes() const;
  // fdatasync calls on segments so far (group commit makes this far below the records).
  uint64_t syncs() const { return syncs_.load(); }
  // Why appends are refused now (a new segment could not be created, e.g. the disk is full);
  // empty while the log takes records.
  std::string RefusalReason() const ABSL_LOCKS_EXCLUDED(refusal_mu_);

  // Deletes the segments numbered below `segment`, never the one being written.
  absl::Status RemoveSegmentsBefore(uint64_t segment);

  // Writes and syncs what is queued, runs its `done`s, and joins the wal-sync thread.
  void Stop();

 private:
  struct Pending {
    WalPosition pos;
    char frame[kWalFrameBytes];
    std::string payload;
    Done done;
  };

  WalWriter(WalOptions options, WalPosition tail, uint64_t tail_capacity, int fd, uint64_t bytes_on_disk);
  void SyncLoop();
  // Writes `batch` and syncs it; sets statuses[i] for each record that could not be made durable.
  void WriteBatch(std::vector<Pending>& batch, std::vector<absl::Status>& statuses);
  // Makes `segment` the open one (creating it); fdatasyncs the previous one first if dirty.
  absl::Status SwitchToSegment(uint64_t segment);
  // Fails every record queued at or after `failed` and moves the tail to its segment's start.
  void FailQueuedFrom(WalPosition failed, const absl::Status& status);
  void SyncOpenSegment();
  [[noreturn]] void Fatal(const std::string& what, int err);

  const WalOptions options_;

  mutable absl::Mutex mu_;  // guards the queue of records and the log's positions below
  absl::CondVar work_;
  std::vector<Pending> queue_ ABSL_GUARDED_BY(mu_);
  uint64_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t writing_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  WalPosition tail_ ABSL_GUARDED_BY(mu_);
  uint64_t tail_capacity_ ABSL_GUARDED_BY(mu_);
  WalPosition durable_end_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  // Owned by the wal-sync thread.
  int fd_ = -1;
  uint64_t fd_segment_ = 0;
  bool dirty_ = false;
  bool creation_failing_ = false;
  mutable absl::Mutex refusal_mu_;  // guards refusal_, read by status while the thread writes it
  std::string refusal_ ABSL_GUARDED_BY(refusal_mu_);  // set while creation_failing_

  std::atomic<uint64_t> current_segment_;  // the segment being written (never removed)
  std::atomic<uint64_t> bytes_on_disk_;
  std::atomic<uint64_t> syncs_{0};
  std::thread thread_;
  absl::Mutex stop_mu_;  // makes Stop() safe to call from several threads: one joins the thread
};

}  // namespace ingest::server
