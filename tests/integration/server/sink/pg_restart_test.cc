// Across a PostgreSQL restart: the writer retries the batch that met the outage until the
// database is back, storing both batches exactly once; and connections kept from before the
// restart answer their first query after it, instead of failing once.
#include <gtest/gtest.h>

#include <cstdlib>

#include "common/time_text.h"
#include "server/batching/batch_writer.h"
#include "server/sink/postgres_reader.h"
#include "server/sink/postgres_sink.h"
#include "tests/testing/test_database.h"

namespace ingest::server {
namespace {

SealedBatch Batch(uint64_t id, const std::string& event_id) {
  SealedBatch b;
  b.batch_id = id;
  WindowItem item;
  item.origin = "gen-r";
  item.sequence = id;
  item.content_hash = std::string(32, 'h');
  item.ack.set_sequence(id);
  EventRow r;
  r.event_id = event_id;
  r.user_id = "u";
  r.event_type = "view";
  r.product_id = "p";
  r.event_time_us = ToMicros(absl::Now());
  item.events.push_back(r);
  b.items.push_back(item);
  return b;
}

TEST(PgRestartTest, TheWriterSurvivesARestartBetweenTwoBatches) {
  ingest::testing::TestDatabase db;
  const char* pg_script = std::getenv("INGEST_PG_SCRIPT");
  if (!db.available() || pg_script == nullptr) GTEST_SKIP() << "needs INGEST_TEST_DSN and INGEST_PG_SCRIPT";
  PostgresSink sink(PostgresSinkOptions{db.conninfo(), "server-r"});
  ASSERT_TRUE(sink.Prepare().ok());
  BatchWriter writer(&sink, Backoff{absl::Milliseconds(100), absl::Seconds(1)}, 0);
  writer.Start();
  writer.Enqueue(Batch(1, "before"));
  ASSERT_TRUE(writer.WaitCommitted(1, absl::Now() + absl::Seconds(30)));

  ASSERT_EQ(std::system((std::string("bash ") + pg_script + " stop-immediate >/dev/null").c_str()), 0);
  writer.Enqueue(Batch(2, "after"));
  EXPECT_FALSE(writer.WaitCommitted(2, absl::Now() + absl::Seconds(2)));
  EXPECT_TRUE(writer.Stats().sink.retrying) << "the writer reports that it is retrying";
  ASSERT_EQ(std::system((std::string("bash ") + pg_script + " start >/dev/null").c_str()), 0);
  ASSERT_TRUE(writer.WaitCommitted(2, absl::Now() + absl::Seconds(60)));
  writer.Stop();
  EXPECT_FALSE(writer.Stats().sink.retrying);
  EXPECT_EQ(db.Scalar("SELECT string_agg(event_id, ',' ORDER BY event_id) FROM user_events"), "after,before");
  EXPECT_EQ(db.Scalar("SELECT count(*) FROM ingest_batches"), "2");
}

TEST(PgRestartTest, KeptConnectionsAnswerTheFirstQueryAfterARestart) {
  ingest::testing::TestDatabase db;
  const char* pg_script = std::getenv("INGEST_PG_SCRIPT");
  if (!db.available() || pg_script == nullptr) GTEST_SKIP() << "needs INGEST_TEST_DSN and INGEST_PG_SCRIPT";
  PostgresSink sink(PostgresSinkOptions{db.conninfo(), "server-r"});
  ASSERT_TRUE(sink.Prepare().ok());
  PostgresReader reader(db.conninfo());
  ASSERT_TRUE(reader.ListBatches(5).ok());
  ASSERT_TRUE(sink.LoadProducer("gen-r").ok());

  ASSERT_EQ(std::system((std::string("bash ") + pg_script + " restart >/dev/null").c_str()), 0);
  auto batches = reader.ListBatches(5);
  EXPECT_TRUE(batches.ok()) << batches.status();
  auto producer = sink.LoadProducer("gen-r");
  EXPECT_TRUE(producer.ok()) << producer.status();
}

}  // namespace
}  // namespace ingest::server
