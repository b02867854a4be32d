// FileScanner on real files in a temp folder with a fake clock: what is ignored, the settle rule,
// oldest first, and the limit per trigger.
#include "file-bridge/file_scanner.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/file-bridge/bridge_test_util.h"

namespace ingest::bridge {
namespace {

using ::ingest::bridge::testing::AppendFile;
using ::ingest::bridge::testing::BridgeDirs;
using ::ingest::bridge::testing::SetMtime;
using ::ingest::bridge::testing::WriteFile;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr absl::Duration kSettle = absl::Seconds(1);

std::vector<std::string> SettledNames(const ScanResult& scan) {
  std::vector<std::string> names;
  for (const ScannedFile& f : scan.settled) names.push_back(f.name);
  return names;
}

class FileScannerTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) const { return dirs_.watch() + "/" + name; }
  ScanResult Scan(size_t max_files = 100) {
    auto scan = scanner_.Scan(max_files);
    EXPECT_TRUE(scan.ok()) << scan.status();
    return scan.ok() ? *scan : ScanResult{};
  }

  BridgeDirs dirs_;
  FakeClock clock_;
  FileScanner scanner_{dirs_.watch(), kSettle, &clock_};
};

TEST_F(FileScannerTest, DotFilesTmpFilesAndDirectoriesAreNeverTaken) {
  WriteFile(Path("orders.csv"), "a\n");
  WriteFile(Path(".hidden.csv"), "a\n");
  WriteFile(Path("partial.csv.tmp"), "a\n");
  WriteFile(Path("partial.tmp"), "a\n");
  std::filesystem::create_directory(Path("sub.csv"));
  std::filesystem::create_symlink(Path("orders.csv"), Path("link.csv"));
  Scan();
  clock_.Advance(kSettle);
  ScanResult scan = Scan();
  EXPECT_THAT(SettledNames(scan), ElementsAre("orders.csv"));
  EXPECT_THAT(scan.waiting, IsEmpty());
  EXPECT_FALSE(FileScanner::IsCandidateName(".x"));
  EXPECT_FALSE(FileScanner::IsCandidateName("x.tmp"));
  EXPECT_TRUE(FileScanner::IsCandidateName("x.tmp.csv"));
}

TEST_F(FileScannerTest, AFileIsTakenOnlyOnceSeenUnchangedForTheSettleTime) {
  WriteFile(Path("a.csv"), "a\n");
  const absl::Time first = clock_.Now();
  ScanResult scan = Scan();
  EXPECT_THAT(scan.settled, IsEmpty()) << "one look is never enough";
  EXPECT_THAT(scan.waiting, ElementsAre("a.csv"));
  EXPECT_EQ(scan.next_settle_at, first + kSettle);
  clock_.Advance(kSettle - absl::Milliseconds(1));
  EXPECT_THAT(Scan().settled, IsEmpty());
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_THAT(SettledNames(Scan()), ElementsAre("a.csv"));
}

TEST_F(FileScannerTest, AFileStillGrowingIsNotTaken) {
  WriteFile(Path("growing.csv"), "header\n");
  SetMtime(Path("growing.csv"), 1000);
  Scan();
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(kSettle);
    AppendFile(Path("growing.csv"), "row\n");
    SetMtime(Path("growing.csv"), 1000);  // same mtime: the size alone shows the change
    ScanResult scan = Scan();
    EXPECT_THAT(scan.settled, IsEmpty()) << "round " << i;
    EXPECT_THAT(scan.waiting, ElementsAre("growing.csv"));
  }
  clock_.Advance(kSettle);
  EXPECT_THAT(SettledNames(Scan()), ElementsAre("growing.csv"));
}

TEST_F(FileScannerTest, ATouchedOrReplacedFileSettlesAgain) {
  WriteFile(Path("a.csv"), "same\n");
  SetMtime(Path("a.csv"), 1000);
  Scan();
  clock_.Advance(kSettle);
  SetMtime(Path("a.csv"), 2000);  // same size, new mtime
  EXPECT_THAT(Scan().settled, IsEmpty());
  clock_.Advance(kSettle);
  WriteFile(Path("b.tmp"), "same\n");
  SetMtime(Path("b.tmp"), 2000);
  std::filesystem::rename(Path("b.tmp"), Path("a.csv"));  // same size and mtime, new inode
  EXPECT_THAT(Scan().settled, IsEmpty());
  clock_.Advance(kSettle);
  EXPECT_THAT(SettledNames(Scan()), ElementsAre("a.csv"));
}

TEST_F(FileScannerTest, OldestFirstByMtimeThenName) {
  for (const auto& [name, mtime] : std::vector<std::pair<std::string, int64_t>>{
           {"c.csv", 100}, {"b.csv", 300}, {"a.csv", 300}, {"d.csv", 200}, {"e.csv", 50}}) {
    WriteFile(Path(name), name);
    SetMtime(Path(name), mtime);
  }
  Scan();
  clock_.Advance(kSettle);
  EXPECT_THAT(SettledNames(Scan()), ElementsAre("e.csv", "c.csv", "d.csv", "a.csv", "b.csv"));
}

TEST_F(FileScannerTest, AtMostMaxFilesPerTriggerTheOldestOnes) {
  for (int i = 0; i < 5; ++i) {
    std::string name = "f" + std::to_string(i) + ".csv";
    WriteFile(Path(name), name);
    SetMtime(Path(name), 1000 - i);  // f4 is the oldest
  }
  Scan(2);
  clock_.Advance(kSettle);
  ScanResult scan = Scan(2);
  EXPECT_THAT(SettledNames(scan), ElementsAre("f4.csv", "f3.csv"));
  EXPECT_EQ(scan.more_settled, 3u);
  EXPECT_THAT(Scan(0).settled, IsEmpty());
}

TEST_F(FileScannerTest, OnlyLimitsTheAnswerToTheNamesGiven) {
  WriteFile(Path("old.csv"), "a");
  WriteFile(Path("new.csv"), "b");
  std::set<std::string> only = {"old.csv"};
  ASSERT_TRUE(scanner_.Scan(10, &only).ok());
  clock_.Advance(kSettle);
  auto scan = scanner_.Scan(10, &only);
  ASSERT_TRUE(scan.ok());
  EXPECT_THAT(SettledNames(*scan), ElementsAre("old.csv"));
  EXPECT_THAT(SettledNames(Scan()), UnorderedElementsAre("old.csv", "new.csv"));
}

TEST_F(FileScannerTest, AForgottenFileHasToSettleAgain) {
  WriteFile(Path("a.csv"), "a");
  Scan();
  clock_.Advance(kSettle);
  EXPECT_THAT(SettledNames(Scan()), ElementsAre("a.csv"));
  scanner_.Forget("a.csv");
  EXPECT_THAT(Scan().settled, IsEmpty());
  clock_.Advance(kSettle);
  EXPECT_THAT(SettledNames(Scan()), ElementsAre("a.csv"));
}

TEST_F(FileScannerTest, ZeroSettleTakesAFileOnFirstSight) {
  FileScanner eager(dirs_.watch(), absl::ZeroDuration(), &clock_);
  WriteFile(Path("a.csv"), "a");
  auto scan = eager.Scan(10);
  ASSERT_TRUE(scan.ok());
  EXPECT_THAT(SettledNames(*scan), ElementsAre("a.csv"));
}

TEST_F(FileScannerTest, AMissingFolderIsAnError) {
  FileScanner missing(dirs_.root() + "/nope", kSettle, &clock_);
  EXPECT_FALSE(missing.Scan(10).ok());
}

}  // namespace
}  // namespace ingest::bridge
