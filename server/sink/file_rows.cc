#include "server/sink/file_rows.h"

#include <pqxx/pqxx>

namespace ingest::server {

void WriteIngestedFiles(pqxx::transaction_base& tx, const SealedBatch& batch, const std::string& server_id) {
  for (const auto& item : batch.items) {
    if (!item.file_done) continue;
    const FileDone& f = *item.file_done;
    tx.exec_params(
        "INSERT INTO ingested_files (sha256, file_name, size_bytes, accepted, rejected, server_id, batch_id, "
        "ingested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp()) ON CONFLICT (sha256) DO NOTHING",
        item.content_hash, f.file_name, static_cast<int64_t>(f.size_bytes), f.accepted, f.rejected, server_id,
        static_cast<int64_t>(batch.batch_id));
  }
}

std::optional<v1::UploadResult> LookupIngestedFile(pqxx::transaction_base& tx, const std::string& sha256) {
  auto file =
      tx.exec_params("SELECT file_name, accepted, rejected FROM ingested_files WHERE sha256 = $1", sha256);
  if (file.empty()) return std::nullopt;
  v1::UploadResult result;
  result.set_file_name(file[0][0].as<std::string>());
  result.set_sha256(sha256);
  result.set_accepted(file[0][1].as<uint32_t>());
  result.set_rejected(file[0][2].as<uint32_t>());
  auto rows = tx.exec_params(
      "SELECT position, coalesce(event_id, ''), reason, code FROM rejected_events WHERE file_sha256 = $1 "
      "ORDER BY position LIMIT $2",
      sha256, kMaxListedRejections);
  for (const auto& row : rows) {
    v1::Rejection* r = result.add_rejections();
    r->set_index(row[0].as<uint32_t>());
    r->set_event_id(row[1].as<std::string>());
    r->set_reason(row[2].as<std::string>());
    r->set_code(row[3].as<std::string>());
  }
  result.set_rejections_truncated(result.rejected() > static_cast<uint32_t>(result.rejections_size()));
  return result;
}

}  // namespace ingest::server
