#include "common/csv_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/time_text.h"

namespace ingest::csv {
namespace {

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2025, 6, 1, 12, 0, 0), absl::UTCTimeZone());

constexpr char kUserHeader[] =
    "event_id,user_id,event_type,product_id,product_name,product_category,product_price,quantity,"
    "event_timestamp,session_id,device_type\n";
constexpr char kRawHeader[] = "event_id,user_id,event_type,product_id,price,timestamp\n";

// The cells of a good user_events row; a test changes the one it is about.
std::map<std::string, std::string> GoodCells() {
  return {{"event_id", "e1"},         {"user_id", "u1"},        {"event_type", "view"},
          {"product_id", "p1"},       {"product_name", "Mug"},  {"product_category", "Kitchen"},
          {"product_price", "12.99"}, {"quantity", "2"},        {"event_timestamp", "2025-05-01T10:00:00Z"},
          {"session_id", "s1"},       {"device_type", "mobile"}};
}

// One user_events row with `column` set to `value`, exactly as given (quote it yourself).
std::string UserRow(const std::string& column = "", const std::string& value = "") {
  auto cells = GoodCells();
  if (!column.empty()) cells[column] = value;
  std::string row;
  for (const char* name :
       {"event_id", "user_id", "event_type", "product_id", "product_name", "product_category",
        "product_price", "quantity", "event_timestamp", "session_id", "device_type"}) {
    if (!row.empty()) row += ",";
    row += cells[name];
  }
  return row + "\n";
}

struct ReadResult {
  absl::Status header;
  std::string format;
  std::vector<CsvRow> rows;
};

ReadResult ReadAll(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  ReadResult result;
  result.header = reader.ReadHeader();
  result.format = std::string(reader.format_name());
  CsvRow row;
  while (reader.Next(&row, kNow)) result.rows.push_back(row);
  EXPECT_TRUE(reader.status().ok()) << reader.status();
  return result;
}

// The problem of the only row of `text`.
Problem OnlyProblem(const std::string& text) {
  ReadResult r = ReadAll(text);
  EXPECT_TRUE(r.header.ok()) << r.header;
  if (r.rows.size() != 1 || !r.rows[0].problem) {
    ADD_FAILURE() << "expected one rejected row, got " << r.rows.size() << " rows";
    return {};
  }
  return *r.rows[0].problem;
}

// The problem of a user_events file whose one row has `column` set to `value`.
Problem UserRowProblem(const std::string& column, const std::string& value) {
  return OnlyProblem(kUserHeader + UserRow(column, value));
}

const v1::Event& OnlyEvent(const ReadResult& r) {
  EXPECT_TRUE(r.header.ok()) << r.header;
  EXPECT_EQ(r.rows.size(), 1u);
  static const v1::Event kNone;
  if (r.rows.empty()) return kNone;
  EXPECT_FALSE(r.rows[0].problem.has_value()) << r.rows[0].problem->reason;
  return r.rows[0].event;
}

int64_t MicrosOf(const v1::Event& e) { return ToMicros(FromProtoTime(e.event_time())); }
int64_t MicrosAt(int y, int mo, int d, int h, int mi, int s) {
  return ToMicros(absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone()));
}

TEST(CsvReaderTest, AUserEventsRowBecomesAnEventWithEveryField) {
  ReadResult r = ReadAll(kUserHeader + UserRow());
  EXPECT_EQ(r.format, "user_events");
  const v1::Event& e = OnlyEvent(r);
  EXPECT_EQ(e.event_id(), "e1");
  EXPECT_EQ(e.user_id(), "u1");
  EXPECT_EQ(e.event_type(), v1::EVENT_TYPE_VIEW);
  EXPECT_EQ(e.product_id(), "p1");
  EXPECT_EQ(e.product_name(), "Mug");
  EXPECT_EQ(e.product_category(), "Kitchen");
  EXPECT_EQ(e.price_cents(), 1299);
  EXPECT_EQ(e.quantity(), 2);
  EXPECT_EQ(MicrosOf(e), MicrosAt(2025, 5, 1, 10, 0, 0));
  EXPECT_EQ(e.session_id(), "s1");
  EXPECT_EQ(e.device_type(), v1::DEVICE_TYPE_MOBILE);
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.rows[0].raw, "e1,u1,view,p1,Mug,Kitchen,12.99,2,2025-05-01T10:00:00Z,s1,mobile");
}

