#include "server/sink/staging.h"

#include <pqxx/pqxx>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/sink/batch_statements.h"
#include "server/sink/isolated_upsert.h"
#include "server/sink/refused_rows.h"
#include "server/sink/upsert_sql.h"

namespace ingest::server {
namespace {

const std::vector<std::string> kEventColumns = {
    "ord",          "event_id",         "user_id",     "event_type", "product_id",
    "product_name", "product_category", "price_cents", "quantity",   "event_us",
    "session_id",   "device_type",      "source",      "producer",   "producer_seq"};
const std::vector<std::string> kRejectColumns = {"source", "origin",  "position",    "event_id",   "code",
                                                 "reason", "payload", "received_us", "file_sha256"};
const std::vector<std::string> kAckColumns = {"producer_id", "sequence", "content_hash", "ack", "seen_us"};

// bytea in COPY text format: \x and hex digits (the escaper doubles the backslash).
std::string ByteaText(const std::string& bytes) { return absl::StrCat("\\x", absl::BytesToHexString(bytes)); }

void StageReject(CopyText& out, const WindowItem& item, const RejectedRow& r) {
  out.Text(SourceText(item.source)).Text(item.origin).Int(r.position).Text(r.event_id).Text(r.code);
  out.Text(r.reason).Text(r.payload).Int(item.received_us);
  out.Text(item.source == Source::kFile ? std::string_view(item.content_hash) : std::string_view());
  out.EndRow();
}

}  // namespace

void CreateStagingTables(pqxx::connection& conn, bool update_on_conflict) {
  pqxx::nontransaction tx(conn);
  tx.exec(
      "CREATE TEMP TABLE IF NOT EXISTS ingest_staging (ord INTEGER, event_id TEXT, user_id TEXT, "
      "event_type TEXT, product_id TEXT, product_name TEXT, product_category TEXT, price_cents BIGINT, "
      "quantity INTEGER, event_us BIGINT, session_id TEXT, device_type TEXT, source TEXT, producer TEXT, "
      "producer_seq BIGINT) "
      "ON COMMIT DELETE ROWS");
  // The rows of a batch written in ranges after PostgreSQL refused some (isolated_upsert.h): each
  // range is read by ord, so they are indexed by it; the bulk path's table is not.
  tx.exec(
      "CREATE TEMP TABLE IF NOT EXISTS ingest_staging_ranges (LIKE ingest_staging) ON COMMIT DELETE ROWS");
  tx.exec("CREATE INDEX IF NOT EXISTS ingest_staging_ranges_ord ON ingest_staging_ranges (ord)");
  tx.exec(
      "CREATE TEMP TABLE IF NOT EXISTS ingest_staging_rejects (source TEXT, origin TEXT, position INTEGER, "
      "event_id TEXT, code TEXT, reason TEXT, payload TEXT, received_us BIGINT, file_sha256 TEXT) "
      "ON COMMIT DELETE ROWS");
  tx.exec(
      "CREATE TEMP TABLE IF NOT EXISTS ingest_staging_acks (producer_id TEXT, sequence BIGINT, "
      "content_hash BYTEA, ack BYTEA, seen_us BIGINT) ON COMMIT DELETE ROWS");
  tx.exec(IsolateFunctionSql(update_on_conflict));
  PrepareBatchStatements(conn, update_on_conflict);
}

std::unique_ptr<CopyText> OpenEventStaging(pqxx::transaction_base& tx, StagingTable table) {
  return std::make_unique<CopyText>(
      tx, table == StagingTable::kBulk ? "ingest_staging" : "ingest_staging_ranges", kEventColumns);
}

void StageEvent(CopyText& out, int ord, const EventRow& e, const WindowItem& item) {
  out.Int(ord).Text(e.event_id).Text(e.user_id).Text(e.event_type).Text(e.product_id).Text(e.product_name);
  out.Text(e.product_category).Int(e.price_cents).Int(e.quantity).Int(e.event_time_us).Text(e.session_id);
  out.Text(e.device_type).Text(SourceText(item.source));
  // The batch the values come from (a stream's; none for a file): a producer's later batch wins.
  const bool stream = item.source == Source::kStream;
  out.Text(stream ? std::string_view(item.origin) : std::string_view());
  out.Int(stream ? static_cast<int64_t>(item.sequence) : 0);
  out.EndRow();
}

bool StageEvents(pqxx::transaction_base& tx, const SealedBatch& batch, BatchPart part) {
  std::unique_ptr<CopyText> out = OpenEventStaging(tx, StagingTable::kBulk);
  absl::flat_hash_set<std::string_view> ids;
  ids.reserve(batch.EventCount());
  bool distinct = true;
  int ord = 0;
  for (const auto& item : batch.items) {
    for (const auto& e : item.events) {
      if (part.Holds(e.event_id)) {
        StageEvent(*out, ord, e, item);
        if (distinct) distinct = ids.insert(e.event_id).second;
      }
      ++ord;
    }
  }
  out->Complete();
  return distinct;
}

void StageRejects(pqxx::transaction_base& tx, const SealedBatch& batch, bool with_validation_rejects,
                  const std::vector<RefusedRow>& refused) {
  CopyText out(tx, "ingest_staging_rejects", kRejectColumns);
  for (const auto& item : batch.items) {
    if (!with_validation_rejects) break;
    for (const auto& r : item.rejects) StageReject(out, item, r);
  }
  for (const auto& r : refused) StageReject(out, *r.item, r.reject);
  out.Complete();
}

void StageAcks(pqxx::transaction_base& tx, const SealedBatch& batch, const std::vector<RefusedRow>& refused) {
  CopyText out(tx, "ingest_staging_acks", kAckColumns);
  for (const auto& item : batch.items) {
    if (item.source != Source::kStream) continue;
    const std::string ack = refused.empty()
                                ? item.ack.SerializeAsString()
                                : WithRefused(item.ack, RefusedOf(item, refused)).SerializeAsString();
    out.Text(item.origin).Int(static_cast<int64_t>(item.sequence)).Text(ByteaText(item.content_hash));
    out.Text(ByteaText(ack)).Int(item.received_us);
    out.EndRow();
  }
  out.Complete();
}

}  // namespace ingest::server
