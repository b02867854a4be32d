#include "server/model/sealed_batch.h"

#include <algorithm>

namespace ingest::server {

void SealedBatch::SetRange(const BatchRange& range) {
  batch_id = range.batch_id;
  window_start_us = range.window_start_us;
  window_end_us = range.window_end_us;
  wal_first = range.first;
  wal_end = range.end;
}

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
  // Newest first: later items, and later rows within an item, are later versions. `rows` picks
  // an item's valid events or its rejects, `note` puts the one found into the sighting.
  auto newest = [&](auto rows, auto note) -> std::optional<EventSighting> {
    for (auto item = batch.items.rbegin(); item != batch.items.rend(); ++item) {
      const auto& list = rows(*item);
      for (auto row = list.rbegin(); row != list.rend(); ++row) {
        if (row->event_id != event_id) continue;
        EventSighting s = sighting(*item);
        note(s, *row);
        return s;
      }
    }
    return std::nullopt;
  };
  if (auto found = newest(
          [](const WindowItem& i) -> const auto& { return i.events; },
          [](EventSighting& s, const EventRow& row) { s.row = row; })) {
    return found;
  }
  return newest(
      [](const WindowItem& i) -> const auto& { return i.rejects; },
      [](EventSighting& s, const RejectedRow& reject) { s.reject = reject; });
}

}  // namespace ingest::server
