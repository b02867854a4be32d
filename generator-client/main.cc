// event-generator: streams realistic e-commerce events to ingest-server over gRPC, or writes them
// as seed-style CSV files for the file bridge (--csv-out).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/tls_options.h"
#include "common/units.h"
#include "generator-client/csv_event_format.h"
#include "generator-client/event_factory.h"
#include "generator-client/file_mode_runner.h"
#include "generator-client/generator_config.h"
#include "generator-client/load_runner.h"

namespace {

constexpr char kFooter[] = R"(
Events: 1000 users (user_0001..user_1000) browse 25 products in 5 categories in sessions of a few
events on mobile 55% / desktop 35% / tablet 10%; quantity 1..5 (mostly 1) for cart and purchase
events; event_id = <producer_id>-<sequence>-<index>. Event mix:
  %MIX%

Each producer keeps up to --window unacked batches; when its stream breaks (UNAVAILABLE, ABORTED,
lost connection) it reconnects with backoff (100ms..5s) and resends them with the same sequences.
A fixed --producer-id must be new to the server: sequences restart at 1 every run.

On a terminal, a line on stderr shows the progress of streaming: events sent and acked, the acked
rate of the last seconds, rejected events, reconnects, elapsed time and, when the run has an end,
percent done and ETA. Into a pipe or a file it is left out; INGEST_PROGRESS=always draws it there
too, INGEST_PROGRESS=never nowhere.

File mode (--csv-out DIR), like the seed generator: each batch becomes a file
DIR/events_batch_NNNN_YYYYMMDD.csv (numbering continues after the files already in DIR), written
as .events_batch_NNNN_YYYYMMDD.csv.tmp and renamed when complete; --format user_events or
raw_events (view/click/buy only); the product catalog goes to --catalog-out once at start. Event
ids are csv-<8 random hex>-<batch>-<index>. No server is contacted; --target, --window,
--connect-timeout and --drain-timeout are ignored, --producers, --rate and --acked-log refused.
Invalid rows in files (--invalid-ratio), one kind each:
  %INVALID%.

Examples:
  event-generator --events 10 --batches 6 --interval 5
  event-generator --continuous --producers 8 --rate 50000 --events 500 --duration 1m --json
  event-generator --batches 3 --invalid-ratio 0.2 --acked-log acked.txt
  event-generator --csv-out data/input --events 100 --batches 10 --interval 10s

Exit codes: 0 every batch acked (files: every file written); 1 some batches not acked or refused
(files: a write failed); 2 bad usage, or the server could not be reached within --connect-timeout.)";

// Stream-only options given with --csv-out do nothing; say so rather than ignore them silently.
void NoteIgnoredOptions(const std::vector<const CLI::Option*>& options) {
  for (const CLI::Option* option : options) {
    if (option->count() > 0) {
      std::fprintf(stderr,
                   "event-generator: note: %s has no effect with --csv-out (no server is contacted)\n",
                   option->get_name().c_str());
    }
  }
}