TEST(CsvReaderTest, ARawEventsRowNeedsOnlyTheRequiredColumnsAndTakesBuy) {
  ReadResult r = ReadAll(std::string(kRawHeader) + "e2,u2,BUY,p2,5,2025-05-01 10:00:00\n");
  EXPECT_EQ(r.format, "raw_events");
  const v1::Event& e = OnlyEvent(r);
  EXPECT_EQ(e.event_type(), v1::EVENT_TYPE_PURCHASE);
  EXPECT_EQ(e.price_cents(), 500);
  EXPECT_FALSE(e.has_quantity());
  EXPECT_EQ(e.product_name(), "");
  EXPECT_EQ(e.device_type(), v1::DEVICE_TYPE_UNSPECIFIED);
}

TEST(CsvReaderTest, ColumnsInAnyOrderAndExtraColumnsIgnored) {
  ReadResult r = ReadAll(
      "note,timestamp,category,price,product_id,event_type,user_id,event_id,Device_Type\n"
      "ignored,2025-05-01T10:00:00Z,Books,7.50,p3,click,u3,e3,TABLET\n");
  const v1::Event& e = OnlyEvent(r);
  EXPECT_EQ(e.event_id(), "e3");
  EXPECT_EQ(e.product_category(), "Books");
  EXPECT_EQ(e.price_cents(), 750);
  EXPECT_EQ(e.event_type(), v1::EVENT_TYPE_CLICK);
  EXPECT_EQ(e.device_type(), v1::DEVICE_TYPE_TABLET);
}

TEST(CsvReaderTest, QuotedCellsHoldCommasQuotesAndNewlinesAndLineNumbersStayPhysical) {
  ReadResult r = ReadAll(kUserHeader + UserRow("product_name", "\"Mug, large\"") +
                         UserRow("product_name", "\"the \"\"best\"\" mug\"") +
                         UserRow("product_name", "\"two\nlines\"") + UserRow("product_price", "oops"));
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[0].event.product_name(), "Mug, large");
  EXPECT_EQ(r.rows[1].event.product_name(), "the \"best\" mug");
  EXPECT_EQ(r.rows[2].event.product_name(), "two\nlines");
  EXPECT_EQ(r.rows[2].line, 4);
  EXPECT_EQ(r.rows[3].line, 6);
  ASSERT_TRUE(r.rows[3].problem.has_value());
  EXPECT_THAT(r.rows[3].problem->reason, ::testing::StartsWith("line 6, column product_price: "));
}

TEST(CsvReaderTest, CrlfLineEndingsAndAByteOrderMarkAreAccepted) {
  ReadResult r = ReadAll(
      "\xEF\xBB\xBF"
      "event_id,user_id,event_type,product_id,price,timestamp\r\n"
      "e1,u1,view,p1,1.00,2025-05-01T10:00:00Z\r\n"
      "e2,u2,view,p2,2.00,2025-05-01T10:00:00Z\r\n");
  ASSERT_TRUE(r.header.ok()) << r.header;
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_FALSE(r.rows[1].problem.has_value());
  EXPECT_EQ(r.rows[1].event.event_id(), "e2");
  EXPECT_EQ(r.rows[1].raw, "e2,u2,view,p2,2.00,2025-05-01T10:00:00Z");
  EXPECT_EQ(r.rows[1].line, 3);
}

