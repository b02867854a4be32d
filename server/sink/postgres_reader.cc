#include "server/sink/postgres_reader.h"

#include <pqxx/pqxx>

#include "absl/synchronization/mutex.h"
#include "common/time_text.h"
#include "server/sink/batch_transaction.h"
#include "server/sink/file_rows.h"
#include "server/sink/pg_connection.h"
#include "server/sink/stored_event_sql.h"

namespace ingest::server {
namespace {

void SetTime(const pqxx::field& micros, google::protobuf::Timestamp* out) {
  if (!micros.is_null()) *out = ToProtoTime(FromMicros(micros.as<int64_t>()));
}

// Microseconds since the epoch of a timestamptz column.
std::string Micros(const std::string& column) {
  return "(extract(epoch FROM " + column + ") * 1000000)::bigint";
}

}  // namespace

struct PostgresReader::Session {
  explicit Session(std::string conninfo) : conn(std::move(conninfo)) {}
  absl::Mutex mu;  // serialises the admin API's and uploads' reads on the one connection
  PgConnection conn ABSL_GUARDED_BY(mu);
};

PostgresReader::PostgresReader(std::string conninfo)
    : session_(std::make_unique<Session>(std::move(conninfo))) {}

PostgresReader::~PostgresReader() = default;

template <typename T, typename Fill>
absl::StatusOr<T> PostgresReader::Read(const std::string& doing, Fill fill) {
  absl::MutexLock lock(&session_->mu);
  T out;
  absl::Status st = session_->conn.Run(doing, [&](pqxx::connection& conn) {
    out = T();
    pqxx::read_transaction tx(conn);
    fill(tx, out);
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<v1::ListBatchesResponse> PostgresReader::ListBatches(uint32_t limit) {
  return Read<v1::ListBatchesResponse>(
      "listing batches", [&](pqxx::read_transaction& tx, v1::ListBatchesResponse& response) {
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
}

absl::StatusOr<std::optional<v1::UploadResult>> PostgresReader::LookupFile(const std::string& sha256) {
  return Read<std::optional<v1::UploadResult>>(
      "looking up an uploaded file",
      [&](pqxx::read_transaction& tx, std::optional<v1::UploadResult>& result) {
        result = LookupIngestedFile(tx, sha256);
      });
}

absl::StatusOr<std::vector<StoredProducer>> PostgresReader::ListProducers(
    uint32_t limit, const std::vector<std::string>& also) {
  const std::string columns = "SELECT producer_id, coalesce(last_sequence, 0), coalesce(" +
                              Micros("last_seen") + ", 0) FROM producers ";
  return Read<std::vector<StoredProducer>>(
      "listing producers", [&](pqxx::read_transaction& tx, std::vector<StoredProducer>& producers) {
        auto rows = tx.exec_params(columns + "WHERE producer_id = ANY($2::text[]) UNION (" + columns +
                                       "ORDER BY last_seen DESC NULLS LAST, producer_id LIMIT $1)",
                                   static_cast<int64_t>(limit), TextArrayLiteral(also));
        for (const auto& row : rows) {
          producers.push_back(
              StoredProducer{row[0].as<std::string>(), row[1].as<uint64_t>(), row[2].as<int64_t>()});
        }
      });
}

absl::StatusOr<v1::ListRejectionsResponse> PostgresReader::ListRejections(uint32_t limit,
                                                                          const std::string& code) {
  return Read<v1::ListRejectionsResponse>(
      "listing rejected events", [&](pqxx::read_transaction& tx, v1::ListRejectionsResponse& response) {
        // Newest by id: the order rows were stored in.
        auto rows = tx.exec_params(
            "SELECT coalesce(origin, ''), greatest(coalesce(position, 0), 0), coalesce(event_id, ''), "
            "coalesce(code, ''), "
            "coalesce(reason, ''), coalesce(source, ''), coalesce(batch_id, 0), " +
                Micros("received_at") +
                ", coalesce(server_id, '') FROM rejected_events WHERE $2 = '' OR code = $2 ORDER BY id DESC "
                "LIMIT $1",
            static_cast<int64_t>(limit), code);
        for (const auto& row : rows) {
          v1::RejectionInfo* r = response.add_rejections();
          r->set_origin(row[0].as<std::string>());
          r->set_index(row[1].as<uint32_t>());
          r->set_event_id(row[2].as<std::string>());
          r->set_code(row[3].as<std::string>());
          r->set_reason(row[4].as<std::string>());
          r->set_source(row[5].as<std::string>());
          r->set_batch_id(row[6].as<uint64_t>());
          SetTime(row[7], r->mutable_received_at());
          r->set_server_id(row[8].as<std::string>());
        }
      });
}

absl::StatusOr<v1::ListFilesResponse> PostgresReader::ListFiles(uint32_t limit) {
  return Read<v1::ListFilesResponse>(
      "listing ingested files", [&](pqxx::read_transaction& tx, v1::ListFilesResponse& response) {
        auto rows = tx.exec_params(
            "SELECT coalesce(file_name, ''), sha256, coalesce(accepted, 0), coalesce(rejected, 0), "
            "coalesce(batch_id, 0), " +
                Micros("ingested_at") +
                ", coalesce(size_bytes, 0), coalesce(server_id, '') FROM ingested_files "
                "ORDER BY ingested_at DESC NULLS LAST, sha256 LIMIT $1",
            static_cast<int64_t>(limit));
        for (const auto& row : rows) {
          v1::FileInfo* f = response.add_files();
          f->set_file_name(row[0].as<std::string>());
          f->set_sha256(row[1].as<std::string>());
          f->set_accepted(row[2].as<uint32_t>());
          f->set_rejected(row[3].as<uint32_t>());
          f->set_batch_id(row[4].as<uint64_t>());
          SetTime(row[5], f->mutable_ingested_at());
          f->set_size_bytes(row[6].as<uint64_t>());
          f->set_server_id(row[7].as<std::string>());
        }
      });
}

absl::StatusOr<StoredEvent> PostgresReader::FindEvent(const std::string& event_id) {
  return Read<StoredEvent>("looking up an event", [&](pqxx::read_transaction& tx, StoredEvent& stored) {
    stored = LookupStoredEvent(tx, event_id);
  });
}

}  // namespace ingest::server
