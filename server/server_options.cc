#include "server/server_options.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/units.h"
#include "server/sink/retention.h"

namespace ingest::server {
namespace {

// A CLI11 check that parses a duration or size spelling into `out`, or says what is wrong.
template <typename T, typename Parse>
std::function<std::string(const std::string&)> Into(T* out, Parse parse) {
  return [out, parse](const std::string& text) -> std::string {
    auto parsed = parse(text);
    if (!parsed.ok()) return std::string(parsed.status().message());
    *out = *parsed;
    return "";
  };
}

// An option spelt like a duration ("10s") or a size ("64MiB"), shown with its default.
template <typename T, typename Parse>
void AddParsed(CLI::App& app, const std::string& name, T* out, const std::string& default_text, Parse parse,
               const std::string& help) {
  app.add_option(name, help)->default_str(default_text)->check(Into(out, parse));
}

// --retention: 0 (keep everything) or at least Retention::kMinimum.
absl::StatusOr<absl::Duration> ParseRetention(absl::string_view text) {
  auto d = ParseDuration(text);
  if (d.ok() && *d > absl::ZeroDuration() && *d < Retention::kMinimum) {
    return absl::InvalidArgumentError(absl::StrCat("--retention ", text, " is too short: at least ",
                                                   DurationText(Retention::kMinimum),
                                                   ", or 0s to keep every row"));
  }
  return d;
}

void AddListenerOptions(CLI::App& app, ServerConfig& c) {
  app.add_option("--listen", c.listen, "ingest address (host:port, port 0 = any free port)")
      ->capture_default_str();
  app.add_option("--admin-listen", c.admin_listen, "admin address (host:port or unix:/path)")
      ->capture_default_str();
  app.add_option("--metrics-listen", c.metrics_listen,
                 "Prometheus metrics address (host:port, port 0 = any free port), served at /metrics; "
                 "\"\" turns it off")
      ->capture_default_str();
  app.add_option("--tls-cert", c.tls.cert,
                 "PEM certificate (chain): TLS on the ingest listener and a TCP admin one")
      ->type_name("FILE");
  app.add_option("--tls-key", c.tls.key, "PEM private key of --tls-cert")->type_name("FILE");
  app.add_option("--tls-client-ca", c.tls.ca, "PEM CA: clients must present a certificate it signed (mTLS)")
      ->type_name("FILE");
  app.add_option("--auth-tokens", c.auth_tokens,
                 "token file (lines TOKEN PRODUCER_PREFIX [admin]): every ingest call needs a bearer token, "
                 "the admin API an admin one unless on a unix socket; re-read on SIGHUP")
      ->type_name("FILE");
  app.add_flag("--allow-insecure", c.allow_insecure,
               "serve plaintext on an address other machines can reach (refused without it when TLS is off)");
  app.add_option("--db", c.db,
                 "libpq connection string, e.g. \"host=127.0.0.1 port=5432 dbname=ecommerce_events "
                 "user=ingest\"; PG* environment variables fill what it leaves out")
      ->capture_default_str();
  app.add_option(
      "--ready-file", c.ready_file,
      "once listening, write the bound addresses here (lines ingest=ADDR, admin=ADDR and, when served, "
      "metrics=ADDR)");
  app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
}

void AddLimitOptions(CLI::App& app, ServerConfig& c) {
  AddParsed(app, "--max-message-bytes", &c.max_message_bytes, "16MiB", ParseSize,
            "largest gRPC message taken (one EventBatch, one FileChunk)");
  app.add_option("--max-request-events", c.max_request_events, "most events one EventBatch may carry")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-streams", c.limits.max_streams, "most StreamEvents calls open at once")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-streams-per-peer", c.limits.max_streams_per_peer,
                 "most StreamEvents calls open at once from one client address")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-uploads", c.limits.max_uploads, "most UploadFile calls in progress at once")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  AddParsed(app, "--stream-idle-timeout", &c.limits.stream_idle_timeout, "10m", ParseDuration,
            "end a stream (UNAVAILABLE) that sent no message for this long");
  app.add_option(
         "--max-batches-per-second", c.limits.max_batches_per_second,
         "most EventBatches a second one client sends over all its streams (a client: its token with "
         "--auth-tokens, else its address); a stream over it pauses reading, nothing is refused; 0: no limit")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  AddParsed(app, "--max-grpc-memory", &c.max_grpc_memory, "1GiB", ParseSize,
            "ceiling on the memory gRPC holds for connections and messages (a gRPC resource quota)");
}

