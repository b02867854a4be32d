// A StreamEvents batch as the server reads it from the wire bytes: parsed once, without the
// whole-message UTF-8 check of protobuf's string fields, so that one event with text that is not
// UTF-8 is rejected on its own (bad_utf8, by ValidateEvent) instead of failing the whole batch.
// The same bytes, unchanged, are what the write-ahead log keeps.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ingest/v1/ingest.pb.h"

namespace ingest::server {

struct ReceivedBatch {
  // The batch's fields. Event text may hold bytes that are not UTF-8; ValidateEvent rejects it.
  v1::EventBatch batch;
  // SHA-256 of the events' content (not producer_id or sequence): equal content, equal hash.
  std::string content_hash;
  size_t wire_bytes = 0;  // size as received
};

// InvalidArgument when `bytes` is not an EventBatch at all, or its producer_id is not UTF-8.
absl::StatusOr<ReceivedBatch> ParseReceivedBatch(absl::string_view bytes);

// For a batch already in memory (tests, the in-process paths): its serialized size and hash.
ReceivedBatch FromEventBatch(v1::EventBatch batch);

}  // namespace ingest::server
