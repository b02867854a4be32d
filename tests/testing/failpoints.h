// Test-only control of the failpoints of tests/testing/failpoints.cc (see common/failpoint.h).
#pragma once

namespace ingest {

// Forgets the parsed INGEST_FAILPOINTS and the hit counts; the next call reads the variable again.
void ResetFailpointsForTest();

}  // namespace ingest
