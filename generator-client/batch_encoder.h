// BatchEncoder: writes an EventBatch's wire bytes directly, the bytes protobuf would write for
// the same message, without building one. The fields that come from the catalog (user, product)
// are encoded once, at construction; per event only its id, time, session and drawn values are.
// Sizes are computed first, so every byte is written once, in place, into a reused buffer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "generator-client/catalog.h"
#include "ingest/v1/event.pb.h"

namespace ingest::generator {

// "sess_" and 16 hex digits.
using SessionId = std::array<char, 21>;
inline absl::string_view View(const SessionId& id) { return absl::string_view(id.data(), id.size()); }

// What varies from one generated event to the next, drawn by EventFactory.
struct EventDraw {
  int user = -1;  // index into Catalog::users(); -1: no user_id (an invalid event)
  SessionId session_id{};
  v1::DeviceType device = v1::DEVICE_TYPE_UNSPECIFIED;
  int product = 0;  // index into Catalog::products()
  v1::EventType type = v1::EVENT_TYPE_UNSPECIFIED;
  int32_t quantity = 1;
  int64_t price_cents = 0;  // the product's, unless the event is made invalid
  int64_t unix_micros = 0;  // when it happened, µs since the epoch
};

class BatchEncoder {
 public:
  // `catalog` must outlive the encoder.
  explicit BatchEncoder(const Catalog& catalog);

  // Replaces the content of `out` (its allocation is reused) with the batch `sequence` of
  // `producer_id` holding `events`, whose ids are `id_prefix` followed by their index.
  void Encode(absl::string_view producer_id, uint64_t sequence, absl::string_view id_prefix,
              absl::Span<const EventDraw> events, std::string* out);

 private:
  // The size of one event's message, without its tag and length.
  size_t EventSize(size_t id_size, const EventDraw& e) const;
  // Writes one event's message (no tag or length) at `p`; returns the end.
  char* WriteEvent(char* p, absl::string_view id_prefix, int index, const EventDraw& e) const;

  std::vector<std::string> users_;     // field 2 of each user, encoded
  std::vector<std::string> products_;  // fields 4..6 of each product, encoded
  std::vector<uint32_t> sizes_;        // of the batch being encoded, per event
};

}  // namespace ingest::generator
