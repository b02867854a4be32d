// EventView reads an Event from its wire bytes as protobuf's own parser would: the same fields,
// unknown fields and mismatched wire types skipped, repeated fields last-wins, and malformed
// bytes refused.
#include "common/event_view.h"

#include <gtest/gtest.h>

#include "common/validation.h"

namespace ingest {
namespace {

v1::Event Full() {
  v1::Event e;
  e.set_event_id("evt-1");
  e.set_user_id("user_0001");
  e.set_event_type(v1::EVENT_TYPE_PURCHASE);
  e.set_product_id("prod_07");
  e.set_product_name("Kaffeemühle");
  e.set_product_category("Home & Kitchen");
  e.set_price_cents(1299);
  e.set_quantity(3);
  e.mutable_event_time()->set_seconds(1740000000);
  e.mutable_event_time()->set_nanos(123456789);
  e.set_session_id("sess_1");
  e.set_device_type(v1::DEVICE_TYPE_TABLET);
  return e;
}

TEST(EventViewTest, ReadsEveryFieldAsProtobufDoes) {
  const std::string bytes = Full().SerializeAsString();
  EventView view;
  ASSERT_TRUE(view.Parse(bytes));
  EXPECT_EQ(view.ToProto().SerializeAsString(), bytes);
  EXPECT_EQ(view.product_name(), "Kaffeemühle");
  EXPECT_TRUE(view.has_quantity());
  EXPECT_EQ(view.event_time().nanos(), 123456789);
  const absl::Time now = absl::FromUnixSeconds(1740000000);
  EXPECT_EQ(ValidateEvent(view, now), ValidateEvent(Full(), now));
}

TEST(EventViewTest, AbsentFieldsReadAsProtobufDefaults) {
  v1::Event e;
  e.set_event_id("x");
  EventView view;
  ASSERT_TRUE(view.Parse(e.SerializeAsString()));
  EXPECT_FALSE(view.has_quantity());
  EXPECT_FALSE(view.has_event_time());
  EXPECT_EQ(view.device_type(), v1::DEVICE_TYPE_UNSPECIFIED);
  EXPECT_EQ(view.product_name(), "");
}

TEST(EventViewTest, UnknownFieldsAndOtherWireTypesAreSkippedAndTheLastValueWins) {
  std::string bytes = Full().SerializeAsString();
  bytes += std::string("\xA0\x06\x05", 3);          // field 100, varint 5: unknown
  bytes += std::string("\x38\x07", 2);              // field 7 (price_cents) again: 7
  bytes += std::string("\x0D\x01\x02\x03\x04", 5);  // field 1 as fixed32: skipped, as protobuf does
  bytes += std::string("\x18\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01", 11);  // event_type -1
  v1::Event by_protobuf;
  ASSERT_TRUE(by_protobuf.ParseFromString(bytes));
  EventView view;
  ASSERT_TRUE(view.Parse(bytes));
  EXPECT_EQ(view.price_cents(), 7);
  EXPECT_EQ(view.event_id(), "evt-1");
  EXPECT_EQ(view.event_type(), by_protobuf.event_type());
  EXPECT_EQ(static_cast<int>(view.event_type()), -1);
}

TEST(EventViewTest, TruncatedOrMalformedBytesAreRefused) {
  const std::string bytes = Full().SerializeAsString();
  EventView view;
  EXPECT_FALSE(view.Parse(bytes.substr(0, bytes.size() - 3)));
  EXPECT_FALSE(view.Parse("\x0A\x7F"));  // a 127-byte field with no bytes
  EXPECT_FALSE(view.Parse("\xFF"));
}

}  // namespace
}  // namespace ingest
