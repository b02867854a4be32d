// Turns a received EventBatch into a WindowItem: each event validated, valid ones mapped to rows,
// invalid ones to rejects with their reason, and the BatchAck computed.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "ingest/v1/ingest.pb.h"
#include "server/batch.h"

namespace ingest::server {

// SHA-256 of the batch's events (not producer_id or sequence): equal content, equal hash.
std::string BatchContentHash(const v1::EventBatch& batch);

// `now` is the server's clock for validation; `content_hash` is BatchContentHash(batch), which
// the caller already computed to admit the batch. The item's ack and rows are filled in.
WindowItem BuildWindowItem(const v1::EventBatch& batch, std::string content_hash, absl::Time now);
// The same, computing the hash.
inline WindowItem BuildWindowItem(const v1::EventBatch& batch, absl::Time now) {
  return BuildWindowItem(batch, BatchContentHash(batch), now);
}

}  // namespace ingest::server
