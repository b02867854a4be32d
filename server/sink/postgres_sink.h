// PostgresSink: writes each sealed micro-batch to PostgreSQL (COPY into temporary staging
// tables, duplicates collapsed, INSERT ... ON CONFLICT (event_id), rejects, producer acks, the
// ingest_batches row): in one transaction, or through several connections at once, one part of
// the batch each (--writers, parted_write.h).
#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "server/model/event_sink.h"

namespace ingest::server {

struct PostgresSinkOptions {
  std::string conninfo;            // libpq connection string
  std::string server_id;           // ingest_batches.server_id
  bool update_on_conflict = true;  // --on-conflict update (last write wins) or ignore
  absl::Duration producer_ttl = absl::Hours(24 * 7);
  int writers = 1;  // connections a batch is written through at once (parted_write.h)
};

class PostgresSink final : public EventSink {
 public:
  explicit PostgresSink(PostgresSinkOptions options);
  ~PostgresSink() override;

  // Connects, applies pending migrations if its role may (PrepareSchema, migrations.h) and
  // forgets producers idle past the TTL. Call (and retry) before anything else; FailedPrecondition
  // (migrations pending that the role may not apply) is not worth retrying.
  absl::Status Prepare();

  absl::StatusOr<CommitResult> Write(const SealedBatch& batch) override;
  absl::StatusOr<std::optional<ProducerRecord>> LoadProducer(const std::string& producer_id) override;
  absl::StatusOr<std::optional<ProducerRecord>> ClaimProducer(const std::string& producer_id) override;
  absl::StatusOr<uint64_t> LastBatchId() override;

 private:
  absl::StatusOr<std::optional<ProducerRecord>> ReadProducer(const std::string& producer_id, bool claim);
  const PostgresSinkOptions options_;
  struct Connections;  // `writers` for batch writes, one for the rest (postgres_sink.cc)
  const std::unique_ptr<Connections> db_;
};

}  // namespace ingest::server
