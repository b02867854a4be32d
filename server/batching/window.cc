#include "server/batching/window.h"

#include "common/time_text.h"

namespace ingest::server {

std::optional<SealedBatch> Window::Add(WindowItem item, absl::Time now) {
  if (batch_.items.empty()) opened_at_ = now;
  events_ += item.events.size() + item.rejects.size();
  bytes_ += item.bytes;
  batch_.items.push_back(std::move(item));
  if (events_ >= limits_.max_events || bytes_ >= limits_.max_bytes) return Seal(now);
  return std::nullopt;
}

std::optional<SealedBatch> Window::Tick(absl::Time now) {
  if (batch_.items.empty() || now < Deadline()) return std::nullopt;
  return Seal(now);
}

std::optional<SealedBatch> Window::Seal(absl::Time now) {
  if (batch_.items.empty()) return std::nullopt;
  SealedBatch sealed = std::move(batch_);
  batch_ = SealedBatch();
  sealed.batch_id = next_batch_id_++;
  sealed.window_start_us = ToMicros(opened_at_);
  sealed.window_end_us = ToMicros(now);
  events_ = 0;
  bytes_ = 0;
  opened_at_ = absl::InfinitePast();
  return sealed;
}

std::optional<EventSighting> Window::Find(const std::string& event_id) const {
  std::optional<EventSighting> found = FindInBatch(batch_, event_id);
  if (found) found->batch_id = next_batch_id_;
  return found;
}

absl::Time Window::Deadline() const {
  return batch_.items.empty() ? absl::InfiniteFuture() : opened_at_ + limits_.trigger;
}

}  // namespace ingest::server
