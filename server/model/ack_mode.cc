#include "server/model/ack_mode.h"

namespace ingest::server {

const char* AckModeName(AckMode mode) { return mode == AckMode::kCommitted ? "committed" : "durable"; }

std::optional<AckMode> ParseAckMode(absl::string_view name) {
  if (name == "durable") return AckMode::kDurable;
  if (name == "committed") return AckMode::kCommitted;
  return std::nullopt;
}

}  // namespace ingest::server
