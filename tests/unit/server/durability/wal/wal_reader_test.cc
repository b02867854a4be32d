#include "server/durability/wal/wal_reader.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/durability/wal/wal_writer.h"
#include "tests/unit/server/durability/wal/wal_test_util.h"

namespace ingest::server {
namespace {

using ::ingest::server::testing::FileSize;
using ::ingest::server::testing::FlipByte;
using ::ingest::server::testing::Payload;
using ::ingest::server::testing::ReadFile;
using ::ingest::server::testing::Scan;
using ::ingest::server::testing::TempDir;
using ::ingest::server::testing::WriteAt;
using ::ingest::server::testing::WriteRecords;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr uint64_t kSegment = 4096;

std::vector<std::string> Payloads(int count, size_t size) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(Payload(i, size));
  return out;
}

std::vector<std::string> Prefix(const std::vector<std::string>& v, size_t n) {
  return std::vector<std::string>(v.begin(), v.begin() + n);
}

TEST(ScanWalTest, MissingOrEmptyDirIsAnEmptyLogEndingAtTheFirstRecordPosition) {
  TempDir tmp;
  for (const std::string& dir : {tmp.path(), tmp.Sub("absent")}) {
    auto result = Scan(dir);
    EXPECT_EQ(result.scan.records, 0u);
    EXPECT_EQ(result.scan.damage, "");
    EXPECT_EQ(result.scan.end, (WalPosition{1, kWalHeaderBytes}));
  }
}

TEST(ScanWalTest, TornTailIsReportedRepairedAndTheWriterContinuesThere) {
  TempDir tmp;
  std::vector<std::string> payloads = Payloads(5, 500);
  std::vector<WalPosition> pos = WriteRecords(tmp.path(), kSegment, payloads);
  const std::string seg = WalSegmentPath(tmp.path(), 1);
  // The last record's frame reached the disk, the second half of its payload did not.
  WriteAt(seg, pos[4].offset + 8 + 250, std::string(250, '\0'));

  auto torn = Scan(tmp.path());
  EXPECT_EQ(torn.payloads(), Prefix(payloads, 4));
  EXPECT_EQ(torn.scan.end, pos[4]);
  EXPECT_THAT(torn.scan.damage, HasSubstr("log segment " + seg + " is damaged at offset " +
                                          std::to_string(pos[4].offset) + ": checksum mismatch"));
  EXPECT_THAT(torn.scan.damage,
              HasSubstr("the " + std::to_string(kSegment - pos[4].offset) + " bytes from there to the end"));
  EXPECT_THAT(torn.scan.damage, HasSubstr("tail of the log"));
  EXPECT_FALSE(torn.scan.repaired);
  EXPECT_EQ(Scan(tmp.path()).scan.damage, torn.scan.damage) << "a scan without repair changes nothing";

  auto repaired = Scan(tmp.path(), /*repair=*/true);
  EXPECT_EQ(repaired.scan.damage, torn.scan.damage);
  EXPECT_TRUE(repaired.scan.repaired);
  std::string bytes = ReadFile(seg);
  EXPECT_EQ(bytes.find_first_not_of('\0', pos[4].offset), std::string::npos) << "tail zero-filled";
  EXPECT_EQ(bytes.size(), kSegment);

  auto clean = Scan(tmp.path());
  EXPECT_EQ(clean.scan.damage, "");
  EXPECT_EQ(clean.scan.end, pos[4]);
  std::vector<WalPosition> more = WriteRecords(tmp.path(), kSegment, {Payload(99, 600)}, clean.scan.end);
  EXPECT_THAT(more, ElementsAre(pos[4]));
  std::vector<std::string> expected = Prefix(payloads, 4);
  expected.push_back(Payload(99, 600));
  auto after = Scan(tmp.path());
  EXPECT_EQ(after.scan.damage, "");
  EXPECT_EQ(after.payloads(), expected);
}

TEST(ScanWalTest, LengthRunningPastTheSegmentEndIsDamage) {
  TempDir tmp;
  std::vector<WalPosition> pos = WriteRecords(tmp.path(), kSegment, Payloads(2, 100));
  const uint64_t at = pos[1].offset + 8 + 100;
  WriteAt(WalSegmentPath(tmp.path(), 1), at, std::string("\x00\x10\x00\x00", 4));  // 4096 bytes
  auto result = Scan(tmp.path());
  EXPECT_EQ(result.scan.records, 2u);
  EXPECT_THAT(result.scan.damage, HasSubstr("is damaged at offset " + std::to_string(at) +
                                            ": the record length 4096 runs past the end of the segment"));
}

TEST(ScanWalTest, CorruptRecordStopsTheScanBeforeIt) {
  TempDir tmp;
  std::vector<std::string> payloads = Payloads(6, 300);
  std::vector<WalPosition> pos = WriteRecords(tmp.path(), kSegment, payloads);
  FlipByte(WalSegmentPath(tmp.path(), 1), pos[2].offset + 8 + 17);
  auto result = Scan(tmp.path());
  EXPECT_EQ(result.payloads(), Prefix(payloads, 2)) << "records before it delivered, none after";
  EXPECT_EQ(result.scan.end, pos[2]);
  EXPECT_THAT(result.scan.damage, HasSubstr("at offset " + std::to_string(pos[2].offset) +
                                            ": checksum mismatch in a record of 300 bytes"));
}

TEST(ScanWalTest, DamageBeforeLaterSegmentsIsReportedAsLossOfAcknowledgedRecords) {
  TempDir tmp;
  std::vector<std::string> payloads = Payloads(8, 1800);  // 2 per segment: segments 1..4
  std::vector<WalPosition> pos = WriteRecords(tmp.path(), kSegment, payloads);
  ASSERT_EQ(pos[7].segment, 4u);
  FlipByte(WalSegmentPath(tmp.path(), 2), pos[3].offset + 8);
  auto result = Scan(tmp.path());
  EXPECT_EQ(result.payloads(), Prefix(payloads, 3));
  EXPECT_THAT(result.scan.damage, HasSubstr(WalSegmentPath(tmp.path(), 2) + " is damaged at offset"));
  EXPECT_THAT(result.scan.damage,
              HasSubstr("2 later segments (8192 bytes) follow, so this is not a torn tail: records that were "
                        "fsynced and acknowledged are lost"));

  auto repaired = Scan(tmp.path(), /*repair=*/true);
  EXPECT_TRUE(repaired.scan.repaired);
  EXPECT_THAT(*ListWalSegments(tmp.path()), ElementsAre(1, 2));
  auto clean = Scan(tmp.path());
  EXPECT_EQ(clean.scan.damage, "");
  EXPECT_EQ(clean.payloads(), Prefix(payloads, 3));
  EXPECT_EQ(clean.scan.end, pos[3]);
}

TEST(ScanWalTest, ForeignHeaderIsDamageAndNeverReplayed) {
  TempDir tmp;
  std::vector<std::string> payloads = Payloads(4, 1800);
  std::vector<WalPosition> pos = WriteRecords(tmp.path(), kSegment, payloads);  // segments 1, 2
  const std::string seg2 = WalSegmentPath(tmp.path(), 2);
  WriteAt(seg2, 0, "PK\x03\x04 not a log");
  auto result = Scan(tmp.path());
  EXPECT_EQ(result.payloads(), Prefix(payloads, 2));
  EXPECT_EQ(result.scan.end, (WalPosition{1, pos[1].offset + 8 + 1800}));
  EXPECT_EQ(result.scan.damage,
            "log segment " + seg2 +
                " has a bad header: the header does not start with the log magic \"INGWAL\": "
                "not a log segment; none of its 4096 bytes are replayed; it is the tail of "
                "the log, as a crash during a write leaves it (records there were never "
                "acknowledged)");
  EXPECT_TRUE(std::filesystem::exists(seg2)) << "no repair without repair=true";
  Scan(tmp.path(), /*repair=*/true);
  EXPECT_FALSE(std::filesystem::exists(seg2));
  EXPECT_EQ(Scan(tmp.path()).scan.damage, "");
}

TEST(ScanWalTest, HeaderOfAnotherVersionOrSegmentIsDamage) {
  TempDir tmp;
  WriteRecords(tmp.path(), kSegment, Payloads(1, 10));
  const std::string seg = WalSegmentPath(tmp.path(), 1);
  WriteAt(seg, 8, std::string("\x02\x00\x00\x00", 4));
  EXPECT_THAT(Scan(tmp.path()).scan.damage,
              HasSubstr("the header says format version 2; this build reads version 1"));
  WriteAt(seg, 8, std::string("\x01\x00\x00\x00\x07", 5));
  EXPECT_THAT(Scan(tmp.path()).scan.damage, HasSubstr("the header names segment 7 but the file name says 1"));
  auto repaired = Scan(tmp.path(), /*repair=*/true);
  EXPECT_EQ(repaired.scan.end, (WalPosition{1, kWalHeaderBytes})) << "a writer recreates segment 1";
  EXPECT_EQ(Scan(tmp.path()).scan.damage, "");
}

TEST(ScanWalTest, BytesAfterTheEndOfTheRecordsAreDamageAndRepairClearsThem) {
  TempDir tmp;
  std::vector<WalPosition> pos = WriteRecords(tmp.path(), kSegment, Payloads(2, 100));
  const uint64_t end = pos[1].offset + 8 + 100;
  WriteAt(WalSegmentPath(tmp.path(), 1), 3000, "leftover");
  auto result = Scan(tmp.path());
  EXPECT_EQ(result.scan.records, 2u);
  EXPECT_THAT(result.scan.damage,
              HasSubstr("is damaged at offset " + std::to_string(end) +
                        ": the records end here but the byte at offset 3000 is not zero"));
  Scan(tmp.path(), /*repair=*/true);
  auto clean = Scan(tmp.path());
  EXPECT_EQ(clean.scan.damage, "");
  EXPECT_EQ(clean.scan.records, 2u);
}

TEST(ScanWalTest, MissingSegmentIsReported) {
  TempDir tmp;
  WriteRecords(tmp.path(), kSegment, Payloads(6, 1800));  // segments 1..3
  std::filesystem::remove(WalSegmentPath(tmp.path(), 2));
  auto result = Scan(tmp.path());
  EXPECT_EQ(result.scan.records, 2u);
  EXPECT_THAT(result.scan.damage, HasSubstr(WalSegmentPath(tmp.path(), 2) +
                                            " is missing between segments 1 and 3; 1 later segment"));
  Scan(tmp.path(), /*repair=*/true);
  EXPECT_THAT(*ListWalSegments(tmp.path()), ElementsAre(1));
}

TEST(ScanWalTest, RepairRemovesLeftoverSegmentCreations) {
  TempDir tmp;
  WriteRecords(tmp.path(), kSegment, Payloads(1, 10));
  const std::string leftover = WalSegmentPath(tmp.path(), 2) + ".tmp";
  std::ofstream(leftover) << "half-made segment";
  EXPECT_EQ(Scan(tmp.path()).scan.damage, "");
  EXPECT_TRUE(std::filesystem::exists(leftover));
  Scan(tmp.path(), /*repair=*/true);
  EXPECT_FALSE(std::filesystem::exists(leftover));
}

TEST(ReadWalRangeTest, ReturnsExactlyTheRecordsInTheRange) {
  TempDir tmp;
  std::vector<std::string> payloads = Payloads(50, 400);
  std::vector<WalPosition> pos = WriteRecords(tmp.path(), kSegment, payloads);
  ASSERT_GT(pos[40].segment, pos[10].segment);
  std::vector<std::pair<WalPosition, std::string>> got;
  auto collect = [&](WalPosition p, absl::string_view payload) { got.emplace_back(p, std::string(payload)); };

  ASSERT_TRUE(ReadWalRange(tmp.path(), pos[10], pos[40], collect).ok());
  ASSERT_EQ(got.size(), 30u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].first, pos[10 + i]);
    EXPECT_EQ(got[i].second, payloads[10 + i]);
  }

  got.clear();
  const WalPosition end = Scan(tmp.path()).scan.end;
  ASSERT_TRUE(ReadWalRange(tmp.path(), pos[45], end, collect).ok());
  EXPECT_EQ(got.size(), 5u);

  got.clear();
  ASSERT_TRUE(ReadWalRange(tmp.path(), pos[7], pos[7], collect).ok());
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(ReadWalRange(tmp.path(), pos[8], pos[7], collect).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ReadWalRangeTest, DamageMissingSegmentsOrAShortLogAreDataLoss) {
  TempDir tmp;
  std::vector<WalPosition> pos = WriteRecords(tmp.path(), kSegment, Payloads(12, 1800));  // segments 1..6
  auto ignore = [](WalPosition, absl::string_view) {};
  absl::Status short_log = ReadWalRange(tmp.path(), pos[0], WalPosition{6, 4000}, ignore);
  EXPECT_EQ(short_log.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(short_log.message(), HasSubstr("the log ends at 6:3648, before the end 6:4000"));

  FlipByte(WalSegmentPath(tmp.path(), 3), pos[5].offset + 100);
  absl::Status damaged = ReadWalRange(tmp.path(), pos[2], pos[8], ignore);
  EXPECT_EQ(damaged.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(damaged.message(), HasSubstr(WalSegmentPath(tmp.path(), 3) + " is damaged at offset " +
                                           std::to_string(pos[5].offset) + ": checksum mismatch"));
  EXPECT_TRUE(ReadWalRange(tmp.path(), pos[0], pos[5], ignore).ok()) << "the range before it is fine";

  std::filesystem::remove(WalSegmentPath(tmp.path(), 5));
  absl::Status missing = ReadWalRange(tmp.path(), pos[6], pos[11], ignore);
  EXPECT_EQ(missing.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(missing.message(), HasSubstr(WalSegmentPath(tmp.path(), 5) + " is missing"));
}

}  // namespace
}  // namespace ingest::server
