// EventSink: where sealed micro-batches are written, one transaction each. Two implementations:
// PostgresSink (sink/, the product) and MemorySink (tests/testing/). The interface lives in the
// model so that the batch writer above and the sink below both depend on it, not on each other.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/model/producer_record.h"
#include "server/model/sealed_batch.h"

namespace ingest::server {

class EventSink {
 public:
  virtual ~EventSink() = default;

  // Writes a batch in one transaction: its events (upserted), rejects, producers' acks and the
  // ingest_batches row. A batch whose row already exists is not written again
  // (CommitResult::already_committed). Unavailable for errors worth retrying (connection,
  // resources); InvalidArgument for data PostgreSQL refused (SQLSTATE class 22/23).
  virtual absl::StatusOr<CommitResult> Write(const SealedBatch& batch) = 0;

  // What the database knows of a producer; nullopt for none (or forgotten after the TTL).
  virtual absl::StatusOr<std::optional<ProducerRecord>> LoadProducer(const std::string& producer_id) = 0;

  // LoadProducer for a stream's first batch, which also records this server as the one that took
  // the producer's latest stream, and says whether another server took the one before
  // (ProducerRecord::taken_elsewhere). One server alone: LoadProducer.
  virtual absl::StatusOr<std::optional<ProducerRecord>> ClaimProducer(const std::string& producer_id) {
    return LoadProducer(producer_id);
  }

  // The highest batch id this server committed, 0 if none.
  virtual absl::StatusOr<uint64_t> LastBatchId() = 0;
};

}  // namespace ingest::server
