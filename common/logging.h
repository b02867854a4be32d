// Named spdlog loggers, one per component, so a line says where it comes from:
//   server      ingest-server's start, recovery steps, listeners and drain (server/)
//   ingest      streams and uploads: refused calls, ingested files, rejection summaries (intake/)
//   wal         the write-ahead log and recovery (durability/)
//   checkpoint  damaged checkpoint entries (durability/checkpoint/)
//   sink        batch commits, write retries, PostgreSQL reachability (batching/, sink/, probe)
//   generator   event-generator
//   bridge      file-bridge
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "spdlog/spdlog.h"

// Lets loggers print absl::string_view (e.g. absl::Status::message()) directly.
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<fmt::string_view> {
  template <typename Context>
  auto format(absl::string_view s, Context& ctx) const {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(s.data(), s.size()), ctx);
  }
};

namespace ingest {

// The logger of a component, created on first use; lines go to stderr.
std::shared_ptr<spdlog::logger> Logger(const std::string& component);

// trace, debug, info, warn, error or off; applies to every logger, present and future.
absl::Status SetLogLevel(const std::string& level);

}  // namespace ingest
