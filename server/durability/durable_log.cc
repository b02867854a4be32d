#include "server/durability/durable_log.h"

#include <ostream>

#include "absl/strings/str_cat.h"
#include "common/failpoint.h"
#include "common/logging.h"
#include "common/status_util.h"
#include "server/durability/wal/wal_reader.h"
#include "server/durability/wal_record.h"

namespace ingest::server {
namespace {

constexpr size_t kKeptCheckpointEntries = 10;

struct Record {
  WalPosition pos;
  std::string payload;
};

std::string WalDir(const std::string& checkpoint_dir) { return checkpoint_dir + "/wal"; }

// Decodes the records in [first, end) into a batch; a record that does not decode is logged and
// left out (it was never acked: the log's checksum held, so the damage predates the write).
SealedBatch Rebuild(const OffsetsEntry& entry, const std::vector<Record>& records) {
  SealedBatch batch;
  batch.SetRange(
      BatchRange{entry.batch_id, entry.window_start_us, entry.window_end_us, entry.first, entry.end});
  for (const auto& r : records) {
    if (r.pos < entry.first || !(r.pos < entry.end)) continue;
    auto item = DecodeWalRecord(r.payload);
    if (!item.ok()) {
      Logger("wal")->error("log record {} of batch {} is unreadable: {}", r.pos.ToString(), entry.batch_id,
                           item.status().message());
      continue;
    }
    item->wal_pos = r.pos;
    batch.items.push_back(std::move(*item));
  }
  return batch;
}

// Reads the records of [entry.first, entry.end) from the log into a batch.
absl::StatusOr<SealedBatch> ReadBatch(const std::string& wal_dir, const OffsetsEntry& entry) {
  std::vector<Record> records;
  absl::Status st = ReadWalRange(wal_dir, entry.first, entry.end, [&](WalPosition pos, absl::string_view p) {
    records.push_back(Record{pos, std::string(p)});
  });
  if (!st.ok()) return st;
  return Rebuild(entry, records);
}

// Writes every batch that has offsets/N and no commits/N, in order, and records its commit.
absl::Status ReplayUncommitted(const std::string& wal_dir, const CheckpointState& state,
                               CheckpointStore& store, const DurableLog::ReplayFn& replay,
                               RecoveredLog* recovered) {
  auto log = Logger("wal");
  for (const auto& entry : state.offsets) {
    if (state.committed.count(entry.batch_id)) continue;
    auto read = ReadBatch(wal_dir, entry);
    if (!read.ok()) {
      // The offsets entry stays without a commit, so --verify-checkpoints keeps showing it.
      log->error(
          "batch {} cannot be read back from the log ({}); it is not written; run ingest-server "
          "--verify-checkpoints for details",
          entry.batch_id, read.status().message());
      continue;
    }
    SealedBatch batch = std::move(*read);
    log->info("recovery: batch {} has offsets but no commit; writing it ({} events from log {}..{})",
              entry.batch_id, batch.EventCount(), entry.first.ToString(), entry.end.ToString());
    auto result = replay(batch);
    if (!result.ok()) return result.status();
    RETURN_IF_ERROR(store.WriteCommit(entry.batch_id, result->committed_at_us));
    recovered->replayed++;
  }
  return absl::OkStatus();
}

// The records after the last sealed batch, decoded into the new window's items.
void DecodeTail(const std::vector<Record>& records, WalPosition tail_start, RecoveredLog* recovered) {
  for (const auto& r : records) {
    if (r.pos < tail_start) continue;
    auto item = DecodeWalRecord(r.payload);
    if (!item.ok()) {
      Logger("wal")->error("log record {} is unreadable and skipped: {}", r.pos.ToString(),
                           item.status().message());
      continue;
    }
    item->wal_pos = r.pos;
    recovered->tail.push_back(std::move(*item));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<DurableLog>> DurableLog::OpenAndRecover(const std::string& checkpoint_dir,
                                                                       uint64_t segment_bytes,
                                                                       const ReplayFn& replay,
                                                                       RecoveredLog* recovered) {
  auto log = Logger("wal");
  ASSIGN_OR_RETURN(CheckpointStore store, CheckpointStore::Open(checkpoint_dir));
  ASSIGN_OR_RETURN(CheckpointState state, store.Load());
  for (const auto& d : state.damaged) log->warn("checkpoint entry ignored: {}", d);
  WalPosition tail_start;
  for (const auto& entry : state.offsets) tail_start = std::max(tail_start, entry.end);

  // Only the records after the last sealed batch stay in memory; sealed ones are read by range.
  std::vector<Record> records;
  auto scan = ScanWal(
      WalDir(checkpoint_dir),
      [&](WalPosition pos, absl::string_view payload) {
        if (!(pos < tail_start)) records.push_back(Record{pos, std::string(payload)});
      },
      /*repair=*/true);
  if (!scan.ok()) return scan.status();
  if (!scan->damage.empty()) log->warn("log damage cut off at start: {}", scan->damage);
  RETURN_IF_ERROR(ReplayUncommitted(WalDir(checkpoint_dir), state, store, replay, recovered));
  DecodeTail(records, tail_start, recovered);
  recovered->last_batch_id = state.last_batch_id;
  log->info("recovery: {} log records, {} batches replayed, {} records back in the window", scan->records,
            recovered->replayed, recovered->tail.size());

  auto wal = WalWriter::Open(WalOptions{WalDir(checkpoint_dir), segment_bytes}, scan->end);
  if (!wal.ok()) return wal.status();
  std::unique_ptr<DurableLog> durable(
      new DurableLog(std::move(*wal), std::move(store), WalDir(checkpoint_dir)));
  if (tail_start.segment > 0) (void)durable->wal_->RemoveSegmentsBefore(tail_start.segment);
  (void)durable->store_.Prune(kKeptCheckpointEntries);
  return durable;
}

absl::StatusOr<SealedBatch> DurableLog::Load(const BatchRange& range) const {
  return ReadBatch(wal_dir_, OffsetsEntry{range.batch_id, range.first, range.end, range.window_start_us,
                                          range.window_end_us, 0});
}

absl::Status DurableLog::BeforeWrite(const SealedBatch& batch) {
  absl::Status st =
      store_.WriteOffsets(OffsetsEntry{batch.batch_id, batch.wal_first, batch.wal_end, batch.window_start_us,
                                       batch.window_end_us, batch.EventCount()});
  if (st.ok()) FailpointCrash("after_offsets_write");
  return st;
}

void DurableLog::AfterCommit(const SealedBatch& batch, const CommitResult& result) {
  FailpointCrash("before_commit_marker");
  if (absl::Status st = store_.WriteCommit(batch.batch_id, result.committed_at_us); !st.ok()) {
    // Safe to go on: at the next start the batch's ingest_batches row stops a second write.
    Logger("wal")->error("cannot write commits/{} ({}); recovery will find the batch in the database",
                         batch.batch_id, st.message());
    return;
  }
  // Log order is batch order: every record before this batch's end belongs to a committed batch.
  if (absl::Status st = wal_->RemoveSegmentsBefore(batch.wal_end.segment); !st.ok()) {
    Logger("wal")->warn("cannot remove old log segments: {}", st.message());
  }
  (void)store_.Prune(kKeptCheckpointEntries);
}

absl::Status DurableLog::Verify(const std::string& checkpoint_dir, std::ostream& out) {
  bool damaged = false;
  auto scan = ScanWal(
      WalDir(checkpoint_dir), [](WalPosition, absl::string_view) {}, /*repair=*/false);
  if (!scan.ok()) return scan.status();
  out << "log: " << scan->segments << " segments, " << scan->records << " records, " << scan->bytes
      << " bytes, ends at " << scan->end.ToString() << "\n";
  if (!scan->damage.empty()) {
    damaged = true;
    out << "log damage: " << scan->damage << "\n";
  }
  auto state = CheckpointStore(checkpoint_dir).Load();  // read-only: creates nothing
  if (!state.ok()) return state.status();
  size_t uncommitted = 0;
  for (const auto& e : state->offsets) uncommitted += state->committed.count(e.batch_id) ? 0 : 1;
  out << "checkpoints: " << state->offsets.size() << " offsets entries, " << state->committed.size()
      << " commits entries, last committed batch " << state->last_committed << ", " << uncommitted
      << " batches to replay at the next start\n";
  for (const auto& d : state->damaged) {
    damaged = true;
    out << "checkpoint damage: " << d << "\n";
  }
  if (damaged)
    return absl::DataLossError("damage found (see above); the next start cuts off a damaged log tail");
  return absl::OkStatus();
}

}  // namespace ingest::server
