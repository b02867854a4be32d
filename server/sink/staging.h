// The session's temporary staging tables and the COPY of a batch into them: events (all, or one
// writer's part), rejects and producers' acks. The tables are emptied at each commit.
#pragma once

#include <memory>
#include <pqxx/connection>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "server/model/sealed_batch.h"
#include "server/sink/batch_part.h"
#include "server/sink/copy_text.h"

namespace ingest::server {

struct RefusedRow;

// Creates the session's staging tables and the function that isolates refused rows
// (isolated_upsert.h), whose upsert updates or ignores a repeated event_id, and prepares the
// batch's statements (batch_statements.h). Runs on every new connection.
void CreateStagingTables(pqxx::connection& conn, bool update_on_conflict);

// The staging table of a batch's events: ingest_staging for the bulk upsert, or
// ingest_staging_ranges (indexed by ord) for the upsert in ranges (isolated_upsert.h).
enum class StagingTable { kBulk, kRanges };

// COPY into a staging table: open the stream, then stage each event row (`ord` orders duplicates
// of an event_id: the highest wins).
std::unique_ptr<CopyText> OpenEventStaging(pqxx::transaction_base& tx, StagingTable table);
void StageEvent(CopyText& out, int ord, const EventRow& e, const WindowItem& item);

// Stages the events of `part` in batch order, numbered by their position in the whole batch.
// Returns whether their event_ids are distinct (nothing to collapse).
bool StageEvents(pqxx::transaction_base& tx, const SealedBatch& batch, BatchPart part);

// Stages rejects: those found at validation (`with_validation_rejects`) and `refused`.
void StageRejects(pqxx::transaction_base& tx, const SealedBatch& batch, bool with_validation_rejects,
                  const std::vector<RefusedRow>& refused);

// Stages the acks of the batch's streamed items, each counting its rows among `refused`.
void StageAcks(pqxx::transaction_base& tx, const SealedBatch& batch, const std::vector<RefusedRow>& refused);

}  // namespace ingest::server
