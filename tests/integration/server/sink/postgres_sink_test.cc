// PostgresSink against a real PostgreSQL: migrations, the upsert, duplicates, rejects, producer
// state and idempotent re-writes.
#include "server/sink/postgres_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "common/time_text.h"
#include "migrations_data.h"
#include "tests/testing/sample_batch.h"
#include "tests/testing/test_database.h"

namespace ingest::server {
namespace {

using ingest::testing::TestDatabase;

using ingest::testing::SampleBatch;
using ingest::testing::SampleItem;
using ingest::testing::SampleRow;

class PostgresSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set; run scripts/test.sh";
    ASSERT_TRUE(sink_->Prepare().ok());
  }
  std::unique_ptr<PostgresSink> MakeSink(bool update = true) {
    return std::make_unique<PostgresSink>(PostgresSinkOptions{db_.conninfo(), "server-a", update});
  }

  TestDatabase db_;
  std::unique_ptr<PostgresSink> sink_ = MakeSink();
};

TEST_F(PostgresSinkTest, MigrationsCreateEveryTableAndTheViewsOnAnEmptyDatabaseOnce) {
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND "
                       "table_name IN ('user_events','rejected_events','ingest_batches','producers',"
                       "'producer_acks','ingested_files','schema_migrations','event_summary','raw_events')"),
            "9");
  const std::string all = std::to_string(sql::Migrations().size());
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM schema_migrations"), all);
  ASSERT_TRUE(MakeSink()->Prepare().ok());
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM schema_migrations"), all);
}

TEST(PostgresMigrationsTest, SeveralServersMigratingAtOnceAreSafe) {
  TestDatabase db;
  if (!db.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set";
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      PostgresSink sink(PostgresSinkOptions{db.conninfo(), "s"});
      if (sink.Prepare().ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 4);
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM schema_migrations"), std::to_string(sql::Migrations().size()));
}

TEST_F(PostgresSinkTest, ABatchIsUpsertedWithComputedColumns) {
  EventRow sparse = SampleRow("e2", 250, 3);
  sparse.product_name = sparse.product_category = sparse.session_id = sparse.device_type = "";
  auto result = sink_->Write(SampleBatch(1, {SampleItem("gen-1", 1, {SampleRow("e1"), sparse})}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->inserted, 2u);
  EXPECT_EQ(result->updated, 0u);
  auto r = db_.Query(
      "SELECT event_id, product_price::text, quantity, total_price::text, event_date::text, "
      "to_char(event_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), product_name, device_type, "
      "session_id, source, batch_id FROM user_events ORDER BY event_id");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0][1].as<std::string>(), "12.99");
  EXPECT_EQ(r[0][3].as<std::string>(), "12.99");
  EXPECT_EQ(r[0][4].as<std::string>(), "2025-03-02");
  EXPECT_EQ(r[0][5].as<std::string>(), "2025-03-02 01:30:00.123456");
  EXPECT_EQ(r[0][6].as<std::string>(), "Kaffeemühle");
  EXPECT_EQ(r[0][7].as<std::string>(), "tablet");
  EXPECT_EQ(r[0][9].as<std::string>(), "stream");
  EXPECT_EQ(r[0][10].as<int>(), 1);
  EXPECT_EQ(r[1][3].as<std::string>(), "7.50");
  EXPECT_TRUE(r[1][6].is_null()) << "empty optional text is stored as NULL";
  EXPECT_TRUE(r[1][7].is_null());
  EXPECT_TRUE(r[1][8].is_null());
  auto batch = db_.Query(
      "SELECT events, inserted, updated, rejected, sources::text FROM ingest_batches "
      "WHERE server_id = 'server-a' AND batch_id = 1");
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0][0].as<int>(), 2);
  EXPECT_EQ(batch[0][4].as<std::string>(), "{gen-1}");
  EXPECT_EQ(db_.Scalar("SELECT revenue::text FROM event_summary WHERE event_type = 'purchase'"), "20.49");
}

