// `ingest-admin rejections`: the newest rejected events as a table that fits the terminal.
#pragma once

#include <cstddef>
#include <string>

#include "ingest/v1/admin.pb.h"

namespace ingest::admin {

// Columns RECEIVED AT, SOURCE, ORIGIN, POS (index in the batch, or line in the file), EVENT ID,
// CODE, BATCH, REASON; origin, event id and reason are cut to fit `width` (0: no limit), the
// widest first. `code` (may be empty) only words the empty answer.
std::string RenderRejections(const v1::ListRejectionsResponse& rejections, size_t width,
                             const std::string& code);

}  // namespace ingest::admin