TEST(CsvReaderTest, BlankLinesAreSkippedNeitherAcceptedNorRejected) {
  ReadResult r =
      ReadAll(std::string("\n") + kUserHeader + "\n" + UserRow() + "   \n\t\n" + UserRow("event_id", "e2"));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].line, 4);
  EXPECT_EQ(r.rows[1].line, 7);
  EXPECT_FALSE(r.rows[1].problem.has_value());
}

TEST(CsvReaderTest, UnquotedCellsAreTrimmedQuotedCellsAreVerbatim) {
  ReadResult r = ReadAll(kUserHeader + std::string(" e1 ,\tu1\t, View ,p1,\" Mug \",Kitchen, 12.99 ,2,"
                                                   "2025-05-01T10:00:00Z,\" s1\",mobile\n"));
  const v1::Event& e = OnlyEvent(r);
  EXPECT_EQ(e.event_id(), "e1");
  EXPECT_EQ(e.user_id(), "u1");
  EXPECT_EQ(e.product_name(), " Mug ");
  EXPECT_EQ(e.session_id(), " s1");
  EXPECT_EQ(e.price_cents(), 1299);
}

TEST(CsvReaderTest, EmptyOptionalCellsAreAbsentValues) {
  ReadResult r = ReadAll(std::string(kUserHeader) + "e1,u1,view,p1,,\"\",12.99,,2025-05-01T10:00:00Z,,\n");
  const v1::Event& e = OnlyEvent(r);
  EXPECT_EQ(e.product_name(), "");
  EXPECT_EQ(e.product_category(), "");
  EXPECT_FALSE(e.has_quantity());
  EXPECT_EQ(e.session_id(), "");
  EXPECT_EQ(e.device_type(), v1::DEVICE_TYPE_UNSPECIFIED);
}

TEST(CsvReaderTest, EveryTimestampFormIsAccepted) {
  std::string file = kUserHeader;
  for (const char* ts : {"2025-05-01T10:00:00", "2025-05-01t10:00:00z", "2025-05-01 10:00:00Z",
                         "2025-05-01T12:00:00+02:00", "2025-05-01T12:00:00+0200", "2025-05-01T12:00:00+02",
                         "2025-05-01T07:30:00-02:30", "2025-05-01T10:00:00.000000999Z"}) {
    file += UserRow("event_timestamp", ts);
  }
  file += UserRow("event_timestamp", "2025-05-01T10:00:00.123456789+00:00");
  ReadResult r = ReadAll(file);
  ASSERT_EQ(r.rows.size(), 9u);
  for (const CsvRow& row : r.rows) {
    ASSERT_FALSE(row.problem.has_value()) << row.problem->reason;
  }
  for (size_t i = 0; i + 1 < r.rows.size(); ++i) {
    EXPECT_EQ(MicrosOf(r.rows[i].event), MicrosAt(2025, 5, 1, 10, 0, 0)) << r.rows[i].raw;
  }
  EXPECT_EQ(MicrosOf(r.rows[8].event), MicrosAt(2025, 5, 1, 10, 0, 0) + 123456);
  EXPECT_EQ(r.rows[8].event.event_time().nanos(), 123456000);
}

// One test per kind of bad row: the code, and a reason that says where and what.
TEST(CsvReaderBadRowTest, BadNumber) {
  EXPECT_EQ(
      UserRowProblem("product_price", "abc"),
      (Problem{
          "bad_number",
          "line 2, column product_price: \"abc\" is not a price; write a decimal number such as 12.99"}));
}

TEST(CsvReaderBadRowTest, TooManyDecimals) {
  EXPECT_EQ(
      UserRowProblem("product_price", "12.345"),
      (Problem{"bad_number", "line 2, column product_price: \"12.345\" has more than 2 decimal places"}));
}

TEST(CsvReaderBadRowTest, Exponent) {
  EXPECT_EQ(
      UserRowProblem("product_price", "1e3"),
      (Problem{"bad_number",
               "line 2, column product_price: \"1e3\" has an exponent; write the price as a plain decimal "
               "number"}));
}

