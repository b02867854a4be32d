// `ingest-admin files`: the newest ingested files as a table that fits the terminal.
#pragma once

#include <cstddef>
#include <string>

#include "ingest/v1/admin.pb.h"

namespace ingest::admin {

// Columns INGESTED AT, FILE, SIZE, ACCEPTED, REJECTED, BATCH, SHA256; the file name and the
// sha256 are cut to fit `width` (0: no limit), the widest first.
std::string RenderFiles(const v1::ListFilesResponse& files, size_t width);

}  // namespace ingest::admin
