// The working failpoints, linked only into tests and the test-only binaries (see
// common/failpoint.h for the INGEST_FAILPOINTS syntax).
#include "tests/testing/failpoints.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/failpoint.h"

namespace ingest {

namespace {

struct Failpoint {
  bool crash = false;
  uint64_t fire_at = 1;  // the hit (1-based) from which it fires
  uint64_t hits = 0;
};

enum class Armed { kUnknown, kNone, kSome };

// kNone lets the unarmed case cost one load; the map is only touched when something is armed.
std::atomic<Armed> armed{Armed::kUnknown};
std::mutex mu;
std::unordered_map<std::string, Failpoint>& Table() {  // guarded by mu
  static auto* table = new std::unordered_map<std::string, Failpoint>();
  return *table;
}

// A misspelt failpoint would make a fault test pass without testing anything, so it is fatal.
[[noreturn]] void BadSpec(absl::string_view entry) {
  std::fprintf(stderr, "INGEST_FAILPOINTS: cannot parse '%.*s': write NAME, NAME=crash or NAME=crash@N\n",
               static_cast<int>(entry.size()), entry.data());
  std::_Exit(2);
}

void ParseLocked() {  // mu held
  auto& table = Table();
  table.clear();
  const char* env = std::getenv("INGEST_FAILPOINTS");
  for (absl::string_view entry : absl::StrSplit(env ? env : "", ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    Failpoint fp;
    if (size_t at = entry.rfind('@'); at != absl::string_view::npos) {
      if (!absl::SimpleAtoi(entry.substr(at + 1), &fp.fire_at) || fp.fire_at == 0) BadSpec(entry);
      entry = entry.substr(0, at);
    }
    absl::string_view name = entry;
    if (size_t eq = entry.find('='); eq != absl::string_view::npos) {
      name = entry.substr(0, eq);
      absl::string_view action = entry.substr(eq + 1);
      if (action == "crash") {
        fp.crash = true;
      } else if (action != "error") {
        BadSpec(entry);
      }
    }
    if (name.empty()) BadSpec(entry);
    table[std::string(name)] = fp;
  }
  armed.store(table.empty() ? Armed::kNone : Armed::kSome, std::memory_order_release);
}

// Counts a hit of `name`; returns the failpoint when it fires on this hit, else nullptr.
const Failpoint* Hit(absl::string_view name) {  // mu held
  if (armed.load(std::memory_order_relaxed) == Armed::kUnknown) ParseLocked();
  auto it = Table().find(std::string(name));
  if (it == Table().end()) return nullptr;
  Failpoint& fp = it->second;
  ++fp.hits;
  return fp.hits >= fp.fire_at ? &fp : nullptr;
}

}  // namespace

bool FailpointArmed(absl::string_view name) {
  if (armed.load(std::memory_order_acquire) == Armed::kNone) return false;
  std::lock_guard<std::mutex> lock(mu);
  return Hit(name) != nullptr;
}

void FailpointCrash(absl::string_view name) {
  if (armed.load(std::memory_order_acquire) == Armed::kNone) return;
  std::lock_guard<std::mutex> lock(mu);
  const Failpoint* fp = Hit(name);
  if (fp != nullptr && fp->crash && fp->hits == fp->fire_at) _exit(kFailpointCrashExitCode);
}

void ResetFailpointsForTest() {
  std::lock_guard<std::mutex> lock(mu);
  Table().clear();
  armed.store(Armed::kUnknown, std::memory_order_release);
}

}  // namespace ingest
