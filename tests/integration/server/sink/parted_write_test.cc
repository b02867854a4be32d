// A micro-batch written through several connections at once (--writers): every row once, the later
// position of a repeated event_id winning, refused rows set apart in each part, and a part that
// fails leaving the batch uncommitted while the parts that committed are not written again, even
// by a server restarted with another number of writers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/sink/batch_part.h"
#include "server/sink/postgres_sink.h"
#include "tests/testing/sample_batch.h"
#include "tests/testing/test_database.h"

namespace ingest::server {
namespace {

using ingest::testing::SampleBatch;
using ingest::testing::SampleItem;
using ingest::testing::SampleRow;
using ingest::testing::TestDatabase;

class PartedWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set; run scripts/test.sh";
    ASSERT_TRUE(MakeSink(1)->Prepare().ok());
  }
  std::unique_ptr<PostgresSink> MakeSink(int writers) {
    return std::make_unique<PostgresSink>(
        PostgresSinkOptions{db_.conninfo(), "server-a", true, absl::Hours(168), writers});
  }
  // Rows e0..e(n-1), each priced by its number.
  static std::vector<EventRow> Rows(int n) {
    std::vector<EventRow> rows;
    for (int i = 0; i < n; ++i) rows.push_back(SampleRow("e" + std::to_string(i), 100 + i));
    return rows;
  }
  // The ids among e0..e(n-1) that fall in `part`.
  static std::vector<std::string> IdsIn(BatchPart part, int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      if (part.Holds("e" + std::to_string(i))) ids.push_back("e" + std::to_string(i));
    }
    return ids;
  }

  TestDatabase db_;
};

TEST_F(PartedWriteTest, EveryRowIsStoredOnceAndTheLaterPositionOfARepeatedIdWins) {
  auto sink = MakeSink(3);
  ASSERT_TRUE(sink->Prepare().ok());
  std::vector<EventRow> rows = Rows(300);
  WindowItem first = SampleItem("gen-1", 1, {rows.begin(), rows.begin() + 150},
                                {{150, "bad", "out_of_range", "quantity is 0", ""}});
  std::vector<EventRow> rest(rows.begin() + 150, rows.end());
  rest.push_back(SampleRow("e7", 7777));  // e7 again, later: its price wins
  rest.push_back(SampleRow("e200", 2222));
  auto result = sink->Write(SampleBatch(1, {first, SampleItem("gen-2", 1, rest)}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->inserted, 300u);
  EXPECT_EQ(result->updated, 0u);
  EXPECT_EQ(result->rejected, 1u);
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events"), "300");
  EXPECT_EQ(db_.Scalar("SELECT product_price::text FROM user_events WHERE event_id = 'e7'"), "77.77");
  EXPECT_EQ(db_.Scalar("SELECT product_price::text FROM user_events WHERE event_id = 'e200'"), "22.22");
  EXPECT_EQ(db_.Scalar("SELECT product_price::text FROM user_events WHERE event_id = 'e8'"), "1.08");
  EXPECT_EQ(db_.Scalar("SELECT events || ' ' || inserted || ' ' || rejected FROM ingest_batches"),
            "303 300 1")
      << "302 events and 1 rejected at validation";
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM rejected_events"), "1");
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM ingest_batch_parts"), "0") << "a committed batch keeps no parts";
  EXPECT_EQ(db_.Scalar("SELECT last_sequence FROM producers WHERE producer_id = 'gen-2'"), "1");

  auto second = sink->Write(SampleBatch(2, {SampleItem("gen-1", 2, Rows(100))}));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->inserted, 0u);
  EXPECT_EQ(second->updated, 100u);
  auto again = sink->Write(SampleBatch(2, {SampleItem("gen-1", 2, Rows(100))}));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->already_committed);
  EXPECT_EQ(again->updated, 100u);
}

