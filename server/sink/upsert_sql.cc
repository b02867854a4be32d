#include "server/sink/upsert_sql.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace ingest::server {
namespace {

// The upsert of staged rows whose batch PostgreSQL refused for a data reason, run inside the
// server: ranges of ord are upserted under a subtransaction each, and a refused range is halved,
// down to the refused rows, so the client sends one statement whatever their number. The upsert
// is static SQL (UpsertSql(..., kOrdRange) over the variables batch, lo and hi), so PostgreSQL
// plans it once per session rather than once per range. One result row per range written
// (counts) or per row refused (its SQLSTATE and message).
constexpr char kIsolateFunctionHead[] = R"sql(
CREATE OR REPLACE FUNCTION pg_temp.ingest_isolate(batch BIGINT, n INTEGER)
RETURNS TABLE (first_ord INTEGER, inserted BIGINT, updated BIGINT, refused_state TEXT, refused_message TEXT)
LANGUAGE plpgsql AS $f$
#variable_conflict use_column
DECLARE
  los INTEGER[] := ARRAY[0];
  his INTEGER[] := ARRAY[n];
  lo INTEGER;
  hi INTEGER;
  top INTEGER;
  ins BIGINT;
  upd BIGINT;
BEGIN
  WHILE coalesce(array_length(los, 1), 0) > 0 LOOP
    top := array_length(los, 1);
    lo := los[top];
    hi := his[top];
    los := los[1:top - 1];
    his := his[1:top - 1];
    BEGIN
)sql";

constexpr char kIsolateFunctionTail[] = R"sql( INTO ins, upd;
      first_ord := lo;
      inserted := ins;
      updated := upd;
      refused_state := NULL;
      refused_message := NULL;
      RETURN NEXT;
    EXCEPTION WHEN data_exception OR integrity_constraint_violation THEN
      IF hi - lo = 1 THEN
        first_ord := lo;
        inserted := 0;
        updated := 0;
        refused_state := SQLSTATE;
        refused_message := SQLERRM;
        RETURN NEXT;
      ELSE
        los := los || (lo + (hi - lo) / 2) || lo;
        his := his || hi || (lo + (hi - lo) / 2);
      END IF;
    END;
  END LOOP;
END
$f$)sql";

}  // namespace

std::string TimestampFromMicros(const std::string& micros_column) {
  return absl::StrCat("(timestamptz 'epoch' + ", micros_column, " * interval '1 microsecond')");
}

std::string UpsertSql(bool update_on_conflict, StagedRows rows) {
  std::string conflict =
      update_on_conflict
          ? "ON CONFLICT (event_id) DO UPDATE SET user_id = EXCLUDED.user_id, "
            "event_type = EXCLUDED.event_type, product_id = EXCLUDED.product_id, "
            "product_name = EXCLUDED.product_name, product_category = EXCLUDED.product_category, "
            "product_price = EXCLUDED.product_price, quantity = EXCLUDED.quantity, "
            "total_price = EXCLUDED.total_price, event_timestamp = EXCLUDED.event_timestamp, "
            "event_date = EXCLUDED.event_date, session_id = EXCLUDED.session_id, "
            "device_type = EXCLUDED.device_type, source = EXCLUDED.source, "
            "batch_id = EXCLUDED.batch_id, producer_id = EXCLUDED.producer_id, "
            "producer_sequence = EXCLUDED.producer_sequence, updated_at = now() "
            // A producer's later batch wins even when an earlier one commits after it (a log
            // replayed or adopted after the producer went on through another server).
            "WHERE EXCLUDED.producer_id IS NULL "
            "OR user_events.producer_id IS DISTINCT FROM EXCLUDED.producer_id "
            "OR user_events.producer_sequence <= EXCLUDED.producer_sequence "
            "RETURNING (xmax = 0) AS inserted"
          : "ON CONFLICT (event_id) DO NOTHING RETURNING true AS inserted";
  // Within a batch the later position wins: keep the highest ord of each event_id. Distinct
  // event_ids (known while staging, or a range of the last of each) need no sort.
  const bool collapse = rows == StagedRows::kRepeatsPossible;
  const char* where = rows == StagedRows::kOrdRange ? "WHERE ord >= $2 AND ord < $3"
                      : collapse                    ? "ORDER BY event_id, ord DESC"
                                                    : "";
  return absl::StrCat(
      "WITH src AS (SELECT ", collapse ? "DISTINCT ON (event_id) *, " : "*, ",
      TimestampFromMicros("event_us"), " AS ts FROM ",
      rows == StagedRows::kOrdRange ? "ingest_staging_ranges " : "ingest_staging ", where,
      "), "
      "up AS (INSERT INTO user_events (event_id, user_id, event_type, product_id, product_name, "
      "product_category, product_price, quantity, total_price, event_timestamp, event_date, "
      "session_id, device_type, source, batch_id, producer_id, producer_sequence) "
      "SELECT event_id, user_id, event_type, product_id, NULLIF(product_name, ''), "
      "NULLIF(product_category, ''), price_cents::numeric / 100, quantity, "
      "price_cents::numeric * quantity / 100, ts, (ts AT TIME ZONE 'UTC')::date, "
      "NULLIF(session_id, ''), NULLIF(device_type, ''), source, $1, NULLIF(producer, ''), "
      // A stream row keeps its sequence, 0 included (a producer may start there); a file's is NULL.
      "CASE WHEN producer <> '' THEN producer_seq END FROM src ",
      conflict, ") SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up");
}

std::string IsolateFunctionSql(bool update_on_conflict) {
  std::string upsert = UpsertSql(update_on_conflict, StagedRows::kOrdRange);
  upsert = absl::StrReplaceAll(upsert, {{"$1", "batch"}, {"$2", "lo"}, {"$3", "hi"}});
  return absl::StrCat(kIsolateFunctionHead, "      ", upsert, kIsolateFunctionTail);
}

}  // namespace ingest::server