bool ParseDurationOption(const std::string& name, const std::string& text, absl::Duration* out) {
  auto parsed = ingest::ParseDuration(text);
  if (!parsed.ok()) {
    std::fprintf(stderr, "event-generator: %s: %s\n", name.c_str(),
                 std::string(parsed.status().message()).c_str());
    return false;
  }
  *out = *parsed;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  ingest::generator::GeneratorConfig config;
  std::string interval = "5", duration, connect_timeout = "10s", drain_timeout = "60s", log_level = "info";
  uint64_t seed = 0;

  CLI::App app{
      "event-generator: streams realistic e-commerce events to ingest-server (gRPC StreamEvents)\n"
      "in numbered batches and reports acks, throughput and ack latency; or, with --csv-out, writes\n"
      "them as seed-style CSV files for file-bridge."};
  std::string footer = kFooter;
  footer.replace(footer.find("%MIX%"), 5, ingest::generator::EventMixText());
  footer.replace(footer.find("%INVALID%"), 9, ingest::generator::InvalidRowKindsText());
  app.footer(footer);
  app.set_config("--config", "", "Read options from a TOML/INI file (same names as the flags)");
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return absl::StrCat("event-generator: ", e.what(), " (see --help)\n");
  });
  auto* target_option = app.add_option("--target", config.target, "ingest-server address host:port")
                            ->type_name("ADDR")
                            ->capture_default_str();
  ingest::AddClientSecurityOptions(app, config.tls, config.token_file);
  app.add_option("--events", config.events_per_batch, "Events per batch")->capture_default_str();
  app.add_option("--batches", config.batches, "Batches per producer (ignored with --continuous)")
      ->capture_default_str();
  app.add_option("--interval", interval,
                 "Pause between batches of a producer: seconds or a duration (200ms, 2s); unused with --rate")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_flag("--continuous", config.continuous, "Send until --duration elapses or SIGINT/SIGTERM");
  app.add_option("--producers", config.producers,
                 "Independent producers, each with its own stream, id and sequences")
      ->capture_default_str();
  app.add_option("--rate", config.rate, "Target events per second over all producers (0: pace by --interval)")
      ->capture_default_str();
  app.add_option("--duration", duration, "Stop sending after this long (e.g. 30s, 5m), then wait for acks")
      ->type_name("DURATION");
  auto* window_option = app.add_option("--window", config.window, "Unacked batches in flight per producer")
                            ->capture_default_str();
  app.add_option(
      "--producer-id", config.producer_id,
      "Producer id (default gen-<8 random hex>-<k>, new each run); with --producers K: ID-1..ID-K; "
      "with --csv-out the event id prefix (default csv-<8 random hex>)");
  app.add_option(
         "--invalid-ratio", config.invalid_ratio,
         "Fraction 0..1 of events made invalid on purpose (quantity 0, no user_id, price out of range, "
         "no event type; for files, see below)")
      ->capture_default_str();
  app.add_option("--acked-log", config.acked_log, "Append the event_id of every accepted event to this file")
      ->type_name("FILE");
  app.add_flag("--json", config.json, "Print the summary as one JSON object");
  auto* connect_option =
      app.add_option("--connect-timeout", connect_timeout, "Give up when no connection is made for this long")
          ->type_name("DURATION")
          ->capture_default_str();
  auto* drain_option =
      app.add_option("--drain-timeout", drain_timeout, "After sending stops, wait this long at most for acks")
          ->type_name("DURATION")
          ->capture_default_str();
  auto* seed_option =
      app.add_option("--seed", seed, "Seed of the random events (default: random, shown in the summary)");
  auto* csv_out_option =
      app.add_option("--csv-out", config.csv_out,
                     "Write each batch as a CSV file into this folder instead of streaming (seed-compatible)")
          ->type_name("DIR");
  app.add_option("--format", config.format, "With --csv-out: user_events or raw_events")
      ->capture_default_str()
      ->needs(csv_out_option);
  app.add_option(
         "--catalog-out", config.catalog_out,
         "With --csv-out: write the product catalog here at start (\"\" for none); not inside --csv-out")
      ->type_name("FILE")
      ->capture_default_str()
      ->needs(csv_out_option);
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : ingest::generator::kExitUnreachable;
  }
  if (!ParseDurationOption("--interval", interval, &config.interval) ||
      !ParseDurationOption("--connect-timeout", connect_timeout, &config.connect_timeout) ||
      !ParseDurationOption("--drain-timeout", drain_timeout, &config.drain_timeout) ||
      (!duration.empty() && !ParseDurationOption("--duration", duration, &config.duration))) {
    return ingest::generator::kExitUnreachable;
  }
  if (seed_option->count() > 0) config.seed = seed;
  config.progress = ingest::ProgressModeFromEnvironment("event-generator");
  if (absl::Status s = ingest::SetLogLevel(log_level); !s.ok()) {
    std::fprintf(stderr, "event-generator: --log-level: %s\n", std::string(s.message()).c_str());
    return ingest::generator::kExitUnreachable;
  }
  if (config.csv_out.empty()) return ingest::generator::Run(config);
  NoteIgnoredOptions({target_option, window_option, connect_option, drain_option});
  return ingest::generator::RunFiles(config);
}
