// `ingest-admin producers`: the producers the server knows, as a table that fits the terminal.
#pragma once

#include <cstddef>
#include <string>

#include "absl/time/time.h"
#include "ingest/v1/admin.pb.h"

namespace ingest::admin {

// Columns PRODUCER, PEER, CONNECTED (for how long, "-" when not), LAST SEEN (relative to `now`),
// RECEIVED, DURABLE, COMMITTED (sequences), EVENTS; producer and peer are cut to fit `width`
// (0: no limit).
std::string RenderProducers(const v1::ListProducersResponse& producers, size_t width, absl::Time now);

}  // namespace ingest::admin
