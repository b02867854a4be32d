// Text names of the event enums, as used in CSV files, the database and the CLI.
#pragma once

#include <optional>

#include "absl/strings/string_view.h"
#include "ingest/v1/event.pb.h"

namespace ingest {

// "view", "add_to_cart", ...; empty for UNSPECIFIED or an unknown value.
absl::string_view EventTypeText(v1::EventType type);
// "mobile", "desktop", "tablet"; empty for UNSPECIFIED or an unknown value.
absl::string_view DeviceTypeText(v1::DeviceType type);

// Case-insensitive; accepts "buy" as purchase (the raw_events CSV format). nullopt if unknown.
std::optional<v1::EventType> ParseEventType(absl::string_view text);
// Case-insensitive. nullopt if unknown.
std::optional<v1::DeviceType> ParseDeviceType(absl::string_view text);

}  // namespace ingest
