// The contract's rules for one event: what is accepted, and for what is not, a code and a
// sentence naming the field and the problem with its value.
#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "common/event_view.h"
#include "ingest/v1/event.pb.h"

namespace ingest {

// Rejection codes of the contract.
namespace code {
inline constexpr char kMissingField[] = "missing_field";
inline constexpr char kTooLong[] = "too_long";
inline constexpr char kBadNumber[] = "bad_number";
inline constexpr char kOutOfRange[] = "out_of_range";
inline constexpr char kBadEnum[] = "bad_enum";
inline constexpr char kBadTimestamp[] = "bad_timestamp";
inline constexpr char kFutureTimestamp[] = "future_timestamp";
inline constexpr char kBadUtf8[] = "bad_utf8";
inline constexpr char kWrongFieldCount[] = "wrong_field_count";
inline constexpr char kDbRefused[] = "db_refused";
}  // namespace code

struct Problem {
  std::string code;    // one of code::k*
  std::string reason;  // e.g. "product_name is 300 bytes long; the limit is 255"

  bool operator==(const Problem&) const = default;
};

// Field limits of the contract.
inline constexpr size_t kMaxIdBytes = 50;
inline constexpr size_t kMaxProductNameBytes = 255;
inline constexpr size_t kMaxCategoryBytes = 100;
inline constexpr size_t kMaxSessionIdBytes = 50;
inline constexpr int64_t kMaxPriceCents = 10000000000LL;  // exclusive
inline constexpr int32_t kMaxQuantity = 10000;
inline constexpr absl::Duration kMaxFutureSkew = absl::Minutes(5);
absl::Time MinEventTime();  // 2000-01-01T00:00:00Z

// The first problem of `event` in field order, or nullopt when it is valid. `now` is the
// server's clock, for the future-timestamp rule.
std::optional<Problem> ValidateEvent(const v1::Event& event, absl::Time now);
std::optional<Problem> ValidateEvent(const EventView& event, absl::Time now);

}  // namespace ingest
