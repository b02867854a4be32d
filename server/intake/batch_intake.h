// Turns a received batch into a WindowItem: each event validated, valid ones mapped to rows,
// invalid ones to rejects with their reason, and the BatchAck computed.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "ingest/v1/ingest.pb.h"
#include "server/model/received_batch.h"
#include "server/model/sealed_batch.h"

namespace ingest::server {

// `now` is the server's clock for validation. The item's ack, rows and rejects are filled in.
WindowItem BuildWindowItem(const ReceivedBatch& received, absl::Time now);
// The same for a batch already in memory.
inline WindowItem BuildWindowItem(v1::EventBatch batch, absl::Time now) {
  return BuildWindowItem(FromEventBatch(std::move(batch)), now);
}

}  // namespace ingest::server
