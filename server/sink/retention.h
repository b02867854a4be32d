// Retention: --retention, how long the bookkeeping rows are kept. A pass deletes the rows older
// than that from ingest_batches (by committed_at; each server's newest row always stays, as its
// next start reads its last batch id there), rejected_events (by received_at) and ingested_files
// (by ingested_at; an older file uploaded again is then ingested again), a few thousand rows per
// short transaction, so it holds no long transaction or many locks beside the writer. user_events,
// producers and producer_acks are never touched (the last two are bounded already).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ingest::server {

struct RetentionPass {
  std::map<std::string, uint64_t> deleted;  // rows deleted, by table
  int transactions = 0;

  uint64_t total() const;
  // "2 of ingest_batches, 3 of ingested_files, 3 of rejected_events"
  std::string Summary() const;
};

class Retention {
 public:
  // The shortest --retention: a batch's row must outlive its records in the write-ahead log.
  static constexpr absl::Duration kMinimum = absl::Hours(1);

  Retention(std::string conninfo, absl::Duration keep, int64_t rows_per_transaction = 5000);
  ~Retention();

  // Deletes what is older than the retention from each table; at most 10,000 transactions a table,
  // so one pass is bounded. An error stops the pass; what was deleted stays deleted. Not
  // thread-safe: one pass at a time.
  absl::StatusOr<RetentionPass> Run();

 private:
  struct Session;  // the connection (retention.cc), so libpqxx stays out of this header
  const std::unique_ptr<Session> session_;
  const absl::Duration keep_;
  const int64_t rows_per_transaction_;
};

}  // namespace ingest::server
