// BridgeConfig: everything the file-bridge command line sets, checked in one place so the
// library (and its tests) run exactly what a user typed.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/progress.h"
#include "common/tls_credentials.h"

namespace ingest::bridge {

struct BridgeConfig {
  std::string watch_dir = "data/input";      // complete CSV files are taken from here
  std::string archive_dir = "data/archive";  // uploaded files, each with <name>.result.json
  std::string failed_dir = "data/failed";    // refused files, each with <name>.reason
  int max_files_per_trigger = 3;
  absl::Duration interval = absl::Seconds(10);  // one trigger every interval
  absl::Duration settle = absl::Seconds(1);     // size and mtime unchanged this long = complete
  // --once: how long to wait for a file present at the start that keeps changing.
  absl::Duration settle_limit = absl::Minutes(1);
  std::string target = "127.0.0.1:50051";  // ingest-server address, host:port
  std::string token_file;                  // --token-file: the bearer token
  TlsFiles tls;                            // --tls-ca (TLS on), --tls-cert/--tls-key (mTLS)
  bool once = false;                       // process what is there now, then exit
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration upload_timeout = absl::Minutes(10);  // deadline of one UploadFile call
  bool json = false;                                  // summary as one JSON object
  ProgressMode progress = ProgressMode::kAuto;        // INGEST_PROGRESS: a line on stderr during --once

  // Not on the command line: tests shorten them.
  size_t chunk_bytes = 64 * 1024;  // bytes of file data per FileChunk
  absl::Duration min_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(30);
  // --once gives up on a file after this many transient failures in a row (~3 min of backoff).
  int once_max_attempts = 12;
};

// InvalidArgument naming the option and the allowed values when `config` cannot run.
absl::Status ValidateConfig(const BridgeConfig& config);

}  // namespace ingest::bridge
