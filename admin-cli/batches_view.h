// `ingest-admin batches`: the newest committed micro-batches as a table that fits the terminal.
#pragma once

#include <cstddef>
#include <string>

#include "ingest/v1/admin.pb.h"

namespace ingest::admin {

// Columns BATCH, WINDOW START, EVENTS, INSERTED, UPDATED, REJECTED, WRITE MS, COMMITTED AT,
// SERVER, SOURCES; the sources are joined with ',' and, like the server id, cut to fit `width`
// (0: no limit), the widest first.
std::string RenderBatches(const v1::ListBatchesResponse& batches, size_t width);

}  // namespace ingest::admin
