// Named spdlog loggers, one per component: ingest, window, sink, admin, server, wal.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "spdlog/spdlog.h"

namespace ingest {

// The logger of a component, created on first use; lines go to stderr.
std::shared_ptr<spdlog::logger> Logger(const std::string& component);

// trace, debug, info, warn, error or off; applies to every logger, present and future.
absl::Status SetLogLevel(const std::string& level);

}  // namespace ingest
