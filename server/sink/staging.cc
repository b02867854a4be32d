#include "server/sink/staging.h"

#include <pqxx/pqxx>
#include <tuple>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/sink/isolated_upsert.h"
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

void StageReject(pqxx::stream_to& out, const WindowItem& item, const RejectedRow& r) {
  const std::string file_sha256 = item.source == Source::kFile ? item.content_hash : std::string();
  out << std::make_tuple(std::string(SourceText(item.source)), item.origin, r.position, r.event_id, r.code,
                         r.reason, r.payload, item.received_us, file_sha256);
}

}  // namespace

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

pqxx::stream_to OpenEventStaging(pqxx::transaction_base& tx) {
  return pqxx::stream_to(tx, "ingest_staging", kEventColumns);
}

void StageEvent(pqxx::stream_to& out, int ord, const EventRow& e, const WindowItem& item) {
  out << std::make_tuple(ord, e.event_id, e.user_id, e.event_type, e.product_id, e.product_name,
                         e.product_category, e.price_cents, e.quantity, e.event_time_us, e.session_id,
                         e.device_type, std::string(SourceText(item.source)));
}

void StageEvents(pqxx::transaction_base& tx, const SealedBatch& batch, BatchPart part) {
  pqxx::stream_to out = OpenEventStaging(tx);
  int ord = 0;
  for (const auto& item : batch.items) {
    for (const auto& e : item.events) {
      if (part.Holds(e.event_id)) StageEvent(out, ord, e, item);
      ++ord;
    }
  }
  out.complete();
}

void StageRejects(pqxx::transaction_base& tx, const SealedBatch& batch, bool with_validation_rejects,
                  const std::vector<RefusedRow>& refused) {
  pqxx::stream_to out(tx, "ingest_staging_rejects", kRejectColumns);
  for (const auto& item : batch.items) {
    if (!with_validation_rejects) break;
    for (const auto& r : item.rejects) StageReject(out, item, r);
  }
  for (const auto& r : refused) StageReject(out, *r.item, r.reject);
  out.complete();
}

void StageAcks(pqxx::transaction_base& tx, const SealedBatch& batch) {
  pqxx::stream_to out(tx, "ingest_staging_acks", kAckColumns);
  for (const auto& item : batch.items) {
    if (item.source != Source::kStream) continue;
    out << std::make_tuple(item.origin, item.sequence, ByteaText(item.content_hash),
                           ByteaText(item.ack.SerializeAsString()), item.received_us);
  }
  out.complete();
}

}  // namespace ingest::server
