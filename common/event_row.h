// EventRow: a validated event as it is stored in user_events, and its mapping to and from the
// proto message.
#pragma once

#include <cstdint>
#include <string>

#include "common/event_view.h"
#include "ingest/v1/event.pb.h"

namespace ingest {

// Text fields hold the database text; an empty optional field is stored as NULL.
struct EventRow {
  std::string event_id;
  std::string user_id;
  std::string event_type;  // "view", "purchase", ...
  std::string product_id;
  std::string product_name;
  std::string product_category;
  int64_t price_cents = 0;
  int32_t quantity = 1;
  int64_t event_time_us = 0;  // microseconds since the Unix epoch, UTC
  std::string session_id;
  std::string device_type;  // "" when unspecified

  bool operator==(const EventRow&) const = default;
};

// Maps a valid event (see ValidateEvent) to its row: absent quantity becomes 1, the time is
// truncated to the microsecond, enums become their text.
EventRow ToEventRow(const v1::Event& event);
EventRow ToEventRow(const EventView& event);
// The inverse of ToEventRow, for rows read back from the database.
v1::Event ToProtoEvent(const EventRow& row);

// A text rendering of an event for rejected_events.payload: at most 4 KiB of valid UTF-8.
std::string PayloadText(const v1::Event& event);

// "12.34" for 1234 cents.
std::string FormatCents(int64_t cents);

}  // namespace ingest
