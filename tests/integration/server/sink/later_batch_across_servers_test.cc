// A repeated event_id keeps the values of the producer's later batch, also when the earlier batch
// commits after it (a server's log replayed or adopted after the producer went on through another
// server); rows from files and from other producers keep "the later commit wins", and
// --on-conflict ignore keeps the first row.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/sink/postgres_sink.h"
#include "tests/testing/sample_batch.h"
#include "tests/testing/test_database.h"

namespace ingest::server {
namespace {

using ingest::testing::SampleBatch;
using ingest::testing::SampleItem;
using ingest::testing::SampleRow;
using ingest::testing::TestDatabase;

class LaterBatchAcrossServersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << "INGEST_TEST_DSN is not set; run scripts/test.sh";
    ASSERT_TRUE(a_->Prepare().ok());
  }
  std::unique_ptr<PostgresSink> MakeSink(const std::string& id, bool update = true) {
    return std::make_unique<PostgresSink>(PostgresSinkOptions{db_.conninfo(), id, update});
  }
  // Writes one item as batch `id` through `sink`; returns what the write says.
  static CommitResult Write(PostgresSink& sink, uint64_t id, const WindowItem& item) {
    auto result = sink.Write(SampleBatch(id, {item}));
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : CommitResult{};
  }
  // price, producer and sequence of `event_id`'s row ("-" for NULL).
  std::string Row(const std::string& event_id) {
    return db_.Scalar(
        "SELECT product_price || ' ' || coalesce(producer_id, '-') || ' ' || "
        "coalesce(producer_sequence::text, '-') || ' ' || source FROM user_events WHERE event_id = '" +
        event_id + "'");
  }
  static WindowItem FileItem(const std::string& name, std::vector<EventRow> rows) {
    WindowItem item = SampleItem(name, 0, std::move(rows));
    item.source = Source::kFile;
    item.content_hash = std::string(64, name.back());
    return item;
  }

  TestDatabase db_;
  std::unique_ptr<PostgresSink> a_ = MakeSink("server-a");
  std::unique_ptr<PostgresSink> b_ = MakeSink("server-b");
};

TEST_F(LaterBatchAcrossServersTest, AnEarlierBatchCommittedLaterDoesNotOverwriteTheProducersLaterOne) {
  EXPECT_EQ(Write(*b_, 1, SampleItem("P", 42, {SampleRow("E", 200)})).inserted, 1u);
  // a's log replayed after the producer went on through b: (P, 35) commits last.
  CommitResult replayed = Write(*a_, 1, SampleItem("P", 35, {SampleRow("E", 100), SampleRow("F", 100)}));
  EXPECT_EQ(replayed.inserted, 1u) << "F is new";
  EXPECT_EQ(replayed.updated, 0u) << "E keeps batch 42's values";
  EXPECT_EQ(Row("E"), "2.00 P 42 stream");
  EXPECT_EQ(Row("F"), "1.00 P 35 stream");
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events WHERE updated_at > created_at"), "0");
  EXPECT_EQ(db_.Scalar("SELECT last_sequence FROM producers WHERE producer_id = 'P'"), "42");
}

TEST_F(LaterBatchAcrossServersTest, InCommitOrderTheLaterBatchWinsAsBefore) {
  EXPECT_EQ(Write(*a_, 1, SampleItem("P", 35, {SampleRow("E", 100)})).inserted, 1u);
  CommitResult later = Write(*b_, 1, SampleItem("P", 42, {SampleRow("E", 200)}));
  EXPECT_EQ(later.updated, 1u);
  EXPECT_EQ(Row("E"), "2.00 P 42 stream");
}

TEST_F(LaterBatchAcrossServersTest, AProducerStartingAtSequenceZeroHasItsNextBatchWin) {
  // The contract lets a producer's first sequence be any number, 0 included.
  EXPECT_EQ(Write(*a_, 1, SampleItem("P", 0, {SampleRow("E", 100)})).inserted, 1u);
  CommitResult next = Write(*a_, 2, SampleItem("P", 1, {SampleRow("E", 200)}));
  EXPECT_EQ(next.updated, 1u);
  EXPECT_EQ(Row("E"), "2.00 P 1 stream");
  EXPECT_EQ(Write(*b_, 1, SampleItem("P", 0, {SampleRow("E", 300)})).updated, 0u)
      << "batch 0 committed again later does not win over batch 1";
  EXPECT_EQ(Row("E"), "2.00 P 1 stream");
}

TEST_F(LaterBatchAcrossServersTest, RowsFromFilesAndOtherProducersLetTheLaterCommitWin) {
  EXPECT_EQ(Write(*a_, 1, FileItem("f1.csv", {SampleRow("E1", 100), SampleRow("E3", 100)})).inserted, 2u);
  CommitResult stream = Write(*a_, 2, SampleItem("P", 3, {SampleRow("E1", 200), SampleRow("E2", 200)}));
  EXPECT_EQ(stream.inserted, 1u);
  EXPECT_EQ(stream.updated, 1u);
  EXPECT_EQ(Row("E1"), "2.00 P 3 stream") << "a stream row after a file row";

  CommitResult file = Write(*b_, 1, FileItem("f2.csv", {SampleRow("E2", 500), SampleRow("E3", 300)}));
  EXPECT_EQ(file.inserted, 0u);
  EXPECT_EQ(file.updated, 2u);
  EXPECT_EQ(Row("E2"), "5.00 - - file") << "a file row after a stream row";
  EXPECT_EQ(Row("E3"), "3.00 - - file") << "the later of two files";

  ASSERT_EQ(Write(*b_, 2, SampleItem("R", 9, {SampleRow("E4", 100)})).inserted, 1u);
  EXPECT_EQ(Write(*a_, 3, SampleItem("P", 2, {SampleRow("E4", 700)})).updated, 1u)
      << "another producer's batch: the later commit wins whatever the sequences";
  EXPECT_EQ(Row("E4"), "7.00 P 2 stream");
  EXPECT_EQ(db_.Scalar("SELECT count(*) FROM user_events"), "4");
}

TEST_F(LaterBatchAcrossServersTest, IgnoreModeKeepsTheFirstRowWhateverTheSequence) {
  auto a = MakeSink("server-a", false);
  auto b = MakeSink("server-b", false);
  ASSERT_EQ(Write(*a, 1, SampleItem("P", 35, {SampleRow("E", 100)})).inserted, 1u);
  CommitResult later = Write(*b, 1, SampleItem("P", 42, {SampleRow("E", 200)}));
  EXPECT_EQ(later.inserted, 0u);
  EXPECT_EQ(later.updated, 0u);
  EXPECT_EQ(Row("E"), "1.00 P 35 stream");
  ASSERT_EQ(Write(*b, 2, SampleItem("P", 50, {SampleRow("G", 200)})).inserted, 1u);
  EXPECT_EQ(Write(*a, 2, SampleItem("P", 45, {SampleRow("G", 100)})).updated, 0u);
  EXPECT_EQ(Row("G"), "2.00 P 50 stream");
}

}  // namespace
}  // namespace ingest::server
