// The log range of a sealed batch: only records that are in the log count.
#include "server/model/sealed_batch.h"

#include <gtest/gtest.h>

namespace ingest::server {
namespace {

WindowItem Item(uint64_t segment, uint64_t offset, LogState state) {
  WindowItem item;
  item.wal_pos = {segment, offset};
  item.log_state = std::make_shared<std::atomic<LogState>>(state);
  return item;
}

TEST(SealedBatchTest, TheLogRangeSpansTheRecordsInTheLog) {
  SealedBatch b;
  b.items.push_back(Item(3, 64, LogState::kLogged));
  b.items.push_back(Item(3, 900, LogState::kLogged));
  EXPECT_EQ(b.WalFirst(), (WalPosition{3, 64}));
  EXPECT_EQ(b.WalEnd(), (WalPosition{3, 901}));
  EXPECT_FALSE(b.AnyLogPending());
}

// After a failed segment creation the log hands the refused records' positions out again, so a
// range that counted them could cover records of later batches (and hide them from recovery).
TEST(SealedBatchTest, RecordsTheLogRefusedAreLeftOutOfTheRange) {
  SealedBatch b;
  b.items.push_back(Item(4, 64, LogState::kFailed));
  b.items.push_back(Item(4, 500, LogState::kLogged));
  b.items.push_back(Item(5, 64, LogState::kFailed));
  EXPECT_EQ(b.WalFirst(), (WalPosition{4, 500}));
  EXPECT_EQ(b.WalEnd(), (WalPosition{4, 501}));
}

TEST(SealedBatchTest, RecoveredItemsCountAsLoggedAndPendingOnesAreReported) {
  SealedBatch b;
  WindowItem recovered;
  recovered.wal_pos = {2, 64};
  b.items.push_back(recovered);
  b.items.push_back(Item(2, 300, LogState::kPending));
  EXPECT_TRUE(b.AnyLogPending());
  EXPECT_EQ(b.WalFirst(), (WalPosition{2, 64}));
  EXPECT_EQ(b.WalEnd(), (WalPosition{2, 65}));
  b.items.back().log_state->store(LogState::kLogged);
  EXPECT_FALSE(b.AnyLogPending());
  EXPECT_EQ(b.WalEnd(), (WalPosition{2, 301}));
}

TEST(SealedBatchTest, ABatchWithNoRecordInTheLogHasAnEmptyRange) {
  SealedBatch b;
  b.items.push_back(Item(6, 64, LogState::kFailed));
  EXPECT_EQ(b.WalFirst(), WalPosition());
  EXPECT_EQ(b.WalEnd(), WalPosition());
}

}  // namespace
}  // namespace ingest::server
