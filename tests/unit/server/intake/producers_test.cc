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

// Claims (several servers sharing one database): what a stream's first batch finds.

// A claimer answering with `record` (or failing with `fails`), counting its calls.
struct FakeClaimer {
  std::optional<ProducerRecord> record;
  absl::Status fails = absl::OkStatus();
  int calls = 0;
  ProducerRegistry::Loader Fn() {
    return [this](const std::string&) -> absl::StatusOr<std::optional<ProducerRecord>> {
      ++calls;
      if (!fails.ok()) return fails;
      return record;
    };
  }
};

// The database's record: last_sequence `last`, acks for `first_ack`..`last` with hashes "db<seq>".
ProducerRecord Record(uint64_t last, bool taken_elsewhere, uint64_t first_ack = 0) {
  ProducerRecord r;
  r.last_sequence = last;
  r.taken_elsewhere = taken_elsewhere;
  for (uint64_t s = first_ack; first_ack > 0 && s <= last; ++s) {
    r.acks.push_back(StoredAck{s, "db" + std::to_string(s), Ack(s, static_cast<uint32_t>(100 + s))});
  }
  return r;
}

// Admits and marks durable sequences first..last of `producer`, hashes "h<seq>".
void AdmitDurable(ProducerRegistry& reg, const std::string& producer, uint64_t first, uint64_t last) {
  for (uint64_t s = first; s <= last; ++s) {
    ASSERT_EQ(*reg.Admit(producer, s, "h" + std::to_string(s)), Kind::kNew) << s;
    reg.MarkDurable(producer, s, Ack(s, 1));
  }
}

TEST(ProducersClaimTest, TakenElsewhereAcceptsOneGapThenTheSequenceRulesHoldAgain) {
  FakeClaimer claimer{Record(30, true, 21)};
  int loads = 0;
  ProducerRegistry reg(
      [&](const std::string&) -> absl::StatusOr<std::optional<ProducerRecord>> {
        ++loads;
        return std::nullopt;
      },
      claimer.Fn());
  EXPECT_TRUE(reg.Claims());
  ASSERT_TRUE(reg.Claim("p").ok());
  EXPECT_EQ(*reg.Admit("p", 40, "h40"), Kind::kNew) << "the other server's log may hold 31..39";
  EXPECT_EQ(*reg.Admit("p", 41, "h41"), Kind::kNew);
  auto gap = reg.Admit("p", 43, "h43");
  EXPECT_EQ(gap.status().code(), absl::StatusCode::kFailedPrecondition) << "the gap is accepted once";
  EXPECT_THAT(gap.status().message(), HasSubstr("sequence gap"));
  EXPECT_THAT(gap.status().message(), HasSubstr("expected 42"));
  EXPECT_EQ(*reg.Admit("p", 30, "db30"), Kind::kResend) << "the database's acks are there too";
  EXPECT_EQ(claimer.calls, 1);
  EXPECT_EQ(loads, 0) << "the claim loaded the state; Admit needs no other round trip";
}

