#include "file-bridge/bridge_config.h"

#include "absl/strings/str_cat.h"
#include "common/client_access.h"

namespace ingest::bridge {

absl::Status ValidateConfig(const BridgeConfig& c) {
  if (c.target.empty()) return absl::InvalidArgumentError("--target is empty; give host:port");
  if (auto access = LoadClientAccess(c.tls, c.token_file); !access.ok()) return access.status();
  for (const auto& [flag, dir] : {std::pair{"--watch", &c.watch_dir}, std::pair{"--archive", &c.archive_dir},
                                  std::pair{"--failed", &c.failed_dir}}) {
    if (dir->empty()) return absl::InvalidArgumentError(absl::StrCat(flag, " is empty; give a directory"));
  }
  if (c.watch_dir == c.archive_dir || c.watch_dir == c.failed_dir || c.archive_dir == c.failed_dir) {
    return absl::InvalidArgumentError("--watch, --archive and --failed must be three different directories");
  }
  if (c.max_files_per_trigger < 1 || c.max_files_per_trigger > 100000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--max-files-per-trigger ", c.max_files_per_trigger, " is out of range; use 1..100000"));
  }
  if (c.interval < absl::ZeroDuration()) return absl::InvalidArgumentError("--interval must not be negative");
  if (c.settle < absl::ZeroDuration()) return absl::InvalidArgumentError("--settle must not be negative");
  if (c.settle_limit < c.settle) {
    return absl::InvalidArgumentError("--settle-limit must be at least --settle");
  }
  if (c.connect_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--connect-timeout must be more than 0");
  }
  if (c.upload_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--upload-timeout must be more than 0");
  }
  if (c.chunk_bytes == 0) return absl::InvalidArgumentError("the chunk size must be more than 0 bytes");
  return absl::OkStatus();
}

}  // namespace ingest::bridge
