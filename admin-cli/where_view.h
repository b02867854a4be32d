// `ingest-admin where EVENT_ID`: where one event is, as readable key/value lines.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "ingest/v1/admin.pb.h"

namespace ingest::admin {

// "state", "detail", then the facts the answer carries (batch, server, times, origin, the
// rejection, the event's fields); nothing is cut. Times are shown relative to `now` as well.
std::string RenderWhere(const std::string& event_id, const v1::WhereIsEventResponse& where, absl::Time now);

}  // namespace ingest::admin