TEST(CsvReaderBadRowTest, NegativePrice) {
  EXPECT_EQ(UserRowProblem("product_price", "-1.00"),
            (Problem{"out_of_range",
                     "line 2, column product_price: \"-1.00\" is negative; a price must be 0 or more"}));
}

TEST(CsvReaderBadRowTest, PriceOfAHundredMillion) {
  EXPECT_EQ(UserRowProblem("product_price", "100000000.00"),
            (Problem{"out_of_range",
                     "line 2, column product_price: \"100000000.00\" is too large; a price must be below "
                     "100000000.00"}));
  EXPECT_EQ(OnlyEvent(ReadAll(kUserHeader + UserRow("product_price", "99999999.99"))).price_cents(),
            9999999999);
}

TEST(CsvReaderBadRowTest, BadQuantity) {
  EXPECT_EQ(UserRowProblem("quantity", "two"),
            (Problem{"bad_number", "line 2, column quantity: \"two\" is not a whole number"}));
  EXPECT_EQ(
      UserRowProblem("quantity", "0"),
      (Problem{"out_of_range",
               "line 2, column quantity: \"0\" is out of range; a quantity must be 1..10000 (an empty cell "
               "means 1)"}));
  EXPECT_EQ(UserRowProblem("quantity", "10001").code, "out_of_range");
  EXPECT_EQ(UserRowProblem("quantity", "-3").code, "out_of_range");
}

TEST(CsvReaderBadRowTest, UnknownEventType) {
  EXPECT_EQ(UserRowProblem("event_type", "sale"),
            (Problem{"bad_enum",
                     "line 2, column event_type: \"sale\" is not an event type; use view, add_to_cart, "
                     "remove_from_cart, purchase (or buy), wishlist or click"}));
}

TEST(CsvReaderBadRowTest, UnknownDeviceType) {
  EXPECT_EQ(
      UserRowProblem("device_type", "watch"),
      (Problem{
          "bad_enum",
          "line 2, column device_type: \"watch\" is not a device type; use mobile, desktop or tablet, or "
          "leave it empty"}));
}

TEST(CsvReaderBadRowTest, MissingRequiredField) {
  EXPECT_EQ(
      UserRowProblem("user_id", ""),
      (Problem{"missing_field", "line 2, column user_id: the value is empty; this column is required"}));
  EXPECT_EQ(UserRowProblem("event_type", "\"\"").code, "missing_field");
  EXPECT_EQ(UserRowProblem("product_price", " ").reason,
            "line 2, column product_price: the value is empty; this column is required");
}

TEST(CsvReaderBadRowTest, BadTimestamp) {
  EXPECT_EQ(
      UserRowProblem("event_timestamp", "yesterday"),
      (Problem{"bad_timestamp",
               "line 2, column event_timestamp: \"yesterday\" is not a timestamp; write YYYY-MM-DD HH:MM:SS, "
               "optionally with up to 9 fraction digits and Z or an offset such as +02:00"}));
}

TEST(CsvReaderBadRowTest, ImpossibleDate) {
  EXPECT_EQ(
      UserRowProblem("event_timestamp", "2025-02-30 10:00:00"),
      (Problem{"bad_timestamp",
               "line 2, column event_timestamp: \"2025-02-30 10:00:00\" is not a date that exists (2025-02 "
               "has 28 days)"}));
}

TEST(CsvReaderBadRowTest, FutureAndTooEarlyTimestampsFollowTheContractRules) {
  EXPECT_EQ(
      UserRowProblem("event_timestamp", "2025-06-01T12:05:01Z"),
      (Problem{"future_timestamp",
               "line 2, column event_timestamp: 2025-06-01T12:05:01.000000Z is more than 5 minutes past the "
               "server's clock (2025-06-01T12:00:00.000000Z)"}));
  EXPECT_EQ(
      UserRowProblem("event_timestamp", "1999-12-31T23:59:59Z"),
      (Problem{
          "out_of_range",
          "line 2, column event_timestamp: 1999-12-31T23:59:59.000000Z is before 2000-01-01T00:00:00Z"}));
}

