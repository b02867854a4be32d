#include "common/event_row.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <limits>
#include <ostream>
#include <string>

#include "common/utf8.h"

namespace ingest {

// Readable failures for row comparisons.
void PrintTo(const EventRow& r, std::ostream* os) {
  *os << "{" << r.event_id << ", " << r.user_id << ", " << r.event_type << ", " << r.product_id << ", "
      << r.product_name << ", " << r.product_category << ", " << r.price_cents << ", " << r.quantity << ", "
      << r.event_time_us << ", " << r.session_id << ", " << r.device_type << "}";
}

namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

constexpr int64_t kSeconds = 1735787045;  // 2025-01-02T03:04:05Z

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

v1::Event FullEvent() {
  v1::Event e;
  e.set_event_id("evt-1");
  e.set_user_id("user-42");
  e.set_event_type(v1::EVENT_TYPE_ADD_TO_CART);
  e.set_product_id("prod-7");
  e.set_product_name("Kaffeemühle");
  e.set_product_category("Küche");
  e.set_price_cents(1999);
  e.set_quantity(3);
  e.mutable_event_time()->set_seconds(kSeconds);
  e.mutable_event_time()->set_nanos(123456789);
  e.set_session_id("sess-9");
  e.set_device_type(v1::DEVICE_TYPE_TABLET);
  return e;
}

// Equal messages, or the differences between them as the failure message.
::testing::AssertionResult SameMessage(const v1::Event& want, const v1::Event& got) {
  MessageDifferencer diff;
  std::string report;
  diff.ReportDifferencesToString(&report);
  if (diff.Compare(want, got)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << report;
}

TEST(EventRowTest, AFullEventMapsToItsDatabaseValues) {
  EventRow row = ToEventRow(FullEvent());
  EXPECT_EQ(row.event_id, "evt-1");
  EXPECT_EQ(row.user_id, "user-42");
  EXPECT_EQ(row.event_type, "add_to_cart");
  EXPECT_EQ(row.product_id, "prod-7");
  EXPECT_EQ(row.product_name, "Kaffeemühle");
  EXPECT_EQ(row.product_category, "Küche");
  EXPECT_EQ(row.price_cents, 1999);
  EXPECT_EQ(row.quantity, 3);
  EXPECT_EQ(row.event_time_us, 1735787045123456);
  EXPECT_EQ(row.session_id, "sess-9");
  EXPECT_EQ(row.device_type, "tablet");
}

TEST(EventRowTest, EveryEventTypeAndDeviceTypeBecomesItsText) {
  v1::Event e = FullEvent();
  const std::pair<v1::EventType, std::string> types[] = {
      {v1::EVENT_TYPE_VIEW, "view"},
      {v1::EVENT_TYPE_ADD_TO_CART, "add_to_cart"},
      {v1::EVENT_TYPE_REMOVE_FROM_CART, "remove_from_cart"},
      {v1::EVENT_TYPE_PURCHASE, "purchase"},
      {v1::EVENT_TYPE_WISHLIST, "wishlist"},
      {v1::EVENT_TYPE_CLICK, "click"}};
  for (const auto& [type, text] : types) {
    e.set_event_type(type);
    EXPECT_EQ(ToEventRow(e).event_type, text);
  }
  const std::pair<v1::DeviceType, std::string> devices[] = {{v1::DEVICE_TYPE_UNSPECIFIED, ""},
                                                            {v1::DEVICE_TYPE_MOBILE, "mobile"},
                                                            {v1::DEVICE_TYPE_DESKTOP, "desktop"},
                                                            {v1::DEVICE_TYPE_TABLET, "tablet"}};
  for (const auto& [device, text] : devices) {
    e.set_device_type(device);
    EXPECT_EQ(ToEventRow(e).device_type, text);
  }
}

TEST(EventRowTest, NanosAreTruncatedToMicrosecondsNeverRounded) {
  v1::Event e = FullEvent();
  e.mutable_event_time()->set_nanos(999999999);
  EXPECT_EQ(ToEventRow(e).event_time_us, kSeconds * 1000000 + 999999);
  e.mutable_event_time()->set_nanos(999);
  EXPECT_EQ(ToEventRow(e).event_time_us, kSeconds * 1000000);
  e.mutable_event_time()->set_nanos(0);
  EXPECT_EQ(ToEventRow(e).event_time_us, kSeconds * 1000000);
}

// Found by tests/fuzz/wal_record_fuzz: seconds * 1000000 overflowed int64 (undefined behaviour)
// for an event of a damaged log record, which recovery maps to a row without validating it again.
TEST(EventRowTest, ATimeBeyondInt64MicrosecondsSaturates) {
  v1::Event e = FullEvent();
  e.mutable_event_time()->set_seconds(28671836174960);
  EXPECT_EQ(ToEventRow(e).event_time_us, std::numeric_limits<int64_t>::max());
  e.mutable_event_time()->set_seconds(std::numeric_limits<int64_t>::min());
  e.mutable_event_time()->set_nanos(-1);
  EXPECT_EQ(ToEventRow(e).event_time_us, std::numeric_limits<int64_t>::min());
}

TEST(EventRowTest, AbsentQuantityBecomesOne) {
  v1::Event e = FullEvent();
  e.clear_quantity();
  EXPECT_EQ(ToEventRow(e).quantity, 1);
}

TEST(EventRowTest, ARowReadBackGivesTheEventWithItsTimeTruncated) {
  v1::Event e = FullEvent();
  v1::Event want = e;
  want.mutable_event_time()->set_nanos(123456000);
  EXPECT_TRUE(SameMessage(want, ToProtoEvent(ToEventRow(e))));
}

TEST(EventRowTest, ARowReadBackOfAMinimalEventHasQuantityOneAndNoDevice) {
  v1::Event e;
  e.set_event_id("e");
  e.set_user_id("u");
  e.set_event_type(v1::EVENT_TYPE_VIEW);
  e.set_product_id("p");
  e.mutable_event_time()->set_seconds(kSeconds);
  v1::Event want = e;
  want.set_quantity(1);
  EXPECT_TRUE(SameMessage(want, ToProtoEvent(ToEventRow(e))));
}

TEST(EventRowTest, AnEventFromARowMapsBackToTheSameRow) {
  EventRow row = ToEventRow(FullEvent());
  EXPECT_EQ(ToEventRow(ToProtoEvent(row)), row);
  row.event_time_us = -1;  // just before the epoch: seconds -1, nanos 999999000
  v1::Event e = ToProtoEvent(row);
  EXPECT_EQ(e.event_time().seconds(), -1);
  EXPECT_EQ(e.event_time().nanos(), 999999000);
  EXPECT_EQ(ToEventRow(e), row);
}

TEST(EventRowTest, PayloadTextNamesTheEvent) {
  std::string text = PayloadText(FullEvent());
  EXPECT_THAT(text, HasSubstr("evt-1"));
  EXPECT_THAT(text, HasSubstr("prod-7"));
  EXPECT_TRUE(IsValidUtf8(text)) << text;
}

// The payload is read by people in psql: valid non-ASCII text stays as it was sent, not as
// escapes such as "Kaffeem\303\274hle".
TEST(EventRowTest, PayloadTextKeepsNonAsciiTextReadable) {
  std::string text = PayloadText(FullEvent());
  EXPECT_THAT(text, HasSubstr("Kaffeemühle"));
  EXPECT_THAT(text, HasSubstr("Küche"));
}

TEST(EventRowTest, PayloadTextOfAMaximalMultiByteEventIsAtMost4KiBOfUtf8) {
  v1::Event e = FullEvent();
  e.set_event_id(Repeat("€", 16) + "ab");      // 50 bytes
  e.set_user_id(Repeat("ü", 25));              // 50 bytes
  e.set_product_id(Repeat("😀", 12) + "xy");    // 50 bytes
  e.set_product_name(Repeat("é", 127) + "a");  // 255 bytes
  e.set_product_category(Repeat("€", 33) + "c");
  e.set_session_id(Repeat("ß", 25));
  std::string text = PayloadText(e);
  EXPECT_LE(text.size(), 4096u);
  EXPECT_TRUE(IsValidUtf8(text));
  EXPECT_FALSE(text.empty());
}

// Rejected events are what PayloadText renders, and they may be far over the limits.
TEST(EventRowTest, PayloadTextOfAnOversizedEventIsCutTo4KiBOfUtf8) {
  v1::Event e = FullEvent();
  e.set_product_name(Repeat("€", 5000));
  e.set_product_category(Repeat("😀", 3000));
  std::string text = PayloadText(e);
  EXPECT_LE(text.size(), 4096u);
  EXPECT_GE(text.size(), 4090u) << "the payload should use its 4 KiB, not stop early";
  EXPECT_TRUE(IsValidUtf8(text));
  EXPECT_THAT(text, HasSubstr("evt-1"));
}

TEST(EventRowTest, PayloadTextOfInvalidUtf8IsValidUtf8) {
  v1::Event e = FullEvent();
  e.set_product_name("caf\xe9 \xff\xfe \xc0\xaf");
  e.set_session_id("\xed\xa0\x80");
  std::string text = PayloadText(e);
  EXPECT_LE(text.size(), 4096u);
  EXPECT_TRUE(IsValidUtf8(text)) << text;
  EXPECT_THAT(text, HasSubstr("evt-1"));

  e.set_product_name(std::string(6000, '\xff'));
  text = PayloadText(e);
  EXPECT_LE(text.size(), 4096u);
  EXPECT_TRUE(IsValidUtf8(text));
}

TEST(EventRowTest, FormatCentsWritesTwoFractionDigits) {
  EXPECT_EQ(FormatCents(0), "0.00");
  EXPECT_EQ(FormatCents(5), "0.05");
  EXPECT_EQ(FormatCents(10), "0.10");
  EXPECT_EQ(FormatCents(1234), "12.34");
  EXPECT_EQ(FormatCents(9999999999), "99999999.99");
  EXPECT_EQ(FormatCents(999999999999), "9999999999.99");
}

}  // namespace
}  // namespace ingest
