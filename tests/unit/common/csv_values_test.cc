#include "common/csv_values.h"

#include <gtest/gtest.h>

#include <string>

#include "common/time_text.h"

namespace ingest::csv {
namespace {

int64_t Cents(const std::string& text) {
  int64_t cents = -1;
  auto p = ParsePriceCell(text, &cents);
  EXPECT_FALSE(p.has_value()) << text << ": " << p->reason;
  return cents;
}

Problem PriceProblem(const std::string& text) {
  int64_t cents;
  auto p = ParsePriceCell(text, &cents);
  EXPECT_TRUE(p.has_value()) << text << " was accepted as " << cents;
  return p.value_or(Problem{});
}

TEST(ParsePriceCellTest, ReadsDecimalTextAsCents) {
  EXPECT_EQ(Cents("12.99"), 1299);
  EXPECT_EQ(Cents("0"), 0);
  EXPECT_EQ(Cents("0.00"), 0);
  EXPECT_EQ(Cents("0.5"), 50);
  EXPECT_EQ(Cents(".5"), 50);
  EXPECT_EQ(Cents("5."), 500);
  EXPECT_EQ(Cents("007.10"), 710);
  EXPECT_EQ(Cents("99999999.99"), 9999999999);
}

TEST(ParsePriceCellTest, TextThatIsNotADecimalNumberIsBadNumber) {
  for (const char* text :
       {"abc", "12,50", "+1.00", " 1.00", "1.2.3", ".", "-", "1 000", "NaN", "inf", "$5"}) {
    EXPECT_EQ(PriceProblem(text),
              (Problem{"bad_number", "\"" + std::string(text) +
                                         "\" is not a price; write a decimal number such as 12.99"}));
  }
}

TEST(ParsePriceCellTest, AnExponentIsBadNumber) {
  EXPECT_EQ(PriceProblem("1e5"),
            (Problem{"bad_number", "\"1e5\" has an exponent; write the price as a plain decimal number"}));
  EXPECT_EQ(PriceProblem("1.5E2").code, "bad_number");
}

TEST(ParsePriceCellTest, MoreThanTwoDecimalPlacesIsBadNumber) {
  EXPECT_EQ(PriceProblem("12.345"), (Problem{"bad_number", "\"12.345\" has more than 2 decimal places"}));
  EXPECT_EQ(PriceProblem("1.000"), (Problem{"bad_number", "\"1.000\" has more than 2 decimal places"}));
}

TEST(ParsePriceCellTest, ANegativePriceIsOutOfRange) {
  EXPECT_EQ(PriceProblem("-1.50"),
            (Problem{"out_of_range", "\"-1.50\" is negative; a price must be 0 or more"}));
}

TEST(ParsePriceCellTest, AHundredMillionOrMoreIsOutOfRange) {
  const std::string reason = " is too large; a price must be below 100000000.00";
  EXPECT_EQ(PriceProblem("100000000.00"), (Problem{"out_of_range", "\"100000000.00\"" + reason}));
  EXPECT_EQ(PriceProblem("100000000"), (Problem{"out_of_range", "\"100000000\"" + reason}));
  EXPECT_EQ(PriceProblem("123456789012345678901234567890").code, "out_of_range");
}

TEST(ParsePriceCellTest, EmptyIsMissing) { EXPECT_EQ(PriceProblem("").code, "missing_field"); }

TEST(ParseQuantityCellTest, ReadsWholeNumbersAndEmptyAsAbsent) {
  std::optional<int32_t> q;
  EXPECT_FALSE(ParseQuantityCell("1", &q).has_value());
  EXPECT_EQ(q, 1);
  EXPECT_FALSE(ParseQuantityCell("10000", &q).has_value());
  EXPECT_EQ(q, 10000);
  EXPECT_FALSE(ParseQuantityCell("007", &q).has_value());
  EXPECT_EQ(q, 7);
  EXPECT_FALSE(ParseQuantityCell("", &q).has_value());
  EXPECT_FALSE(q.has_value());
}

TEST(ParseQuantityCellTest, ZeroNegativeOrTooLargeIsOutOfRange) {
  std::optional<int32_t> q;
  for (const char* text : {"0", "-1", "-0", "10001", "99999999999999999999"}) {
    EXPECT_EQ(ParseQuantityCell(text, &q),
              (Problem{"out_of_range",
                       "\"" + std::string(text) +
                           "\" is out of range; a quantity must be 1..10000 (an empty cell means 1)"}));
  }
}

TEST(ParseQuantityCellTest, TextThatIsNotAWholeNumberIsBadNumber) {
  std::optional<int32_t> q;
  for (const char* text : {"2.5", "two", "+3", "1e2", "-"}) {
    EXPECT_EQ(ParseQuantityCell(text, &q),
              (Problem{"bad_number", "\"" + std::string(text) + "\" is not a whole number"}));
  }
}

int64_t Micros(const std::string& text) {
  google::protobuf::Timestamp ts;
  auto p = ParseTimestampCell(text, &ts);
  EXPECT_FALSE(p.has_value()) << text << ": " << p->reason;
  EXPECT_EQ(ts.nanos() % 1000, 0) << text << " is not truncated to the microsecond";
  return ToMicros(FromProtoTime(ts));
}

Problem TimestampProblem(const std::string& text) {
  google::protobuf::Timestamp ts;
  auto p = ParseTimestampCell(text, &ts);
  EXPECT_TRUE(p.has_value()) << text << " was accepted";
  return p.value_or(Problem{});
}

constexpr int64_t kBase = 1735787045000000;  // 2025-01-02T03:04:05Z

TEST(ParseTimestampCellTest, EveryFormOfTheContractIsAccepted) {
  for (const char* text :
       {"2025-01-02T03:04:05", "2025-01-02t03:04:05", "2025-01-02 03:04:05", "2025-01-02T03:04:05Z",
        "2025-01-02 03:04:05z", "2025-01-02T03:04:05+00:00", "2025-01-02T03:04:05-00:00",
        "2025-01-02T03:04:05+0000", "2025-01-02T03:04:05+00", "2025-01-02T05:04:05+02:00",
        "2025-01-02T05:04:05+0200", "2025-01-02T05:04:05+02", "2025-01-02T00:34:05-02:30",
        "2025-01-02T00:34:05-0230", "2025-01-01T16:04:05-11", "2025-01-02T17:49:05+14:45"}) {
    EXPECT_EQ(Micros(text), kBase) << text;
  }
}

TEST(ParseTimestampCellTest, FractionsAreTruncatedToTheMicrosecond) {
  EXPECT_EQ(Micros("2025-01-02T03:04:05.1"), kBase + 100000);
  EXPECT_EQ(Micros("2025-01-02T03:04:05.123456Z"), kBase + 123456);
  EXPECT_EQ(Micros("2025-01-02T03:04:05.123456789Z"), kBase + 123456);
  EXPECT_EQ(Micros("2025-01-02T03:04:05.999999999"), kBase + 999999);
  EXPECT_EQ(Micros("2025-01-02T05:04:05.0000009+02:00"), kBase);
}

TEST(ParseTimestampCellTest, LeapDaysExistOnlyInLeapYears) {
  EXPECT_EQ(Micros("2024-02-29 00:00:00"), 1709164800000000);
  EXPECT_EQ(TimestampProblem("2100-02-29 00:00:00").reason,
            "\"2100-02-29 00:00:00\" is not a date that exists (2100-02 has 28 days)");
}

TEST(ParseTimestampCellTest, TextOfAnotherFormIsBadTimestamp) {
  const std::string form =
      "\" is not a timestamp; write YYYY-MM-DD HH:MM:SS, optionally with up to 9 fraction digits and Z or an "
      "offset such as +02:00";
  for (const char* text :
       {"yesterday", "2025-01-02", "2025/01/02 03:04:05", "2025-1-2 3:04:05", "2025-01-02T03:04",
        "2025-01-02T03:04:05.", "2025-01-02T03:04:05 Z", "2025-01-02T03:04:05+2", "2025-01-02T03:04:05+02:0",
        "2025-01-02T03:04:05+02:000", "2025-01-02T03:04:05UTC", "2025-01-02T03:04:05Zjunk",
        "2025-01-02  03:04:05", "1735787045"}) {
    EXPECT_EQ(TimestampProblem(text), (Problem{"bad_timestamp", "\"" + std::string(text) + form}));
  }
}

TEST(ParseTimestampCellTest, MoreThanNineFractionDigitsIsBadTimestamp) {
  EXPECT_EQ(
      TimestampProblem("2025-01-02T03:04:05.1234567890Z"),
      (Problem{"bad_timestamp", "\"2025-01-02T03:04:05.1234567890Z\" has more than 9 fraction digits"}));
}

TEST(ParseTimestampCellTest, ImpossibleDatesAndTimesAreBadTimestamp) {
  EXPECT_EQ(
      TimestampProblem("2025-02-30 10:00:00"),
      (Problem{"bad_timestamp", "\"2025-02-30 10:00:00\" is not a date that exists (2025-02 has 28 days)"}));
  EXPECT_EQ(TimestampProblem("2025-04-31T00:00:00").reason,
            "\"2025-04-31T00:00:00\" is not a date that exists (2025-04 has 30 days)");
  EXPECT_EQ(TimestampProblem("2025-01-00T00:00:00").reason,
            "\"2025-01-00T00:00:00\" is not a date that exists (2025-01 has 31 days)");
  EXPECT_EQ(TimestampProblem("2025-13-01T00:00:00").reason,
            "\"2025-13-01T00:00:00\" is not a date that exists (there is no month 13)");
  for (const char* text : {"2025-01-01 24:00:00", "2025-01-01 23:60:00", "2025-12-31 23:59:60"}) {
    EXPECT_EQ(TimestampProblem(text),
              (Problem{"bad_timestamp", "\"" + std::string(text) + "\" is not a time of day that exists"}));
  }
  EXPECT_EQ(TimestampProblem("2025-01-01T00:00:00+24:00").reason,
            "\"2025-01-01T00:00:00+24:00\" has a UTC offset that does not exist (the largest is 23:59)");
}

TEST(ParseEventTypeCellTest, ReadsTheContractNamesInAnyCaseAndBuy) {
  v1::EventType type;
  EXPECT_FALSE(ParseEventTypeCell("view", &type).has_value());
  EXPECT_EQ(type, v1::EVENT_TYPE_VIEW);
  EXPECT_FALSE(ParseEventTypeCell("ADD_TO_CART", &type).has_value());
  EXPECT_EQ(type, v1::EVENT_TYPE_ADD_TO_CART);
  EXPECT_FALSE(ParseEventTypeCell("Buy", &type).has_value());
  EXPECT_EQ(type, v1::EVENT_TYPE_PURCHASE);
}

TEST(ParseEventTypeCellTest, AnUnknownTypeIsBadEnumAndEmptyIsMissing) {
  v1::EventType type;
  EXPECT_EQ(ParseEventTypeCell("sale", &type),
            (Problem{"bad_enum",
                     "\"sale\" is not an event type; use view, add_to_cart, remove_from_cart, "
                     "purchase (or buy), wishlist or click"}));
  EXPECT_EQ(ParseEventTypeCell("", &type)->code, "missing_field");
}

TEST(ParseDeviceTypeCellTest, ReadsTheContractNamesAndEmptyAsUnspecified) {
  v1::DeviceType type;
  EXPECT_FALSE(ParseDeviceTypeCell("Tablet", &type).has_value());
  EXPECT_EQ(type, v1::DEVICE_TYPE_TABLET);
  EXPECT_FALSE(ParseDeviceTypeCell("", &type).has_value());
  EXPECT_EQ(type, v1::DEVICE_TYPE_UNSPECIFIED);
}

TEST(ParseDeviceTypeCellTest, AnUnknownDeviceIsBadEnum) {
  v1::DeviceType type;
  EXPECT_EQ(ParseDeviceTypeCell("watch", &type),
            (Problem{"bad_enum",
                     "\"watch\" is not a device type; use mobile, desktop or tablet, or leave it empty"}));
}

TEST(CheckTextCellTest, LengthCountsTheFullValueAndTextMustBeUtf8) {
  EXPECT_FALSE(CheckTextCell("Kaffeemühle", 12, 255).has_value());
  EXPECT_EQ(CheckTextCell("abc", 300, 255),
            (Problem{"too_long", "the value is 300 bytes long; the limit is 255"}));
  EXPECT_EQ(CheckTextCell("caf\xE9", 4, 255),
            (Problem{"bad_utf8", "the value \"caf\\xe9\" is not valid UTF-8"}));
  EXPECT_EQ(CheckTextCell(std::string("a\0b", 3), 3, 255),
            (Problem{"bad_utf8",
                     "the value \"a\\x00b\" holds a NUL character, which PostgreSQL text cannot store"}));
}

TEST(PrintableTextTest, EscapesWhatIsNotPrintableUtf8AndCutsLongText) {
  EXPECT_EQ(PrintableText("Küche €"), "Küche €");
  EXPECT_EQ(PrintableText(std::string("a\0b\n\x7f", 5)), "a\\x00b\\x0a\\x7f");
  EXPECT_EQ(PrintableText("\xC3"), "\\xc3");
  EXPECT_EQ(PrintableText(std::string(100, 'x')), std::string(64, 'x') + "...");
  EXPECT_EQ(QuoteValue("12.345"), "\"12.345\"");
}

}  // namespace
}  // namespace ingest::csv
