// Several servers on one database (docs/operations.md, "Several servers"), two PostgresSinks with
// their own server ids: a claim says whether another server took the producer's previous stream,
// and a producer batch that another server committed already is stored once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <pqxx/pqxx>
#include <thread>

#include "server/sink/batch_part.h"
#include "server/sink/postgres_sink.h"
#include "tests/testing/sample_batch.h"
#include "tests/testing/test_database.h"

namespace ingest::server {
namespace {

using ingest::testing::SampleBatch;
using ingest::testing::SampleItem;
using ingest::testing::SampleReject;
using ingest::testing::SampleRow;
using ingest::testing::TestDatabase;
using ::testing::HasSubstr;

class ProducersAcrossServersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set; run scripts/test.sh";
    a_ = MakeSink("server-a");
    b_ = MakeSink("server-b");
    ASSERT_TRUE(a_->Prepare().ok());
    ASSERT_TRUE(b_->Prepare().ok());
  }
  std::unique_ptr<PostgresSink> MakeSink(const std::string& id, int writers = 1) {
    return std::make_unique<PostgresSink>(
        PostgresSinkOptions{db_.conninfo(), id, true, absl::Hours(168), writers});
  }
  // The producer's record as `sink` claims it; fails the test if the claim fails.
  std::optional<ProducerRecord> Claim(PostgresSink& sink, const std::string& producer) {
    auto record = sink.ClaimProducer(producer);
    EXPECT_TRUE(record.ok()) << record.status();
    return record.ok() ? *record : std::nullopt;
  }
  std::string Owner(const std::string& producer) {
    return db_.Scalar("SELECT server_id FROM producers WHERE producer_id = '" + producer + "'");
  }

  TestDatabase db_;
  std::unique_ptr<PostgresSink> a_;
  std::unique_ptr<PostgresSink> b_;
};

TEST_F(ProducersAcrossServersTest, AClaimSaysWhetherAnotherServerTookTheProducersPreviousStream) {
  EXPECT_FALSE(Claim(*a_, "P").has_value()) << "a new producer";
  EXPECT_EQ(Owner("P"), "server-a");
  ASSERT_TRUE(a_->Write(SampleBatch(1, {SampleItem("P", 1, {SampleRow("e1")})})).ok());
  ASSERT_TRUE(a_->Write(SampleBatch(2, {SampleItem("P", 2, {SampleRow("e2")})})).ok());

  auto by_b = Claim(*b_, "P");
  ASSERT_TRUE(by_b.has_value());
  EXPECT_TRUE(by_b->taken_elsewhere);
  EXPECT_EQ(by_b->taken_from, "server-a");
  EXPECT_EQ(by_b->last_sequence, 2u);
  ASSERT_EQ(by_b->acks.size(), 2u);
  EXPECT_EQ(by_b->acks[1].sequence, 2u);
  EXPECT_EQ(Owner("P"), "server-b");

  auto by_a = Claim(*a_, "P");
  ASSERT_TRUE(by_a.has_value());
  EXPECT_TRUE(by_a->taken_elsewhere) << "b took it since";
  EXPECT_EQ(by_a->taken_from, "server-b");
  EXPECT_EQ(Owner("P"), "server-a");

  ASSERT_TRUE(Claim(*b_, "P").value_or(ProducerRecord{}).taken_elsewhere);
  auto again = Claim(*b_, "P");
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->taken_elsewhere) << "b took its previous stream too";
  EXPECT_EQ(again->taken_from, "");
  EXPECT_EQ(again->last_sequence, 2u);

  for (PostgresSink* sink : {a_.get(), b_.get()}) {
    auto loaded = sink->LoadProducer("P");
    ASSERT_TRUE(loaded.ok() && loaded->has_value());
    EXPECT_FALSE((*loaded)->taken_elsewhere) << "only a claim says so";
    EXPECT_EQ((*loaded)->last_sequence, 2u);
  }
  EXPECT_EQ(Owner("P"), "server-b") << "loading claims nothing";
}

TEST_F(ProducersAcrossServersTest, AClaimBeforeAnyCommitIsSeenByTheNextServer) {
  EXPECT_FALSE(Claim(*a_, "P").has_value());
  // a may have acked batches that are in its log only: b must know it took the producer.
  auto by_b = Claim(*b_, "P");
  ASSERT_TRUE(by_b.has_value());
  EXPECT_TRUE(by_b->taken_elsewhere);
  EXPECT_EQ(by_b->last_sequence, 0u);
  EXPECT_TRUE(by_b->acks.empty());
  ASSERT_TRUE(b_->Write(SampleBatch(1, {SampleItem("P", 7, {SampleRow("e7")})})).ok());
  EXPECT_EQ(db_.Scalar("SELECT last_sequence FROM producers WHERE producer_id = 'P'"), "7");
}

// Batch (P, 5): 3 events and 1 rejection; the same batch again with (Q, 1) after it.
WindowItem P5() {
  return SampleItem("P", 5, {SampleRow("p5-1"), SampleRow("p5-2"), SampleRow("p5-3")},
                    {SampleReject("p5-bad", 3, "bad_enum")});
}
WindowItem Q1() { return SampleItem("Q", 1, {SampleRow("q1-1"), SampleRow("q1-2")}); }

