#include "server/sink/batch_transaction.h"

#include <optional>
#include <pqxx/pqxx>
#include <tuple>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "server/sink/file_rows.h"
#include "server/sink/isolated_upsert.h"
#include "server/sink/pg_errors.h"
#include "server/sink/upsert_sql.h"

namespace ingest::server {
namespace {

const std::vector<std::string> kEventColumns = {
    "ord",         "event_id", "user_id",  "event_type", "product_id",  "product_name", "product_category",
    "price_cents", "quantity", "event_us", "session_id", "device_type", "source"};
const std::vector<std::string> kRejectColumns = {"source", "origin",  "position",    "event_id",   "code",
                                                 "reason", "payload", "received_us", "file_sha256"};
const std::vector<std::string> kAckColumns = {"producer_id", "sequence", "content_hash", "ack", "seen_us"};

// bytea in COPY text format: \x and hex digits (the escaper doubles the backslash).
std::string ByteaText(const std::string& bytes) { return absl::StrCat("\\x", absl::BytesToHexString(bytes)); }

}  // namespace

namespace {

void StageEvents(pqxx::work& tx, const SealedBatch& batch) {
  pqxx::stream_to out = OpenEventStaging(tx);
  int ord = 0;
  for (const auto& item : batch.items) {
    for (const auto& e : item.events) StageEvent(out, ord++, e, item);
  }
  out.complete();
}

void StageReject(pqxx::stream_to& out, const WindowItem& item, const RejectedRow& r) {
  const std::string file_sha256 = item.source == Source::kFile ? item.content_hash : std::string();
  out << std::make_tuple(std::string(SourceText(item.source)), item.origin, r.position, r.event_id, r.code,
                         r.reason, r.payload, item.received_us, file_sha256);
}

void StageRejectsAndAcks(pqxx::work& tx, const SealedBatch& batch, const std::vector<RefusedRow>& refused) {
  {
    pqxx::stream_to out(tx, "ingest_staging_rejects", kRejectColumns);
    for (const auto& item : batch.items) {
      for (const auto& r : item.rejects) StageReject(out, item, r);
    }
    for (const auto& r : refused) StageReject(out, *r.item, r.reject);
    out.complete();
  }
  pqxx::stream_to out(tx, "ingest_staging_acks", kAckColumns);
  for (const auto& item : batch.items) {
    if (item.source != Source::kStream) continue;
    out << std::make_tuple(item.origin, item.sequence, ByteaText(item.content_hash),
                           ByteaText(item.ack.SerializeAsString()), item.received_us);
  }
  out.complete();
}

void WriteProducers(pqxx::work& tx, const BatchTransactionOptions& opts, uint64_t batch_id) {
  tx.exec(
      absl::StrCat("INSERT INTO producers (producer_id, last_sequence, last_seen) "
                   "SELECT producer_id, max(sequence), ",
                   TimestampFromMicros("max(seen_us)"),
                   " FROM ingest_staging_acks GROUP BY producer_id "
                   "ON CONFLICT (producer_id) DO UPDATE SET "
                   "last_sequence = GREATEST(producers.last_sequence, EXCLUDED.last_sequence), "
                   "last_seen = GREATEST(producers.last_seen, EXCLUDED.last_seen)"));
  tx.exec_params(
      "INSERT INTO producer_acks (producer_id, sequence, content_hash, ack, server_id, batch_id) "
      "SELECT producer_id, sequence, content_hash, ack, $1, $2 FROM ingest_staging_acks "
      "ON CONFLICT (producer_id, sequence) DO NOTHING",
      opts.server_id, batch_id);
  tx.exec(
      "DELETE FROM producer_acks a USING producers p WHERE a.producer_id = p.producer_id "
      "AND a.producer_id IN (SELECT producer_id FROM ingest_staging_acks) "
      "AND a.sequence <= p.last_sequence - 1024");
}

}  // namespace

pqxx::stream_to OpenEventStaging(pqxx::transaction_base& tx) {
  return pqxx::stream_to(tx, "ingest_staging", kEventColumns);
}

void StageEvent(pqxx::stream_to& out, int ord, const EventRow& e, const WindowItem& item) {
  out << std::make_tuple(ord, e.event_id, e.user_id, e.event_type, e.product_id, e.product_name,
                         e.product_category, e.price_cents, e.quantity, e.event_time_us, e.session_id,
                         e.device_type, std::string(SourceText(item.source)));
}

void CreateStagingTables(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  tx.exec(
      "CREATE TEMP TABLE IF NOT EXISTS ingest_staging (ord INTEGER, event_id TEXT, user_id TEXT, "
      "event_type TEXT, product_id TEXT, product_name TEXT, product_category TEXT, price_cents BIGINT, "
      "quantity INTEGER, event_us BIGINT, session_id TEXT, device_type TEXT, source TEXT) "
      "ON COMMIT DELETE ROWS");
  tx.exec(
      "CREATE TEMP TABLE IF NOT EXISTS ingest_staging_rejects (source TEXT, origin TEXT, position INTEGER, "
      "event_id TEXT, code TEXT, reason TEXT, payload TEXT, received_us BIGINT, file_sha256 TEXT) "
      "ON COMMIT DELETE ROWS");
  tx.exec(
      "CREATE TEMP TABLE IF NOT EXISTS ingest_staging_acks (producer_id TEXT, sequence BIGINT, "
      "content_hash BYTEA, ack BYTEA, seen_us BIGINT) ON COMMIT DELETE ROWS");
  tx.exec(IsolateFunctionSql());
}

namespace {

// The result recorded when the batch committed before, or nullopt: its ingest_batches row is
// what makes a replay of a committed batch write nothing.
std::optional<CommitResult> EarlierCommit(pqxx::work& tx, const SealedBatch& batch,
                                          const BatchTransactionOptions& opts) {
  auto existing = tx.exec_params(
      "SELECT inserted, updated, rejected, write_ms, (extract(epoch FROM committed_at) * 1000000)::bigint "
      "FROM ingest_batches WHERE server_id = $1 AND batch_id = $2",
      opts.server_id, batch.batch_id);
  if (existing.empty()) return std::nullopt;
  const auto& row = existing[0];
  CommitResult result;
  result.inserted = row[0].as<uint32_t>();
  result.updated = row[1].as<uint32_t>();
  result.rejected = row[2].as<uint32_t>();
  result.write_ms = row[3].as<uint32_t>();
  result.committed_at_us = row[4].as<int64_t>();
  result.already_committed = true;
  return result;
}

// Moves the staged rejects into rejected_events; returns how many rows it stored. A file's rows
// are keyed by (sha256, line): a re-upload of a file cut off half-way stores each rejected row
// once, and the batch counts the rows it stored.
uint32_t InsertRejects(pqxx::work& tx, const SealedBatch& batch, const BatchTransactionOptions& opts) {
  return static_cast<uint32_t>(
      tx.exec_params(
            absl::StrCat("INSERT INTO rejected_events (server_id, batch_id, source, origin, position, "
                         "event_id, code, reason, payload, received_at, file_sha256) "
                         "SELECT $1, $2, source, origin, position, NULLIF(event_id, ''), code, reason, "
                         "payload, ",
                         TimestampFromMicros("received_us"),
                         ", NULLIF(file_sha256, '') FROM ingest_staging_rejects "
                         "ON CONFLICT (file_sha256, position) WHERE file_sha256 IS NOT NULL DO NOTHING"),
            opts.server_id, batch.batch_id)
          .affected_rows());
}

// One attempt at the batch's transaction; `isolate` upserts in halves (see isolated_upsert.h).
CommitResult WriteBatchOnce(pqxx::connection& conn, const SealedBatch& batch,
                            const BatchTransactionOptions& opts, bool isolate) {
  const absl::Time start = absl::Now();
  pqxx::work tx(conn);
  if (std::optional<CommitResult> earlier = EarlierCommit(tx, batch, opts)) return *earlier;
  CommitResult result;
  std::vector<RefusedRow> refused;
  if (isolate) {
    IsolatedUpsertResult r = UpsertIsolated(tx, batch, UpsertSql(opts.update_on_conflict, true));
    result.inserted = r.inserted;
    result.updated = r.updated;
    refused = std::move(r.refused);
  } else {
    StageEvents(tx, batch);
    auto counts = tx.exec_params(UpsertSql(opts.update_on_conflict, false), batch.batch_id);
    result.inserted = counts[0][0].as<uint32_t>();
    result.updated = counts[0][1].as<uint32_t>();
  }
  StageRejectsAndAcks(tx, batch, refused);
  result.refused = static_cast<uint32_t>(refused.size());
  result.rejected = InsertRejects(tx, batch, opts);
  WriteProducers(tx, opts, batch.batch_id);
  WriteIngestedFiles(tx, batch, opts.server_id);
  result.write_ms = static_cast<uint32_t>(absl::ToInt64Milliseconds(absl::Now() - start));
  auto committed = tx.exec_params(
      absl::StrCat("INSERT INTO ingest_batches (server_id, batch_id, window_start, window_end, committed_at, "
                   "events, inserted, updated, rejected, sources, write_ms) VALUES ($1, $2, ",
                   TimestampFromMicros("$3::bigint"), ", ", TimestampFromMicros("$4::bigint"),
                   ", clock_timestamp(), $5, $6, $7, $8, $9::text[], $10) "
                   "RETURNING (extract(epoch FROM committed_at) * 1000000)::bigint"),
      opts.server_id, batch.batch_id, batch.window_start_us, batch.window_end_us, batch.EventCount(),
      result.inserted, result.updated, result.rejected, TextArrayLiteral(batch.Sources()), result.write_ms);
  result.committed_at_us = committed[0][0].as<int64_t>();
  tx.commit();
  return result;
}

}  // namespace

CommitResult WriteBatch(pqxx::connection& conn, const SealedBatch& batch,
                        const BatchTransactionOptions& opts) {
  try {
    return WriteBatchOnce(conn, batch, opts, false);
  } catch (const pqxx::sql_error& e) {
    if (ClassifySqlState(e.sqlstate()) != PgErrorKind::kData) throw;
    Logger("sink")->warn(
        "PostgreSQL refused batch {} for a data reason (SQLSTATE {}); writing it in halves to "
        "set the refused rows apart as db_refused",
        batch.batch_id, e.sqlstate());
  }
  return WriteBatchOnce(conn, batch, opts, true);
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
