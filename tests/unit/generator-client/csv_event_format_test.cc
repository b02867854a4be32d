#include "generator-client/csv_event_format.h"

#include <map>
#include <set>
#include <sstream>

#include "absl/strings/str_split.h"
#include "common/csv_tokenizer.h"
#include "common/event_row.h"
#include "common/time_text.h"
#include "gtest/gtest.h"
#include "tests/unit/generator-client/csv_test_util.h"

namespace ingest::generator {
namespace {

using ::ingest::generator::testing::ReadCsvText;

constexpr char kUserHeader[] =
    "event_id,user_id,event_type,product_id,product_name,product_category,product_price,quantity,"
    "event_timestamp,session_id,device_type\n";
constexpr char kRawHeader[] =
    "event_id,user_id,event_type,product_id,price,timestamp,quantity,session_id,device_type\n";

// `count` events as file mode makes them for `format`.
std::vector<v1::Event> Events(CsvFormat format, int count, uint64_t seed = 1) {
  EventFactory factory(Catalog::Default(), seed, 0, EventMixOf(format));
  v1::EventBatch batch;
  factory.FillBatch("csv-0000abcd", 7, count, &batch);
  return {batch.events().begin(), batch.events().end()};
}

// What a file of `format` can say about `event`: raw_events has no product name or category.
EventRow Expected(CsvFormat format, v1::Event event) {
  if (format == CsvFormat::kRawEvents) {
    event.clear_product_name();
    event.clear_product_category();
  }
  return ToEventRow(event);
}

class CsvEventFormatTest : public ::testing::TestWithParam<CsvFormat> {};

TEST(CsvEventFormatHeaderTest, HeadersAreTheSeedsExactly) {
  EXPECT_EQ(CsvEventFormat(CsvFormat::kUserEvents).header(), kUserHeader);
  EXPECT_EQ(CsvEventFormat(CsvFormat::kRawEvents).header(), kRawHeader);
  EXPECT_EQ(ParseCsvFormat("user_events"), CsvFormat::kUserEvents);
  EXPECT_EQ(ParseCsvFormat("raw_events"), CsvFormat::kRawEvents);
  EXPECT_EQ(ParseCsvFormat("csv"), std::nullopt);
}

TEST_P(CsvEventFormatTest, EveryValidRowReadsBackWithIdenticalValues) {
  const CsvFormat format = GetParam();
  CsvEventFormat writer(format);
  const std::vector<v1::Event> events = Events(format, 3000);
  std::string text = writer.header();
  for (const v1::Event& e : events) writer.AppendRow(e, &text);

  testing::ReadBack back = ReadCsvText(text);
  EXPECT_EQ(back.format, CsvFormatName(format));
  ASSERT_EQ(back.rows.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const csv::CsvRow& row = back.rows[i];
    ASSERT_FALSE(row.problem.has_value()) << row.problem->reason << " in " << row.raw;
    // Every field: id, price in cents, quantity, time to the microsecond, enums, texts.
    EXPECT_EQ(ToEventRow(row.event), Expected(format, events[i])) << row.raw;
  }
}

TEST_P(CsvEventFormatTest, EveryInvalidRowComesBackWithItsProblem) {
  const CsvFormat format = GetParam();
  const std::map<InvalidRow, std::string> expected_codes = {
      {InvalidRow::kPriceThreeDecimals, "bad_number"}, {InvalidRow::kPriceNotANumber, "bad_number"},
      {InvalidRow::kUnknownEventType, "bad_enum"},     {InvalidRow::kImpossibleDate, "bad_timestamp"},
      {InvalidRow::kZeroQuantity, "out_of_range"},     {InvalidRow::kNoUserId, "missing_field"},
      {InvalidRow::kMissingCell, "wrong_field_count"},
  };
  ASSERT_EQ(expected_codes.size(), static_cast<size_t>(kInvalidRowKinds));
  CsvEventFormat writer(format);
  const std::vector<v1::Event> events = Events(format, kInvalidRowKinds * 20);
  std::string text = writer.header();
  for (size_t i = 0; i < events.size(); ++i) {
    writer.AppendInvalidRow(events[i], static_cast<InvalidRow>(i % kInvalidRowKinds), &text);
  }
  testing::ReadBack back = ReadCsvText(text);
  ASSERT_EQ(back.rows.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const csv::CsvRow& row = back.rows[i];
    ASSERT_TRUE(row.problem.has_value()) << row.raw;
    EXPECT_EQ(row.problem->code, expected_codes.at(static_cast<InvalidRow>(i % kInvalidRowKinds)))
        << row.problem->reason;
    // The rejection can still name the event.
    EXPECT_EQ(row.event.event_id(), events[i].event_id()) << row.raw;
  }
}

INSTANTIATE_TEST_SUITE_P(BothFormats, CsvEventFormatTest,
                         ::testing::Values(CsvFormat::kUserEvents, CsvFormat::kRawEvents),
                         [](const auto& info) { return std::string(CsvFormatName(info.param)); });

TEST(CsvEventFormatRawTest, OnlyViewClickAndBuyAboutSeventyTwentyTen) {
  CsvEventFormat writer(CsvFormat::kRawEvents);
  const std::vector<v1::Event> events = Events(CsvFormat::kRawEvents, 10000, 3);
  std::string text = writer.header();
  for (const v1::Event& e : events) writer.AppendRow(e, &text);

  std::map<std::string, int> types;
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<absl::string_view> cells = absl::StrSplit(lines[i], ',');
    ++types[std::string(cells[2])];
  }
  EXPECT_EQ(types.size(), 3u);
  EXPECT_NEAR(types["view"] / 10000.0, 0.70, 0.03);
  EXPECT_NEAR(types["click"] / 10000.0, 0.20, 0.03);
  EXPECT_NEAR(types["buy"] / 10000.0, 0.10, 0.03);
  for (const csv::CsvRow& row : ReadCsvText(text).rows) {
    EXPECT_TRUE(row.event.event_type() == v1::EVENT_TYPE_VIEW ||
                row.event.event_type() == v1::EVENT_TYPE_CLICK ||
                row.event.event_type() == v1::EVENT_TYPE_PURCHASE)
        << row.raw;
  }
}

TEST(CsvEventFormatQuotingTest, ProductNameWithCommaAndQuote) {
  v1::Event event = Events(CsvFormat::kUserEvents, 1)[0];
  event.set_product_name("Pen, \"Deluxe\" Edition");
  event.set_product_category("Home & Kitchen");
  CsvEventFormat writer(CsvFormat::kUserEvents);
  std::string text = writer.header();
  writer.AppendRow(event, &text);
  EXPECT_NE(text.find(",\"Pen, \"\"Deluxe\"\" Edition\",Home & Kitchen,"), std::string::npos) << text;
  testing::ReadBack back = ReadCsvText(text);
  ASSERT_EQ(back.rows.size(), 1u);
  ASSERT_FALSE(back.rows[0].problem.has_value()) << back.rows[0].problem->reason;
  EXPECT_EQ(back.rows[0].event.product_name(), "Pen, \"Deluxe\" Edition");
  EXPECT_EQ(ToEventRow(back.rows[0].event), ToEventRow(event));
}

TEST(CsvTimestampTextTest, NaiveUtcWithMicrosecondsOnlyWhenThereAreSome) {
  google::protobuf::Timestamp t =
      ToProtoTime(absl::FromCivil(absl::CivilSecond(2025, 11, 23, 14, 5, 9), absl::UTCTimeZone()));
  EXPECT_EQ(CsvTimestampText(t), "2025-11-23 14:05:09");
  t.set_nanos(123000);
  EXPECT_EQ(CsvTimestampText(t), "2025-11-23 14:05:09.000123");
  t.set_nanos(999999999);  // truncated like the database does
  EXPECT_EQ(CsvTimestampText(t), "2025-11-23 14:05:09.999999");
}

TEST(CatalogCsvTest, EveryProductReadsBack) {
  std::istringstream in(CatalogCsv(Catalog::Default()));
  csv::CsvTokenizer tokenizer(in);
  csv::CsvRecord record;
  ASSERT_TRUE(tokenizer.Next(&record));
  ASSERT_EQ(record.fields.size(), 4u);
  EXPECT_EQ(record.fields[0].text, "product_id");
  EXPECT_EQ(record.fields[3].text, "price");
  for (const Product& p : Catalog::Default().products()) {
    ASSERT_TRUE(tokenizer.Next(&record));
    ASSERT_EQ(record.fields.size(), 4u) << record.raw;
    EXPECT_EQ(record.fields[0].text, p.id);
    EXPECT_EQ(record.fields[1].text, p.name);  // one of them is 55" 4K Ultra HD Smart TV
    EXPECT_EQ(record.fields[2].text, p.category);
    EXPECT_EQ(record.fields[3].text, FormatCents(p.price_cents));
  }
  EXPECT_FALSE(tokenizer.Next(&record));
}

}  // namespace
}  // namespace ingest::generator
