// The SQL of one micro-batch: its rows upserted (all of them, or one writer's part), then rejects,
// producer acks, uploaded files and the ingest_batches row, all in one transaction. Functions
// throw libpqxx exceptions; PgConnection translates them.
#pragma once

#include <optional>
#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/model/sealed_batch.h"
#include "server/sink/batch_part.h"
#include "server/sink/isolated_upsert.h"

namespace ingest::server {

struct BatchTransactionOptions {
  std::string server_id;
  bool update_on_conflict = true;
  // Stream items of the batch that another server committed before (foreign_commits.h): their
  // acks are in producer_acks already. Any other ack found there at commit means another server
  // committed one of the batch's items meanwhile, and the transaction is retried.
  size_t acks_committed_elsewhere = 0;
};

// What a transaction wrote of user_events for a batch or a part of it.
struct PartRows {
  uint32_t inserted = 0;
  uint32_t updated = 0;
  std::vector<RefusedRow> refused;  // rows PostgreSQL refused for a data reason, still to store
  uint32_t refused_stored = 0;      // refused rows other parts already stored in rejected_events
};

// The result recorded when the batch committed before, or nullopt: its ingest_batches row is
// what makes a replay of a committed batch write nothing.
std::optional<CommitResult> EarlierCommit(pqxx::transaction_base& tx, const SealedBatch& batch,
                                          const BatchTransactionOptions& opts);

// Upserts the events of `part` into user_events: in one statement, or with `isolate` in ranges
// that are halved down to the rows PostgreSQL refuses (isolated_upsert.h).
PartRows UpsertPart(pqxx::transaction_base& tx, const SealedBatch& batch, BatchPart part, bool isolate);

// Stores the staged rejects in rejected_events; returns how many rows it stored.
uint32_t InsertRejects(pqxx::transaction_base& tx, const SealedBatch& batch,
                       const BatchTransactionOptions& opts);

// The rest of the batch's transaction once its rows are upserted (`rows`: of every part): rejects,
// producers' acks, uploaded files and the ingest_batches row; then commits. `start` is when the
// write began (ingest_batches.write_ms).
CommitResult CommitBatch(pqxx::work& tx, const SealedBatch& batch, const BatchTransactionOptions& opts,
                         const PartRows& rows, absl::Time start);

// Whether `e` is PostgreSQL refusing rows of the batch for a data reason (SQLSTATE class 22 or
// 23); if so, logs that the batch is written again in halves.
bool RefusedForData(const pqxx::sql_error& e, uint64_t batch_id);

// attempt(false); if PostgreSQL refused rows for a data reason, attempt(true), which isolates
// them. Each attempt runs its own transaction.
template <typename Attempt>
auto IsolatingRefusedRows(uint64_t batch_id, const Attempt& attempt) -> decltype(attempt(false)) {
  try {
    return attempt(false);
  } catch (const pqxx::sql_error& e) {
    if (!RefusedForData(e, batch_id)) throw;
  }
  return attempt(true);
}

// A PostgreSQL text[] literal: {"a","b"} with quotes and backslashes escaped.
std::string TextArrayLiteral(const std::vector<std::string>& items);

}  // namespace ingest::server
