// A micro-batch written through several PostgreSQL connections at once (--writers N), the way
// parallel loaders such as timescaledb-parallel-copy use several backends. The batch's events are
// split by a hash of event_id (BatchPart), so one id always goes through the same connection and
// the parts touch disjoint rows. Parts 1..N-1 each commit in a transaction of their own that also
// records the part in ingest_batch_parts; part 0 waits for them, then commits its rows with the
// rest of the batch (rejects, producers' acks, files) and the ingest_batches row. A replay after
// a crash writes only the parts not recorded, split as they were.
//
// What a reader sees: the rows of parts that committed before the batch's own transaction, then
// the whole batch with its ingest_batches row. A batch is only complete once its ingest_batches
// row exists; a crash in between leaves some parts visible until the restart writes the rest.
// Exactly-once holds per part and for the batch.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "server/model/sealed_batch.h"
#include "server/sink/batch_transaction.h"
#include "server/sink/pg_connection.h"

namespace ingest::server {

// Writes `batch` through `writers` (at least one; with one, in a single transaction) or nothing
// when its ingest_batches row exists. Errors as PgConnection::Run reports them.
absl::StatusOr<CommitResult> WriteInParts(const std::vector<std::unique_ptr<PgConnection>>& writers,
                                          const SealedBatch& batch, const BatchTransactionOptions& opts);

}  // namespace ingest::server
