#include "server/sink/postgres_reader.h"

#include <pqxx/pqxx>

#include "common/time_text.h"
#include "server/sink/file_rows.h"

namespace ingest::server {
namespace {

void SetTime(const pqxx::field& micros, google::protobuf::Timestamp* out) {
  if (!micros.is_null()) *out = ToProtoTime(FromMicros(micros.as<int64_t>()));
}

}  // namespace

absl::StatusOr<v1::ListBatchesResponse> PostgresReader::ListBatches(uint32_t limit) {
  absl::MutexLock lock(&mu_);
  v1::ListBatchesResponse response;
  absl::Status st = conn_.Run("listing batches", [&](pqxx::connection& conn) {
    response.Clear();
    pqxx::read_transaction tx(conn);
    auto rows = tx.exec_params(
        "SELECT batch_id, (extract(epoch FROM window_start) * 1e6)::bigint, "
        "(extract(epoch FROM window_end) * 1e6)::bigint, events, inserted, updated, rejected, "
        "array_to_string(sources, E'\\x1f'), write_ms, (extract(epoch FROM committed_at) * 1e6)::bigint, "
        "server_id FROM ingest_batches ORDER BY committed_at DESC, batch_id DESC LIMIT $1",
        static_cast<int64_t>(limit));
    for (const auto& row : rows) {
      v1::BatchInfo* b = response.add_batches();
      b->set_batch_id(row[0].as<uint64_t>());
      SetTime(row[1], b->mutable_window_start());
      SetTime(row[2], b->mutable_window_end());
      b->set_events(row[3].as<uint32_t>(0));
      b->set_inserted(row[4].as<uint32_t>(0));
      b->set_updated(row[5].as<uint32_t>(0));
      b->set_rejected(row[6].as<uint32_t>(0));
      std::string sources = row[7].as<std::string>("");
      size_t start = 0;
      while (!sources.empty() && start <= sources.size()) {
        size_t end = sources.find('\x1f', start);
        if (end == std::string::npos) end = sources.size();
        b->add_sources(sources.substr(start, end - start));
        start = end + 1;
      }
      b->set_write_ms(row[8].as<uint32_t>(0));
      SetTime(row[9], b->mutable_committed_at());
      b->set_server_id(row[10].as<std::string>(""));
    }
  });
  if (!st.ok()) return st;
  return response;
}

absl::StatusOr<std::optional<v1::UploadResult>> PostgresReader::LookupFile(const std::string& sha256) {
  absl::MutexLock lock(&mu_);
  std::optional<v1::UploadResult> result;
  absl::Status st = conn_.Run("looking up an uploaded file", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    result = LookupIngestedFile(tx, sha256);
  });
  if (!st.ok()) return st;
  return result;
}

}  // namespace ingest::server
