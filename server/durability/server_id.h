// The server's stable id: a UUID created once and kept in the checkpoint directory.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace ingest::server {

// Reads <dir>/server_id, or creates it (tmp, fsync, rename, fsync dir) with a new random UUID.
absl::StatusOr<std::string> LoadOrCreateServerId(const std::string& dir);

std::string NewUuid();

}  // namespace ingest::server
