// The statements every micro-batch's transaction runs, prepared once on each writer connection
// (PrepareBatchStatements, with the staging tables) and then run by name: PostgreSQL parses and
// plans each one once per session instead of once per batch.
#pragma once

#include <pqxx/connection>

namespace ingest::server {

enum class BatchStatement {
  kEarlierCommit,    // ($1 server, $2 batch) -> the batch's ingest_batches row, if any
  kUpsertDistinct,   // ($1 batch) ingest_staging -> user_events, ids known distinct
  kUpsertRepeats,    // ($1 batch) the same, a repeated id collapsed (the later ord wins)
  kInsertRejects,    // ($1 server, $2 batch) ingest_staging_rejects -> rejected_events
  kUpsertProducers,  // () ingest_staging_acks -> producers
  kInsertAcks,       // ($1 server, $2 batch) ingest_staging_acks -> producer_acks
  kTrimAcks,         // () producer_acks beyond the last 1024 sequences of those producers
  kInsertBatch,      // ($1 server, $2 batch, $3/$4 window µs, $5 events, $6 inserted, $7 updated,
                     //  $8 rejected, $9 sources, $10 write ms) -> committed_at µs
  kCount,            // not a statement: how many there are
};

// The name a statement is prepared under.
const char* StatementName(BatchStatement statement);

// Prepares every BatchStatement on `conn`; the upserts update or ignore a repeated event_id.
void PrepareBatchStatements(pqxx::connection& conn, bool update_on_conflict);

}  // namespace ingest::server
