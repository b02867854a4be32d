#include "generator-client/file_mode_runner.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "generator-client/catalog.h"
#include "generator-client/csv_event_format.h"
#include "generator-client/csv_file_writer.h"
#include "generator-client/event_factory.h"

namespace ingest::generator {
namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { RequestFileModeStop(); }

uint64_t RandomBits() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

// Sleeps until `until`, waking every 20 ms for a stop request; false when one came.
bool SleepUntil(absl::Time until) {
  while (!g_stop.load()) {
    const absl::Duration left = until - absl::Now();
    if (left <= absl::ZeroDuration()) return true;
    absl::SleepFor(std::min(left, absl::Milliseconds(20)));
  }
  return false;
}

// One file's content: `format`'s header and a row per event of `batch`, each made invalid on
// purpose with probability `invalid_ratio`, drawn from `rng`.
class BatchFileContent {
 public:
  BatchFileContent(CsvFormat format, double invalid_ratio, uint64_t seed)
      : format_(format), invalid_ratio_(invalid_ratio), rng_(seed) {}

  // The file for `batch`; adds the rows made invalid to `*invalid_rows`.
  const std::string& Make(const v1::EventBatch& batch, uint64_t* invalid_rows) {
    text_ = format_.header();
    for (const v1::Event& event : batch.events()) {
      if (invalid_ratio_ > 0 && static_cast<double>(rng_() >> 11) * 0x1.0p-53 < invalid_ratio_) {
        format_.AppendInvalidRow(event, static_cast<InvalidRow>(rng_() % kInvalidRowKinds), &text_);
        ++*invalid_rows;
      } else {
        format_.AppendRow(event, &text_);
      }
    }
    return text_;
  }

 private:
  CsvEventFormat format_;
  double invalid_ratio_;
  std::mt19937_64 rng_;
  std::string text_;
};

// Creates the --csv-out folder and writes the catalog; an error is the user's one line.
absl::StatusOr<CsvBatchFiles> PrepareOutput(const GeneratorConfig& c, FileSummary* summary) {
  absl::StatusOr<CsvBatchFiles> files = CsvBatchFiles::Open(c.csv_out);
  if (!files.ok()) {
    return absl::Status(files.status().code(),
                        absl::StrCat("cannot use --csv-out: ", files.status().message(),
                                     "; give a folder that can be created and written"));
  }
  if (!c.catalog_out.empty()) {
    if (absl::Status s = ReplaceFileDurably(c.catalog_out, CatalogCsv(Catalog::Default())); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("cannot write the catalog: ", s.message(),
                                                 "; give --catalog-out a writable path, or \"\" for none"));
    }
    summary->catalog = c.catalog_out;
  }
  return files;
}

// Writes batch files until --batches, --duration or a stop request, counting them in `*summary`;
// an error is the user's one line.
absl::Status WriteBatches(const GeneratorConfig& c, absl::Time start, CsvBatchFiles* files,
                          FileSummary* summary) {
  const CsvFormat format = *ParseCsvFormat(c.format);
  // Event ids <run id>-<batch>-<index>: the random run id keeps them unique across runs.
  const std::string run_id = c.producer_id.empty()
                                 ? absl::StrFormat("csv-%08x", static_cast<uint32_t>(RandomBits()))
                                 : c.producer_id;
  EventFactory factory(Catalog::Default(), summary->seed, 0, EventMixOf(format));
  BatchFileContent content(format, c.invalid_ratio, summary->seed ^ 0x9E3779B97F4A7C15ULL);
  v1::EventBatch batch;
  auto log = Logger("generator");
  const absl::Time stop_at =
      c.duration == absl::InfiniteDuration() ? absl::InfiniteFuture() : start + c.duration;
  absl::Time next_at = start;
  for (uint64_t k = 0; c.continuous || k < c.batches; ++k) {
    if (k > 0 && !SleepUntil(std::min(next_at, stop_at))) break;
    if (g_stop.load() || absl::Now() >= stop_at) break;
    next_at = absl::Now() + c.interval;
    factory.FillBatch(run_id, files->next_batch(), c.events_per_batch, &batch);
    uint64_t invalid = 0;
    absl::StatusOr<std::string> path = files->Write(content.Make(batch, &invalid), absl::Now());
    if (!path.ok()) {
      return absl::Status(path.status().code(),
                          absl::StrCat(path.status().message(), "; ", summary->files,
                                       " complete files were written before it and no partial one is left; "
                                       "fix the folder and run again (numbering continues after them)"));
    }
    const std::string name = path->substr(path->find_last_of('/') + 1);
    if (summary->files == 0) summary->first_file = name;
    summary->last_file = name;
    ++summary->files;
    summary->rows += batch.events_size();
    summary->invalid_rows += invalid;
    log->info("wrote {} ({} rows, {} invalid on purpose)", *path, batch.events_size(), invalid);
  }
  return absl::OkStatus();
}

}  // namespace

void RequestFileModeStop() { g_stop.store(true); }

FileRunOutcome RunFileMode(const GeneratorConfig& c) {
  FileRunOutcome outcome;
  const absl::Time start = absl::Now();
  FileSummary& summary = outcome.summary;
  absl::Status status = ValidateConfig(c);
  if (status.ok() && c.csv_out.empty()) status = absl::InvalidArgumentError("file mode needs --csv-out DIR");
  if (status.ok()) {
    g_stop.store(false);
    summary.dir = c.csv_out;
    summary.format = c.format;
    summary.seed = c.seed.value_or(RandomBits());
    absl::StatusOr<CsvBatchFiles> files = PrepareOutput(c, &summary);
    status = files.ok() ? WriteBatches(c, start, &*files, &summary) : files.status();
    if (!status.ok()) outcome.exit_code = kExitWriteFailed;
  } else {
    outcome.exit_code = kExitBadUsage;
  }
  if (!status.ok()) outcome.failure = absl::StrCat("event-generator: ", status.message());
  summary.elapsed = absl::Now() - start;
  return outcome;
}

int RunFiles(const GeneratorConfig& config) {
  struct sigaction action = {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  FileRunOutcome outcome = RunFileMode(config);
  if (outcome.exit_code != kExitBadUsage) {
    const std::string text =
        config.json ? FormatFileSummaryJson(outcome.summary) : FormatFileSummaryTable(outcome.summary);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }
  if (!outcome.failure.empty()) std::fprintf(stderr, "%s\n", outcome.failure.c_str());
  return outcome.exit_code;
}

}  // namespace ingest::generator
