// AckMode: when a producer's batch or an uploaded file is answered (--ack).
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace ingest::server {

enum class AckMode {
  kDurable,    // once its record is fsynced in the write-ahead log (the default)
  kCommitted,  // once its micro-batch committed in PostgreSQL
};

// "durable" / "committed", as --ack and GetStatus spell them.
const char* AckModeName(AckMode mode);
// The mode named `name`; nullopt for any other text.
std::optional<AckMode> ParseAckMode(absl::string_view name);

}  // namespace ingest::server
