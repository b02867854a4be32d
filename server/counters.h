// Intake counters since start, shown by GetStatus.
#pragma once

#include <atomic>
#include <cstdint>

namespace ingest::server {

struct IntakeCounters {
  std::atomic<uint64_t> received{0};    // events in new batches
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<uint64_t> duplicates{0};  // resent batches answered with their original ack
};

}  // namespace ingest::server
