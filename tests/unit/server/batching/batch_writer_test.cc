#include "server/batching/batch_writer.h"

#include <gtest/gtest.h>

#include <map>

#include "server/batching/micro_batcher.h"
#include "tests/testing/memory_sink.h"

namespace ingest::server {
namespace {

SealedBatch Batch(uint64_t id, std::vector<std::string> ids, std::vector<int>* order = nullptr) {
  SealedBatch b;
  b.batch_id = id;
  WindowItem item;
  item.origin = "p";
  for (auto& e : ids) {
    EventRow row;
    row.event_id = e;
    item.events.push_back(row);
  }
  if (order)
    item.on_committed = [order, id](const std::vector<RejectedRow>&) {
      order->push_back(static_cast<int>(id));
    };
  b.items.push_back(std::move(item));
  return b;
}

const Backoff kFast{absl::Milliseconds(1), absl::Milliseconds(5)};

TEST(BatchWriterTest, CommitsInOrderAndCompletesItemsAfterTheCommit) {
  MemorySink sink;
  BatchWriter writer(&sink, kFast, 0);
  std::vector<int> order;
  writer.Start();
  writer.Enqueue(Batch(1, {"a", "b"}, &order));
  writer.Enqueue(Batch(2, {"b", "c"}, &order));
  ASSERT_TRUE(writer.WaitCommitted(2, absl::Now() + absl::Seconds(10)));
  writer.Stop();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(sink.rows().size(), 3u);
  WriterStats stats = writer.Stats();
  EXPECT_EQ(stats.last_committed_id, 2u);
  EXPECT_EQ(stats.committed_batches, 2u);
  EXPECT_EQ(stats.committed_events, 4u);
  EXPECT_FALSE(stats.sink.retrying);
}

TEST(BatchWriterTest, RowsThatPostgresRefusedAreNotCountedAsCommitted) {
  MemorySink sink;
  sink.RefuseProduct("refuse-me");
  BatchWriter writer(&sink, kFast, 0);
  writer.Start();
  SealedBatch batch = Batch(1, {"a", "b", "c"});
  batch.items[0].events[1].product_id = "refuse-me";
  writer.Enqueue(std::move(batch));
  ASSERT_TRUE(writer.WaitCommitted(1, absl::Now() + absl::Seconds(10)));
  writer.Stop();
  EXPECT_EQ(writer.Stats().committed_events, 2u);
}

// Items of a batch spilled while PostgreSQL was down: each completion gets its own item's refused
// rows once the batch commits, although only the completions were kept in memory.
TEST(BatchWriterTest, EachItemsCompletionGetsItsRefusedRowsAlsoWhenItsBatchWasSpilled) {
  MemorySink sink;
  sink.RefuseProduct("refuse-me");
  sink.FailNextWrites(1000000, absl::UnavailableError("down"));
  std::map<uint64_t, SealedBatch> originals;
  absl::Mutex mu;
  WriterHooks hooks;
  hooks.load = [&](const BatchRange& b) -> absl::StatusOr<SealedBatch> {
    absl::MutexLock lock(&mu);
    return originals[b.batch_id];  // completions are not in the log: only data comes back
  };
  BatchWriter writer(&sink, kFast, 0, hooks);
  writer.Start();
  std::map<std::pair<uint64_t, int>, std::vector<uint32_t>> refused;  // (batch, item) -> positions
  for (uint64_t id = 1; id <= 3; ++id) {
    SealedBatch b = Batch(id, {"x" + std::to_string(id)});
    b.items.push_back(Batch(id, {"y" + std::to_string(id), "z" + std::to_string(id)}).items[0]);
    b.items[1].events[1].product_id = "refuse-me";
    for (auto& item : b.items) item.log_state = std::make_shared<std::atomic<LogState>>(LogState::kLogged);
    {
      absl::MutexLock lock(&mu);
      originals[id] = b;
    }
    for (int k = 0; k < 2; ++k) {
      b.items[k].on_committed = [&refused, &mu, id, k](const std::vector<RejectedRow>& rows) {
        absl::MutexLock lock(&mu);
        for (const auto& r : rows) refused[{id, k}].push_back(r.position);
        refused[{id, k}];  // completed
      };
    }
    writer.Enqueue(std::move(b));
  }
  sink.FailNextWrites(0, absl::OkStatus());
  ASSERT_TRUE(writer.WaitCommitted(3, absl::Now() + absl::Seconds(10)));
  writer.Stop();
  absl::MutexLock lock(&mu);
  EXPECT_EQ(refused.size(), 6u) << "every item completed";
  for (uint64_t id = 1; id <= 3; ++id) {
    EXPECT_EQ(refused[std::make_pair(id, 0)], std::vector<uint32_t>{}) << "batch " << id;
    EXPECT_EQ(refused[std::make_pair(id, 1)], std::vector<uint32_t>{1}) << "batch " << id;
  }
}

TEST(BatchWriterTest, RetryNowEndsTheBackoffWait) {
  MemorySink sink;
  sink.FailNextWrites(1, absl::UnavailableError("connection refused"));
  BatchWriter writer(&sink, Backoff{absl::Seconds(60), absl::Seconds(60)}, 0);
  writer.Start();
  writer.Enqueue(Batch(1, {"a"}));
  for (int i = 0; i < 1000 && !writer.Stats().sink.retrying; ++i) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_TRUE(writer.Stats().sink.retrying);
  writer.RetryNow();
  EXPECT_TRUE(writer.WaitCommitted(1, absl::Now() + absl::Seconds(20))) << "still waiting out a 60 s backoff";
  writer.Stop();
  EXPECT_EQ(sink.write_attempts(), 2);
}

TEST(BatchWriterTest, RetriesAnUnavailableDatabaseUntilItCommits) {
  MemorySink sink;
  sink.FailNextWrites(3, absl::UnavailableError("connection refused"));
  BatchWriter writer(&sink, kFast, 0);
  std::vector<int> order;
  writer.Start();
  writer.Enqueue(Batch(1, {"a"}, &order));
  ASSERT_TRUE(writer.WaitCommitted(1, absl::Now() + absl::Seconds(10)));
  writer.Stop();
  EXPECT_EQ(sink.write_attempts(), 4);
  EXPECT_EQ(order, (std::vector<int>{1}));
  EXPECT_EQ(sink.committed_batches(), (std::vector<uint64_t>{1}));
}

TEST(BatchWriterTest, ShowsRetryingWithTheLastErrorWhileTheDatabaseIsDown) {
  MemorySink sink;
  sink.FailNextWrites(1000000, absl::UnavailableError("connection refused"));
  BatchWriter writer(&sink, Backoff{absl::Milliseconds(20), absl::Milliseconds(20)}, 5);
  writer.Start();
  writer.Enqueue(Batch(6, {"a"}));
  EXPECT_FALSE(writer.WaitCommitted(6, absl::Now() + absl::Milliseconds(200)));
  WriterStats stats = writer.Stats();
  writer.Stop();
  EXPECT_TRUE(stats.sink.retrying);
  EXPECT_EQ(stats.sink.last_error, "connection refused");
  EXPECT_GE(stats.sink.attempts, 2u);
  EXPECT_EQ(stats.last_committed_id, 5u);
  EXPECT_EQ(stats.pending_batches, 1u);
}

TEST(BatchWriterTest, AnErrorThatNeedsAnOperatorIsRetriedOnlyAtTheCapAndSaysSo) {
  MemorySink sink;
  sink.FailNextWrites(2, absl::InternalError("writing batch 1: permission denied for table user_events"));
  // A transient error would be retried after 1 ms; this one waits the cap, 300 ms.
  BatchWriter writer(&sink, Backoff{absl::Milliseconds(1), absl::Milliseconds(300)}, 0);
  writer.Start();
  const absl::Time start = absl::Now();
  writer.Enqueue(Batch(1, {"a"}));
  SinkStatus s;
  for (int i = 0; i < 1000 && s.attempts == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(1));
    s = writer.Stats().sink;
  }
  ASSERT_EQ(s.attempts, 1u);
  EXPECT_FALSE(s.transient);
  EXPECT_GE(s.next_attempt - start, absl::Milliseconds(300));
  EXPECT_NE(s.last_error.find("permission denied"), std::string::npos) << s.last_error;
  EXPECT_NE(s.last_error.find("not a transient error: an operator must fix its cause"), std::string::npos)
      << s.last_error;
  EXPECT_EQ(sink.write_attempts(), 1) << "not hammered while it cannot succeed";
  // Never dropped: once the cause is fixed, the batch commits.
  ASSERT_TRUE(writer.WaitCommitted(1, absl::Now() + absl::Seconds(10)));
  writer.Stop();
  EXPECT_EQ(sink.write_attempts(), 3);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(600));
}