// What b's batch 3 holding (P,5) again and (Q,1) must leave after a's batch 7 committed (P,5).
void ExpectStoredOnce(TestDatabase& db) {
  EXPECT_EQ(
      db.Scalar("SELECT string_agg(event_id || ':' || batch_id, ',' ORDER BY event_id) FROM user_events"),
      "p5-1:7,p5-2:7,p5-3:7,q1-1:3,q1-2:3");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM user_events WHERE updated_at > created_at"), "0")
      << "b did not write a's rows again";
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM rejected_events"), "1");
  EXPECT_EQ(db.Scalar("SELECT server_id || ' ' || batch_id FROM rejected_events WHERE event_id = 'p5-bad'"),
            "server-a 7");
  EXPECT_EQ(db.Scalar("SELECT events || ' ' || inserted || ' ' || updated || ' ' || rejected "
                      "FROM ingest_batches WHERE server_id = 'server-b' AND batch_id = 3"),
            "2 2 0 0")
      << "b's batch counts only Q's events";
  EXPECT_EQ(db.Scalar("SELECT server_id || ' ' || batch_id FROM producer_acks WHERE producer_id = 'P' "
                      "AND sequence = 5"),
            "server-a 7");
  EXPECT_EQ(db.Scalar("SELECT server_id || ' ' || batch_id FROM producer_acks WHERE producer_id = 'Q'"),
            "server-b 3");
  EXPECT_EQ(
      db.Scalar("SELECT string_agg(producer_id || last_sequence, ',' ORDER BY producer_id) FROM producers"),
      "P5,Q1");
}

TEST_F(ProducersAcrossServersTest, ABatchAnotherServerCommittedIsStoredOnce) {
  ASSERT_TRUE(a_->Write(SampleBatch(7, {P5()})).ok());
  auto result = b_->Write(SampleBatch(3, {P5(), Q1()}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->inserted, 2u);
  EXPECT_EQ(result->updated, 0u);
  EXPECT_EQ(result->rejected, 0u);
  ExpectStoredOnce(db_);
}

TEST_F(ProducersAcrossServersTest, ABatchAnotherServerCommittedIsStoredOnceInParts) {
  a_ = MakeSink("server-a", 2);
  b_ = MakeSink("server-b", 2);
  // Enough events for both parts to hold some of each item.
  std::vector<EventRow> p_rows;
  std::vector<EventRow> q_rows;
  for (int i = 0; i < 40; ++i) p_rows.push_back(SampleRow("p5-" + std::to_string(i)));
  for (int i = 0; i < 40; ++i) q_rows.push_back(SampleRow("q1-" + std::to_string(i)));
  for (int part = 0; part < 2; ++part) {
    int p_held = 0;
    int q_held = 0;
    for (int i = 0; i < 40; ++i) {
      p_held += BatchPart{part, 2}.Holds(p_rows[i].event_id);
      q_held += BatchPart{part, 2}.Holds(q_rows[i].event_id);
    }
    ASSERT_GT(p_held, 0) << part;
    ASSERT_GT(q_held, 0) << part;
  }
  const WindowItem p5 = SampleItem("P", 5, p_rows, {SampleReject("p5-bad", 40, "bad_enum")});
  ASSERT_TRUE(a_->Write(SampleBatch(7, {p5})).ok());
  auto result = b_->Write(SampleBatch(3, {p5, SampleItem("Q", 1, q_rows)}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->inserted, 40u);
  EXPECT_EQ(result->updated, 0u);
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events WHERE batch_id = 7"), "40");
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events WHERE batch_id = 3"), "40");
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events WHERE updated_at > created_at"), "0");
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM rejected_events"), "1");
  EXPECT_EQ(db_.Scalar("SELECT events || ' ' || inserted || ' ' || rejected FROM ingest_batches "
                       "WHERE server_id = 'server-b'"),
            "40 40 0");
  EXPECT_EQ(db_.Scalar("SELECT server_id FROM producer_acks WHERE producer_id = 'P'"), "server-a");
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM ingest_batch_parts"), "0");
}

TEST_F(ProducersAcrossServersTest, ABatchCommittedElsewhereWhileThisOneWasWrittenIsRetriedWithoutIt) {
  // b's write waits, after planning, on a lock the test holds (a trigger on Q's first row), while a
  // commits (P,5): b's transaction then finds (P,5) in producer_acks and fails; written again, it
  // leaves (P,5) out.
  db_.Query(
      "CREATE FUNCTION wait_for_test() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "IF NEW.event_id = 'q1-1' THEN PERFORM pg_advisory_xact_lock_shared(4242); END IF; RETURN NEW; END $$");
  db_.Query(
      "CREATE TRIGGER wait_for_test BEFORE INSERT ON user_events FOR EACH ROW EXECUTE FUNCTION "
      "wait_for_test()");
  // Were b to hold a row of P's while it waits, a would wait for b: a gives up instead of hanging.
  db_.Query(
      "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET lock_timeout = ''10s''', current_database()); "
      "END $$");
  pqxx::connection holder(db_.conninfo());
  pqxx::nontransaction(holder).exec("SELECT pg_advisory_lock(4242)");
  // Q first: b waits before it holds any row of P's.
  const SealedBatch b_batch = SampleBatch(3, {Q1(), P5()});
  auto b_first = std::async(std::launch::async, [&] { return b_->Write(b_batch); });
  for (int i = 0; i < 200 && db_.Scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT "
                                        "granted") != "1";
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto a_result = a_->Write(SampleBatch(7, {P5()}));
  pqxx::nontransaction(holder).exec("SELECT pg_advisory_unlock(4242)");
  ASSERT_TRUE(a_result.ok()) << a_result.status();
  absl::StatusOr<CommitResult> failed = b_first.get();
  ASSERT_FALSE(failed.ok()) << "b's transaction would have stored (P,5) again";
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << "worth retrying";
  EXPECT_THAT(failed.status().message(), HasSubstr("another server committed"));
  auto retried = b_->Write(b_batch);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->inserted, 2u);
  ExpectStoredOnce(db_);
}

}  // namespace
}  // namespace ingest::server
