#include "generator-client/file_mode_runner.h"

#include <signal.h>
#include <sys/resource.h>

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "common/durable_file.h"
#include "common/event_row.h"
#include "generator-client/csv_event_format.h"
#include "generator-client/csv_file_writer.h"
#include "gtest/gtest.h"
#include "tests/unit/generator-client/csv_test_util.h"

namespace ingest::generator {
namespace {

using ::ingest::generator::testing::ListNames;
using ::ingest::generator::testing::ReadCsvText;
using ::ingest::generator::testing::ReadWholeFile;
using ::ingest::generator::testing::ScratchDir;

// --csv-out <tmp>/input --catalog-out <tmp>/catalog/products.csv --interval 0 --seed 1.
GeneratorConfig FileConfig(const ScratchDir& tmp) {
  GeneratorConfig c;
  c.csv_out = tmp.Sub("input");
  c.catalog_out = tmp.Sub("catalog/products.csv");
  c.interval = absl::ZeroDuration();
  c.seed = 1;
  return c;
}

// Every data row of every file in `dir`, read back by the product's CSV reader.
std::vector<csv::CsvRow> AllRows(const std::string& dir) {
  std::vector<csv::CsvRow> rows;
  for (const std::string& name : ListNames(dir)) {
    for (csv::CsvRow& row : ReadCsvText(ReadWholeFile(dir + "/" + name)).rows) rows.push_back(std::move(row));
  }
  return rows;
}

TEST(FileModeRunnerTest, ThreeBatchesOfFiveWriteThreeFilesOfFiveRows) {
  ScratchDir tmp;
  GeneratorConfig c = FileConfig(tmp);
  c.batches = 3;
  c.events_per_batch = 5;
  FileRunOutcome out = RunFileMode(c);
  ASSERT_EQ(out.exit_code, 0) << out.failure;
  const std::set<std::string> names = ListNames(c.csv_out);
  ASSERT_EQ(names.size(), 3u);
  int n = 0;
  for (const std::string& name : names) {
    EXPECT_EQ(BatchNumberOf(name), static_cast<uint64_t>(++n)) << name;
    EXPECT_TRUE(absl::EndsWith(name, ".csv")) << name;
    const std::string text = ReadWholeFile(c.csv_out + "/" + name);
    EXPECT_TRUE(absl::StartsWith(text, CsvEventFormat(CsvFormat::kUserEvents).header()));
    testing::ReadBack back = ReadCsvText(text);
    ASSERT_EQ(back.rows.size(), 5u) << name;
    for (const csv::CsvRow& row : back.rows) EXPECT_FALSE(row.problem.has_value()) << row.problem->reason;
  }
  EXPECT_EQ(out.summary.files, 3u);
  EXPECT_EQ(out.summary.rows, 15u);
  EXPECT_EQ(out.summary.invalid_rows, 0u);
  EXPECT_EQ(out.summary.first_file, *names.begin());
  EXPECT_EQ(out.summary.last_file, *names.rbegin());
  EXPECT_EQ(ReadWholeFile(c.catalog_out), CatalogCsv(Catalog::Default()));
}

TEST(FileModeRunnerTest, EventIdsAreUniqueAcrossFilesAndRunsAndNameTheirFile) {
  ScratchDir tmp;
  GeneratorConfig c = FileConfig(tmp);
  c.batches = 2;
  c.events_per_batch = 50;
  ASSERT_EQ(RunFileMode(c).exit_code, 0);
  ASSERT_EQ(RunFileMode(c).exit_code, 0);  // same seed, same folder: new files, new ids
  EXPECT_EQ(ListNames(c.csv_out).size(), 4u);
  std::set<std::string> ids;
  for (const csv::CsvRow& row : AllRows(c.csv_out)) {
    EXPECT_TRUE(ids.insert(row.event.event_id()).second) << row.event.event_id();
    // csv-<8 hex>-<batch>-<index>
    std::vector<std::string> parts = absl::StrSplit(row.event.event_id(), '-');
    ASSERT_EQ(parts.size(), 4u) << row.event.event_id();
    EXPECT_EQ(parts[0], "csv");
    EXPECT_EQ(parts[1].size(), 8u);
  }
  EXPECT_EQ(ids.size(), 200u);
}

TEST(FileModeRunnerTest, SameSeedSameRowsApartFromIdsAndTimes) {
  ScratchDir a, b;
  GeneratorConfig ca = FileConfig(a), cb = FileConfig(b);
  ca.events_per_batch = cb.events_per_batch = 200;
  ca.invalid_ratio = cb.invalid_ratio = 0.2;
  ASSERT_EQ(RunFileMode(ca).exit_code, 0);
  ASSERT_EQ(RunFileMode(cb).exit_code, 0);
  std::vector<csv::CsvRow> ra = AllRows(ca.csv_out), rb = AllRows(cb.csv_out);
  ASSERT_EQ(ra.size(), rb.size());
  for (size_t i = 0; i < ra.size(); ++i) {
    EXPECT_EQ(ra[i].problem.has_value(), rb[i].problem.has_value()) << i;
    if (ra[i].problem) {
      EXPECT_EQ(ra[i].problem->code, rb[i].problem->code);
      continue;
    }
    EventRow x = ToEventRow(ra[i].event), y = ToEventRow(rb[i].event);
    x.event_id = y.event_id = "";
    x.event_time_us = y.event_time_us = 0;
    EXPECT_EQ(x, y) << i;
  }
}

TEST(FileModeRunnerTest, InvalidRowsAreCountedAndAllRejectedByTheReader) {
  ScratchDir tmp;
  GeneratorConfig c = FileConfig(tmp);
  c.batches = 4;
  c.events_per_batch = 250;
  c.invalid_ratio = 0.3;
  FileRunOutcome out = RunFileMode(c);
  ASSERT_EQ(out.exit_code, 0) << out.failure;
  std::set<std::string> codes;
  uint64_t problems = 0;
  for (const csv::CsvRow& row : AllRows(c.csv_out)) {
    if (row.problem) {
      ++problems;
      codes.insert(row.problem->code);
    }
  }
  EXPECT_EQ(problems, out.summary.invalid_rows);
  EXPECT_GT(problems, 200u);
  EXPECT_LT(problems, 400u);
  EXPECT_EQ(codes, (std::set<std::string>{"bad_number", "bad_enum", "bad_timestamp", "out_of_range",
                                          "missing_field", "wrong_field_count"}));
}

TEST(FileModeRunnerTest, RawEventsFilesHaveOnlyViewClickAndBuy) {
  ScratchDir tmp;
  GeneratorConfig c = FileConfig(tmp);
  c.format = "raw_events";
  c.events_per_batch = 500;
  ASSERT_EQ(RunFileMode(c).exit_code, 0);
  const std::string name = *ListNames(c.csv_out).begin();
  const std::string text = ReadWholeFile(c.csv_out + "/" + name);
  EXPECT_TRUE(absl::StartsWith(text, CsvEventFormat(CsvFormat::kRawEvents).header()));
  EXPECT_EQ(ReadCsvText(text).format, "raw_events");
  std::set<std::string> types;
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  for (size_t i = 1; i < lines.size(); ++i) {
    types.insert(std::string(std::vector<absl::string_view>(absl::StrSplit(lines[i], ','))[2]));
  }
  EXPECT_EQ(types, (std::set<std::string>{"view", "click", "buy"}));
}

TEST(FileModeRunnerTest, CatalogInsideTheWatchedFolderIsRefusedBeforeWritingAnything) {
  ScratchDir tmp;
  GeneratorConfig c = FileConfig(tmp);
  c.catalog_out = c.csv_out + "/products.csv";
  FileRunOutcome out = RunFileMode(c);
  EXPECT_EQ(out.exit_code, kExitBadUsage);
  EXPECT_TRUE(absl::StrContains(out.failure, "--catalog-out")) << out.failure;
  EXPECT_TRUE(absl::StrContains(out.failure, "would ingest it as events")) << out.failure;
  EXPECT_EQ(out.failure.find('\n'), std::string::npos);
  EXPECT_TRUE(ListNames(tmp.path()).empty());
}

TEST(FileModeRunnerTest, StreamOnlyOptionsAreRefused) {
  ScratchDir tmp;
  GeneratorConfig acked = FileConfig(tmp), producers = FileConfig(tmp), rate = FileConfig(tmp),
                  format = FileConfig(tmp);
  acked.acked_log = tmp.Sub("acked.txt");
  producers.producers = 4;
  rate.rate = 1000;
  format.format = "parquet";
  for (const auto& [c, option] : {std::pair{acked, "--acked-log"}, std::pair{producers, "--producers"},
                                  std::pair{rate, "--rate"}, std::pair{format, "--format"}}) {
    FileRunOutcome out = RunFileMode(c);
    EXPECT_EQ(out.exit_code, kExitBadUsage) << option;
    EXPECT_TRUE(absl::StrContains(out.failure, option)) << out.failure;
  }
  EXPECT_TRUE(ListNames(tmp.path()).empty());
}

TEST(FileModeRunnerTest, NoCatalogWhenCatalogOutIsEmpty) {
  ScratchDir tmp;
  GeneratorConfig c = FileConfig(tmp);
  c.catalog_out = "";
  FileRunOutcome out = RunFileMode(c);
  ASSERT_EQ(out.exit_code, 0) << out.failure;
  EXPECT_EQ(ListNames(tmp.path()), (std::set<std::string>{"input"}));
  EXPECT_EQ(out.summary.catalog, "");
}

TEST(FileModeRunnerTest, ContinuousStopsAtDuration) {
  ScratchDir tmp;
  GeneratorConfig c = FileConfig(tmp);
  c.continuous = true;
  c.interval = absl::Milliseconds(100);
  c.duration = absl::Milliseconds(450);
  const absl::Time start = absl::Now();
  FileRunOutcome out = RunFileMode(c);
  ASSERT_EQ(out.exit_code, 0) << out.failure;
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_GE(out.summary.files, 3u);
  EXPECT_LE(out.summary.files, 5u);
  EXPECT_EQ(ListNames(c.csv_out).size(), out.summary.files);
}

TEST(FileModeRunnerTest, AFolderThatCannotBeWrittenFailsWithThePath) {
  ScratchDir tmp;
  GeneratorConfig c = FileConfig(tmp);
  ASSERT_TRUE(ReplaceFileDurably(tmp.Sub("blocker"), "x").ok());
  c.csv_out = tmp.Sub("blocker/input");
  FileRunOutcome out = RunFileMode(c);
  EXPECT_EQ(out.exit_code, kExitWriteFailed);
  EXPECT_TRUE(absl::StrContains(out.failure, c.csv_out)) << out.failure;
  EXPECT_TRUE(absl::StrContains(out.failure, "Not a directory")) << out.failure;
  EXPECT_EQ(ListNames(tmp.path()), (std::set<std::string>{"blocker"}));  // no catalog either
}

// A file over RLIMIT_FSIZE fails its write with EFBIG, as a full disk fails it with ENOSPC.
TEST(FileModeRunnerTest, AFailedWriteExitsOneAndLeavesNoPartialFile) {
  ScratchDir tmp;
  GeneratorConfig c = FileConfig(tmp);
  c.catalog_out = "";
  c.events_per_batch = 1000;  // about 150 KB
  ASSERT_TRUE(MakeDirectories(c.csv_out).ok());
  struct rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct rlimit small = saved;
  small.rlim_cur = 64 * 1024;
  sighandler_t old_handler = signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  FileRunOutcome out = RunFileMode(c);
  setrlimit(RLIMIT_FSIZE, &saved);
  signal(SIGXFSZ, old_handler);

  EXPECT_EQ(out.exit_code, kExitWriteFailed);
  EXPECT_TRUE(absl::StrContains(out.failure, ".events_batch_0001_")) << out.failure;
  EXPECT_TRUE(absl::StrContains(out.failure, "File too large")) << out.failure;
  EXPECT_EQ(out.summary.files, 0u);
  EXPECT_TRUE(ListNames(c.csv_out).empty());
}

}  // namespace
}  // namespace ingest::generator
