// PostgresReader's admin queries against a real PostgreSQL, on rows written by PostgresSink:
// rejections (newest first, by code), files, producers, and where an event is stored — including
// which server's batch wrote a row when batch ids repeat across servers.
#include "server/sink/postgres_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "common/time_text.h"
#include "server/admin/where_is_event.h"
#include "server/sink/postgres_sink.h"
#include "tests/testing/sample_batch.h"
#include "tests/testing/test_database.h"

namespace ingest::server {
namespace {

using ingest::testing::TestDatabase;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using ingest::testing::SampleBatch;
using ingest::testing::SampleItem;
using ingest::testing::SampleReject;
using ingest::testing::SampleRow;

class PostgresReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set; run scripts/test.sh";
    ASSERT_TRUE(sink_a_.Prepare().ok());
  }
  void Write(PostgresSink& sink, SealedBatch batch) {
    auto result = sink.Write(batch);
    ASSERT_TRUE(result.ok()) << result.status();
  }

  TestDatabase db_;
  PostgresSink sink_a_{PostgresSinkOptions{db_.conninfo(), "server-a"}};
  PostgresSink sink_b_{PostgresSinkOptions{db_.conninfo(), "server-b"}};
  PostgresReader reader_{db_.conninfo()};
};

TEST_F(PostgresReaderTest, RejectionsNewestFirstOptionallyOfOneCode) {
  Write(sink_a_,
        SampleBatch(1,
                    {SampleItem("gen-1", 1, {SampleRow("ok")},
                                {SampleReject("r1", 0, "bad_enum"), SampleReject("", 2, "missing_field")})}));
  Write(sink_a_, SampleBatch(2, {SampleItem("gen-1", 2, {}, {SampleReject("r2", 5, "bad_enum")})}));
  auto all = reader_.ListRejections(10, "");
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->rejections_size(), 3);
  const v1::RejectionInfo& newest = all->rejections(0);
  EXPECT_EQ(newest.event_id(), "r2");
  EXPECT_EQ(newest.index(), 5u);
  EXPECT_EQ(newest.batch_id(), 2u);
  EXPECT_EQ(newest.origin(), "gen-1");
  EXPECT_EQ(newest.source(), "stream");
  EXPECT_EQ(newest.server_id(), "server-a");
  EXPECT_EQ(newest.reason(), "bad_enum: the reason");
  EXPECT_GT(newest.received_at().seconds(), 0);
  EXPECT_EQ(all->rejections(1).event_id(), "") << "an absent event id is empty";

  auto two = reader_.ListRejections(2, "");
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->rejections_size(), 2);
  auto bad_enum = reader_.ListRejections(10, "bad_enum");
  ASSERT_TRUE(bad_enum.ok());
  ASSERT_EQ(bad_enum->rejections_size(), 2);
  EXPECT_EQ(bad_enum->rejections(0).event_id(), "r2");
  EXPECT_EQ(bad_enum->rejections(1).event_id(), "r1");
}

TEST_F(PostgresReaderTest, FilesNewestFirst) {
  for (int i = 1; i <= 2; ++i) {
    WindowItem file =
        SampleItem("f" + std::to_string(i) + ".csv", 1, {SampleRow("file-" + std::to_string(i))});
    file.source = Source::kFile;
    file.content_hash = std::string(64, static_cast<char>('0' + i));
    file.file_done = FileDone{"f" + std::to_string(i) + ".csv", 1000u + i, 1, 0};
    Write(sink_a_, SampleBatch(i, {file}));
  }
  auto files = reader_.ListFiles(10);
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->files_size(), 2);
  const v1::FileInfo& f = files->files(0);
  EXPECT_EQ(f.file_name(), "f2.csv");
  EXPECT_EQ(f.sha256(), std::string(64, '2'));
  EXPECT_EQ(f.size_bytes(), 1002u);
  EXPECT_EQ(f.accepted(), 1u);
  EXPECT_EQ(f.batch_id(), 2u);
  EXPECT_EQ(f.server_id(), "server-a");
  EXPECT_FALSE(f.duplicate());
  EXPECT_GT(f.ingested_at().seconds(), 0);
  EXPECT_EQ(reader_.ListFiles(1)->files_size(), 1);
}

