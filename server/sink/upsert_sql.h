// The statements that move staged rows into user_events: the upsert of a micro-batch, and the
// function that, when PostgreSQL refused the batch for a data reason, upserts it in ranges inside
// the server and halves a refused range down to the refused rows (isolated_upsert.h).
#pragma once

#include <string>

namespace ingest::server {

// Which staged rows an upsert moves, and what it knows of their event_ids.
enum class StagedRows {
  kRepeatsPossible,  // all; a repeated event_id is collapsed, its later position (ord) wins
  kDistinct,         // all, known to have distinct event_ids: no sort needed
  kOrdRange,         // those of ingest_staging_ranges with $2 <= ord < $3, whose event_ids are distinct
};

// The statement that moves ingest_staging into user_events ($1 = batch id), returning the rows
// inserted and updated.
std::string UpsertSql(bool update_on_conflict, StagedRows rows);

// CREATE OR REPLACE FUNCTION pg_temp.ingest_isolate(batch, n), run on every new session.
std::string IsolateFunctionSql(bool update_on_conflict);

// A timestamptz from a column of microseconds since the epoch.
std::string TimestampFromMicros(const std::string& micros_column);

}  // namespace ingest::server
