// Reading a batch from its wire bytes: the same content as protobuf's own parser for valid text,
// one rejected event (not a failed message) for text that is not UTF-8, and the log record
// keeping those bytes unchanged.
#include "server/model/received_batch.h"

#include <gtest/gtest.h>

#include "common/time_text.h"
#include "ingest/wire/received_batch.pb.h"
#include "server/durability/wal_record.h"
#include "server/intake/batch_intake.h"

namespace ingest::server {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);

v1::Event Valid(const std::string& id) {
  v1::Event e;
  e.set_event_id(id);
  e.set_user_id("user_0001");
  e.set_event_type(v1::EVENT_TYPE_PURCHASE);
  e.set_product_id("prod_01");
  e.set_product_name("Café crème");
  e.set_price_cents(1299);
  e.set_quantity(3);
  *e.mutable_event_time() = ToProtoTime(kNow - absl::Seconds(1));
  e.set_device_type(v1::DEVICE_TYPE_TABLET);
  return e;
}

v1::EventBatch Batch() {
  v1::EventBatch b;
  b.set_producer_id("gen-1");
  b.set_sequence(7);
  *b.add_events() = Valid("e1");
  *b.add_events() = Valid("e2");
  *b.add_events() = Valid("e3");
  return b;
}

// The wire bytes of Batch() with the second event's product_name not UTF-8 (a lone 0xFF byte).
std::string BytesWithBadText() {
  wire::ReceivedBatch w;
  EXPECT_TRUE(w.ParseFromString(Batch().SerializeAsString()));
  w.mutable_events(1)->set_product_name(std::string("bad \xFF name"));
  return w.SerializeAsString();
}

TEST(ReceivedBatchTest, ValidBytesReadAsTheSameBatchProtobufWouldRead) {
  const std::string bytes = Batch().SerializeAsString();
  auto received = ParseReceivedBatch(bytes);
  ASSERT_TRUE(received.ok()) << received.status();
  const v1::EventBatch batch = Batch();
  EXPECT_EQ(received->producer_id, batch.producer_id());
  EXPECT_EQ(received->sequence, batch.sequence());
  ASSERT_EQ(received->events_size(), batch.events_size());
  for (int i = 0; i < batch.events_size(); ++i) {
    EXPECT_EQ(received->events[i].ToProto().SerializeAsString(), batch.events(i).SerializeAsString()) << i;
  }
  EXPECT_EQ(received->wire_bytes, bytes.size());
  EXPECT_EQ(received->content_hash, FromEventBatch(Batch()).content_hash);
}

TEST(ReceivedBatchTest, TheContentHashIgnoresProducerAndSequenceButNotEvents) {
  v1::EventBatch a = Batch();
  v1::EventBatch b = Batch();
  b.set_producer_id("other");
  b.set_sequence(99);
  EXPECT_EQ(FromEventBatch(a).content_hash, FromEventBatch(b).content_hash);
  b.mutable_events(2)->set_quantity(2);
  EXPECT_NE(FromEventBatch(a).content_hash, FromEventBatch(b).content_hash);
  EXPECT_EQ(FromEventBatch(a).content_hash.size(), 32u);
}

TEST(ReceivedBatchTest, TextThatIsNotUtf8RejectsOnlyItsEvent) {
  v1::EventBatch probe;
  ASSERT_FALSE(probe.ParseFromString(BytesWithBadText())) << "protobuf itself refuses the whole message";

  const std::string bytes = BytesWithBadText();  // the events are read in place: keep the bytes
  auto received = ParseReceivedBatch(bytes);
  ASSERT_TRUE(received.ok()) << received.status();
  WindowItem item = BuildWindowItem(*received, kNow);
  EXPECT_EQ(item.ack.accepted(), 2u);
  ASSERT_EQ(item.ack.rejections_size(), 1);
  EXPECT_EQ(item.ack.rejections(0).index(), 1u);
  EXPECT_EQ(item.ack.rejections(0).event_id(), "e2");
  EXPECT_EQ(item.ack.rejections(0).code(), "bad_utf8");
  EXPECT_EQ(item.ack.rejections(0).reason(), "product_name is not valid UTF-8");
  ASSERT_EQ(item.rejects.size(), 1u);
  EXPECT_NE(item.rejects[0].payload.find("invalid UTF-8"), std::string::npos) << item.rejects[0].payload;
}

TEST(ReceivedBatchTest, BytesThatAreNotABatchOrAProducerThatIsNotUtf8AreRefused) {
  EXPECT_EQ(ParseReceivedBatch("\xFF\xFF\xFF").status().code(), absl::StatusCode::kInvalidArgument);
  wire::ReceivedBatch w;
  w.set_producer_id("gen-\xC0");
  auto st = ParseReceivedBatch(w.SerializeAsString()).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "producer_id is not valid UTF-8");
  w.set_producer_id(std::string("gen\0-1", 6));
  st = ParseReceivedBatch(w.SerializeAsString()).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "producer_id holds a NUL character, which PostgreSQL text cannot store");
}

TEST(ReceivedBatchTest, TheLogRecordKeepsTheBytesAsReceivedAndDecodesToTheSameItem) {
  const std::string bytes = BytesWithBadText();
  auto received = ParseReceivedBatch(bytes);
  ASSERT_TRUE(received.ok());
  WindowItem built = BuildWindowItem(*received, kNow);
  const std::string record = EncodeWalRecord(built, bytes);
  ASSERT_GE(record.size(), bytes.size());
  EXPECT_EQ(record.substr(record.size() - bytes.size()), bytes);

  auto decoded = DecodeWalRecord(record);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->content_hash, built.content_hash);
  EXPECT_EQ(decoded->ack.SerializeAsString(), built.ack.SerializeAsString());
  ASSERT_EQ(decoded->events.size(), 2u);
  EXPECT_EQ(decoded->events[0].event_id, "e1");
  EXPECT_EQ(decoded->events[1].event_id, "e3");
  ASSERT_EQ(decoded->rejects.size(), 1u);
  EXPECT_EQ(decoded->rejects[0].code, "bad_utf8");
  EXPECT_EQ(decoded->bytes, bytes.size());
}

}  // namespace
}  // namespace ingest::server