void AddBatchOptions(CLI::App& app, ServerConfig& c) {
  AddParsed(app, "--trigger", &c.trigger, "10s", ParseDuration,
            "seal the micro-batch this long after it opened (500ms, 10s, 2m)");
  app.add_option("--max-batch-events", c.max_batch_events,
                 "seal the micro-batch once it holds this many events")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  AddParsed(app, "--max-batch-bytes", &c.max_batch_bytes, "64MiB", ParseSize,
            "seal the micro-batch once it holds this much (4MiB, bytes)");
  app.add_option("--on-conflict",
                 "a repeated event_id: update (the last write wins) or ignore (the first row stays)")
      ->default_str("update")
      ->check(CLI::IsMember({"update", "ignore"}))
      ->each([&c](const std::string& v) { c.update_on_conflict = v == "update"; });
  app.add_option("--ack",
                 "when a batch is acked: durable (once it is in the fsynced write-ahead log) or committed "
                 "(once its micro-batch committed in PostgreSQL)")
      ->default_str("durable")
      ->check(CLI::IsMember({"durable", "committed"}))
      ->each([&c](const std::string& v) { c.ack_mode = ParseAckMode(v).value_or(AckMode::kDurable); });
  AddParsed(app, "--flush-timeout", &c.flush_timeout, "60s", ParseDuration,
            "longest a Flush waits when the caller sets no deadline");
  AddParsed(app, "--producer-ttl", &c.producer_ttl, "168h", ParseDuration,
            "forget a producer's sequence state after this long idle");
  AddParsed(app, "--max-upload-bytes", &c.max_upload_bytes, "256MiB", ParseSize,
            "largest file UploadFile takes (RESOURCE_EXHAUSTED past it)");
  app.add_option(
         "--upload-workers", c.upload_workers,
         "threads that spool uploads to disk and read them into the window; more uploads than this wait "
         "their turn")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--writers", c.writers,
                 "PostgreSQL connections each micro-batch is written through at once, split by event_id "
                 "(1: one transaction per batch)")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
}

void AddDurabilityOptions(CLI::App& app, ServerConfig& c) {
  AddParsed(app, "--wal-segment-bytes", &c.wal_segment_bytes, "64MiB", ParseSize,
            "size of each preallocated write-ahead log segment");
  AddParsed(app, "--wal-max-bytes", &c.wal_max_bytes, "8GiB", ParseSize,
            "log budget: past it streams stop reading new batches (flow control) and uploads get UNAVAILABLE "
            "with a retry-after-ms hint, until commits free log space");
  app.add_flag("--verify-checkpoints", c.verify_checkpoints,
               "read every log record and checkpoint entry in --checkpoint-dir, report damage, and exit "
               "(0: sound, 1: damage found); changes nothing");
  app.add_option(
         "--checkpoint-dir", c.checkpoint_dir,
         "directory for the server id, the write-ahead log (wal/) and checkpoints (offsets/, commits/)")
      ->capture_default_str();
  auto* server_id =
      app.add_option("--server-id", c.server_id,
                     "stable id of this server (default: a UUID created once in --checkpoint-dir; "
                     "kept there, and a dir holding another id is refused)");
  app.add_option("--adopt", c.adopt,
                 "commit everything the log in DIR (the --checkpoint-dir of a server that died and will not "
                 "come back) holds that PostgreSQL does not, under that server's id, then exit (0: all "
                 "committed); refused while another process holds DIR; listens on nothing")
      ->type_name("DIR")
      ->excludes(server_id);
  AddParsed(app, "--drain-timeout", &c.drain_timeout, "30s", ParseDuration,
            "on SIGTERM/SIGINT, how long to try to commit the open window");
  AddParsed(app, "--retention", &c.retention, "0s", ParseRetention,
            "delete rows of ingest_batches, rejected_events and ingested_files older than this, in small "
            "batches every 10 minutes (at least 1h; 0s: keep them)");
  AddParsed(app, "--drain-grace", &c.drain_grace, "0s", ParseDuration,
            "on SIGTERM/SIGINT, first answer NOT_SERVING on the gRPC health service for this long while "
            "serving on, so a load balancer takes the server out of rotation before its streams end");
}

}  // namespace

void AddServerOptions(CLI::App& app, ServerConfig& config) {
  app.set_config("--config", "", "read options from this TOML/INI file (key = value, names without --)");
  AddListenerOptions(app, config);
  AddLimitOptions(app, config);
  AddBatchOptions(app, config);
  AddDurabilityOptions(app, config);
}

}  // namespace ingest::server
