#include "common/csv_values.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/event_text.h"
#include "common/time_text.h"
#include "common/utf8.h"

namespace ingest::csv {
namespace {

// Enough of a value to recognise it in a reason; the raw row keeps all of it.
constexpr size_t kMaxShownBytes = 64;

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The value of up to 18 digits (callers bound the length first).
int64_t DigitsValue(absl::string_view s) {
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

absl::string_view StripLeadingZeros(absl::string_view s) {
  while (s.size() > 1 && s[0] == '0') s.remove_prefix(1);
  return s;
}

// Length of the well-formed UTF-8 character at the start of `s`, or 0 if there is none.
size_t Utf8CharLength(absl::string_view s) {
  const auto lead = static_cast<unsigned char>(s[0]);
  size_t len = lead < 0x80             ? 1
               : (lead & 0xE0) == 0xC0 ? 2
               : (lead & 0xF0) == 0xE0 ? 3
               : (lead & 0xF8) == 0xF0 ? 4
                                       : 0;
  if (len == 0 || len > s.size() || !IsValidUtf8(s.substr(0, len))) return 0;
  return len;
}

// Text made only of what a number in some notation could hold: worth an "exponent" hint.
bool LooksLikeExponent(absl::string_view s) {
  if (!absl::StrContains(s, 'e') && !absl::StrContains(s, 'E')) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && !absl::StrContains(".eE+-", c)) return false;
  }
  return true;
}

Problem PriceProblem(const char* code, absl::string_view text, absl::string_view what) {
  return Problem{code, absl::StrCat(QuoteValue(text), " ", what)};
}

// A cursor over timestamp text: each method consumes what it matched, or nothing.
class TimestampCursor {
 public:
  explicit TimestampCursor(absl::string_view text) : rest_(text) {}

  bool Number(size_t digits, int* value) {
    if (rest_.size() < digits || !AllDigits(rest_.substr(0, digits))) return false;
    *value = static_cast<int>(DigitsValue(rest_.substr(0, digits)));
    rest_.remove_prefix(digits);
    return true;
  }
  bool OneOf(absl::string_view chars, char* matched = nullptr) {
    if (rest_.empty() || !absl::StrContains(chars, rest_[0])) return false;
    if (matched != nullptr) *matched = rest_[0];
    rest_.remove_prefix(1);
    return true;
  }
  absl::string_view Digits() {
    size_t n = 0;
    while (n < rest_.size() && absl::ascii_isdigit(static_cast<unsigned char>(rest_[n]))) ++n;
    absl::string_view digits = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return digits;
  }
  bool AtEnd() const { return rest_.empty(); }

 private:
  absl::string_view rest_;
};

Problem TimestampProblem(absl::string_view text, absl::string_view what) {
  return Problem{code::kBadTimestamp, absl::StrCat(QuoteValue(text), " ", what)};
}

constexpr absl::string_view kTimestampForm =
    "is not a timestamp; write YYYY-MM-DD HH:MM:SS, optionally with up to 9 fraction digits and Z "
    "or an offset such as +02:00";

// The offset after the seconds and fraction: nothing, Z/z, +HH:MM, +HHMM or +HH (or with '-').
// False when the text there is none of these.
bool ReadOffset(TimestampCursor* cursor, int* hours, int* minutes, int* sign) {
  *hours = *minutes = 0;
  *sign = 1;
  char sign_char = 0;
  if (cursor->AtEnd() || cursor->OneOf("Zz")) return true;
  if (!cursor->OneOf("+-", &sign_char) || !cursor->Number(2, hours)) return false;
  if (sign_char == '-') *sign = -1;
  if (cursor->OneOf(":")) return cursor->Number(2, minutes);
  return cursor->AtEnd() || cursor->Number(2, minutes);
}

// What is wrong with a date and time of the right form that does not exist, if anything.
std::optional<std::string> ImpossibleDateTime(int year, int month, int day, int hour, int minute,
                                              int second) {
  if (month < 1 || month > 12)
    return absl::StrCat("is not a date that exists (there is no month ", month, ")");
  const int64_t days_in_month = absl::CivilDay(year, month + 1, 1) - absl::CivilDay(year, month, 1);
  if (day < 1 || day > days_in_month) {
    return absl::StrFormat("is not a date that exists (%04d-%02d has %d days)", year, month, days_in_month);
  }
  if (hour > 23 || minute > 59 || second > 59) return std::string("is not a time of day that exists");
  return std::nullopt;
}

}  // namespace

std::string PrintableText(absl::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size() && i < kMaxShownBytes) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t len = Utf8CharLength(text.substr(i));
    if (len == 0 || c < 0x20 || c == 0x7F) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
      ++i;
    } else {
      out.append(text.data() + i, len);
      i += len;
    }
  }
  if (i < text.size()) out += "...";
  return out;
}

std::string QuoteValue(absl::string_view text) { return absl::StrCat("\"", PrintableText(text), "\""); }