TEST_F(PostgresSinkTest, DuplicatesLeaveOneRowWithTheLastValues) {
  auto first =
      sink_->Write(SampleBatch(1, {SampleItem("p", 1, {SampleRow("dup", 100), SampleRow("dup", 200)}),
                                   SampleItem("q", 1, {SampleRow("dup", 300)})}));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->inserted, 1u);
  EXPECT_EQ(db_.Scalar("SELECT product_price::text FROM user_events WHERE event_id = 'dup'"), "3.00");
  auto second = sink_->Write(SampleBatch(2, {SampleItem("p", 2, {SampleRow("dup", 400)})}));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->inserted, 0u);
  EXPECT_EQ(second->updated, 1u);
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events"), "1");
  EXPECT_EQ(db_.Scalar("SELECT product_price::text || ' ' || batch_id FROM user_events"), "4.00 2");
  EXPECT_EQ(db_.Scalar("SELECT updated_at > created_at FROM user_events"), "t");
}

TEST_F(PostgresSinkTest, IgnoreModeKeepsTheFirstRow) {
  auto sink = MakeSink(false);
  ASSERT_TRUE(sink->Write(SampleBatch(1, {SampleItem("p", 1, {SampleRow("k", 100)})})).ok());
  auto second = sink->Write(SampleBatch(2, {SampleItem("p", 2, {SampleRow("k", 999)})}));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->inserted, 0u);
  EXPECT_EQ(second->updated, 0u);
  EXPECT_EQ(db_.Scalar("SELECT product_price::text FROM user_events WHERE event_id = 'k'"), "1.00");
}

TEST_F(PostgresSinkTest, IgnoreModeAlsoKeepsTheFirstRowWhenRowsAreRefused) {
  db_.Query("ALTER TABLE user_events ADD CONSTRAINT refuse_me CHECK (product_id <> 'refuse-me')");
  auto sink = MakeSink(false);
  ASSERT_TRUE(sink->Prepare().ok());
  ASSERT_TRUE(sink->Write(SampleBatch(1, {SampleItem("p", 1, {SampleRow("k", 100)})})).ok());
  EventRow refused = SampleRow("r");
  refused.product_id = "refuse-me";
  auto second =
      sink->Write(SampleBatch(2, {SampleItem("p", 2, {SampleRow("k", 999), refused, SampleRow("n")})}));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->inserted, 1u);
  EXPECT_EQ(second->updated, 0u);
  EXPECT_EQ(second->refused, 1u);
  EXPECT_EQ(db_.Scalar("SELECT product_price::text FROM user_events WHERE event_id = 'k'"), "1.00");
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events"), "2");
}

TEST_F(PostgresSinkTest, RejectsAreStoredWithTheirReasons) {
  std::vector<RejectedRow> rejects = {
      {1, "bad-1", "out_of_range", "quantity is 0; it must be 1..10000 (absent means 1)",
       "event_id: \"bad-1\""},
      {2, "", "missing_field", "event_id is missing; it is required", "user_id: \"u\""}};
  auto result = sink_->Write(SampleBatch(1, {SampleItem("gen-x", 1, {SampleRow("ok")}, rejects)}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rejected, 2u);
  auto r = db_.Query(
      "SELECT server_id, batch_id, source, origin, position, event_id, code, reason, payload "
      "FROM rejected_events ORDER BY position");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0][0].as<std::string>(), "server-a");
  EXPECT_EQ(r[0][3].as<std::string>(), "gen-x");
  EXPECT_EQ(r[0][4].as<int>(), 1);
  EXPECT_EQ(r[0][5].as<std::string>(), "bad-1");
  EXPECT_EQ(r[0][6].as<std::string>(), "out_of_range");
  EXPECT_THAT(r[0][7].as<std::string>(), ::testing::HasSubstr("quantity"));
  EXPECT_TRUE(r[1][5].is_null()) << "an absent event_id is NULL";
}