TEST(BatchWriterTest, ATransientErrorIsRetriedWithTheShortBackoff) {
  MemorySink sink;
  sink.FailNextWrites(1, absl::UnavailableError("connection refused"));
  BatchWriter writer(&sink, Backoff{absl::Milliseconds(1), absl::Seconds(30)}, 0);
  writer.Start();
  const absl::Time start = absl::Now();
  writer.Enqueue(Batch(1, {"a"}));
  ASSERT_TRUE(writer.WaitCommitted(1, absl::Now() + absl::Seconds(10)));
  writer.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10)) << "retried long before the 30 s cap";
  EXPECT_EQ(sink.write_attempts(), 2);
}

TEST(BatchWriterTest, TransientErrorsAreTheRetryableCodes) {
  EXPECT_TRUE(IsTransientWriteError(absl::UnavailableError("")));
  EXPECT_TRUE(IsTransientWriteError(absl::AbortedError("")));
  EXPECT_TRUE(IsTransientWriteError(absl::ResourceExhaustedError("")));
  EXPECT_TRUE(IsTransientWriteError(absl::DeadlineExceededError("")));
  EXPECT_FALSE(IsTransientWriteError(absl::InternalError("")));
  EXPECT_FALSE(IsTransientWriteError(absl::InvalidArgumentError("")));
  EXPECT_FALSE(IsTransientWriteError(absl::DataLossError("")));
}

