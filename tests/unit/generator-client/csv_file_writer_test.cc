#include "generator-client/csv_file_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/durable_file.h"
#include "gtest/gtest.h"
#include "tests/unit/generator-client/csv_test_util.h"

namespace ingest::generator {
namespace {

using ::ingest::generator::testing::ListNames;
using ::ingest::generator::testing::ReadWholeFile;
using ::ingest::generator::testing::ScratchDir;

const absl::Time kNov23 = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 23, 59, 59), absl::UTCTimeZone());

void Touch(const std::string& path) { std::ofstream(path) << "x\n"; }

TEST(BatchFileNameTest, SeedStyleNames) {
  EXPECT_EQ(BatchFileName(1, kNov23), "events_batch_0001_20261123.csv");
  EXPECT_EQ(BatchFileName(9999, kNov23), "events_batch_9999_20261123.csv");
  EXPECT_EQ(BatchFileName(12345, kNov23), "events_batch_12345_20261123.csv");
  // The UTC date, whatever the local zone.
  EXPECT_EQ(BatchFileName(2, kNov23 + absl::Seconds(1)), "events_batch_0002_20261124.csv");
}

TEST(BatchFileNameTest, TempNameIsADotFileEndingInTmp) {
  // The file bridge never takes dot-files or *.tmp, so the watcher cannot see a file being written.
  const std::string temp = TempFileName("events_batch_0001_20261123.csv");
  EXPECT_EQ(temp, ".events_batch_0001_20261123.csv.tmp");
  EXPECT_TRUE(absl::StartsWith(temp, "."));
  EXPECT_TRUE(absl::EndsWith(temp, ".tmp"));
}

TEST(BatchFileNameTest, BatchNumberOfFinalAndTempNames) {
  EXPECT_EQ(BatchNumberOf("events_batch_0001_20261123.csv"), 1u);
  EXPECT_EQ(BatchNumberOf("events_batch_12345_20261123.csv"), 12345u);
  EXPECT_EQ(BatchNumberOf("events_batch_0042_anything"), 42u);
  EXPECT_EQ(BatchNumberOf(".events_batch_0007_20261123.csv.tmp"), 7u);
  EXPECT_EQ(BatchNumberOf(".events_batch_0007_20261123.csv"), std::nullopt);
  EXPECT_EQ(BatchNumberOf("events_batch__20261123.csv"), std::nullopt);
  EXPECT_EQ(BatchNumberOf("events_batch_12a_20261123.csv"), std::nullopt);
  EXPECT_EQ(BatchNumberOf("events_batch_0001.csv"), std::nullopt);
  EXPECT_EQ(BatchNumberOf("products.csv"), std::nullopt);
}

TEST(CsvBatchFilesTest, CreatesTheFolderAndNumbersFromOne) {
  ScratchDir tmp;
  auto files = CsvBatchFiles::Open(tmp.Sub("data/input"));
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->next_batch(), 1u);
  auto first = files->Write("a\n", kNov23);
  auto second = files->Write("b\n", kNov23);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*first, tmp.Sub("data/input/events_batch_0001_20261123.csv"));
  EXPECT_EQ(*second, tmp.Sub("data/input/events_batch_0002_20261123.csv"));
  EXPECT_EQ(ReadWholeFile(*second), "b\n");
  // Nothing else: no temp file is left behind.
  EXPECT_EQ(ListNames(tmp.Sub("data/input")),
            (std::set<std::string>{"events_batch_0001_20261123.csv", "events_batch_0002_20261123.csv"}));
}

TEST(CsvBatchFilesTest, NumberingContinuesAfterEarlierRunsWhateverTheirDate) {
  ScratchDir tmp;
  Touch(tmp.Sub("events_batch_0003_20251101.csv"));
  Touch(tmp.Sub("events_batch_0011_20251102.csv"));
  Touch(tmp.Sub(".events_batch_0012_20251102.csv.tmp"));  // left by a crash: its number is taken too
  Touch(tmp.Sub("notes.txt"));
  auto files = CsvBatchFiles::Open(tmp.path());
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->next_batch(), 13u);
  auto path = files->Write("new\n", kNov23);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, tmp.Sub("events_batch_0013_20261123.csv"));
  EXPECT_EQ(ReadWholeFile(tmp.Sub("events_batch_0011_20251102.csv")), "x\n");
}