TEST_F(PostgresSinkTest, ProducerAcksAreKeptForResends) {
  WindowItem item = SampleItem("gen-7", 5, {SampleRow("a")});
  item.ack.add_rejections()->set_reason("why");
  ASSERT_TRUE(sink_->Write(SampleBatch(1, {item, SampleItem("gen-7", 6, {SampleRow("b")})})).ok());
  auto record = sink_->LoadProducer("gen-7");
  ASSERT_TRUE(record.ok()) << record.status();
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->last_sequence, 6u);
  ASSERT_EQ((*record)->acks.size(), 2u);
  EXPECT_EQ((*record)->acks[0].sequence, 5u);
  EXPECT_EQ((*record)->acks[0].content_hash, item.content_hash);
  EXPECT_EQ((*record)->acks[0].ack.rejections(0).reason(), "why");
  auto none = sink_->LoadProducer("nobody");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(*sink_->LastBatchId(), 1u);
}

TEST_F(PostgresSinkTest, ABatchAlreadyCommittedIsNotWrittenTwice) {
  SealedBatch batch = SampleBatch(1, {SampleItem("p", 1, {SampleRow("x")}, {{0, "y", "bad_enum", "r", ""}})});
  ASSERT_TRUE(sink_->Write(batch).ok());
  auto again = sink_->Write(batch);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->already_committed);
  EXPECT_EQ(again->inserted, 1u);
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM rejected_events"), "1");
}

TEST_F(PostgresSinkTest, SourcesWithQuotesSurviveTheArrayLiteral) {
  WindowItem file = SampleItem("events \"q\" \\ 1.csv", 0, {SampleRow("f")});
  file.source = Source::kFile;
  ASSERT_TRUE(sink_->Write(SampleBatch(1, {file})).ok());
  EXPECT_EQ(db_.Scalar("SELECT sources[1] FROM ingest_batches"), "events \"q\" \\ 1.csv");
  EXPECT_EQ(db_.Scalar("SELECT source FROM user_events"), "file");
}

TEST_F(PostgresSinkTest, TextWithTabsNewlinesAndBackslashesIsStoredAsSent) {
  EventRow odd = SampleRow("odd\\id");
  odd.product_name = "tab\there\nnew line\r\\N \\ end";
  odd.session_id = "\\x41";
  ASSERT_TRUE(
      sink_->Write(SampleBatch(1, {SampleItem("gen\t1", 1, {odd}, {{1, "r\n1", "bad_enum", "a\tb", ""}})}))
          .ok());
  EXPECT_EQ(db_.Scalar("SELECT product_name FROM user_events WHERE event_id = 'odd\\id'"), odd.product_name);
  EXPECT_EQ(db_.Scalar("SELECT session_id FROM user_events"), "\\x41");
  EXPECT_EQ(db_.Scalar("SELECT origin || '|' || event_id || '|' || reason FROM rejected_events"),
            "gen\t1|r\n1|a\tb");
}

