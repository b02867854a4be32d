// What a generator run achieved — counts, throughput and ack latency percentiles — and how it is
// printed: a human table or one JSON object.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace ingest::generator {

// Ack latencies in log-spaced buckets (about 2% wide): bounded memory however long a run is.
class LatencyHistogram {
 public:
  LatencyHistogram();
  void Add(absl::Duration latency);
  void Merge(const LatencyHistogram& other);
  uint64_t count() const { return count_; }
  // The latency below which a fraction `q` (0..1) of the samples lie; zero when empty.
  absl::Duration Quantile(double q) const;

 private:
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
};

// Counts of one producer, or of a whole run once merged.
struct ProducerStats {
  uint64_t batches_sent = 0;  // distinct batches sent at least once
  uint64_t batches_acked = 0;
  uint64_t batches_resent = 0;  // sends after a reconnect
  uint64_t events_sent = 0;
  uint64_t events_acked = 0;  // events of acked batches
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t reconnects = 0;
  LatencyHistogram latency;  // first send of a batch to its ack

  void Merge(const ProducerStats& other);
  // The counts only: cheap enough for a progress line redrawn a few times a second.
  void MergeCounts(const ProducerStats& other);
};

struct Summary {
  int producers = 0;
  uint64_t seed = 0;
  ProducerStats totals;
  absl::Duration elapsed;

  uint64_t batches_not_acked() const { return totals.batches_sent - totals.batches_acked; }
  double events_per_second() const;
};

// Aligned "name  value" lines for people.
std::string FormatSummaryTable(const Summary& summary);
// One line of JSON with the same numbers, for scripts.
std::string FormatSummaryJson(const Summary& summary);

// What a --csv-out run wrote.
struct FileSummary {
  std::string dir;            // --csv-out
  std::string format;         // user_events or raw_events
  std::string catalog;        // the catalog file written, empty when none
  uint64_t files = 0;         // batch files written completely
  uint64_t rows = 0;          // data rows in them
  uint64_t invalid_rows = 0;  // rows made invalid on purpose
  std::string first_file;     // names of the first and last file written, empty when none
  std::string last_file;
  uint64_t seed = 0;
  absl::Duration elapsed;
};

std::string FormatFileSummaryTable(const FileSummary& summary);
std::string FormatFileSummaryJson(const FileSummary& summary);

}  // namespace ingest::generator
