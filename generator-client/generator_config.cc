#include "generator-client/generator_config.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "generator-client/csv_event_format.h"
#include "generator-client/csv_file_writer.h"

namespace ingest::generator {
namespace {

absl::Status ValidateFileMode(const GeneratorConfig& c) {
  if (!ParseCsvFormat(c.format)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--format '", c.format, "' is unknown; use user_events or raw_events"));
  }
  if (!c.acked_log.empty()) {
    return absl::InvalidArgumentError(
        "--acked-log lists events a server acked, but --csv-out sends nothing; leave it out (the file "
        "bridge writes what the server accepted to archive/<file>.result.json)");
  }
  if (c.producers != 1) {
    return absl::InvalidArgumentError(
        "--producers applies to streams; --csv-out writes one series of files: leave it out, or start "
        "several event-generators (they may share the folder)");
  }
  if (c.rate != 0) {
    return absl::InvalidArgumentError("--rate paces streams; with --csv-out pace the files with --interval");
  }
  if (!c.catalog_out.empty() && IsInsideDirectory(c.catalog_out, c.csv_out)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--catalog-out ", c.catalog_out, " lies inside the --csv-out folder ", c.csv_out,
                     ", where the file bridge would ingest it as events; put it elsewhere (default "
                     "data/catalog/products.csv)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateConfig(const GeneratorConfig& c) {
  if (c.target.empty()) return absl::InvalidArgumentError("--target is empty; give host:port");
  if (c.events_per_batch < 1 || c.events_per_batch > kMaxEventsPerBatch) {
    return absl::InvalidArgumentError(
        absl::StrCat("--events ", c.events_per_batch, " is out of range; use 1..", kMaxEventsPerBatch));
  }
  if (!c.continuous && c.batches < 1) {
    return absl::InvalidArgumentError("--batches must be at least 1 (or use --continuous)");
  }
  if (c.interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--interval must not be negative");
  }
  if (c.producers < 1 || c.producers > 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("--producers ", c.producers, " is out of range; use 1..1024"));
  }
  if (!(c.rate >= 0)) return absl::InvalidArgumentError("--rate must be 0 or more events per second");
  if (c.duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--duration must be more than 0");
  }
  if (c.window < 1 || c.window > 4096) {
    return absl::InvalidArgumentError(absl::StrCat("--window ", c.window, " is out of range; use 1..4096"));
  }
  if (!(c.invalid_ratio >= 0 && c.invalid_ratio <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--invalid-ratio ", c.invalid_ratio, " is out of range; use 0..1"));
  }
  if (c.connect_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--connect-timeout must be more than 0");
  }
  if (c.drain_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--drain-timeout must not be negative");
  }
  for (const std::string& id : ProducerIds(c)) {
    if (id.size() > kMaxProducerIdBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("--producer-id gives '", id, "', ", id.size(), " bytes; use at most ",
                       kMaxProducerIdBytes, " so event ids (<producer>-<sequence>-<index>) fit 50 bytes"));
    }
  }
  if (!c.csv_out.empty()) return ValidateFileMode(c);
  return absl::OkStatus();
}

std::vector<std::string> ProducerIds(const GeneratorConfig& c) {
  std::string base = c.producer_id;
  bool suffix = c.producers > 1;
  if (base.empty()) {
    std::random_device rd;
    base = absl::StrFormat("gen-%08x", static_cast<uint32_t>(rd()));
    suffix = true;
  }
  std::vector<std::string> ids;
  for (int k = 1; k <= c.producers; ++k) ids.push_back(suffix ? absl::StrCat(base, "-", k) : base);
  return ids;
}

absl::Duration BatchInterval(const GeneratorConfig& c) {
  if (c.rate > 0) return absl::Seconds(c.events_per_batch * c.producers / c.rate);
  return c.interval;
}

}  // namespace ingest::generator
