#include "server/durability/wal/wal_writer.h"

#include <atomic>
#include <cstdlib>
#include <thread>

#include "absl/synchronization/notification.h"
#include "common/failpoint.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/durability/wal/wal_reader.h"
#include "tests/testing/failpoints.h"
#include "tests/unit/server/durability/wal/wal_test_util.h"

namespace ingest::server {
namespace {

using ::ingest::server::testing::Payload;
using ::ingest::server::testing::Scan;
using ::ingest::server::testing::TempDir;
using ::ingest::server::testing::VariedSizes;
using ::ingest::server::testing::WriteRecords;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr uint64_t kSegment = 4096;

TEST(WalWriterTest, RecordsRoundTripAcrossSegmentRollsAtThePositionsAppendReturned) {
  TempDir tmp;
  std::vector<std::string> payloads;
  for (size_t size : VariedSizes(300, 1000, 7)) payloads.push_back(Payload(payloads.size(), size));
  std::vector<WalPosition> positions = WriteRecords(tmp.path(), kSegment, payloads);

  auto result = Scan(tmp.path());
  EXPECT_EQ(result.scan.damage, "");
  EXPECT_EQ(result.scan.records, 300u);
  EXPECT_GT(result.scan.segments, 20u);
  EXPECT_EQ(result.payloads(), payloads);
  ASSERT_EQ(result.records.size(), positions.size());
  for (size_t i = 0; i < positions.size(); ++i) EXPECT_EQ(result.records[i].first, positions[i]) << i;
  EXPECT_EQ(result.records.front().first, (WalPosition{1, kWalHeaderBytes}));
}

TEST(WalWriterTest, GroupCommitCallsEveryDoneOnceWithFewerSyncsThanRecords) {
  TempDir tmp;
  auto writer = WalWriter::Open({tmp.path(), 64 * 1024}, {});
  ASSERT_TRUE(writer.ok()) << writer.status();
  constexpr int kThreads = 8, kPerThread = 125, kRecords = kThreads * kPerThread;
  std::vector<std::atomic<int>> calls(kRecords);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int id = t * kPerThread + i;
        auto pos = (*writer)->Append(Payload(id, 100 + id % 50), [&, id](absl::Status st) {
          calls[id].fetch_add(1);
          if (!st.ok()) failures.fetch_add(1);
        });
        if (!pos.ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  (*writer)->Stop();
  EXPECT_EQ(failures.load(), 0);
  for (int id = 0; id < kRecords; ++id) EXPECT_EQ(calls[id].load(), 1) << "record " << id;
  EXPECT_LT((*writer)->syncs(), static_cast<uint64_t>(kRecords));
  EXPECT_GE((*writer)->syncs(), 1u);
  EXPECT_EQ((*writer)->pending_bytes(), 0u);
  EXPECT_EQ((*writer)->durable_end(), (*writer)->end());
  EXPECT_EQ(Scan(tmp.path()).scan.records, static_cast<uint64_t>(kRecords));
}

TEST(WalWriterTest, ReopenedWriterContinuesAtTheScannedEnd) {
  TempDir tmp;
  std::vector<std::string> first, second;
  for (int i = 0; i < 10; ++i) first.push_back(Payload(i, 700));
  for (int i = 10; i < 20; ++i) second.push_back(Payload(i, 300));
  WriteRecords(tmp.path(), kSegment, first);
  WalPosition end = Scan(tmp.path()).scan.end;
  std::vector<WalPosition> positions = WriteRecords(tmp.path(), kSegment, second, end);
  EXPECT_EQ(positions.front(), end);

  auto result = Scan(tmp.path());
  EXPECT_EQ(result.scan.damage, "");
  std::vector<std::string> all = first;
  all.insert(all.end(), second.begin(), second.end());
  EXPECT_EQ(result.payloads(), all);
}

TEST(WalWriterTest, RecordThatDoesNotFitGoesToANewSegment) {
  TempDir tmp;
  std::vector<WalPosition> positions =
      WriteRecords(tmp.path(), kSegment, {Payload(1, 3000), Payload(2, 2000), Payload(3, 10)});
  EXPECT_THAT(positions, ElementsAre(WalPosition{1, 32}, WalPosition{2, 32}, WalPosition{2, 32 + 8 + 2000}));
  // Nothing more was written in segment 1 after the first record.
  std::string segment1 = testing::ReadFile(WalSegmentPath(tmp.path(), 1));
  ASSERT_EQ(segment1.size(), kSegment);
  EXPECT_EQ(segment1.find_first_not_of('\0', 32 + 8 + 3000), std::string::npos);
  auto result = Scan(tmp.path());
  EXPECT_EQ(result.scan.damage, "");
  EXPECT_EQ(result.scan.records, 3u);
  EXPECT_EQ(result.scan.end, (WalPosition{2, 32 + 8 + 2000 + 8 + 10}));
}

TEST(WalWriterTest, RecordLargerThanASegmentAndEmptyRecordAreInvalidArguments) {
  TempDir tmp;
  auto writer = WalWriter::Open({tmp.path(), kSegment}, {});
  ASSERT_TRUE(writer.ok()) << writer.status();
  bool called = false;
  auto too_big =
      (*writer)->Append(std::string(kSegment - 32 - 8 + 1, 'x'), [&](absl::Status) { called = true; });
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_big.status().message(), HasSubstr("does not fit in a log segment of 4096 bytes"));
  auto empty = (*writer)->Append("", [&](absl::Status) { called = true; });
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status largest = absl::UnknownError("not called");
  auto fits = (*writer)->Append(std::string(kSegment - 32 - 8, 'y'), [&](absl::Status st) { largest = st; });
  EXPECT_TRUE(fits.ok()) << fits.status();
  (*writer)->Stop();
  EXPECT_FALSE(called);
  EXPECT_TRUE(largest.ok()) << largest;
  auto after_stop = (*writer)->Append("z", [&](absl::Status) { called = true; });
  EXPECT_EQ(after_stop.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(called);
}

TEST(WalWriterTest, NoRoomForASegmentFailsTheWaitingRecordsAndTheWriterRecovers) {
  TempDir tmp;
  auto writer = WalWriter::Open({tmp.path(), kSegment}, {});
  ASSERT_TRUE(writer.ok()) << writer.status();
  auto append_and_wait = [&](std::string payload) {
    absl::Status result = absl::UnknownError("not called");
    absl::Notification done;
    auto pos = (*writer)->Append(std::move(payload), [&](absl::Status st) {
      result = st;
      done.Notify();
    });
    EXPECT_TRUE(pos.ok()) << pos.status();
    done.WaitForNotification();
    return std::make_pair(pos.ok() ? *pos : WalPosition{}, result);
  };
  ASSERT_TRUE(append_and_wait(Payload(1, 3000)).second.ok());  // segment 1 exists

  setenv("INGEST_FAILPOINTS", "wal_enospc", 1);
  ResetFailpointsForTest();
  auto [failed_pos, failed] = append_and_wait(Payload(2, 2000));  // needs segment 2
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(failed.message(), HasSubstr("no room for a new log segment in " + tmp.path()));
  EXPECT_THAT(failed.message(), HasSubstr("ENOSPC"));
  auto [again_pos, again] = append_and_wait(Payload(3, 2000));  // still no room: retried, fails
  EXPECT_EQ(again.code(), absl::StatusCode::kUnavailable);

  unsetenv("INGEST_FAILPOINTS");
  ResetFailpointsForTest();
  auto [ok_pos, ok] = append_and_wait(Payload(4, 2000));
  EXPECT_TRUE(ok.ok()) << ok;
  EXPECT_EQ(ok_pos, (WalPosition{2, 32}));
  (*writer)->Stop();

  auto result = Scan(tmp.path());
  EXPECT_EQ(result.scan.damage, "");
  EXPECT_EQ(result.payloads(), (std::vector<std::string>{Payload(1, 3000), Payload(4, 2000)}));
}

TEST(WalWriterTest, NoRoomForTheFirstSegmentOfAFreshLog) {
  TempDir tmp;
  setenv("INGEST_FAILPOINTS", "wal_enospc", 1);
  ResetFailpointsForTest();
  std::vector<absl::Status> results;
  {
    auto writer = WalWriter::Open({tmp.path(), kSegment}, {});
    ASSERT_TRUE(writer.ok()) << writer.status();
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE((*writer)->Append(Payload(i, 100), [&](absl::Status st) { results.push_back(st); }).ok());
    }
    (*writer)->Stop();
  }
  unsetenv("INGEST_FAILPOINTS");
  ResetFailpointsForTest();
  ASSERT_EQ(results.size(), 3u);
  for (const absl::Status& st : results)
    EXPECT_THAT(st.message(), HasSubstr("no room for a new log segment"));
  EXPECT_EQ(Scan(tmp.path()).scan.records, 0u);
  EXPECT_EQ(testing::FileSize(WalSegmentPath(tmp.path(), 1)), 0u) << "no segment file is left behind";
}

TEST(WalWriterTest, RemoveSegmentsBeforeDeletesOlderSegmentsButNeverTheCurrentOne) {
  TempDir tmp;
  auto writer = WalWriter::Open({tmp.path(), kSegment}, {});
  ASSERT_TRUE(writer.ok()) << writer.status();
  std::vector<WalPosition> positions;
  for (int i = 0; i < 10; ++i) positions.push_back(*(*writer)->Append(Payload(i, 1800), [](absl::Status) {}));
  (*writer)->Stop();  // 2 records per segment: segments 1..5
  EXPECT_EQ((*writer)->BytesOnDisk(), 5 * kSegment);

  ASSERT_TRUE((*writer)->RemoveSegmentsBefore(3).ok());
  EXPECT_EQ((*writer)->BytesOnDisk(), 3 * kSegment);
  EXPECT_THAT(*ListWalSegments(tmp.path()), ElementsAre(3, 4, 5));
  auto result = Scan(tmp.path());
  EXPECT_EQ(result.scan.damage, "");
  EXPECT_EQ(result.records.front().first, positions[4]);
  EXPECT_EQ(result.scan.records, 6u);

  ASSERT_TRUE((*writer)->RemoveSegmentsBefore(100).ok());
  EXPECT_THAT(*ListWalSegments(tmp.path()), ElementsAre(5));
  EXPECT_EQ((*writer)->BytesOnDisk(), kSegment);
}

TEST(WalWriterTest, OpenRefusesWhenASegmentLiesAfterTheEnd) {
  TempDir tmp;
  WriteRecords(tmp.path(), kSegment, {Payload(1, 3000), Payload(2, 3000)});
  auto writer = WalWriter::Open({tmp.path(), kSegment}, WalPosition{1, 32 + 8 + 3000});
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(writer.status().message(), HasSubstr("scan the log with repair first"));
}

}  // namespace
}  // namespace ingest::server
