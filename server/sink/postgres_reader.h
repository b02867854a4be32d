// PostgresReader: the admin API's read-only queries (recent batches), on a connection of its own.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ingest/v1/admin.pb.h"
#include "server/sink/pg_connection.h"

namespace ingest::server {

class PostgresReader {
 public:
  explicit PostgresReader(std::string conninfo) : conn_(std::move(conninfo)) {}

  // The newest `limit` micro-batches of every server, newest first.
  absl::StatusOr<v1::ListBatchesResponse> ListBatches(uint32_t limit);

 private:
  absl::Mutex mu_;
  PgConnection conn_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ingest::server
