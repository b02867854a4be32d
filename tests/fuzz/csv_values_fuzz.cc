// Fuzz target of the CSV cell parsers (common/csv_values.h): the same bytes as a price, a
// quantity, a timestamp and the two enums. A value a parser accepts is in its range and, written
// back the way the server writes it, parses to the same value; a problem has a contract code and
// a reason that is valid UTF-8 (it is stored as PostgreSQL text).
//
// A real fuzzing run: bench/fuzz 600 values.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/csv_values.h"
#include "common/event_row.h"
#include "common/event_text.h"
#include "common/time_text.h"
#include "common/utf8.h"
#include "tests/fuzz/fuzz_invariant.h"

namespace {

using ingest::Problem;
using ingest::fuzz::Require;
namespace csv = ingest::csv;

void CheckProblem(const Problem& problem, absl::string_view what) {
  using namespace ingest::code;
  bool known = false;
  for (const char* c : {kMissingField, kBadNumber, kOutOfRange, kBadEnum, kBadTimestamp}) {
    known = known || problem.code == c;
  }
  Require(known, absl::StrCat(what, ": unknown code ", problem.code));
  Require(!problem.reason.empty() && ingest::IsValidUtf8(problem.reason),
          absl::StrCat(what, ": the reason is empty or not valid UTF-8"));
  Require(problem.reason.find('\0') == std::string::npos, absl::StrCat(what, ": the reason holds a NUL"));
}

void CheckPrice(absl::string_view text) {
  int64_t cents = -1;
  if (auto problem = csv::ParsePriceCell(text, &cents)) return CheckProblem(*problem, "price");
  Require(cents >= 0 && cents < ingest::kMaxPriceCents, absl::StrCat("price out of range: ", cents));
  const std::string written = ingest::FormatCents(cents);
  int64_t again = -1;
  Require(!csv::ParsePriceCell(written, &again) && again == cents,
          absl::StrCat("price ", cents, " written as ", written, " does not read back"));
  Require(!csv::ParsePriceCell(absl::StrCat("0", text), &again) && again == cents,
          "a leading zero changes the price");
}

void CheckQuantity(absl::string_view text) {
  std::optional<int32_t> quantity = 7;
  if (auto problem = csv::ParseQuantityCell(text, &quantity)) {
    return CheckProblem(*problem, "quantity");
  }
  Require(quantity.has_value() == !text.empty(), "an absent quantity is not the empty cell");
  if (!quantity) return;
  Require(*quantity >= 1 && *quantity <= ingest::kMaxQuantity, absl::StrCat("quantity ", *quantity));
  std::optional<int32_t> again;
  Require(!csv::ParseQuantityCell(absl::StrCat(*quantity), &again) && again == quantity,
          "a quantity written as digits does not read back");
}

void CheckTimestamp(absl::string_view text) {
  google::protobuf::Timestamp time;
  if (auto problem = csv::ParseTimestampCell(text, &time)) return CheckProblem(*problem, "timestamp");
  Require(time.nanos() >= 0 && time.nanos() < 1000000000 && time.nanos() % 1000 == 0,
          absl::StrCat("nanos ", time.nanos(), " are not whole microseconds of a second"));
  const absl::Time t = ingest::FromProtoTime(time);
  // FormatUtc writes the year without padding, as YYYY only for 1000..9999.
  const absl::Time min = absl::FromCivil(absl::CivilSecond(1000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  const absl::Time max = absl::FromCivil(absl::CivilSecond(10000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  if (t < min || t >= max) return;
  const std::string written = ingest::FormatUtc(t);
  google::protobuf::Timestamp again;
  Require(!csv::ParseTimestampCell(written, &again), absl::StrCat(written, " does not parse"));
  Require(again.seconds() == time.seconds() && again.nanos() == time.nanos(),
          absl::StrCat(written, " does not read back as the time it was written from"));
}

void CheckEnums(absl::string_view text) {
  ingest::v1::EventType type;
  if (auto problem = csv::ParseEventTypeCell(text, &type)) {
    CheckProblem(*problem, "event type");
  } else {
    ingest::v1::EventType again;
    Require(!csv::ParseEventTypeCell(ingest::EventTypeText(type), &again) && again == type,
            "an event type's name does not read back");
  }
  ingest::v1::DeviceType device;
  if (auto problem = csv::ParseDeviceTypeCell(text, &device)) {
    CheckProblem(*problem, "device type");
  } else if (device != ingest::v1::DEVICE_TYPE_UNSPECIFIED) {
    ingest::v1::DeviceType again;
    Require(!csv::ParseDeviceTypeCell(ingest::DeviceTypeText(device), &again) && again == device,
            "a device type's name does not read back");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  CheckPrice(text);
  CheckQuantity(text);
  CheckTimestamp(text);
  CheckEnums(text);
  return 0;
}
