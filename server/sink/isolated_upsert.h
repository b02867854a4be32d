// The upsert of a batch in parts, used only after PostgreSQL refused the batch for a data reason
// (SQLSTATE class 22 or 23). The batch is staged once; then, inside PostgreSQL, ranges of its
// rows are upserted under a subtransaction each and a refused range is halved, down to the
// refused rows (pg_temp.ingest_isolate, batch_transaction.cc). One statement from the client
// whatever the number of refused rows, O(k·log n) subtransactions for k of n; the refused rows
// are set apart as db_refused rejects and every other row is stored.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "server/model/sealed_batch.h"
#include "server/sink/batch_part.h"

namespace ingest::server {

// A row PostgreSQL refused, with the item it came from.
struct RefusedRow {
  const WindowItem* item;
  RejectedRow reject;  // code db_refused, the SQLSTATE in the reason
};

struct IsolatedUpsertResult {
  uint32_t inserted = 0;
  uint32_t updated = 0;
  std::vector<RefusedRow> refused;
};

// The events of `part`, upserted as the session's pg_temp.ingest_isolate was made to (update or
// ignore a repeated event_id: CreateStagingTables).
IsolatedUpsertResult UpsertIsolated(pqxx::transaction_base& tx, const SealedBatch& batch, BatchPart part);

}  // namespace ingest::server
