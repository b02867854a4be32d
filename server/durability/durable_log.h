// DurableLog: the write-ahead log and the checkpoint files of one server, in --checkpoint-dir:
// wal/ segments of received batches, offsets/N written before batch N goes to the database and
// commits/N after it committed. Recovery replays every batch with an offsets entry and no commits
// entry, and hands back the records after the last batch as the new window.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/durability/checkpoint/checkpoint_store.h"
#include "server/durability/wal/wal_writer.h"
#include "server/model/sealed_batch.h"

namespace ingest::server {

struct RecoveredLog {
  std::vector<WindowItem> tail;  // records after the last sealed batch: the new window, in order
  uint64_t last_batch_id = 0;    // highest batch id in the checkpoints
  uint64_t replayed = 0;         // batches committed during recovery
};

class DurableLog {
 public:
  // Writes one recovered batch to the database, retrying as it must; false to give up (stop).
  using ReplayFn = std::function<absl::StatusOr<CommitResult>(const SealedBatch&)>;

  // Scans and repairs the log, replays uncommitted batches through `replay`, and opens the log
  // for appending after the last valid record.
  static absl::StatusOr<std::unique_ptr<DurableLog>> OpenAndRecover(const std::string& checkpoint_dir,
                                                                    uint64_t segment_bytes,
                                                                    const ReplayFn& replay,
                                                                    RecoveredLog* recovered);

  // Queues a record; `done` runs once it is fsynced (OK) or cannot be (Unavailable).
  absl::StatusOr<WalPosition> Append(std::string record, WalWriter::Done done) {
    return wal_->Append(std::move(record), std::move(done));
  }
  // Reads a spilled batch's items back from the log.
  absl::StatusOr<SealedBatch> Load(const BatchRange& range) const;
  // offsets/N: before the batch's database transaction.
  absl::Status BeforeWrite(const SealedBatch& batch);
  // commits/N, then removes log segments and checkpoint entries no longer needed.
  void AfterCommit(const SealedBatch& batch, const CommitResult& result);

  uint64_t WalBytes() const { return wal_->BytesOnDisk(); }
  uint64_t WalPendingBytes() const { return wal_->pending_bytes(); }
  std::string RefusalReason() const { return wal_->RefusalReason(); }
  uint64_t CheckpointBytes() const { return store_.BytesOnDisk(); }
  void Stop() { wal_->Stop(); }

  // --verify-checkpoints: reads every record and entry without changing anything; one line per
  // finding on `out`. OK when nothing is damaged.
  static absl::Status Verify(const std::string& checkpoint_dir, std::ostream& out);

 private:
  DurableLog(std::unique_ptr<WalWriter> wal, CheckpointStore store, std::string wal_dir)
      : wal_(std::move(wal)), store_(std::move(store)), wal_dir_(std::move(wal_dir)) {}

  std::unique_ptr<WalWriter> wal_;
  CheckpointStore store_;
  const std::string wal_dir_;
};

}  // namespace ingest::server
