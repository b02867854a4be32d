// The server's stable id: a UUID created once and kept in the checkpoint directory.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace ingest::server {

// Reads <dir>/server_id, or creates it (tmp, fsync, rename, fsync dir) with `wanted` (--server-id)
// or, if empty, a new random UUID. A dir whose id differs from `wanted` is refused: its log holds
// that server's batches, which only that id may commit (ingest_batches is keyed by it), so whoever
// adopts the dir later (--adopt) commits them under the right id.
absl::StatusOr<std::string> LoadOrCreateServerId(const std::string& dir, const std::string& wanted = "");

std::string NewUuid();

}  // namespace ingest::server
