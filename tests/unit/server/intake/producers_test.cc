#include "server/intake/producers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ingest::server {
namespace {

using ::testing::HasSubstr;
using Kind = ProducerRegistry::Kind;

ProducerRegistry::Loader NoState() {
  return [](const std::string&) -> absl::StatusOr<std::optional<ProducerRecord>> { return std::nullopt; };
}

v1::BatchAck Ack(uint64_t seq, uint32_t accepted) {
  v1::BatchAck ack;
  ack.set_sequence(seq);
  ack.set_accepted(accepted);
  return ack;
}

TEST(ProducersTest, TheFirstSequenceStartsANewProducerAndTheNextOneFollows) {
  ProducerRegistry reg(NoState());
  EXPECT_EQ(*reg.Admit("p", 41, "h41"), Kind::kNew);
  EXPECT_EQ(*reg.Admit("p", 42, "h42"), Kind::kNew);
}

TEST(ProducersTest, AGapNamesTheExpectedSequence) {
  ProducerRegistry reg(NoState());
  ASSERT_TRUE(reg.Admit("p", 1, "a").ok());
  auto st = reg.Admit("p", 3, "c");
  EXPECT_EQ(st.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.status().message(), HasSubstr("expected 2"));
}

TEST(ProducersTest, AResendGetsTheOriginalAckOnceDurable) {
  ProducerRegistry reg(NoState());
  ASSERT_EQ(*reg.Admit("p", 1, "a"), Kind::kNew);
  EXPECT_EQ(*reg.Admit("p", 1, "a"), Kind::kResend);
  std::optional<v1::BatchAck> got;
  reg.WhenDurable("p", 1, [&](const v1::BatchAck& ack) { got = ack; });
  EXPECT_FALSE(got.has_value()) << "a resend must wait until the original batch is durable";
  reg.MarkDurable("p", 1, Ack(1, 7));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->accepted(), 7u);
  std::optional<v1::BatchAck> again;
  reg.WhenDurable("p", 1, [&](const v1::BatchAck& ack) { again = ack; });
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(reg.LastDurable("p"), 1u);
}

TEST(ProducersTest, ASequenceReusedWithDifferentContentIsRefused) {
  ProducerRegistry reg(NoState());
  ASSERT_TRUE(reg.Admit("p", 1, "a").ok());
  auto st = reg.Admit("p", 1, "b");
  EXPECT_EQ(st.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.status().message(), HasSubstr("sequence 1 reused with different content"));
}

TEST(ProducersTest, ASequenceBelowTheRememberedWindowIsRefused) {
  ProducerRegistry reg(NoState());
  for (uint64_t s = 1; s <= ProducerRegistry::kRememberedAcks + 10; ++s) {
    ASSERT_TRUE(reg.Admit("p", s, "h").ok());
    reg.MarkDurable("p", s, Ack(s, 1));
  }
  auto st = reg.Admit("p", 5, "h");
  EXPECT_EQ(st.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.status().message(), HasSubstr("expected 1035"));
  EXPECT_EQ(*reg.Admit("p", 20, "h"), Kind::kResend) << "the last 1024 are remembered";
}

TEST(ProducersTest, StateComesFromTheDatabaseForAProducerNotInMemory) {
  int loads = 0;
  ProducerRegistry reg([&](const std::string&) -> absl::StatusOr<std::optional<ProducerRecord>> {
    ++loads;
    ProducerRecord r;
    r.last_sequence = 9;
    r.acks.push_back(StoredAck{9, "h9", Ack(9, 3)});
    return r;
  });
  EXPECT_EQ(*reg.Admit("p", 9, "h9"), Kind::kResend);
  std::optional<v1::BatchAck> got;
  reg.WhenDurable("p", 9, [&](const v1::BatchAck& ack) { got = ack; });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->accepted(), 3u);
  EXPECT_EQ(*reg.Admit("p", 10, "h10"), Kind::kNew);
  EXPECT_EQ(reg.Admit("p", 12, "h12").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(loads, 1);
}

TEST(ProducersTest, AnUnreachableDatabaseIsUnavailableNotANewProducer) {
  ProducerRegistry reg([](const std::string&) -> absl::StatusOr<std::optional<ProducerRecord>> {
    return absl::UnavailableError("connection refused");
  });
  auto st = reg.Admit("p", 5, "h");
  EXPECT_EQ(st.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(st.status().message(), HasSubstr("connection refused"));
}

TEST(ProducersTest, ProducersAreIndependent) {
  ProducerRegistry reg(NoState());
  EXPECT_EQ(*reg.Admit("a", 1, "x"), Kind::kNew);
  EXPECT_EQ(*reg.Admit("b", 1, "y"), Kind::kNew);
  EXPECT_EQ(*reg.Admit("a", 2, "x"), Kind::kNew);
}

}  // namespace
}  // namespace ingest::server
