// A ping of PostgreSQL on a connection of its own ("SELECT 1"), for the DatabaseProbe: whether
// the database answers now, also while no batch waits to be written.
#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"

namespace ingest::server {

// The returned function may be called from any thread; calls are serialised. A key=value
// conninfo without a connect_timeout of its own gets one of 5 s, so a ping of a silent host ends
// in time; nothing else of the conninfo is changed.
std::function<absl::Status()> MakeDatabasePing(const std::string& conninfo);

}  // namespace ingest::server