TEST(BatchWriterTest, QueuedBatchesConfirmedInTheLogAreSpilledAndReadBack) {
  MemorySink sink;
  sink.FailNextWrites(1000000, absl::UnavailableError("down"));
  std::map<uint64_t, SealedBatch> originals;
  std::vector<uint64_t> loaded;
  absl::Mutex mu;
  WriterHooks hooks;
  hooks.load = [&](const BatchRange& b) -> absl::StatusOr<SealedBatch> {
    absl::MutexLock lock(&mu);
    loaded.push_back(b.batch_id);
    SealedBatch copy = originals[b.batch_id];
    copy.items[0].on_committed = nullptr;  // as read back from the log: data only
    return copy;
  };
  BatchWriter writer(&sink, kFast, 0, hooks);
  std::vector<int> order;
  writer.Start();
  for (uint64_t id = 1; id <= 8; ++id) {
    SealedBatch b = Batch(id, {"e" + std::to_string(id)}, &order);
    b.items[0].log_state =
        std::make_shared<std::atomic<LogState>>(id == 7 ? LogState::kFailed : LogState::kLogged);
    {
      absl::MutexLock lock(&mu);
      originals[id] = b;
    }
    writer.Enqueue(std::move(b));
  }
  sink.FailNextWrites(0, absl::OkStatus());
  ASSERT_TRUE(writer.WaitCommitted(8, absl::Now() + absl::Seconds(10)));
  writer.Stop();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8})) << "every batch completes, in order";
  EXPECT_EQ(loaded, (std::vector<uint64_t>{2, 3, 4, 5, 6, 8}))
      << "the batch being written stays whole; a batch with a record the log refused is never spilled";
  EXPECT_EQ(sink.rows().size(), 8u);
  EXPECT_EQ(writer.Stats().committed_events, 8u);
}

TEST(BatchWriterTest, TheMicroBatcherHandsSealedBatchesToTheWriter) {
  MemorySink sink;
  BatchWriter writer(&sink, kFast, 10);
  FakeClock clock;
  MicroBatcher batcher(WindowLimits{absl::Hours(1), 1000, 1 << 20}, &clock, &writer, 11);
  writer.Start();
  batcher.Start();
  EXPECT_EQ(batcher.SealNow(), 10u) << "nothing sealed: the last sealed id stays";
  ASSERT_TRUE(batcher.Add(Batch(0, {"x", "y"}).items[0]).ok());
  EXPECT_EQ(batcher.Stats().events, 2u);
  EXPECT_EQ(batcher.SealNow(), 11u);
  ASSERT_TRUE(writer.WaitCommitted(11, absl::Now() + absl::Seconds(10)));
  batcher.Stop();
  EXPECT_EQ(batcher.Add(Batch(0, {"z"}).items[0]).code(), absl::StatusCode::kUnavailable);
  writer.Stop();
  EXPECT_EQ(sink.rows().count("y"), 1u);
}

}  // namespace
}  // namespace ingest::server
