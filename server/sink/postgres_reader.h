// PostgresReader: read-only queries of the admin API and of UploadFile (is this file already
// ingested?), on a connection of its own.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ingest/v1/admin.pb.h"
#include "ingest/v1/ingest.pb.h"
#include "server/sink/pg_connection.h"

namespace ingest::server {

class PostgresReader {
 public:
  explicit PostgresReader(std::string conninfo) : conn_(std::move(conninfo)) {}

  // The newest `limit` micro-batches of every server, newest first.
  absl::StatusOr<v1::ListBatchesResponse> ListBatches(uint32_t limit);
  // The committed ingestion of the file with this sha256 (hex), if any (UploadFile duplicates).
  absl::StatusOr<std::optional<v1::UploadResult>> LookupFile(const std::string& sha256);

 private:
  absl::Mutex mu_;
  PgConnection conn_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ingest::server
