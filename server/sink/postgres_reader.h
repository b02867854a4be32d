// PostgresReader: read-only queries of the admin API and of UploadFile (is this file already
// ingested?), on a connection of its own. Errors are absl::Status with the SQLSTATE; a database
// that cannot be reached is Unavailable.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ingest/v1/admin.pb.h"
#include "ingest/v1/ingest.pb.h"
#include "server/sink/stored_event.h"

namespace ingest::server {

// A row of producers.
struct StoredProducer {
  std::string producer_id;
  uint64_t last_sequence = 0;
  int64_t last_seen_us = 0;  // 0 when NULL
};

class PostgresReader {
 public:
  explicit PostgresReader(std::string conninfo);
  ~PostgresReader();

  // The newest `limit` micro-batches of every server, newest first.
  absl::StatusOr<v1::ListBatchesResponse> ListBatches(uint32_t limit);
  // The committed ingestion of the file with this sha256 (hex), if any (UploadFile duplicates).
  absl::StatusOr<std::optional<v1::UploadResult>> LookupFile(const std::string& sha256);

  // The `limit` most recently seen producers, plus those named in `also` (when they have a row).
  absl::StatusOr<std::vector<StoredProducer>> ListProducers(uint32_t limit,
                                                            const std::vector<std::string>& also);
  // The newest `limit` rows of rejected_events (only `code` when not empty), newest first.
  absl::StatusOr<v1::ListRejectionsResponse> ListRejections(uint32_t limit, const std::string& code);
  // The newest `limit` rows of ingested_files, newest first.
  absl::StatusOr<v1::ListFilesResponse> ListFiles(uint32_t limit);
  // The event's user_events row and newest rejected_events row (see stored_event.h).
  absl::StatusOr<StoredEvent> FindEvent(const std::string& event_id);

 private:
  // Runs `fill(tx, out)` in a read transaction on this reader's connection and returns `out`;
  // `out` starts afresh on each attempt, as PgConnection::Run may retry on a new connection.
  template <typename T, typename Fill>
  absl::StatusOr<T> Read(const std::string& doing, Fill fill);

  struct Session;  // the connection, and the mutex that serialises its use (postgres_reader.cc)
  const std::unique_ptr<Session> session_;
};

}  // namespace ingest::server