TEST_F(PartedWriteTest, AFailedPartLeavesTheBatchUncommittedAndAReplayWritesOnlyTheOtherParts) {
  const std::vector<std::string> in_part1 = IdsIn(BatchPart{1, 3}, 300);
  const std::vector<std::string> in_part2 = IdsIn(BatchPart{2, 3}, 300);
  ASSERT_FALSE(in_part1.empty());
  ASSERT_FALSE(in_part2.empty());
  db_.Query("CREATE TABLE fail_on (event_id TEXT)");
  db_.Query("INSERT INTO fail_on VALUES ('" + in_part1[0] + "')");
  db_.Query(
      "CREATE FUNCTION fail_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "IF EXISTS (SELECT 1 FROM fail_on WHERE event_id = NEW.event_id) THEN "
      "RAISE EXCEPTION 'the test fails this row'; END IF; RETURN NEW; END $$");
  db_.Query(
      "CREATE TRIGGER fail_on BEFORE INSERT ON user_events FOR EACH ROW EXECUTE FUNCTION fail_on_insert()");
  const SealedBatch batch = SampleBatch(1, {SampleItem("gen-1", 1, Rows(300))});

  auto failed = MakeSink(3)->Write(batch);
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(std::string(failed.status().message()), ::testing::HasSubstr("part 2 of 3 of batch 1"));
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM ingest_batches"), "0");
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events"), std::to_string(in_part2.size()))
      << "the part that committed is visible, alone";
  EXPECT_EQ(db_.Scalar("SELECT part || '/' || parts || ' ' || inserted FROM ingest_batch_parts"),
            "2/3 " + std::to_string(in_part2.size()));

  db_.Query("DELETE FROM fail_on");
  db_.Query("UPDATE user_events SET product_price = 0.01 WHERE event_id = '" + in_part2[0] + "'");
  auto replayed = MakeSink(1)->Write(batch);  // restarted with one writer: the split recorded holds
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->inserted, 300u);
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events"), "300");
  EXPECT_EQ(db_.Scalar("SELECT product_price::text FROM user_events WHERE event_id = '" + in_part2[0] + "'"),
            "0.01")
      << "the recorded part was not written again";
  EXPECT_EQ(db_.Scalar("SELECT inserted FROM ingest_batches"), "300");
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM ingest_batch_parts"), "0");
}

TEST_F(PartedWriteTest, RefusedRowsOfEveryPartAreStoredOnceAsDbRefused) {
  db_.Query("ALTER TABLE user_events ADD CONSTRAINT refuse_me CHECK (product_id <> 'refuse-me')");
  const std::string a = IdsIn(BatchPart{0, 2}, 200)[3];
  const std::string b = IdsIn(BatchPart{1, 2}, 200)[5];
  std::vector<EventRow> rows = Rows(200);
  for (auto& row : rows) {
    if (row.event_id == a || row.event_id == b) row.product_id = "refuse-me";
  }
  auto sink = MakeSink(2);
  auto result =
      sink->Write(SampleBatch(1, {SampleItem("gen-r", 1, rows, {{200, "x", "bad_enum", "r", ""}})}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->inserted, 198u);
  EXPECT_EQ(result->refused, 2u);
  EXPECT_EQ(result->rejected, 3u);
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events"), "198");
  EXPECT_EQ(db_.Scalar("SELECT string_agg(event_id, ',' ORDER BY event_id) FROM rejected_events "
                       "WHERE code = 'db_refused'"),
            std::min(a, b) + "," + std::max(a, b));
  EXPECT_EQ(db_.Scalar("SELECT rejected FROM ingest_batches"), "3");
  // The rows the other part stored are read back for the ack: both are counted.
  ASSERT_EQ(result->refused_rows.size(), 2u);
  auto record = sink->LoadProducer("gen-r");
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ((*record)->acks.at(0).ack.accepted(), 198u);
  EXPECT_EQ((*record)->acks.at(0).ack.rejected(), 3u);
}

}  // namespace
}  // namespace ingest::server
