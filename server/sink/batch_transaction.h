// The SQL of one micro-batch: staging tables, the upsert, rejects, producer acks and the
// ingest_batches row, all in one transaction. Functions throw libpqxx exceptions; PgConnection
// translates them.
#pragma once

#include <pqxx/connection>
#include <pqxx/stream_to>
#include <pqxx/transaction_base>
#include <string>

#include "server/model/sealed_batch.h"

namespace ingest::server {

struct BatchTransactionOptions {
  std::string server_id;
  bool update_on_conflict = true;
};

// COPY into ingest_staging: open the stream, then stage each event row (`ord` orders duplicates
// of an event_id: the highest wins).
pqxx::stream_to OpenEventStaging(pqxx::transaction_base& tx);
void StageEvent(pqxx::stream_to& out, int ord, const EventRow& e, const WindowItem& item);

// Creates the session's temporary staging tables (emptied at each commit) and the function that
// isolates refused rows (isolated_upsert.h).
void CreateStagingTables(pqxx::connection& conn);

// Writes `batch` in one transaction, or nothing when its ingest_batches row already exists.
CommitResult WriteBatch(pqxx::connection& conn, const SealedBatch& batch,
                        const BatchTransactionOptions& opts);

// A PostgreSQL text[] literal: {"a","b"} with quotes and backslashes escaped.
std::string TextArrayLiteral(const std::vector<std::string>& items);

}  // namespace ingest::server
