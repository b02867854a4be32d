// Window: the micro-batch being filled. It seals when its trigger interval has passed since it
// opened, when it holds --max-batch-events or --max-batch-bytes, or when flushed. Pure logic:
// the caller supplies the time and the locking.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "server/model/sealed_batch.h"

namespace ingest::server {

struct WindowLimits {
  absl::Duration trigger = absl::Seconds(10);
  uint64_t max_events = 100000;
  uint64_t max_bytes = 64ull << 20;
};

class Window {
 public:
  explicit Window(WindowLimits limits, uint64_t next_batch_id = 1)
      : limits_(limits), next_batch_id_(next_batch_id) {}

  // Adds an item; returns the sealed batch when the item made the window full.
  std::optional<SealedBatch> Add(WindowItem item, absl::Time now);
  // Seals when the window is not empty and its trigger interval has passed.
  std::optional<SealedBatch> Tick(absl::Time now);
  // Seals whatever the window holds (Flush, shutdown); nullopt when empty.
  std::optional<SealedBatch> Seal(absl::Time now);

  // The event in the open window; its batch_id is the id the window gets when it is sealed.
  std::optional<EventSighting> Find(const std::string& event_id) const;

  // When Tick will seal: the open time plus the trigger, or InfiniteFuture when empty.
  absl::Time Deadline() const;

  bool empty() const { return batch_.items.empty(); }
  uint64_t events() const { return events_; }
  uint64_t bytes() const { return bytes_; }
  absl::Time opened_at() const { return opened_at_; }
  uint64_t next_batch_id() const { return next_batch_id_; }
  const SealedBatch& contents() const { return batch_; }

 private:
  WindowLimits limits_;
  uint64_t next_batch_id_;
  SealedBatch batch_;
  absl::Time opened_at_ = absl::InfinitePast();
  uint64_t events_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace ingest::server