TEST(CsvReaderBadRowTest, FieldTooLong) {
  EXPECT_EQ(
      UserRowProblem("product_name", std::string(256, 'n')),
      (Problem{"too_long", "line 2, column product_name: the value is 256 bytes long; the limit is 255"}));
  EXPECT_EQ(UserRowProblem("product_category", std::string(10000, 'c')),
            (Problem{"too_long",
                     "line 2, column product_category: the value is 10000 bytes long; the limit is 100"}));
}

TEST(CsvReaderBadRowTest, WrongColumnCount) {
  ReadResult r =
      ReadAll(kUserHeader + std::string("e9,u1,view,p1,Mug,Kitchen,12.99,2,2025-05-01T10:00:00Z,s1\n") +
              "e10,u1,view,p1,Mug, large,Kitchen,12.99,2,2025-05-01T10:00:00Z,s1,mobile\n");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(*r.rows[0].problem, (Problem{"wrong_field_count", "line 2 has 10 fields; the header has 11"}));
  EXPECT_EQ(*r.rows[1].problem, (Problem{"wrong_field_count", "line 3 has 12 fields; the header has 11"}));
  EXPECT_EQ(r.rows[1].event.event_id(), "e10");
}

TEST(CsvReaderBadRowTest, QuoteNeverClosed) {
  ReadResult r =
      ReadAll(kUserHeader + UserRow() + UserRow("product_name", "\"Mug") + UserRow("event_id", "e3"));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_FALSE(r.rows[0].problem.has_value());
  EXPECT_EQ(
      *r.rows[1].problem,
      (Problem{"wrong_field_count",
               "line 3, column product_name: a quoted field is not closed before the end of the file"}));
  EXPECT_EQ(r.rows[1].event.event_id(), "e1");
}

TEST(CsvReaderBadRowTest, InvalidUtf8) {
  EXPECT_EQ(UserRowProblem("product_name", "caf\xE9"),
            (Problem{"bad_utf8", "line 2, column product_name: the value \"caf\\xe9\" is not valid UTF-8"}));
}

TEST(CsvReaderBadRowTest, TheFirstProblemInFieldOrderIsReported) {
  std::string row = UserRow("device_type", "watch");
  row.replace(row.find("12.99"), 5, "x");  // price comes before device_type
  EXPECT_EQ(OnlyProblem(kUserHeader + row).reason,
            "line 2, column product_price: \"x\" is not a price; write a decimal number such as 12.99");
}

TEST(CsvReaderBadRowTest, ABadRowKeepsItsEventIdAndTheCellsThatCouldBeRead) {
  std::string nul_id_row = UserRow("event_id", std::string("a\0b", 3));
  nul_id_row.replace(nul_id_row.find("mobile"), 6, "watch");
  ReadResult r = ReadAll(kUserHeader + UserRow("quantity", "0") + UserRow("event_id", std::string(51, 'x')) +
                         UserRow("event_id", "bad\xFF") + nul_id_row);
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[0].event.event_id(), "e1");
  EXPECT_EQ(r.rows[0].event.price_cents(), 1299);
  EXPECT_FALSE(r.rows[0].event.has_quantity());
  EXPECT_EQ(r.rows[1].problem->code, "too_long");
  EXPECT_EQ(r.rows[1].event.event_id(), "");  // not an id the table could hold
  EXPECT_EQ(r.rows[2].problem->code, "bad_utf8");
  EXPECT_EQ(r.rows[2].event.event_id(), "");
  EXPECT_EQ(r.rows[2].raw, "bad\xFF,u1,view,p1,Mug,Kitchen,12.99,2,2025-05-01T10:00:00Z,s1,mobile");
  EXPECT_EQ(r.rows[3].problem->code, "bad_utf8") << "a NUL is found before the bad device type";
  EXPECT_EQ(r.rows[3].event.event_id(), "");  // rejected_events.event_id is TEXT, which holds no NUL
}