TEST(ProducersClaimTest, TheGapIsAcceptedOnlyForTheFirstBatchAfterTheClaim) {
  FakeClaimer claimer{Record(30, true)};
  ProducerRegistry reg(NoState(), claimer.Fn());
  ASSERT_TRUE(reg.Claim("p").ok());
  ASSERT_EQ(*reg.Admit("p", 40, "h40"), Kind::kNew);
  auto gap = reg.Admit("p", 42, "h42");
  EXPECT_EQ(gap.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(gap.status().message(), HasSubstr("sequence gap"));
  EXPECT_THAT(gap.status().message(), HasSubstr("expected 41"));
}

TEST(ProducersClaimTest, NotTakenElsewhereAGapIsAGap) {
  FakeClaimer claimer{Record(30, false)};
  ProducerRegistry reg(NoState(), claimer.Fn());
  ASSERT_TRUE(reg.Claim("p").ok());
  auto gap = reg.Admit("p", 40, "h40");
  EXPECT_EQ(gap.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(gap.status().message(), HasSubstr("expected 31"));
  EXPECT_EQ(*reg.Admit("p", 31, "h31"), Kind::kNew);
}

TEST(ProducersClaimTest, AProducerHeldHereAndNotTakenElsewhereKeepsTheStateInMemory) {
  FakeClaimer claimer;
  ProducerRegistry reg(NoState(), claimer.Fn());
  AdmitDurable(reg, "p", 1, 45);
  // The database is behind (batches 31..45 not committed yet) and holds another hash for 30: stale.
  claimer.record = Record(30, false, 25);
  ASSERT_TRUE(reg.Claim("p").ok());
  auto gap = reg.Admit("p", 47, "h47");
  EXPECT_EQ(gap.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(gap.status().message(), HasSubstr("expected 46")) << "no gap accepted";
  EXPECT_EQ(*reg.Admit("p", 45, "h45"), Kind::kResend);
  EXPECT_EQ(*reg.Admit("p", 30, "h30"), Kind::kResend) << "memory's hash, not the database's";
  EXPECT_EQ(*reg.Admit("p", 46, "h46"), Kind::kNew);
  EXPECT_EQ(reg.LastDurable("p"), 45u);
}

TEST(ProducersClaimTest, AProducerHeldHereButTakenElsewhereMergesTheDatabasesState) {
  FakeClaimer claimer;
  ProducerRegistry reg(NoState(), claimer.Fn());
  AdmitDurable(reg, "p", 1, 9);
  // 10 is in this server's log, not yet committed, and a resend waits for its ack.
  ASSERT_EQ(*reg.Admit("p", 10, "h10"), Kind::kNew);
  std::optional<v1::BatchAck> waited;
  reg.WhenDurable("p", 10, [&](const v1::BatchAck& ack) { waited = ack; });
  claimer.record = Record(20, true, 10);  // another server committed 10..20 (10 resent to it)
  ASSERT_TRUE(reg.Claim("p").ok());
  EXPECT_EQ(reg.LastDurable("p"), 20u);
  reg.MarkDurable("p", 10, Ack(10, 1));
  EXPECT_TRUE(waited.has_value()) << "the resend waiting here keeps its place";
  EXPECT_EQ(*reg.Admit("p", 15, "db15"), Kind::kResend);
  std::optional<v1::BatchAck> got;
  reg.WhenDurable("p", 15, [&](const v1::BatchAck& ack) { got = ack; });
  ASSERT_TRUE(got.has_value()) << "the stored ack answers at once";
  EXPECT_EQ(got->sequence(), 15u);
  EXPECT_EQ(got->accepted(), 115u);
  EXPECT_EQ(*reg.Admit("p", 5, "h5"), Kind::kResend) << "what memory held is kept";
  auto other = reg.Admit("p", 16, "h16");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other.status().message(), HasSubstr("reused with different content"));
  EXPECT_EQ(*reg.Admit("p", 21, "h21"), Kind::kNew);
}

TEST(ProducersClaimTest, TakenElsewhereAHigherSequenceIsAcceptedOnceAfterTheMerge) {
  FakeClaimer claimer;
  ProducerRegistry reg(NoState(), claimer.Fn());
  AdmitDurable(reg, "p", 1, 10);
  claimer.record = Record(20, true, 11);
  ASSERT_TRUE(reg.Claim("p").ok());
  EXPECT_EQ(*reg.Admit("p", 25, "h25"), Kind::kNew);
  EXPECT_THAT(reg.Admit("p", 27, "h27").status().message(), HasSubstr("expected 26"));
}

TEST(ProducersClaimTest, AnUnreachableDatabaseLeavesAHeldProducerOnItsMemory) {
  FakeClaimer claimer;
  ProducerRegistry reg(NoState(), claimer.Fn());
  AdmitDurable(reg, "p", 1, 10);
  claimer.fails = absl::UnavailableError("connection refused");
  EXPECT_TRUE(reg.Claim("p").ok());
  EXPECT_EQ(*reg.Admit("p", 10, "h10"), Kind::kResend);
  EXPECT_EQ(*reg.Admit("p", 11, "h11"), Kind::kNew);
  EXPECT_THAT(reg.Admit("p", 13, "h13").status().message(), HasSubstr("expected 12"));
}

TEST(ProducersClaimTest, AnUnreachableDatabaseIsUnavailableForAProducerNotHeld) {
  FakeClaimer claimer;
  claimer.fails = absl::UnavailableError("connection refused");
  ProducerRegistry reg(NoState(), claimer.Fn());
  absl::Status st = reg.Claim("gen-9");
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(st.message(), HasSubstr("'gen-9'"));
  EXPECT_THAT(st.message(), HasSubstr("connection refused"));
  EXPECT_FALSE(reg.Loaded("gen-9")) << "no empty state that would take any sequence as a start";
}

TEST(ProducersClaimTest, WithoutAClaimerClaimLoadsAsBefore) {
  int loads = 0;
  ProducerRegistry reg([&](const std::string&) -> absl::StatusOr<std::optional<ProducerRecord>> {
    ++loads;
    return Record(9, true, 9);  // taken_elsewhere means nothing to a single server
  });
  EXPECT_FALSE(reg.Claims());
  ASSERT_TRUE(reg.Claim("p").ok());
  EXPECT_TRUE(reg.Loaded("p"));
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(*reg.Admit("p", 9, "db9"), Kind::kResend);
  EXPECT_THAT(reg.Admit("p", 12, "h12").status().message(), HasSubstr("expected 10"));
  EXPECT_EQ(*reg.Admit("p", 10, "h10"), Kind::kNew);
  ASSERT_TRUE(reg.Claim("p").ok());
  EXPECT_EQ(loads, 1) << "a producer in memory is not loaded again";
}

}  // namespace
}  // namespace ingest::server
