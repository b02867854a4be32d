// Finding one event id in memory for WhereIsEvent: in a batch, in the open window (MicroBatcher)
// and in the sealed batches waiting for the database (BatchWriter), spilled ones included.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "server/batching/batch_writer.h"
#include "server/batching/micro_batcher.h"
#include "server/batching/window.h"
#include "tests/testing/memory_sink.h"

namespace ingest::server {
namespace {

using ::testing::HasSubstr;

EventRow Row(const std::string& id, int64_t price_cents = 100) {
  EventRow row;
  row.event_id = id;
  row.price_cents = price_cents;
  return row;
}

RejectedRow Reject(const std::string& id, uint32_t position, const std::string& code) {
  RejectedRow r;
  r.event_id = id;
  r.position = position;
  r.code = code;
  r.reason = code + " reason";
  return r;
}

WindowItem Item(const std::string& origin, std::vector<EventRow> rows,
                std::vector<RejectedRow> rejects = {}) {
  WindowItem item;
  item.origin = origin;
  item.received_us = 1767225600000000;
  item.events = std::move(rows);
  item.rejects = std::move(rejects);
  return item;
}

SealedBatch Batch(uint64_t id, std::vector<WindowItem> items) {
  SealedBatch b;
  b.batch_id = id;
  b.items = std::move(items);
  return b;
}

TEST(FindInBatchTest, TheLatestValidVersionWins) {
  SealedBatch b = Batch(
      4, {Item("p1", {Row("a", 1), Row("b")}), Item("p2", {Row("a", 2)}, {Reject("a", 3, "bad_number")})});
  auto found = FindInBatch(b, "a");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->batch_id, 4u);
  EXPECT_EQ(found->origin, "p2");
  ASSERT_TRUE(found->row.has_value());
  EXPECT_EQ(found->row->price_cents, 2);
  EXPECT_FALSE(found->reject.has_value()) << "the batch writes the valid version: it wins over a rejection";
}

TEST(FindInBatchTest, ARejectedOnlyEventIsReportedWithItsRejection) {
  SealedBatch b =
      Batch(1, {Item("f.csv", {Row("x")}, {Reject("r", 7, "too_long"), Reject("r", 9, "bad_enum")})});
  b.items[0].source = Source::kFile;
  auto found = FindInBatch(b, "r");
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->reject.has_value());
  EXPECT_EQ(found->reject->position, 9u) << "the later rejection";
  EXPECT_EQ(found->source, Source::kFile);
  EXPECT_FALSE(FindInBatch(b, "nope").has_value());
}

TEST(WindowFindTest, NamesTheBatchTheWindowWillBecomeAndForgetsItOnceSealed) {
  Window w(WindowLimits{absl::Seconds(10), 1000, 1 << 20}, 12);
  const absl::Time t0 = absl::FromUnixSeconds(1767225600);
  w.Add(Item("p", {Row("a")}), t0);
  auto found = w.Find("a");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->batch_id, 12u);
  EXPECT_FALSE(w.Find("b").has_value());
  ASSERT_TRUE(w.Seal(t0).has_value());
  EXPECT_FALSE(w.Find("a").has_value());
}

TEST(MicroBatcherFindTest, AnEventMovesFromTheWindowToTheWritersQueue) {
  MemorySink sink;
  BatchWriter writer(&sink, Backoff{}, 0);  // not started: sealed batches wait in its queue
  FakeClock clock;
  MicroBatcher batcher(WindowLimits{absl::Hours(1), 1000, 1 << 20}, &clock, &writer, 1);
  ASSERT_TRUE(batcher.Add(Item("p", {Row("a")})).ok());
  EXPECT_TRUE(batcher.FindEvent("a").has_value());
  EXPECT_FALSE(writer.FindEvent("a")->has_value());
  batcher.SealNow();
  EXPECT_FALSE(batcher.FindEvent("a").has_value());
  auto sealed = writer.FindEvent("a");
  ASSERT_TRUE(sealed.ok());
  ASSERT_TRUE(sealed->has_value());
  EXPECT_EQ((*sealed)->batch_id, 1u);
}

// A writer whose queued batches (all confirmed in the log) are spilled behind the first, with a
// load hook reading them back from `originals`.
class SpilledLookupTest : public ::testing::Test {
 protected:
  void Enqueue(SealedBatch b) {
    for (auto& item : b.items) item.log_state = std::make_shared<std::atomic<LogState>>(LogState::kLogged);
    originals_[b.batch_id] = b;
    writer_.Enqueue(std::move(b));
  }

  WriterHooks Hooks() {
    WriterHooks hooks;
    hooks.load = [this](const BatchRange& b) -> absl::StatusOr<SealedBatch> {
      loads_.push_back(b.batch_id);
      if (fail_loads_) return absl::NotFoundError("segment 3 is gone");
      return originals_.at(b.batch_id);
    };
    return hooks;
  }

  MemorySink sink_;
  std::map<uint64_t, SealedBatch> originals_;
  std::vector<uint64_t> loads_;
  bool fail_loads_ = false;
  BatchWriter writer_{&sink_, Backoff{}, 0, Hooks()};  // not started
};

TEST_F(SpilledLookupTest, SpilledBatchesAreReadBackNewestFirst) {
  Enqueue(Batch(1, {Item("p", {Row("a", 1)})}));
  Enqueue(Batch(2, {Item("p", {Row("b")})}));
  Enqueue(Batch(3, {Item("p", {Row("a", 3)})}));
  auto found = writer_.FindEvent("a");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->batch_id, 3u) << "the newest sealed version";
  EXPECT_EQ((*found)->row->price_cents, 3);
  EXPECT_EQ(loads_, (std::vector<uint64_t>{3}));

  loads_.clear();
  found = writer_.FindEvent("b");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->batch_id, 2u);
  EXPECT_EQ(loads_, (std::vector<uint64_t>{3, 2}));

  loads_.clear();
  found = writer_.FindEvent("zzz");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(loads_, (std::vector<uint64_t>{3, 2})) << "the resident front batch is searched in memory";
}

TEST_F(SpilledLookupTest, ABatchThatCannotBeReadBackIsAnError) {
  Enqueue(Batch(1, {Item("p", {Row("a")})}));
  Enqueue(Batch(2, {Item("p", {Row("b")})}));
  fail_loads_ = true;
  auto found = writer_.FindEvent("b");
  EXPECT_EQ(found.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(found.status().message(),
              HasSubstr("cannot read sealed batch 2 back from the log: segment 3 is gone"));
  EXPECT_EQ(loads_, (std::vector<uint64_t>{2}));
}

TEST_F(SpilledLookupTest, ACancelledCallStopsBeforeReadingBack) {
  Enqueue(Batch(1, {Item("p", {Row("a")})}));
  Enqueue(Batch(2, {Item("p", {Row("b")})}));
  auto found = writer_.FindEvent("a", [] { return true; });
  EXPECT_EQ(found.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(loads_.empty());
}

}  // namespace
}  // namespace ingest::server
