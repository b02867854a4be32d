#include "server/durability/wal_record.h"

#include <gtest/gtest.h>

#include "common/time_text.h"
#include "server/intake/batch_intake.h"

namespace ingest::server {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);

v1::EventBatch Batch() {
  v1::EventBatch b;
  b.set_producer_id("gen-9");
  b.set_sequence(12);
  for (int i = 0; i < 4; ++i) {
    v1::Event* e = b.add_events();
    e->set_event_id("e" + std::to_string(i));
    e->set_user_id("u");
    e->set_event_type(v1::EVENT_TYPE_PURCHASE);
    e->set_product_id("p");
    e->set_product_name("Kaffeemühle");
    e->set_price_cents(999);
    *e->mutable_event_time() = ToProtoTime(kNow - absl::Seconds(i));
  }
  b.mutable_events(2)->set_quantity(0);
  return b;
}

TEST(WalRecordTest, DecodingGivesBackTheItemValidationBuilt) {
  v1::EventBatch batch = Batch();
  WindowItem built = BuildWindowItem(batch, kNow);
  auto decoded = DecodeWalRecord(EncodeWalRecord(built, batch.SerializeAsString()));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->origin, "gen-9");
  EXPECT_EQ(decoded->sequence, 12u);
  EXPECT_EQ(decoded->received_us, built.received_us);
  EXPECT_EQ(decoded->content_hash, built.content_hash);
  EXPECT_EQ(decoded->ack.SerializeAsString(), built.ack.SerializeAsString());
  EXPECT_EQ(decoded->events, built.events);
  ASSERT_EQ(decoded->rejects.size(), 1u);
  EXPECT_EQ(decoded->rejects[0].position, 2u);
  EXPECT_EQ(decoded->rejects[0].code, built.rejects[0].code);
  EXPECT_EQ(decoded->rejects[0].reason, built.rejects[0].reason);
  EXPECT_EQ(decoded->rejects[0].payload, built.rejects[0].payload);
}

TEST(WalRecordTest, DamagedRecordsAreDataLoss) {
  v1::EventBatch batch = Batch();
  std::string record = EncodeWalRecord(BuildWindowItem(batch, kNow), batch.SerializeAsString());
  EXPECT_EQ(DecodeWalRecord(record.substr(0, 10)).status().code(), absl::StatusCode::kDataLoss);
  std::string wrong_version = record;
  wrong_version[0] = 9;
  EXPECT_EQ(DecodeWalRecord(wrong_version).status().code(), absl::StatusCode::kDataLoss);
}

// Found by tests/fuzz/wal_record_fuzz: more rejections than events made decoding throw
// std::length_error (vector::reserve of a negative size) instead of returning DataLoss.
TEST(WalRecordTest, AnAckThatDoesNotFitItsBatchIsDataLoss) {
  v1::EventBatch batch = Batch();
  WindowItem item = BuildWindowItem(batch, kNow);
  for (uint32_t index : {4u, 9u, 9u}) item.ack.add_rejections()->set_index(index);
  auto decoded = DecodeWalRecord(EncodeWalRecord(item, batch.SerializeAsString()));
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(decoded.status().message().find("rejects event 4"), std::string::npos) << decoded.status();

  item = BuildWindowItem(batch, kNow);  // event 2 is rejected (quantity 0)
  item.ack.add_rejections()->set_index(2);
  EXPECT_EQ(DecodeWalRecord(EncodeWalRecord(item, batch.SerializeAsString())).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ingest::server
