#include "server/model/sealed_batch.h"

#include <algorithm>

namespace ingest::server {

WalPosition SealedBatch::WalFirst() const {
  for (const auto& item : items) {
    if (item.InLog()) return item.wal_pos;
  }
  return WalPosition();
}

WalPosition SealedBatch::WalEnd() const {
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    // Records have at least one byte, so any offset past the last record's start ends the range.
    if (it->InLog()) return WalPosition{it->wal_pos.segment, it->wal_pos.offset + 1};
  }
  return WalPosition();
}

bool SealedBatch::AnyLogPending() const {
  for (const auto& item : items) {
    if (item.LogPending()) return true;
  }
  return false;
}

size_t SealedBatch::EventCount() const {
  size_t n = 0;
  for (const auto& item : items) n += item.EventCount();
  return n;
}

size_t SealedBatch::RejectCount() const {
  size_t n = 0;
  for (const auto& item : items) n += item.rejects.size();
  return n;
}

bool SealedBatch::AllLogged() const {
  for (const auto& item : items) {
    if (!item.InLog()) return false;
  }
  return true;
}

std::vector<std::string> SealedBatch::Sources() const {
  std::vector<std::string> out;
  for (const auto& item : items) {
    if (std::find(out.begin(), out.end(), item.origin) == out.end()) out.push_back(item.origin);
  }
  return out;
}

std::optional<EventSighting> FindInBatch(const SealedBatch& batch, const std::string& event_id) {
  auto sighting = [&](const WindowItem& item) {
    EventSighting s;
    s.batch_id = batch.batch_id;
    s.source = item.source;
    s.origin = item.origin;
    s.received_us = item.received_us;
    return s;
  };
  // Newest first: later items, and later events within an item, are later versions.
  for (auto item = batch.items.rbegin(); item != batch.items.rend(); ++item) {
    for (auto e = item->events.rbegin(); e != item->events.rend(); ++e) {
      if (e->event_id != event_id) continue;
      EventSighting s = sighting(*item);
      s.row = *e;
      return s;
    }
  }
  for (auto item = batch.items.rbegin(); item != batch.items.rend(); ++item) {
    for (auto r = item->rejects.rbegin(); r != item->rejects.rend(); ++r) {
      if (r->event_id != event_id) continue;
      EventSighting s = sighting(*item);
      s.reject = *r;
      return s;
    }
  }
  return std::nullopt;
}

}  // namespace ingest::server