std::optional<Problem> ParsePriceCell(absl::string_view text, int64_t* cents) {
  if (text.empty()) return Problem{code::kMissingField, "the price is empty; it is required"};
  absl::string_view body = text;
  const bool negative = absl::ConsumePrefix(&body, "-");
  const size_t point = body.find('.');
  absl::string_view whole = body.substr(0, point);
  absl::string_view fraction = point == body.npos ? absl::string_view() : body.substr(point + 1);
  if (!AllDigits(whole) || !AllDigits(fraction) || whole.size() + fraction.size() == 0) {
    if (LooksLikeExponent(text)) {
      return PriceProblem(code::kBadNumber, text,
                          "has an exponent; write the price as a plain decimal number");
    }
    return PriceProblem(code::kBadNumber, text, "is not a price; write a decimal number such as 12.99");
  }
  if (fraction.size() > 2) return PriceProblem(code::kBadNumber, text, "has more than 2 decimal places");
  if (negative) return PriceProblem(code::kOutOfRange, text, "is negative; a price must be 0 or more");
  whole = StripLeadingZeros(whole);
  if (whole.size() > 8) {
    return PriceProblem(code::kOutOfRange, text, "is too large; a price must be below 100000000.00");
  }
  std::string fraction_cents(fraction);
  fraction_cents.resize(2, '0');
  *cents = DigitsValue(whole) * 100 + DigitsValue(fraction_cents);
  return std::nullopt;
}

std::optional<Problem> ParseQuantityCell(absl::string_view text, std::optional<int32_t>* quantity) {
  quantity->reset();
  if (text.empty()) return std::nullopt;
  absl::string_view digits = text;
  const bool negative = absl::ConsumePrefix(&digits, "-");
  if (digits.empty() || !AllDigits(digits)) {
    return Problem{code::kBadNumber, absl::StrCat(QuoteValue(text), " is not a whole number")};
  }
  digits = StripLeadingZeros(digits);
  const int64_t value = digits.size() > 5 ? kMaxQuantity + 1 : DigitsValue(digits);
  if (negative || value < 1 || value > kMaxQuantity) {
    return Problem{code::kOutOfRange,
                   absl::StrCat(QuoteValue(text), " is out of range; a quantity must be 1..", kMaxQuantity,
                                " (an empty cell means 1)")};
  }
  *quantity = static_cast<int32_t>(value);
  return std::nullopt;
}

std::optional<Problem> ParseTimestampCell(absl::string_view text, google::protobuf::Timestamp* time) {
  if (text.empty()) return Problem{code::kMissingField, "the timestamp is empty; it is required"};
  TimestampCursor cursor(text);
  int year, month, day, hour, minute, second;
  if (!(cursor.Number(4, &year) && cursor.OneOf("-") && cursor.Number(2, &month) && cursor.OneOf("-") &&
        cursor.Number(2, &day) && cursor.OneOf("Tt ") && cursor.Number(2, &hour) && cursor.OneOf(":") &&
        cursor.Number(2, &minute) && cursor.OneOf(":") && cursor.Number(2, &second))) {
    return TimestampProblem(text, kTimestampForm);
  }
  int64_t micros = 0;
  if (cursor.OneOf(".")) {
    absl::string_view fraction = cursor.Digits();
    if (fraction.empty()) return TimestampProblem(text, kTimestampForm);
    if (fraction.size() > 9) return TimestampProblem(text, "has more than 9 fraction digits");
    std::string six(fraction.substr(0, 6));  // truncated, never rounded, to the microsecond
    six.resize(6, '0');
    micros = DigitsValue(six);
  }
  int offset_hours, offset_minutes, sign;
  if (!ReadOffset(&cursor, &offset_hours, &offset_minutes, &sign) || !cursor.AtEnd()) {
    return TimestampProblem(text, kTimestampForm);
  }
  if (offset_hours > 23 || offset_minutes > 59) {
    return TimestampProblem(text, "has a UTC offset that does not exist (the largest is 23:59)");
  }
  if (auto what = ImpossibleDateTime(year, month, day, hour, minute, second))
    return TimestampProblem(text, *what);
  const absl::Time local =
      absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second), absl::UTCTimeZone());
  *time = ToProtoTime(local - sign * absl::Minutes(offset_hours * 60 + offset_minutes) +
                      absl::Microseconds(micros));
  return std::nullopt;
}

std::optional<Problem> ParseEventTypeCell(absl::string_view text, v1::EventType* type) {
  if (text.empty()) return Problem{code::kMissingField, "the event type is empty; it is required"};
  if (auto parsed = ParseEventType(text)) {
    *type = *parsed;
    return std::nullopt;
  }
  return Problem{code::kBadEnum,
                 absl::StrCat(QuoteValue(text),
                              " is not an event type; use view, add_to_cart, remove_from_cart, "
                              "purchase (or buy), wishlist or click")};
}

std::optional<Problem> ParseDeviceTypeCell(absl::string_view text, v1::DeviceType* type) {
  *type = v1::DEVICE_TYPE_UNSPECIFIED;
  if (text.empty()) return std::nullopt;
  if (auto parsed = ParseDeviceType(text)) {
    *type = *parsed;
    return std::nullopt;
  }
  return Problem{code::kBadEnum,
                 absl::StrCat(QuoteValue(text),
                              " is not a device type; use mobile, desktop or tablet, or leave it empty")};
}

std::optional<Problem> CheckTextCell(absl::string_view text, size_t size, size_t max_bytes) {
  if (size > max_bytes) {
    return Problem{code::kTooLong,
                   absl::StrCat("the value is ", size, " bytes long; the limit is ", max_bytes)};
  }
  if (!IsValidUtf8(text)) {
    return Problem{code::kBadUtf8, absl::StrCat("the value ", QuoteValue(text), " is not valid UTF-8")};
  }
  if (text.find('\0') != absl::string_view::npos) {
    return Problem{code::kBadUtf8,
                   absl::StrCat("the value ", QuoteValue(text),
                                " holds a NUL character, which PostgreSQL text cannot store")};
  }
  return std::nullopt;
}

}  // namespace ingest::csv
