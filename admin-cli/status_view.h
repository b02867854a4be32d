// `ingest-admin status`: the server's GetStatus answer as a table of readable key/value lines.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "ingest/v1/admin.pb.h"

namespace ingest::admin {

// One "key  value" line per fact; times are shown relative to `now` as well.
std::string RenderStatus(const v1::GetStatusResponse& status, absl::Time now);

}  // namespace ingest::admin
