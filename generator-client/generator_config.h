// GeneratorConfig: everything the event-generator command line sets, checked in one place so the
// library (and its tests) run exactly what a user typed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/progress.h"
#include "common/tls_credentials.h"

namespace ingest::generator {

struct GeneratorConfig {
  std::string target = "127.0.0.1:50051";  // ingest-server address, host:port
  std::string token_file;                  // --token-file: the bearer token
  TlsFiles tls;                            // --tls-ca (TLS on), --tls-cert/--tls-key (mTLS)
  int events_per_batch = 10;
  uint64_t batches = 1;                        // per producer; ignored with `continuous`
  absl::Duration interval = absl::Seconds(5);  // between batches when rate == 0
  bool continuous = false;                     // send until `duration` or SIGINT/SIGTERM
  int producers = 1;
  double rate = 0;                                     // events/s over all producers; 0 = use `interval`
  absl::Duration duration = absl::InfiniteDuration();  // stop sending after this
  int window = 8;                                      // unacked batches in flight per producer
  std::string producer_id;                             // empty: gen-<8 hex>-<k>, new each run
  double invalid_ratio = 0;                            // fraction of events made invalid on purpose
  std::string acked_log;                               // file for accepted event ids; empty = none
  bool json = false;                                   // summary as one JSON object
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration drain_timeout = absl::Seconds(60);  // wait for acks after sending stops
  std::optional<uint64_t> seed;                      // nullopt: a random seed, shown in the summary
  ProgressMode progress = ProgressMode::kAuto;       // INGEST_PROGRESS: a line on stderr while streaming
  // File mode (seed-compatible): write each batch as a CSV file into `csv_out` instead of
  // streaming; no server is contacted.
  std::string csv_out;                                    // empty: stream mode
  std::string format = "user_events";                     // user_events or raw_events
  std::string catalog_out = "data/catalog/products.csv";  // written once at start; empty = none
};

// Longest producer id accepted, so `<producer_id>-<sequence>-<index>` stays within 50 bytes.
inline constexpr size_t kMaxProducerIdBytes = 28;
// Largest --events: the index part of an event id has at most 7 digits.
inline constexpr int kMaxEventsPerBatch = 1000000;

// InvalidArgument naming the option and the allowed values when `config` cannot run; with
// `csv_out`, also the stream-only options that cannot apply to files.
absl::Status ValidateConfig(const GeneratorConfig& config);

// The producer ids of a run: `producer_id` alone for one producer, `producer_id-1..K` for K,
// or gen-<8 random hex>-1..K when none was given.
std::vector<std::string> ProducerIds(const GeneratorConfig& config);

// The time between two batches of one producer: from `rate` when set, else `interval`.
absl::Duration BatchInterval(const GeneratorConfig& config);

}  // namespace ingest::generator