TEST(CsvReaderTest, AMixedFileKeepsEveryGoodRowWithItsValues) {
  ReadResult r = ReadAll(
      "event_id,user_id,event_type,product_id,price,timestamp,quantity,device_type\n"
      "g1,u1,view,p1,0,2025-05-01T10:00:00Z,,\n"
      "b1,u1,sale,p1,1,2025-05-01T10:00:00Z,1,mobile\n"
      "g2,u2,Purchase,p2,19.9,2025-05-01T10:00:00.5+01:00,3,Desktop\n"
      "\n"
      "b2,u2,view,p2,1.234,2025-05-01T10:00:00Z,1,mobile\n"
      "g3,u3,add_to_cart,p3,\"1234.56\",\"2025-05-01 10:00:00\",10000,tablet\n");
  ASSERT_TRUE(r.header.ok()) << r.header;
  std::vector<v1::Event> good;
  std::vector<int64_t> bad_lines;
  for (const CsvRow& row : r.rows) {
    if (row.problem) {
      bad_lines.push_back(row.line);
    } else {
      good.push_back(row.event);
    }
  }
  EXPECT_EQ(bad_lines, (std::vector<int64_t>{3, 6}));
  ASSERT_EQ(good.size(), 3u);
  EXPECT_EQ(good[0].event_id(), "g1");
  EXPECT_EQ(good[0].price_cents(), 0);
  EXPECT_FALSE(good[0].has_quantity());
  EXPECT_EQ(good[0].device_type(), v1::DEVICE_TYPE_UNSPECIFIED);
  EXPECT_EQ(good[1].event_id(), "g2");
  EXPECT_EQ(good[1].event_type(), v1::EVENT_TYPE_PURCHASE);
  EXPECT_EQ(good[1].price_cents(), 1990);
  EXPECT_EQ(good[1].quantity(), 3);
  EXPECT_EQ(MicrosOf(good[1]), MicrosAt(2025, 5, 1, 9, 0, 0) + 500000);
  EXPECT_EQ(good[1].device_type(), v1::DEVICE_TYPE_DESKTOP);
  EXPECT_EQ(good[2].event_id(), "g3");
  EXPECT_EQ(good[2].event_type(), v1::EVENT_TYPE_ADD_TO_CART);
  EXPECT_EQ(good[2].price_cents(), 123456);
  EXPECT_EQ(good[2].quantity(), 10000);
  EXPECT_EQ(MicrosOf(good[2]), MicrosAt(2025, 5, 1, 10, 0, 0));
  EXPECT_EQ(good[2].device_type(), v1::DEVICE_TYPE_TABLET);
}

TEST(CsvReaderHeaderTest, AnEmptyFileHasAnUnusableHeader) {
  for (const char* text : {"", "\xEF\xBB\xBF", "\n  \n\r\n"}) {
    ReadResult r = ReadAll(text);
    EXPECT_EQ(r.header.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.header.message(),
              "the file is empty; it needs a header row naming its columns, e.g. "
              "event_id,user_id,event_type,product_id,price,timestamp");
    EXPECT_TRUE(r.rows.empty());
  }
}

TEST(CsvReaderHeaderTest, AnUnusableHeaderReadsNoRows) {
  ReadResult r =
      ReadAll("event_id,user_id,event_type,product_id,timestamp\ne1,u1,view,p1,2025-05-01T10:00:00Z\n");
  EXPECT_EQ(r.header.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.header.message(),
            "the header has no price column (product_price or price); columns found: event_id, user_id, "
            "event_type, "
            "product_id, timestamp");
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(r.format, "");
}

TEST(CsvReaderHeaderTest, TheHeaderIsReadOnce) {
  std::istringstream in(kRawHeader);
  CsvReader reader(in);
  ASSERT_TRUE(reader.ReadHeader().ok());
  EXPECT_EQ(reader.ReadHeader().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ingest::csv
