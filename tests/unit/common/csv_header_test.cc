#include "common/csv_header.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace ingest::csv {
namespace {

constexpr char kUserEvents[] =
    "event_id,user_id,event_type,product_id,product_name,product_category,product_price,quantity,"
    "event_timestamp,session_id,device_type";

absl::StatusOr<CsvHeader> MapText(const std::string& text) {
  std::istringstream in(text);
  CsvTokenizer tokenizer(in);
  CsvRecord record;
  EXPECT_TRUE(tokenizer.Next(&record));
  return CsvHeader::Map(record);
}

void ExpectUnusable(const std::string& header, const std::string& message) {
  auto mapped = MapText(header);
  ASSERT_FALSE(mapped.ok()) << header;
  EXPECT_EQ(mapped.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(mapped.status().message(), message);
}

TEST(CsvHeaderTest, TheUserEventsHeaderMapsEveryField) {
  auto h = MapText(kUserEvents);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->format_name(), "user_events");
  EXPECT_EQ(h->column_count(), 11u);
  for (int c = 0; c < kEventColumnCount; ++c) {
    EXPECT_EQ(h->index(static_cast<EventColumn>(c)), c) << EventFieldName(static_cast<EventColumn>(c));
  }
  EXPECT_EQ(h->name(6), "product_price");
}

TEST(CsvHeaderTest, TheRawEventsHeaderNeedsOnlyTheSixRequiredColumns) {
  auto h = MapText("event_id,user_id,event_type,product_id,price,timestamp");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->format_name(), "raw_events");
  EXPECT_EQ(h->index(EventColumn::kPrice), 4);
  EXPECT_EQ(h->index(EventColumn::kTimestamp), 5);
  EXPECT_EQ(h->index(EventColumn::kQuantity), -1);
  EXPECT_EQ(h->index(EventColumn::kProductName), -1);
  EXPECT_EQ(h->index(EventColumn::kProductCategory), -1);
  EXPECT_EQ(h->index(EventColumn::kSessionId), -1);
  EXPECT_EQ(h->index(EventColumn::kDeviceType), -1);
}

TEST(CsvHeaderTest, TheRawEventsOptionalColumnsIncludingCategory) {
  auto h = MapText(
      "event_id,user_id,event_type,product_id,price,timestamp,quantity,product_name,category,"
      "session_id,device_type");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->format_name(), "raw_events");
  EXPECT_EQ(h->index(EventColumn::kQuantity), 6);
  EXPECT_EQ(h->index(EventColumn::kProductCategory), 8);
  EXPECT_EQ(h->index(EventColumn::kDeviceType), 10);
}

TEST(CsvHeaderTest, ColumnsMatchInAnyOrderIgnoringCaseAndSurroundingSpace) {
  auto h = MapText(" Notes ,TIMESTAMP, \"Price \" ,Product_ID,event_type,User_Id,  EVENT_ID\t,extra");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->index(EventColumn::kTimestamp), 1);
  EXPECT_EQ(h->index(EventColumn::kPrice), 2);
  EXPECT_EQ(h->index(EventColumn::kProductId), 3);
  EXPECT_EQ(h->index(EventColumn::kEventId), 6);
  EXPECT_EQ(h->column_count(), 8u);  // rows must still have the ignored columns
  EXPECT_EQ(h->name(0), "Notes");
}

TEST(CsvHeaderTest, MixingTheTwoFormatsNamesIsUserEventsStyle) {
  auto h = MapText("event_id,user_id,event_type,product_id,price,event_timestamp,category");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->format_name(), "user_events");
  EXPECT_EQ(h->index(EventColumn::kProductCategory), 6);
}

TEST(CsvHeaderTest, UnknownColumnsMayRepeatOrBeUnnamed) {
  auto h = MapText("event_id,note,user_id,note,event_type,product_id,price,timestamp,,");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->column_count(), 10u);
}

TEST(CsvHeaderTest, AMissingRequiredColumnIsNamedWithItsAcceptedNamesAndTheColumnsFound) {
  ExpectUnusable("event_id,user_id,event_type,product_id,timestamp",
                 "the header has no price column (product_price or price); columns found: event_id, user_id, "
                 "event_type, product_id, timestamp");
  ExpectUnusable("Event_ID,event_type,product_id,price,notes",
                 "the header has no user_id column and no timestamp column (event_timestamp or timestamp); "
                 "columns found: Event_ID, event_type, product_id, price, notes");
  ExpectUnusable(
      "a;b;c",
      "the header has no event_id column, no user_id column, no event_type column, no product_id "
      "column, no price column (product_price or price) and no timestamp column (event_timestamp or "
      "timestamp); columns found: a;b;c");
}

TEST(CsvHeaderTest, AColumnNamedTwiceIsUnusable) {
  ExpectUnusable("event_id,user_id,event_type,product_id,price,timestamp,USER_ID",
                 "the header names user_id twice (columns 2 and 7)");
  ExpectUnusable(std::string(kUserEvents) + ",quantity",
                 "the header names quantity twice (columns 8 and 12)");
}

TEST(CsvHeaderTest, BothNamesOfOneFieldAreUnusable) {
  ExpectUnusable(std::string(kUserEvents) + ",price",
                 "the header names both price and product_price, which are one field; keep one");
  ExpectUnusable("event_id,user_id,event_type,product_id,price,timestamp,event_timestamp",
                 "the header names both timestamp and event_timestamp, which are one field; keep one");
  ExpectUnusable("event_id,user_id,event_type,product_id,price,timestamp,category,product_category",
                 "the header names both category and product_category, which are one field; keep one");
}

TEST(CsvHeaderTest, AHeaderWithAnOpenQuoteIsUnusable) {
  ExpectUnusable("event_id,\"user_id,event_type\n",
                 "the header (line 1) has a quoted name that is not closed before the end of the file");
}

TEST(CsvHeaderTest, AHeaderWithTooManyColumnsIsUnusable) {
  ExpectUnusable(std::string(kUserEvents) + std::string(1100, ','),
                 "the header has 1111 columns; at most 1024 are supported");
}

TEST(CsvHeaderTest, TheListOfColumnsFoundIsShortAndPrintable) {
  std::string header = "caf\xE9";
  for (int i = 0; i < 40; ++i) header += ",c" + std::to_string(i);
  auto mapped = MapText(header);
  ASSERT_FALSE(mapped.ok());
  EXPECT_NE(mapped.status().message().find("columns found: caf\\xe9, c0, c1,"), absl::string_view::npos);
  EXPECT_NE(mapped.status().message().find(", c28 and 11 more"), absl::string_view::npos)
      << mapped.status().message();
}

TEST(CsvHeaderTest, FieldNamesAndRequiredColumns) {
  EXPECT_EQ(EventFieldName(EventColumn::kPrice), "price_cents");
  EXPECT_EQ(EventFieldName(EventColumn::kTimestamp), "event_time");
  EXPECT_EQ(EventFieldName(EventColumn::kProductCategory), "product_category");
  int required = 0;
  for (int c = 0; c < kEventColumnCount; ++c) required += IsRequiredColumn(static_cast<EventColumn>(c));
  EXPECT_EQ(required, 6);
  EXPECT_FALSE(IsRequiredColumn(EventColumn::kQuantity));
}

}  // namespace
}  // namespace ingest::csv
