#include "server/sink/batch_statements.h"

#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/sink/upsert_sql.h"

namespace ingest::server {
namespace {

std::string Sql(BatchStatement statement, bool update_on_conflict) {
  switch (statement) {
    case BatchStatement::kEarlierCommit:
      return "SELECT inserted, updated, rejected, write_ms, "
             "(extract(epoch FROM committed_at) * 1000000)::bigint "
             "FROM ingest_batches WHERE server_id = $1 AND batch_id = $2";
    case BatchStatement::kUpsertDistinct:
      return UpsertSql(update_on_conflict, StagedRows::kDistinct);
    case BatchStatement::kUpsertRepeats:
      return UpsertSql(update_on_conflict, StagedRows::kRepeatsPossible);
    case BatchStatement::kInsertRejects:
      // A file's rows are keyed by (sha256, line): a re-upload of a file cut off half-way stores
      // each rejected row once.
      return absl::StrCat(
          "INSERT INTO rejected_events (server_id, batch_id, source, origin, position, event_id, code, "
          "reason, payload, received_at, file_sha256) "
          "SELECT $1, $2, source, origin, position, NULLIF(event_id, ''), code, reason, payload, ",
          TimestampFromMicros("received_us"),
          ", NULLIF(file_sha256, '') FROM ingest_staging_rejects "
          "ON CONFLICT (file_sha256, position) WHERE file_sha256 IS NOT NULL DO NOTHING");
    case BatchStatement::kUpsertProducers:
      return absl::StrCat(
          "INSERT INTO producers (producer_id, last_sequence, last_seen) "
          "SELECT producer_id, max(sequence), ",
          TimestampFromMicros("max(seen_us)"),
          " FROM ingest_staging_acks GROUP BY producer_id "
          "ON CONFLICT (producer_id) DO UPDATE SET "
          "last_sequence = GREATEST(producers.last_sequence, EXCLUDED.last_sequence), "
          "last_seen = GREATEST(producers.last_seen, EXCLUDED.last_seen)");
    case BatchStatement::kInsertAcks:
      return "INSERT INTO producer_acks (producer_id, sequence, content_hash, ack, server_id, batch_id) "
             "SELECT producer_id, sequence, content_hash, ack, $1, $2 FROM ingest_staging_acks "
             "ON CONFLICT (producer_id, sequence) DO NOTHING";
    case BatchStatement::kTrimAcks:
      return "DELETE FROM producer_acks a USING producers p WHERE a.producer_id = p.producer_id "
             "AND a.producer_id IN (SELECT producer_id FROM ingest_staging_acks) "
             "AND a.sequence <= p.last_sequence - 1024";
    case BatchStatement::kInsertBatch:
      return absl::StrCat(
          "INSERT INTO ingest_batches (server_id, batch_id, window_start, window_end, committed_at, "
          "events, inserted, updated, rejected, sources, write_ms) VALUES ($1, $2, ",
          TimestampFromMicros("$3::bigint"), ", ", TimestampFromMicros("$4::bigint"),
          ", clock_timestamp(), $5, $6, $7, $8, $9::text[], $10) "
          "RETURNING (extract(epoch FROM committed_at) * 1000000)::bigint");
    case BatchStatement::kCount:
      break;
  }
  return {};
}

// Each statement's name, in the order of BatchStatement.
constexpr const char* kNames[] = {
    "ingest_earlier_commit",   "ingest_upsert_distinct", "ingest_upsert_repeats", "ingest_insert_rejects",
    "ingest_upsert_producers", "ingest_insert_acks",     "ingest_trim_acks",      "ingest_insert_batch",
};
static_assert(std::size(kNames) == static_cast<size_t>(BatchStatement::kCount), "a name per statement");

}  // namespace

const char* StatementName(BatchStatement statement) { return kNames[static_cast<size_t>(statement)]; }

void PrepareBatchStatements(pqxx::connection& conn, bool update_on_conflict) {
  for (size_t k = 0; k < std::size(kNames); ++k) {
    conn.prepare(kNames[k], Sql(static_cast<BatchStatement>(k), update_on_conflict));
  }
}

}  // namespace ingest::server
