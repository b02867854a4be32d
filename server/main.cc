// ingest-server: command line -> ServerConfig -> Run.
#include <CLI/CLI.hpp>
#include <iostream>

#include "common/logging.h"
#include "common/units.h"
#include "server/server.h"

namespace {

// CLI11 validators for the contract's duration and size spellings.
template <typename T, typename Parse>
std::function<std::string(const std::string&)> Into(T* out, Parse parse) {
  return [out, parse](const std::string& text) -> std::string {
    auto parsed = parse(text);
    if (!parsed.ok()) return std::string(parsed.status().message());
    *out = *parsed;
    return "";
  };
}

}  // namespace

int main(int argc, char** argv) {
  ingest::server::ServerConfig config;
  CLI::App app{
      "ingest-server: receives click-stream events over gRPC (StreamEvents) and writes them to\n"
      "PostgreSQL in micro-batches, one transaction per batch. Admin API (ingest-admin) on\n"
      "--admin-listen, Prometheus /metrics on --metrics-listen. The database password comes from\n"
      "PGPASSFILE or ~/.pgpass, never the command line."};
  app.set_config("--config", "", "read options from this TOML/INI file (key = value, names without --)");
  app.add_option("--listen", config.listen, "ingest address (host:port, port 0 = any free port)")
      ->capture_default_str();
  app.add_option("--admin-listen", config.admin_listen, "admin address (host:port or unix:/path)")
      ->capture_default_str();
  app.add_option("--metrics-listen", config.metrics_listen,
                 "Prometheus metrics address (host:port, port 0 = any free port), served at /metrics; "
                 "\"\" turns it off")
      ->capture_default_str();
  app.add_option("--db", config.db,
                 "libpq connection string, e.g. \"host=127.0.0.1 port=5432 dbname=ecommerce_events "
                 "user=ingest\"; PG* environment variables fill what it leaves out")
      ->capture_default_str();
  std::string trigger = "10s", max_bytes = "64MiB", flush_timeout = "60s", drain_timeout = "30s",
              producer_ttl = "168h";
  app.add_option("--trigger", trigger, "seal the micro-batch this long after it opened (500ms, 10s, 2m)")
      ->capture_default_str()
      ->check(Into(&config.trigger, ingest::ParseDuration));
  app.add_option("--max-batch-events", config.max_batch_events, "seal the micro-batch once it holds this many events")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-batch-bytes", max_bytes, "seal the micro-batch once it holds this much (4MiB, bytes)")
      ->capture_default_str()
      ->check(Into(&config.max_batch_bytes, ingest::ParseSize));
  std::string on_conflict = "update";
  app.add_option("--on-conflict", on_conflict,
                 "a repeated event_id: update (the last write wins) or ignore (the first row stays)")
      ->capture_default_str()
      ->check(CLI::IsMember({"update", "ignore"}));
  app.add_option("--ack", config.ack_mode,
                 "when a batch is acked: durable (once it is in the fsynced write-ahead log) or committed "
                 "(once its micro-batch committed in PostgreSQL)")
      ->capture_default_str()
      ->check(CLI::IsMember({"durable", "committed"}));
  std::string segment_bytes = "64MiB";
  app.add_option("--wal-segment-bytes", segment_bytes, "size of each preallocated write-ahead log segment")
      ->capture_default_str()
      ->check(Into(&config.wal_segment_bytes, ingest::ParseSize));
  std::string max_upload = "256MiB";
  app.add_option("--max-upload-bytes", max_upload, "largest file UploadFile takes (RESOURCE_EXHAUSTED past it)")
      ->capture_default_str()
      ->check(Into(&config.max_upload_bytes, ingest::ParseSize));
  std::string wal_max = "8GiB";
  app.add_option("--wal-max-bytes", wal_max,
                 "log budget: past it streams stop reading new batches (flow control) and uploads get "
                 "UNAVAILABLE with a retry-after-ms hint, until commits free log space")
      ->capture_default_str()
      ->check(Into(&config.wal_max_bytes, ingest::ParseSize));
  app.add_flag("--verify-checkpoints", config.verify_checkpoints,
               "read every log record and checkpoint entry in --checkpoint-dir, report damage, and exit "
               "(0: sound, 1: damage found); changes nothing");
  app.add_option("--checkpoint-dir", config.checkpoint_dir,
                 "directory for the server id, the write-ahead log (wal/) and checkpoints (offsets/, commits/)")
      ->capture_default_str();
  app.add_option("--server-id", config.server_id,
                 "stable id of this server (default: a UUID created once in --checkpoint-dir)");
  app.add_option("--flush-timeout", flush_timeout, "longest a Flush waits when the caller sets no deadline")
      ->capture_default_str()
      ->check(Into(&config.flush_timeout, ingest::ParseDuration));
  app.add_option("--drain-timeout", drain_timeout, "on SIGTERM/SIGINT, how long to try to commit the open window")
      ->capture_default_str()
      ->check(Into(&config.drain_timeout, ingest::ParseDuration));
  app.add_option("--producer-ttl", producer_ttl, "forget a producer's sequence state after this long idle")
      ->capture_default_str()
      ->check(Into(&config.producer_ttl, ingest::ParseDuration));
  app.add_option("--ready-file", config.ready_file,
                 "once listening, write the bound addresses here (lines ingest=ADDR, admin=ADDR and, when served, "
                 "metrics=ADDR)");
  app.add_option("--log-level", config.log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  config.update_on_conflict = on_conflict == "update";
  if (auto st = ingest::SetLogLevel(config.log_level); !st.ok()) {
    std::cerr << "ingest-server: " << st.message() << "\n";
    return 2;
  }
  return ingest::server::Run(config);
}
