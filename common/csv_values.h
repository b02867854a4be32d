// Parsers for the cells of a CSV event row. Each gives the value, or a Problem with a contract
// code and a reason about the value alone; the reader puts where it is in front
// ("line 12, column product_price: " + "\"12.345\" has more than 2 decimal places").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/validation.h"
#include "google/protobuf/timestamp.pb.h"
#include "ingest/v1/event.pb.h"

namespace ingest::csv {

// `text` as it may appear in a reason, which is stored as TEXT in PostgreSQL: bytes that are not
// UTF-8 and control characters written as \xNN, cut after 64 bytes with "...".
std::string PrintableText(absl::string_view text);
// PrintableText in double quotes.
std::string QuoteValue(absl::string_view text);

// A price in cents: digits, optionally a point and at most 2 fraction digits (".5" and "5." are
// read like PostgreSQL reads them), no sign, no exponent, below 100000000.00. A negative or too
// large value is out_of_range; any other malformed text is bad_number; empty is missing_field.
std::optional<Problem> ParsePriceCell(absl::string_view text, int64_t* cents);

// A quantity: a whole number 1..10000, no sign. Empty leaves `*quantity` absent (it means 1).
// Zero, negative or too large is out_of_range; anything else malformed is bad_number.
std::optional<Problem> ParseQuantityCell(absl::string_view text, std::optional<int32_t>* quantity);

// `YYYY-MM-DD`, `T`/`t`/space, `HH:MM:SS`, up to 9 fraction digits (truncated to the
// microsecond), then nothing (UTC), `Z`/`z`, or an offset `±HH:MM`, `±HHMM`, `±HH`.
// Dates and times that do not exist (2025-02-30, 24:00:00, second 60) are bad_timestamp.
std::optional<Problem> ParseTimestampCell(absl::string_view text, google::protobuf::Timestamp* time);

// Case-insensitive, "buy" is purchase; unknown is bad_enum, empty is missing_field.
std::optional<Problem> ParseEventTypeCell(absl::string_view text, v1::EventType* type);

// Case-insensitive; empty is DEVICE_TYPE_UNSPECIFIED, unknown is bad_enum.
std::optional<Problem> ParseDeviceTypeCell(absl::string_view text, v1::DeviceType* type);

// A text cell: at most `max_bytes` (too_long) and valid UTF-8 (bad_utf8). `size` is the value's
// full length when `text` holds only its beginning.
std::optional<Problem> CheckTextCell(absl::string_view text, size_t size, size_t max_bytes);

}  // namespace ingest::csv