TEST_F(PostgresSinkTest, RowsPostgresRefusesBecomeDbRefusedRejectsAndTheRestCommits) {
  db_.Query("ALTER TABLE user_events ADD CONSTRAINT refuse_me CHECK (product_id <> 'refuse-me')");
  db_.Query("ALTER TABLE user_events ADD CONSTRAINT no_seven CHECK (1 / (quantity - 7) IS NOT NULL)");
  EventRow refused = SampleRow("r1");
  refused.product_id = "refuse-me";
  // The item's batch was [ok1, (rejected at validation), r1, r2, ok2]: r1 is at index 2, r2 at 3.
  WindowItem item =
      SampleItem("gen-d", 1, {SampleRow("ok1"), refused, SampleRow("r2", 100, 7), SampleRow("ok2")},
                 {{1, "bad", "out_of_range", "quantity is 0", ""}});
  auto result = sink_->Write(SampleBatch(1, {item}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->inserted, 2u);
  EXPECT_EQ(result->refused, 2u);
  EXPECT_EQ(result->rejected, 3u);
  EXPECT_EQ(db_.Scalar("SELECT string_agg(event_id, ',' ORDER BY event_id) FROM user_events"), "ok1,ok2");
  auto r = db_.Query(
      "SELECT event_id, position, code, reason FROM rejected_events WHERE code = 'db_refused' "
      "ORDER BY position");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0][0].as<std::string>(), "r1");
  EXPECT_EQ(r[0][1].as<int>(), 2);
  EXPECT_THAT(r[0][3].as<std::string>(), ::testing::HasSubstr("SQLSTATE 23514"));
  EXPECT_EQ(r[1][0].as<std::string>(), "r2");
  EXPECT_EQ(r[1][1].as<int>(), 3);
  EXPECT_THAT(r[1][3].as<std::string>(), ::testing::HasSubstr("SQLSTATE 22012"));
  EXPECT_EQ(db_.Scalar("SELECT rejected FROM ingest_batches"), "3");

  // The item's ack, as reported to the writer (sent with --ack committed) and as stored for
  // resends, counts the refused rows among its rejections, in index order.
  ASSERT_EQ(result->refused_rows.size(), 2u);
  EXPECT_EQ(result->refused_rows[0].item, 0u);
  EXPECT_EQ(result->refused_rows[0].row.position, 2u);
  EXPECT_EQ(result->refused_rows[1].row.event_id, "r2");
  auto record = sink_->LoadProducer("gen-d");
  ASSERT_TRUE(record.ok() && record->has_value());
  const v1::BatchAck& stored = (*record)->acks.at(0).ack;
  EXPECT_EQ(stored.accepted(), 2u);
  EXPECT_EQ(stored.rejected(), 3u);
  ASSERT_EQ(stored.rejections_size(), 3);
  EXPECT_EQ(stored.rejections(1).index(), 2u);
  EXPECT_EQ(stored.rejections(1).code(), "db_refused");
  EXPECT_THAT(stored.rejections(2).reason(), ::testing::HasSubstr("SQLSTATE 22012"));

  auto again = sink_->Write(SampleBatch(1, {item}));  // a retry after the commit went unconfirmed
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->already_committed);
  ASSERT_EQ(again->refused_rows.size(), 2u) << "read back from rejected_events";
  EXPECT_EQ(again->refused_rows[1].row.position, 3u);
}

TEST_F(PostgresSinkTest, AFewRefusedRowsInALargeBatchAreFoundAndEveryOtherRowCommitsOnce) {
  db_.Query("ALTER TABLE user_events ADD CONSTRAINT refuse_me CHECK (product_id <> 'refuse-me')");
  std::vector<EventRow> rows;
  for (int i = 0; i < 500; ++i) {
    EventRow row = SampleRow("e" + std::to_string(i));
    if (i == 3 || i == 250 || i == 499) row.product_id = "refuse-me";
    rows.push_back(row);
  }
  rows.push_back(SampleRow("e10", 777));  // a repeated id: the later position wins, also here
  auto result = sink_->Write(SampleBatch(1, {SampleItem("gen-big", 1, rows)}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->inserted, 497u);
  EXPECT_EQ(result->refused, 3u);
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events"), "497");
  EXPECT_EQ(db_.Scalar("SELECT product_price FROM user_events WHERE event_id = 'e10'"), "7.77");
  EXPECT_EQ(db_.Scalar("SELECT string_agg(position::text, ',' ORDER BY position) FROM rejected_events "
                       "WHERE code = 'db_refused'"),
            "3,250,499");
}

TEST(PostgresSinkErrorsTest, AnUnreachableDatabaseIsUnavailableWithTheReason) {
  PostgresSink sink(PostgresSinkOptions{"host=127.0.0.1 port=1 dbname=x user=x connect_timeout=2", "s"});
  absl::Status st = sink.Prepare();
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(st.message()), ::testing::HasSubstr("127.0.0.1"));
}

}  // namespace
}  // namespace ingest::server
