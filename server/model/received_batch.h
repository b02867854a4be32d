// A StreamEvents batch as the server reads it from the wire bytes: parsed once, in place (no
// message object, no string per field), without the whole-message UTF-8 check of protobuf's
// string fields, so that one event with text that is not
// UTF-8 is rejected on its own (bad_utf8, by ValidateEvent) instead of failing the whole batch.
// The same bytes, unchanged, are what the write-ahead log keeps.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/event_view.h"
#include "ingest/v1/ingest.pb.h"

namespace ingest::server {

struct ReceivedBatch {
  std::string producer_id;
  uint64_t sequence = 0;
  // The events, read in place: views into the bytes the batch was parsed from, which must
  // outlive it (or into `storage`). Event text may hold bytes that are not UTF-8; ValidateEvent
  // rejects it.
  std::vector<EventView> events;
  // SHA-256 of the events' content (not producer_id or sequence): equal content, equal hash.
  std::string content_hash;
  size_t wire_bytes = 0;                       // size as received
  std::shared_ptr<const std::string> storage;  // FromEventBatch: the bytes `events` view

  int events_size() const { return static_cast<int>(events.size()); }
};

// InvalidArgument when `bytes` is not an EventBatch at all, or its producer_id is not UTF-8.
absl::StatusOr<ReceivedBatch> ParseReceivedBatch(absl::string_view bytes);

// For a batch already in memory (tests, the in-process paths): serialized once, then read as
// ParseReceivedBatch reads bytes.
ReceivedBatch FromEventBatch(const v1::EventBatch& batch);

}  // namespace ingest::server
