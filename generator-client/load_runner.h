// Runs a whole generator session: K producers side by side with pacing, --duration and
// SIGINT/SIGTERM handling, then a Summary and the exit code of the contract.
#pragma once

#include <string>

#include "common/progress.h"
#include "generator-client/generator_config.h"
#include "generator-client/summary.h"

namespace ingest::generator {

inline constexpr int kExitOk = 0;           // every batch sent was acked
inline constexpr int kExitNotAcked = 1;     // some batches were not acked, or were refused
inline constexpr int kExitUnreachable = 2;  // bad usage, or the server could not be reached at all

struct RunOutcome {
  Summary summary;
  int exit_code = kExitOk;
  std::string failure;  // one line when exit_code != 0: what was tried and what to do
};

// Runs `config` to the end. Never prints but through `progress` (may be null), which it
// updates while the producers run and finishes before returning; logs connects and reconnects.
RunOutcome RunLoad(const GeneratorConfig& config, ProgressLine* progress = nullptr);

// RunLoad with SIGINT/SIGTERM handled (the first stops sending and waits for outstanding acks,
// the second stops waiting), a progress line on stderr (config.progress), the summary printed
// on stdout and the failure line on stderr.
int Run(const GeneratorConfig& config);

// What the first SIGINT does: asks the running RunLoad to stop sending. Async-signal-safe.
void RequestStop();

}  // namespace ingest::generator