TEST(CsvBatchFilesTest, NeverOverwritesAFileThatAppearedMeanwhile) {
  ScratchDir tmp;
  auto files = CsvBatchFiles::Open(tmp.path());
  ASSERT_TRUE(files.ok());
  // Another writer takes 1 (final name) and 2 (still writing) after this one looked.
  Touch(tmp.Sub("events_batch_0001_20261123.csv"));
  Touch(tmp.Sub(".events_batch_0002_20261123.csv.tmp"));
  auto path = files->Write("mine\n", kNov23);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, tmp.Sub("events_batch_0003_20261123.csv"));
  EXPECT_EQ(ReadWholeFile(tmp.Sub("events_batch_0001_20261123.csv")), "x\n");
  EXPECT_EQ(ReadWholeFile(tmp.Sub(".events_batch_0002_20261123.csv.tmp")), "x\n");
  EXPECT_EQ(files->next_batch(), 4u);
}

TEST(CsvBatchFilesTest, AWatcherNeverSeesAPartialFile) {
  ScratchDir tmp;
  auto files = CsvBatchFiles::Open(tmp.path());
  ASSERT_TRUE(files.ok());
  const std::string content = std::string(4 * 1024 * 1024, 'e') + "\n";
  std::atomic<bool> done{false};
  std::atomic<int> looks{0}, partial{0};
  std::thread watcher([&] {
    while (!done.load()) {
      for (const std::string& name : ListNames(tmp.path())) {
        if (name[0] == '.' || absl::EndsWith(name, ".tmp")) continue;  // what the bridge skips
        ++looks;
        if (ReadWholeFile(tmp.Sub(name)) != content) ++partial;
      }
    }
  });
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(files->Write(content, kNov23).ok());
  done.store(true);
  watcher.join();
  EXPECT_GT(looks.load(), 0);
  EXPECT_EQ(partial.load(), 0);
  EXPECT_EQ(ListNames(tmp.path()).size(), 20u);
}

TEST(CsvBatchFilesTest, AFolderThatCannotBeMadeNamesThePath) {
  ScratchDir tmp;
  Touch(tmp.Sub("file"));
  auto files = CsvBatchFiles::Open(tmp.Sub("file/input"));
  ASSERT_FALSE(files.ok());
  EXPECT_TRUE(absl::StrContains(files.status().message(), tmp.Sub("file/input"))) << files.status();
}

TEST(IsInsideDirectoryTest, ResolvesDotsSlashesAndSymlinks) {
  ScratchDir tmp;
  const std::string in = tmp.Sub("data/input");
  ASSERT_TRUE(MakeDirectories(in).ok());
  EXPECT_TRUE(IsInsideDirectory(in + "/products.csv", in));
  EXPECT_TRUE(IsInsideDirectory(in + "/products.csv", in + "/"));
  EXPECT_TRUE(IsInsideDirectory(in + "/sub/products.csv", in));
  EXPECT_TRUE(IsInsideDirectory(tmp.Sub("data/catalog/../input/products.csv"), in));
  EXPECT_FALSE(IsInsideDirectory(tmp.Sub("data/catalog/products.csv"), in));
  EXPECT_FALSE(IsInsideDirectory(tmp.Sub("data/input2/products.csv"), in));
  EXPECT_FALSE(IsInsideDirectory(tmp.Sub("data/products.csv"), in));
  ASSERT_EQ(symlink(in.c_str(), tmp.Sub("link").c_str()), 0);
  EXPECT_TRUE(IsInsideDirectory(tmp.Sub("link/products.csv"), in));
  EXPECT_TRUE(IsInsideDirectory(in + "/products.csv", tmp.Sub("link")));
}

TEST(ReplaceFileDurablyTest, CreatesTheFolderAndReplacesTheFile) {
  ScratchDir tmp;
  const std::string path = tmp.Sub("data/catalog/products.csv");
  ASSERT_TRUE(ReplaceFileDurably(path, "one\n").ok());
  ASSERT_TRUE(ReplaceFileDurably(path, "two\n").ok());
  EXPECT_EQ(ReadWholeFile(path), "two\n");
  EXPECT_EQ(ListNames(tmp.Sub("data/catalog")), (std::set<std::string>{"products.csv"}));
}

}  // namespace
}  // namespace ingest::generator
