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

// `now` is the server's clock for validation; the item's hash, ack and rows are filled in.
WindowItem BuildWindowItem(const v1::EventBatch& batch, absl::Time now);

}  // namespace ingest::server
