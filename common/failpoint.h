// Named failpoints: places in the code where a fault test can make the process fail or die.
//
// A test arms them through the environment before starting a process:
//   INGEST_FAILPOINTS="wal_enospc,after_offsets_write=crash,before_commit_marker=crash@3"
// Each comma-separated entry is NAME[=ACTION][@N]:
//   ACTION  `error` (the default): FailpointArmed(NAME) returns true, so the code at that place
//           takes its failure path (e.g. segment creation fails with ENOSPC);
//           `crash`: FailpointCrash(NAME) ends the process at once with _exit(86), flushing
//           nothing (no stdio buffers, no destructors, no atexit), like a kill -9 at that point.
//   @N      fire from the N-th hit on (the first N-1 hits pass); for `crash` the N-th hit dies.
// The variable is read once, on first use.
// Release binaries (ingest-server, file-bridge) link common/failpoint_off.cc
// (ingest::failpoints_off): both calls return at once and the variable is never read, so a stray
// INGEST_FAILPOINTS cannot make a production process fail. Only test builds have the working
// implementation, tests/testing/failpoints.cc (ingest::failpoints), which the unit tests and the
// test-only binaries ingest-server-failpoints and file-bridge-failpoints link.
#pragma once

#include "absl/strings/string_view.h"

namespace ingest {

// The exit status of a process killed by a `crash` failpoint.
inline constexpr int kFailpointCrashExitCode = 86;

// Counts a hit of `name` and tells whether it fires (armed with any action, N-th hit reached).
// When INGEST_FAILPOINTS is unset or empty this is one atomic load.
bool FailpointArmed(absl::string_view name);

// Counts a hit of `name` and, when it is armed with `crash` and this is the N-th hit, ends the
// process with _exit(kFailpointCrashExitCode). Use either this or FailpointArmed at one place.
void FailpointCrash(absl::string_view name);

}  // namespace ingest