TEST_F(PostgresReaderTest, ProducersByLastSeenPlusTheOnesAskedFor) {
  Write(sink_a_, SampleBatch(1, {SampleItem("old", 7, {SampleRow("a")})}));
  absl::SleepFor(absl::Milliseconds(5));
  Write(sink_a_, SampleBatch(2, {SampleItem("new", 3, {SampleRow("b")})}));
  auto newest = reader_.ListProducers(1, {});
  ASSERT_TRUE(newest.ok()) << newest.status();
  ASSERT_EQ(newest->size(), 1u);
  EXPECT_EQ((*newest)[0].producer_id, "new");
  EXPECT_EQ((*newest)[0].last_sequence, 3u);
  EXPECT_GT((*newest)[0].last_seen_us, 0);
  auto with_old = reader_.ListProducers(1, {"old", "never-seen"});
  ASSERT_TRUE(with_old.ok());
  std::vector<std::string> ids;
  for (const auto& p : *with_old) ids.push_back(p.producer_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_THAT(ids, ElementsAre("new", "old"));
}

TEST_F(PostgresReaderTest, FindsTheBatchAndServerThatWroteTheRow) {
  ASSERT_TRUE(sink_b_.Prepare().ok());
  Write(sink_a_, SampleBatch(1, {SampleItem("p", 1, {SampleRow("x", 100)})}));
  absl::SleepFor(absl::Milliseconds(5));
  Write(sink_b_, SampleBatch(1, {SampleItem("q", 1, {SampleRow("y", 200)})}));
  auto x = reader_.FindEvent("x");
  ASSERT_TRUE(x.ok()) << x.status();
  ASSERT_TRUE(x->committed.has_value());
  EXPECT_FALSE(x->rejected.has_value());
  EXPECT_EQ(x->committed->batch_id, 1u);
  EXPECT_EQ(x->committed->server_id, "server-a");
  EXPECT_EQ(x->committed->row, SampleRow("x", 100));
  EXPECT_EQ(x->committed->source, "stream");
  EXPECT_EQ(db_.Scalar("SELECT (extract(epoch FROM committed_at) * 1000000)::bigint FROM ingest_batches "
                       "WHERE server_id = 'server-a' AND batch_id = 1"),
            std::to_string(x->committed->committed_at_us));
  auto y = reader_.FindEvent("y");
  ASSERT_TRUE(y.ok() && y->committed.has_value());
  EXPECT_EQ(y->committed->server_id, "server-b")
      << "batch 1 of server-a committed before the row was written";

  // A later version of y through server-a, then a rejected one: the newest state wins.
  Write(sink_a_, SampleBatch(2, {SampleItem("p", 2, {SampleRow("y", 300)})}));
  y = reader_.FindEvent("y");
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->committed->batch_id, 2u);
  EXPECT_EQ(y->committed->server_id, "server-a");
  EXPECT_EQ(FromStoredEvent(*y).state(), "committed");
  Write(sink_a_, SampleBatch(3, {SampleItem("p", 3, {}, {SampleReject("y", 4, "out_of_range")})}));
  y = reader_.FindEvent("y");
  ASSERT_TRUE(y.ok() && y->rejected.has_value());
  EXPECT_EQ(y->rejected->batch_id, 3u);
  EXPECT_EQ(y->rejected->row.code, "out_of_range");
  EXPECT_EQ(y->rejected->row.payload, "payload of y");
  EXPECT_EQ(y->rejected->origin, "p");
  v1::WhereIsEventResponse where = FromStoredEvent(*y);
  EXPECT_EQ(where.state(), "rejected");
  EXPECT_EQ(where.batch_id(), 3u);
  EXPECT_THAT(where.detail(), HasSubstr("out_of_range"));

  auto none = reader_.FindEvent("nope");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(FromStoredEvent(*none).state(), "unknown");
}

TEST(PostgresReaderDownTest, AnUnreachableDatabaseIsUnavailable) {
  PostgresReader reader("host=127.0.0.1 port=1 dbname=x user=x connect_timeout=2");
  auto r = reader.ListRejections(5, "");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(r.status().message(), HasSubstr("listing rejected events"));
  EXPECT_EQ(reader.FindEvent("x").status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ingest::server
