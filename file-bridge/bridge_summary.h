// What a file-bridge run did — files archived, duplicates, failed, rows, triggers — and how it is
// printed: aligned lines for people or one JSON object for scripts.
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace ingest::bridge {

struct BridgeSummary {
  uint64_t triggers = 0;        // rounds that took at least one file
  uint64_t files_archived = 0;  // duplicates included
  uint64_t duplicates = 0;      // archived files the server already had
  uint64_t files_failed = 0;    // moved to failed/
  uint64_t files_left = 0;      // still in the watch folder at the end (--once): not uploaded
  uint64_t uploads = 0;         // UploadFile calls, retries included
  uint64_t retries = 0;         // attempts that ended in a transient error or found no connection
  uint64_t rows_accepted = 0;
  uint64_t rows_rejected = 0;
  uint64_t bytes_uploaded = 0;  // of archived files
  absl::Duration elapsed;
};

inline constexpr int kExitOk = 0;      // every file archived (rejected rows are not a failure)
inline constexpr int kExitFailed = 1;  // a file went to failed/ or could not be uploaded
inline constexpr int kExitUsage = 2;   // bad usage, or the server unreachable within --connect-timeout

// How a run ended: its summary, exit code and, when it failed, one line saying why.
struct BridgeOutcome {
  BridgeSummary summary;
  int exit_code = kExitOk;
  std::string failure;  // what was tried and what to do
};

std::string FormatSummaryTable(const BridgeSummary& summary);
std::string FormatSummaryJson(const BridgeSummary& summary);  // one line

}  // namespace ingest::bridge
