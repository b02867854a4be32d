// ServerConfig: everything ingest-server's command line sets (parsed only in main.cc).
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "common/tls_credentials.h"
#include "server/access/call_limits.h"
#include "server/model/ack_mode.h"

namespace ingest::server {

struct ServerConfig {
  std::string listen = "127.0.0.1:50051";
  std::string admin_listen = "127.0.0.1:50052";
  std::string metrics_listen = "127.0.0.1:9464";  // Prometheus /metrics; empty: not served
  // --tls-cert/--tls-key (TLS on the ingest listener and a TCP admin listener) and
  // --tls-client-ca (mTLS: `ca` is the CA client certificates must chain to).
  TlsFiles tls;
  std::string auth_tokens;  // --auth-tokens: bearer tokens required; empty: none
  // Limits on every input (contract, "Security").
  uint64_t max_message_bytes = 16ull << 20;
  uint64_t max_request_events = 100000;
  CallLimitsConfig limits;                     // open streams, per peer, uploads; the idle timeout
  uint64_t max_grpc_memory = 1ull << 30;       // gRPC's resource quota
  bool allow_insecure = false;                 // plaintext on an address other machines can reach
  std::string db = "dbname=ecommerce_events";  // libpq conninfo; PG* variables and PGPASSFILE fill gaps
  absl::Duration trigger = absl::Seconds(10);
  uint64_t max_batch_events = 100000;
  uint64_t max_batch_bytes = 64ull << 20;
  bool update_on_conflict = true;
  AckMode ack_mode = AckMode::kDurable;  // --ack
  uint64_t wal_segment_bytes = 64ull << 20;
  uint64_t wal_max_bytes = 8ull << 30;  // log budget; over it streams stop reading, uploads get UNAVAILABLE
  bool verify_checkpoints = false;      // check the log and checkpoints, report, exit
  std::string checkpoint_dir = ".local/checkpoints";
  std::string server_id;  // empty: the one kept in checkpoint_dir, created on first start
  std::string adopt;      // --adopt DIR: commit DIR's log as its server, then exit
  absl::Duration flush_timeout = absl::Seconds(60);
  absl::Duration drain_timeout = absl::Seconds(30);
  absl::Duration drain_grace = absl::ZeroDuration();
  absl::Duration retention = absl::ZeroDuration();  // bookkeeping rows kept this long; 0: forever  //
                                                    // NOT_SERVING this long before draining (--drain-grace)
  absl::Duration producer_ttl = absl::Hours(24 * 7);
  uint64_t max_upload_bytes = 256ull << 20;  // UploadFile: larger files get RESOURCE_EXHAUSTED
  int writers = 1;                           // connections a micro-batch is written through (--writers)
  size_t upload_workers = 4;                 // threads that spool and ingest uploads (--upload-workers)
  std::string ready_file;                    // written once listening: ingest=ADDR, admin=ADDR, metrics=ADDR
  std::string log_level = "info";
};

}  // namespace ingest::server
