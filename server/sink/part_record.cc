#include "server/sink/part_record.h"

#include <pqxx/pqxx>

namespace ingest::server {

std::optional<int> RecordedPartCount(pqxx::transaction_base& tx, const std::string& server_id,
                                     uint64_t batch_id) {
  auto r = tx.exec_params("SELECT max(parts) FROM ingest_batch_parts WHERE server_id = $1 AND batch_id = $2",
                          server_id, batch_id);
  if (r[0][0].is_null()) return std::nullopt;
  return r[0][0].as<int>();
}

std::optional<PartRows> RecordedPart(pqxx::transaction_base& tx, const std::string& server_id,
                                     uint64_t batch_id, BatchPart part) {
  auto r = tx.exec_params(
      "SELECT inserted, updated, refused FROM ingest_batch_parts "
      "WHERE server_id = $1 AND batch_id = $2 AND part = $3",
      server_id, batch_id, part.index);
  if (r.empty()) return std::nullopt;
  PartRows rows;
  rows.inserted = r[0][0].as<uint32_t>();
  rows.updated = r[0][1].as<uint32_t>();
  rows.refused_stored = r[0][2].as<uint32_t>();
  return rows;
}

void RecordPart(pqxx::transaction_base& tx, const std::string& server_id, uint64_t batch_id, BatchPart part,
                const PartRows& rows) {
  tx.exec_params(
      "INSERT INTO ingest_batch_parts (server_id, batch_id, part, parts, inserted, updated, refused) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      server_id, batch_id, part.index, part.count, rows.inserted, rows.updated, rows.refused_stored);
}

void ForgetParts(pqxx::transaction_base& tx, const std::string& server_id, uint64_t batch_id) {
  tx.exec_params("DELETE FROM ingest_batch_parts WHERE server_id = $1 AND batch_id = $2", server_id,
                 batch_id);
}

}  // namespace ingest::server
