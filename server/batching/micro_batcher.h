// MicroBatcher: the thread-safe window. Items are added by the RPC handlers; a timer thread
// seals the window every --trigger; sealed batches go to the BatchWriter in id order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "server/batching/batch_writer.h"
#include "server/batching/window.h"
#include "server/durability/durable_log.h"

namespace ingest::server {

struct WindowStats {
  uint64_t events = 0;
  uint64_t bytes = 0;
  absl::Duration age;
  uint64_t last_sealed_id = 0;
};

class MicroBatcher {
 public:
  // `log` may be null (tests): then items are not logged.
  MicroBatcher(WindowLimits limits, Clock* clock, BatchWriter* writer, uint64_t next_batch_id,
               DurableLog* log = nullptr);
  ~MicroBatcher();

  void Start();
  // Stops the timer and refuses new items; what the window holds stays there (Seal it first).
  void Stop();

  // Appends `record` to the log (where `durable` reports its fsync) and adds the item to the
  // window, in the same order. Unavailable once stopped; the log's error if it refuses the record.
  absl::Status Add(WindowItem item, std::string record = {}, WalWriter::Done durable = {});
  // Adds an item recovered from the log (already in it).
  void AddRecovered(WindowItem item);

  // Seals the window now. Returns the id of the last batch sealed so far, 0 if none.
  uint64_t SealNow();

  WindowStats Stats() const;

  // Looks the event up in the open window, under the window's lock (which blocks Add for the
  // scan: linear in the window's events, at most --max-batch-events).
  std::optional<EventSighting> FindEvent(const std::string& event_id) const;

 private:
  void TimerLoop();
  void Send(std::optional<SealedBatch> sealed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Clock* const clock_;
  BatchWriter* const writer_;
  DurableLog* const log_;
  mutable absl::Mutex mu_;  // guards the window; held across a log append, so log order is window order
  Window window_ ABSL_GUARDED_BY(mu_);
  uint64_t last_sealed_id_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread timer_;
};

}  // namespace ingest::server
