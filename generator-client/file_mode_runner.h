// File mode (--csv-out): the seed generator's behaviour — every --interval one CSV file of
// --events rows in data/input-style folders, for the file bridge to pick up — with the product
// catalog written once at start. No server is contacted.
#pragma once

#include <string>

#include "generator-client/generator_config.h"
#include "generator-client/summary.h"

namespace ingest::generator {

inline constexpr int kExitWriteFailed = 1;  // a file or folder could not be written
inline constexpr int kExitBadUsage = 2;

struct FileRunOutcome {
  FileSummary summary;
  int exit_code = 0;    // 0, kExitWriteFailed or kExitBadUsage
  std::string failure;  // one line when exit_code != 0: what was tried and what to do
};

// Writes the files `config` asks for (config.csv_out must be set). Never prints; logs one line
// per file. Stops early, after a complete file, on RequestFileModeStop().
FileRunOutcome RunFileMode(const GeneratorConfig& config);

// RunFileMode with SIGINT/SIGTERM stopping it after the file being written, the summary printed
// on stdout and the failure line on stderr; returns the exit code.
int RunFiles(const GeneratorConfig& config);

// Asks a running RunFileMode to stop before its next file. Async-signal-safe.
void RequestFileModeStop();

}  // namespace ingest::generator
