// The failpoints of release binaries: none. See failpoint.h.
#include "common/failpoint.h"

namespace ingest {

bool FailpointArmed(absl::string_view) { return false; }
void FailpointCrash(absl::string_view) {}

}  // namespace ingest
