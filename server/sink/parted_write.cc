#include "server/sink/parted_write.h"

#include <algorithm>
#include <optional>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/status_util.h"
#include "server/sink/foreign_commits.h"
#include "server/sink/part_record.h"
#include "server/sink/staging.h"

namespace ingest::server {
namespace {

// What parts 1..N-1 report to part 0: their counts once committed, or the first failure.
class PartsMeeting {
 public:
  explicit PartsMeeting(int others) : pending_(others) {}

  void Report(const absl::Status& status, const PartRows& rows) {
    absl::MutexLock lock(&mu_);
    if (status.ok()) {
      done_.inserted += rows.inserted;
      done_.updated += rows.updated;
      done_.refused_stored += rows.refused_stored;
    } else if (failure_.ok()) {
      failure_ = status;
    }
    --pending_;
  }

  // Waits for every other part; adds their counts to `rows`, or returns the first failure.
  absl::Status AddTo(PartRows& rows) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* pending) { return *pending == 0; }, &pending_));
    if (!failure_.ok()) return failure_;
    rows.inserted += done_.inserted;
    rows.updated += done_.updated;
    rows.refused_stored += done_.refused_stored;
    return absl::OkStatus();
  }

 private:
  absl::Mutex mu_;
  int pending_ ABSL_GUARDED_BY(mu_);
  PartRows done_ ABSL_GUARDED_BY(mu_);
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

std::string Doing(const SealedBatch& batch, BatchPart part) {
  if (part.count == 1) return absl::StrCat("writing batch ", batch.batch_id);
  return absl::StrCat("writing part ", part.index + 1, " of ", part.count, " of batch ", batch.batch_id);
}

// The number of parts: as recorded by parts that committed before (a replay, perhaps with another
// --writers), else one per writer. nullopt with `earlier` set: the batch committed before.
// `elsewhere`: the stream items another server committed (foreign_commits.h).
std::optional<int> PlanParts(pqxx::connection& conn, const SealedBatch& batch,
                             const BatchTransactionOptions& opts, int writers,
                             std::optional<CommitResult>& earlier, std::vector<size_t>& elsewhere) {
  pqxx::work tx(conn);
  earlier = EarlierCommit(tx, batch, opts);
  if (earlier) return std::nullopt;
  elsewhere = ItemsCommittedElsewhere(tx, batch);
  return RecordedPartCount(tx, opts.server_id, batch.batch_id).value_or(writers);
}

// Part 1..N-1: its rows and refused rows in a transaction of its own, recorded in
// ingest_batch_parts; nothing when recorded before.
PartRows WriteRecordedPart(pqxx::connection& conn, const SealedBatch& batch,
                           const BatchTransactionOptions& opts, BatchPart part) {
  return IsolatingRefusedRows(batch.batch_id, [&](bool isolate) {
    pqxx::work tx(conn);
    if (std::optional<PartRows> recorded = RecordedPart(tx, opts.server_id, batch.batch_id, part))
      return *recorded;
    PartRows rows = UpsertPart(tx, batch, part, isolate);
    StageRejects(tx, batch, false, rows.refused);
    rows.refused_stored = InsertRejects(tx, batch, opts);
    rows.refused.clear();
    RecordPart(tx, opts.server_id, batch.batch_id, part, rows);
    tx.commit();
    return rows;
  });
}

// Writes parts `first`, `first + step`, ... below `count` through `conn`, reporting each.
void WriteParts(PgConnection& conn, const SealedBatch& batch, const BatchTransactionOptions& opts, int first,
                int step, int count, PartsMeeting& meeting) {
  for (int p = first; p < count; p += step) {
    const BatchPart part{p, count};
    PartRows rows;
    absl::Status st = conn.Run(Doing(batch, part),
                               [&](pqxx::connection& c) { rows = WriteRecordedPart(c, batch, opts, part); });
    meeting.Report(st, rows);
  }
}

}  // namespace

absl::StatusOr<CommitResult> WriteInParts(const std::vector<std::unique_ptr<PgConnection>>& writers,
                                          const SealedBatch& whole,
                                          const BatchTransactionOptions& whole_opts) {
  const absl::Time start = absl::Now();
  const int n_writers = static_cast<int>(writers.size());
  std::optional<CommitResult> earlier;
  std::optional<int> parts;
  std::vector<size_t> elsewhere;
  RETURN_IF_ERROR(writers[0]->Run(Doing(whole, BatchPart{}), [&](pqxx::connection& c) {
    parts = PlanParts(c, whole, whole_opts, n_writers, earlier, elsewhere);
  }));
  if (earlier) return *earlier;
  // Rare (a batch resent to another server after its ack was lost): a copy without those items.
  std::optional<SealedBatch> without;
  if (!elsewhere.empty()) without = WithoutItems(whole, elsewhere);
  const SealedBatch& batch = without ? *without : whole;
  BatchTransactionOptions opts = whole_opts;
  opts.acks_committed_elsewhere = elsewhere.size();

  PartsMeeting meeting(*parts - 1);
  std::vector<std::thread> threads;
  if (n_writers == 1) {
    WriteParts(*writers[0], batch, opts, 1, 1, *parts, meeting);
  } else {
    for (int w = 1; w < n_writers && w < *parts; ++w) {
      threads.emplace_back(
          [&, w] { WriteParts(*writers[w], batch, opts, w, n_writers - 1, *parts, meeting); });
    }
  }
  CommitResult result;
  absl::Status others;
  const BatchPart first{0, *parts};
  absl::Status st = writers[0]->Run(Doing(batch, first), [&](pqxx::connection& c) {
    result = IsolatingRefusedRows(batch.batch_id, [&](bool isolate) {
      pqxx::work tx(c);
      PartRows rows = UpsertPart(tx, batch, first, isolate);
      others = meeting.AddTo(rows);
      if (!others.ok()) return CommitResult{};  // rolled back; the batch is written again
      if (first.count > 1) ForgetParts(tx, opts.server_id, batch.batch_id);  // a single part records none
      return CommitBatch(tx, batch, opts, rows, start);
    });
  });
  for (auto& t : threads) t.join();
  if (!st.ok()) return st;
  if (!others.ok()) return others;
  return result;
}

}  // namespace ingest::server
