#include "server/sink/batch_transaction.h"

#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "common/logging.h"
#include "server/sink/batch_statements.h"
#include "server/sink/file_rows.h"
#include "server/sink/foreign_commits.h"
#include "server/sink/pg_errors.h"
#include "server/sink/refused_rows.h"
#include "server/sink/staging.h"

namespace ingest::server {
namespace {

void WriteProducers(pqxx::work& tx, const BatchTransactionOptions& opts, const SealedBatch& batch) {
  tx.exec_prepared(StatementName(BatchStatement::kUpsertProducers));
  const size_t stored =
      tx.exec_prepared(StatementName(BatchStatement::kInsertAcks), opts.server_id, batch.batch_id)
          .affected_rows();
  if (stored + opts.acks_committed_elsewhere < StreamItemCount(batch)) {
    // Another server committed one of these producers' batches after this one was planned: its
    // events would be stored twice. Retried, the plan finds it (40001 reads as worth retrying).
    throw pqxx::serialization_failure(
        "another server committed a producer batch of this batch meanwhile; writing it again without it");
  }
  tx.exec_prepared(StatementName(BatchStatement::kTrimAcks));
}

}  // namespace

// Returns how many rows it stored (kInsertRejects: a file's row is stored once).
uint32_t InsertRejects(pqxx::transaction_base& tx, const SealedBatch& batch,
                       const BatchTransactionOptions& opts) {
  return static_cast<uint32_t>(
      tx.exec_prepared(StatementName(BatchStatement::kInsertRejects), opts.server_id, batch.batch_id)
          .affected_rows());
}

std::optional<CommitResult> EarlierCommit(pqxx::transaction_base& tx, const SealedBatch& batch,
                                          const BatchTransactionOptions& opts) {
  auto existing =
      tx.exec_prepared(StatementName(BatchStatement::kEarlierCommit), opts.server_id, batch.batch_id);
  if (existing.empty()) return std::nullopt;
  const auto& row = existing[0];
  CommitResult result;
  result.inserted = row[0].as<uint32_t>();
  result.updated = row[1].as<uint32_t>();
  result.rejected = row[2].as<uint32_t>();
  result.write_ms = row[3].as<uint32_t>();
  result.committed_at_us = row[4].as<int64_t>();
  result.already_committed = true;
  if (result.rejected > batch.RejectCount())
    result.refused_rows = ByItemIndex(batch, StoredRefusals(tx, batch, opts.server_id));
  return result;
}

PartRows UpsertPart(pqxx::transaction_base& tx, const SealedBatch& batch, BatchPart part, bool isolate) {
  PartRows rows;
  if (isolate) {
    IsolatedUpsertResult r = UpsertIsolated(tx, batch, part);
    rows.inserted = r.inserted;
    rows.updated = r.updated;
    rows.refused = std::move(r.refused);
    return rows;
  }
  const bool distinct = StageEvents(tx, batch, part);
  auto counts = tx.exec_prepared(
      StatementName(distinct ? BatchStatement::kUpsertDistinct : BatchStatement::kUpsertRepeats),
      batch.batch_id);
  rows.inserted = counts[0][0].as<uint32_t>();
  rows.updated = counts[0][1].as<uint32_t>();
  return rows;
}

CommitResult CommitBatch(pqxx::work& tx, const SealedBatch& batch, const BatchTransactionOptions& opts,
                         const PartRows& rows, absl::Time start) {
  CommitResult result;
  result.inserted = rows.inserted;
  result.updated = rows.updated;
  result.refused = static_cast<uint32_t>(rows.refused.size()) + rows.refused_stored;
  StageRejects(tx, batch, true, rows.refused);
  // Every refused row of the batch, for the acks: this transaction's and those other parts stored.
  std::vector<RefusedRow> refused = rows.refused;
  if (rows.refused_stored > 0) {
    std::vector<RefusedRow> stored = StoredRefusals(tx, batch, opts.server_id);
    refused.insert(refused.end(), stored.begin(), stored.end());
  }
  StageAcks(tx, batch, refused);
  result.refused_rows = ByItemIndex(batch, refused);
  result.rejected = InsertRejects(tx, batch, opts) + rows.refused_stored;
  WriteProducers(tx, opts, batch);
  WriteIngestedFiles(tx, batch, opts.server_id);
  result.write_ms = static_cast<uint32_t>(absl::ToInt64Milliseconds(absl::Now() - start));
  auto committed =
      tx.exec_prepared(StatementName(BatchStatement::kInsertBatch), opts.server_id, batch.batch_id,
                       batch.window_start_us, batch.window_end_us, batch.EventCount(), result.inserted,
                       result.updated, result.rejected, TextArrayLiteral(batch.Sources()), result.write_ms);
  result.committed_at_us = committed[0][0].as<int64_t>();
  tx.commit();
  return result;
}

bool RefusedForData(const pqxx::sql_error& e, uint64_t batch_id) {
  if (ClassifySqlState(SqlStateOfError(e)) != PgErrorKind::kData) return false;
  Logger("sink")->warn(
      "PostgreSQL refused batch {} for a data reason (SQLSTATE {}); writing it in halves to "
      "set the refused rows apart as db_refused",
      batch_id, SqlStateOfError(e));
  return true;
}

std::string TextArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace ingest::server
