#include "common/event_text.h"

#include "absl/strings/match.h"

namespace ingest {
namespace {

constexpr absl::string_view kEventTypes[] = {"",         "view",     "add_to_cart", "remove_from_cart",
                                             "purchase", "wishlist", "click"};
constexpr absl::string_view kDeviceTypes[] = {"", "mobile", "desktop", "tablet"};

}  // namespace

absl::string_view EventTypeText(v1::EventType type) {
  int i = static_cast<int>(type);
  return i > 0 && i < static_cast<int>(std::size(kEventTypes)) ? kEventTypes[i] : absl::string_view();
}

absl::string_view DeviceTypeText(v1::DeviceType type) {
  int i = static_cast<int>(type);
  return i > 0 && i < static_cast<int>(std::size(kDeviceTypes)) ? kDeviceTypes[i] : absl::string_view();
}

std::optional<v1::EventType> ParseEventType(absl::string_view text) {
  for (size_t i = 1; i < std::size(kEventTypes); ++i) {
    if (absl::EqualsIgnoreCase(text, kEventTypes[i])) return static_cast<v1::EventType>(i);
  }
  if (absl::EqualsIgnoreCase(text, "buy")) return v1::EVENT_TYPE_PURCHASE;
  return std::nullopt;
}

std::optional<v1::DeviceType> ParseDeviceType(absl::string_view text) {
  for (size_t i = 1; i < std::size(kDeviceTypes); ++i) {
    if (absl::EqualsIgnoreCase(text, kDeviceTypes[i])) return static_cast<v1::DeviceType>(i);
  }
  return std::nullopt;
}

}  // namespace ingest
