// The upsert of a batch in parts, each under its own savepoint, used only after PostgreSQL
// refused the batch for a data reason (SQLSTATE class 22 or 23): the rows are tried in halves
// and a refused half is halved again (refused_rows.h), so the refused rows are set apart as
// db_refused rejects in O(k·log n) statements and every other row is stored.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "server/model/sealed_batch.h"

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

// `upsert_sql` is the statement that moves ingest_staging into user_events ($1 = batch id).
IsolatedUpsertResult UpsertIsolated(pqxx::work& tx, const SealedBatch& batch, const std::string& upsert_sql);

}  // namespace ingest::server
