#include "common/validation.h"

#include "absl/strings/str_cat.h"
#include "common/event_text.h"
#include "common/time_text.h"
#include "common/utf8.h"

namespace ingest {
namespace {

// A text field: `required` means 1..max bytes, otherwise 0..max; always valid UTF-8 without NUL.
std::optional<Problem> CheckText(absl::string_view field, absl::string_view value, size_t max,
                                 bool required) {
  if (required && value.empty()) {
    return Problem{code::kMissingField, absl::StrCat(field, " is missing; it is required")};
  }
  if (value.size() > max) {
    return Problem{code::kTooLong,
                   absl::StrCat(field, " is ", value.size(), " bytes long; the limit is ", max)};
  }
  if (!IsValidUtf8(value)) {
    return Problem{code::kBadUtf8, absl::StrCat(field, " is not valid UTF-8")};
  }
  if (const size_t nul = value.find('\0'); nul != absl::string_view::npos) {
    return Problem{code::kBadUtf8, absl::StrCat(field, " holds a NUL character (byte ", nul + 1,
                                                "), which PostgreSQL text cannot store")};
  }
  return std::nullopt;
}

template <typename Event>
std::optional<Problem> CheckEventTime(const Event& e, absl::Time now) {
  if (!e.has_event_time()) {
    return Problem{code::kMissingField, "event_time is missing; it is required"};
  }
  const auto& ts = e.event_time();
  if (ts.nanos() < 0 || ts.nanos() > 999999999) {
    return Problem{code::kBadTimestamp,
                   absl::StrCat("event_time has nanos ", ts.nanos(), "; they must be 0..999999999")};
  }
  const absl::Time t = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  if (t < MinEventTime()) {
    return Problem{code::kOutOfRange,
                   absl::StrCat("event_time ", FormatUtc(t), " is before 2000-01-01T00:00:00Z")};
  }
  if (t > now + kMaxFutureSkew) {
    return Problem{code::kFutureTimestamp,
                   absl::StrCat("event_time ", FormatUtc(t),
                                " is more than 5 minutes past the server's clock (", FormatUtc(now), ")")};
  }
  return std::nullopt;
}

// The rules, over v1::Event or EventView (the same accessors).
template <typename Event>
std::optional<Problem> Validate(const Event& e, absl::Time now) {
  if (auto p = CheckText("event_id", e.event_id(), kMaxIdBytes, true)) return p;
  if (auto p = CheckText("user_id", e.user_id(), kMaxIdBytes, true)) return p;
  if (e.event_type() == v1::EVENT_TYPE_UNSPECIFIED) {
    return Problem{code::kBadEnum,
                   "event_type is unspecified; it must be one of view, add_to_cart, "
                   "remove_from_cart, purchase, wishlist, click"};
  }
  if (EventTypeText(e.event_type()).empty()) {
    return Problem{code::kBadEnum,
                   absl::StrCat("event_type has unknown value ", static_cast<int>(e.event_type()))};
  }
  if (auto p = CheckText("product_id", e.product_id(), kMaxIdBytes, true)) return p;
  if (auto p = CheckText("product_name", e.product_name(), kMaxProductNameBytes, false)) return p;
  if (auto p = CheckText("product_category", e.product_category(), kMaxCategoryBytes, false)) return p;
  if (e.price_cents() < 0 || e.price_cents() >= kMaxPriceCents) {
    return Problem{code::kOutOfRange, absl::StrCat("price_cents is ", e.price_cents(),
                                                   "; it must be 0 or more and below 10000000000")};
  }
  if (e.has_quantity() && (e.quantity() < 1 || e.quantity() > kMaxQuantity)) {
    return Problem{code::kOutOfRange,
                   absl::StrCat("quantity is ", e.quantity(), "; it must be 1..10000 (absent means 1)")};
  }
  if (auto p = CheckEventTime(e, now)) return p;
  if (auto p = CheckText("session_id", e.session_id(), kMaxSessionIdBytes, false)) return p;
  if (e.device_type() != v1::DEVICE_TYPE_UNSPECIFIED && DeviceTypeText(e.device_type()).empty()) {
    return Problem{code::kBadEnum,
                   absl::StrCat("device_type has unknown value ", static_cast<int>(e.device_type()))};
  }
  return std::nullopt;
}

}  // namespace

absl::Time MinEventTime() {
  return absl::FromCivil(absl::CivilSecond(2000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
}

std::optional<Problem> ValidateEvent(const v1::Event& event, absl::Time now) { return Validate(event, now); }

std::optional<Problem> ValidateEvent(const EventView& event, absl::Time now) { return Validate(event, now); }

}  // namespace ingest
