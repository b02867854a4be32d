#include "server/intake/batch_intake.h"

#include <gtest/gtest.h>

#include "common/time_text.h"

namespace ingest::server {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);

v1::Event Valid(const std::string& id) {
  v1::Event e;
  e.set_event_id(id);
  e.set_user_id("user_0001");
  e.set_event_type(v1::EVENT_TYPE_VIEW);
  e.set_product_id("prod_01");
  e.set_price_cents(1299);
  *e.mutable_event_time() = ToProtoTime(kNow - absl::Seconds(1));
  return e;
}

v1::EventBatch Batch() {
  v1::EventBatch b;
  b.set_producer_id("gen-1");
  b.set_sequence(4);
  *b.add_events() = Valid("e1");
  v1::Event bad = Valid("e2");
  bad.set_price_cents(-5);
  *b.add_events() = bad;
  *b.add_events() = Valid("e3");
  return b;
}

TEST(BatchIntakeTest, ValidEventsBecomeRowsAndInvalidOnesRejectionsWithTheirIndex) {
  WindowItem item = BuildWindowItem(Batch(), kNow);
  EXPECT_EQ(item.origin, "gen-1");
  EXPECT_EQ(item.sequence, 4u);
  ASSERT_EQ(item.events.size(), 2u);
  EXPECT_EQ(item.events[0].event_id, "e1");
  EXPECT_EQ(item.events[1].event_id, "e3");
  ASSERT_EQ(item.rejects.size(), 1u);
  EXPECT_EQ(item.rejects[0].position, 1u);
  EXPECT_EQ(item.rejects[0].event_id, "e2");
  EXPECT_EQ(item.rejects[0].code, "out_of_range");
  EXPECT_NE(item.rejects[0].payload.find("price_cents: -5"), std::string::npos);
  EXPECT_EQ(item.ack.sequence(), 4u);
  EXPECT_EQ(item.ack.accepted(), 2u);
  EXPECT_EQ(item.ack.rejected(), 1u);
  ASSERT_EQ(item.ack.rejections_size(), 1);
  EXPECT_EQ(item.ack.rejections(0).index(), 1u);
  EXPECT_NE(item.ack.rejections(0).reason().find("price_cents"), std::string::npos);
}

TEST(BatchIntakeTest, AnEventWithANulIsRejectedAndItsIdLeftOutOfTheRejection) {
  v1::EventBatch b;
  b.set_producer_id("gen-1");
  b.set_sequence(1);
  v1::Event named = Valid("e1");
  named.set_product_name(std::string("Mug\0", 4));
  *b.add_events() = named;
  *b.add_events() = Valid(std::string("e\0", 2));
  WindowItem item = BuildWindowItem(b, kNow);
  EXPECT_TRUE(item.events.empty()) << "the ack tells the truth: neither event can be stored";
  ASSERT_EQ(item.ack.rejections_size(), 2);
  EXPECT_EQ(item.ack.rejections(0).code(), "bad_utf8");
  EXPECT_EQ(item.ack.rejections(0).reason(),
            "product_name holds a NUL character (byte 4), which PostgreSQL text cannot store");
  EXPECT_EQ(item.ack.rejections(0).event_id(), "e1");
  EXPECT_EQ(item.ack.rejections(1).event_id(), "") << "rejected_events.event_id cannot hold a NUL";
  ASSERT_EQ(item.rejects.size(), 2u);
  EXPECT_EQ(item.rejects[1].event_id, "");
  EXPECT_EQ(item.rejects[1].payload.find('\0'), std::string::npos) << "the payload is stored escaped";
  EXPECT_NE(item.rejects[1].payload.find("e\\000"), std::string::npos) << item.rejects[1].payload;
}

}  // namespace
}  // namespace ingest::server
