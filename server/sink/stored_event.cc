#include <pqxx/pqxx>

#include "server/sink/stored_event_sql.h"

namespace ingest::server {
namespace {

// Microseconds since the epoch of a timestamptz column, NULL when it is NULL.
#define MICROS(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

// The ingest_batches row that wrote the event: batch ids repeat across servers, so each server's
// batch with that id is looked at (a loose scan of the primary key, server by server, so the
// cost does not grow with the table) and the first to commit at or after the row's transaction
// began wins.
constexpr char kCommittedSql[] =
    "WITH RECURSIVE servers AS ("
    "  SELECT min(server_id) AS id FROM ingest_batches"
    "  UNION ALL"
    "  SELECT (SELECT min(server_id) FROM ingest_batches WHERE server_id > servers.id) FROM servers"
    "  WHERE servers.id IS NOT NULL), "
    "ev AS (SELECT * FROM user_events WHERE event_id = $1) "
    "SELECT ev.event_id, ev.user_id, ev.event_type, ev.product_id, coalesce(ev.product_name, ''), "
    "coalesce(ev.product_category, ''), (ev.product_price * 100)::bigint, ev.quantity, " MICROS("ev.event_timestamp")
    ", coalesce(ev.session_id, ''), coalesce(ev.device_type, ''), ev.source, ev.batch_id, "
    "coalesce(b.server_id, ''), coalesce(" MICROS("b.committed_at") ", 0), " MICROS("ev.updated_at")
    " FROM ev LEFT JOIN LATERAL ("
    "  SELECT ib.server_id, ib.committed_at FROM servers"
    "  JOIN ingest_batches ib ON ib.server_id = servers.id AND ib.batch_id = ev.batch_id"
    "  WHERE ib.committed_at >= ev.updated_at ORDER BY ib.committed_at LIMIT 1) b ON true";

constexpr char kRejectedSql[] =
    "SELECT coalesce(r.server_id, ''), coalesce(r.batch_id, 0), coalesce(r.source, ''), coalesce(r.origin, ''), "
    "greatest(coalesce(r.position, 0), 0), coalesce(r.code, ''), coalesce(r.reason, ''), coalesce(r.payload, ''), "
    "coalesce(" MICROS("r.received_at") ", 0), coalesce(" MICROS("b.committed_at") ", 0) "
    "FROM rejected_events r LEFT JOIN ingest_batches b ON b.server_id = r.server_id AND b.batch_id = r.batch_id "
    "WHERE r.event_id = $1 ORDER BY r.id DESC LIMIT 1";

#undef MICROS

CommittedEvent ToCommitted(const pqxx::row& row) {
  CommittedEvent c;
  EventRow& e = c.row;
  e.event_id = row[0].as<std::string>();
  e.user_id = row[1].as<std::string>();
  e.event_type = row[2].as<std::string>();
  e.product_id = row[3].as<std::string>();
  e.product_name = row[4].as<std::string>();
  e.product_category = row[5].as<std::string>();
  e.price_cents = row[6].as<int64_t>();
  e.quantity = row[7].as<int32_t>();
  e.event_time_us = row[8].as<int64_t>();
  e.session_id = row[9].as<std::string>();
  e.device_type = row[10].as<std::string>();
  c.source = row[11].as<std::string>();
  c.batch_id = row[12].as<uint64_t>();
  c.server_id = row[13].as<std::string>();
  c.committed_at_us = row[14].as<int64_t>();
  c.updated_at_us = row[15].as<int64_t>(0);
  return c;
}

RejectedEvent ToRejected(const pqxx::row& row, const std::string& event_id) {
  RejectedEvent r;
  r.server_id = row[0].as<std::string>();
  r.batch_id = row[1].as<uint64_t>();
  r.source = row[2].as<std::string>();
  r.origin = row[3].as<std::string>();
  r.row.position = row[4].as<uint32_t>();
  r.row.event_id = event_id;
  r.row.code = row[5].as<std::string>();
  r.row.reason = row[6].as<std::string>();
  r.row.payload = row[7].as<std::string>();
  r.received_at_us = row[8].as<int64_t>();
  r.committed_at_us = row[9].as<int64_t>();
  return r;
}

}  // namespace

StoredEvent LookupStoredEvent(pqxx::transaction_base& tx, const std::string& event_id) {
  StoredEvent stored;
  auto committed = tx.exec_params(kCommittedSql, event_id);
  if (!committed.empty()) stored.committed = ToCommitted(committed[0]);
  auto rejected = tx.exec_params(kRejectedSql, event_id);
  if (!rejected.empty()) stored.rejected = ToRejected(rejected[0], event_id);
  return stored;
}

}  // namespace ingest::server
