// DurableLog recovery: batches with offsets and no commit are replayed, records after the last
// batch come back as the window, and --verify-checkpoints reports damage.
#include "server/durability/durable_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/synchronization/notification.h"
#include "common/time_text.h"
#include "server/durability/wal_record.h"
#include "server/intake/batch_intake.h"
#include "tests/unit/server/durability/wal/wal_test_util.h"

namespace ingest::server {
namespace {

namespace fs = std::filesystem;
using ::ingest::server::testing::TempDir;

class DurableLogTest : public ::testing::Test {
 protected:
  TempDir tmp_;  // removed with everything in it after each test
  const std::string dir_ = tmp_.Sub("checkpoints");

  std::unique_ptr<DurableLog> Open(RecoveredLog* recovered, std::vector<SealedBatch>* replayed = nullptr) {
    auto log = DurableLog::OpenAndRecover(
        dir_, 64 << 10,
        [replayed](const SealedBatch& b) -> absl::StatusOr<CommitResult> {
          if (replayed) replayed->push_back(b);
          CommitResult r;
          r.committed_at_us = 1;
          return r;
        },
        recovered);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }

  // Appends batch `seq` of producer p and waits until it is durable; returns its item.
  WindowItem Append(DurableLog& log, uint64_t seq) {
    v1::EventBatch batch;
    batch.set_producer_id("p");
    batch.set_sequence(seq);
    v1::Event* e = batch.add_events();
    e->set_event_id("e" + std::to_string(seq));
    e->set_user_id("u");
    e->set_event_type(v1::EVENT_TYPE_VIEW);
    e->set_product_id("x");
    *e->mutable_event_time() = ToProtoTime(absl::Now());
    WindowItem item = BuildWindowItem(batch, absl::Now());
    absl::Notification durable;
    auto pos = log.Append(EncodeWalRecord(item, batch.SerializeAsString()), [&](absl::Status st) {
      EXPECT_TRUE(st.ok()) << st;
      durable.Notify();
    });
    EXPECT_TRUE(pos.ok()) << pos.status();
    durable.WaitForNotificationWithTimeout(absl::Seconds(10));
    item.wal_pos = *pos;
    return item;
  }

  static SealedBatch Seal(uint64_t id, std::vector<WindowItem> items) {
    SealedBatch b;
    b.batch_id = id;
    b.items = std::move(items);
    b.wal_first = b.WalFirst();
    b.wal_end = b.WalEnd();
    return b;
  }
};

TEST_F(DurableLogTest, ReplaysABatchWithOffsetsAndNoCommitAndReturnsTheRestAsTheWindow) {
  {
    RecoveredLog recovered;
    auto log = Open(&recovered);
    ASSERT_NE(log, nullptr);
    SealedBatch committed = Seal(1, {Append(*log, 1)});
    ASSERT_TRUE(log->BeforeWrite(committed).ok());
    log->AfterCommit(committed, CommitResult{});
    SealedBatch pending = Seal(2, {Append(*log, 2), Append(*log, 3)});
    ASSERT_TRUE(log->BeforeWrite(pending).ok());  // offsets/2, then the "crash"
    Append(*log, 4);
    log->Stop();
  }
  RecoveredLog recovered;
  std::vector<SealedBatch> replayed;
  auto log = Open(&recovered, &replayed);
  ASSERT_NE(log, nullptr);
  ASSERT_EQ(replayed.size(), 1u) << "only the batch without commits/N is written again";
  EXPECT_EQ(replayed[0].batch_id, 2u);
  ASSERT_EQ(replayed[0].items.size(), 2u);
  EXPECT_EQ(replayed[0].items[0].events[0].event_id, "e2");
  EXPECT_EQ(replayed[0].items[1].events[0].event_id, "e3");
  EXPECT_EQ(recovered.replayed, 1u);
  EXPECT_EQ(recovered.last_batch_id, 2u);
  ASSERT_EQ(recovered.tail.size(), 1u);
  EXPECT_EQ(recovered.tail[0].sequence, 4u);
  EXPECT_EQ(recovered.tail[0].ack.accepted(), 1u) << "the ack is restored with the record";

  RecoveredLog again;
  std::vector<SealedBatch> none;
  log->Stop();
  log.reset();
  ASSERT_NE(Open(&again, &none), nullptr);
  EXPECT_TRUE(none.empty()) << "a replayed batch gets its commits entry and is not replayed twice";
}

TEST_F(DurableLogTest, ASpilledBatchIsReadBackFromTheLog) {
  RecoveredLog recovered;
  auto log = Open(&recovered);
  ASSERT_NE(log, nullptr);
  SealedBatch batch = Seal(1, {Append(*log, 1), Append(*log, 2)});
  auto loaded = log->Load(batch.Range());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->items.size(), 2u);
  EXPECT_EQ(loaded->items[1].events, batch.items[1].events);
}

TEST_F(DurableLogTest, VerifyReportsASoundLogAndThenDamage) {
  {
    RecoveredLog recovered;
    auto log = Open(&recovered);
    ASSERT_NE(log, nullptr);
    Append(*log, 1);
    Append(*log, 2);
    log->Stop();
  }
  std::ostringstream out;
  EXPECT_TRUE(DurableLog::Verify(dir_, out).ok()) << out.str();
  EXPECT_THAT(out.str(), ::testing::HasSubstr("2 records"));
  std::string segment;
  for (const auto& f : fs::directory_iterator(dir_ + "/wal")) segment = f.path().string();
  {
    std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(32 + 8 + 5);  // inside the first record's payload
    f.put('\x7f');
  }
  std::ostringstream damaged;
  absl::Status st = DurableLog::Verify(dir_, damaged);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(damaged.str(), ::testing::HasSubstr("log damage"));
  EXPECT_THAT(damaged.str(), ::testing::HasSubstr("0 records"));
}

}  // namespace
}  // namespace ingest::server
