#include "server/batch.h"

#include <algorithm>

namespace ingest::server {

const char* SourceText(Source source) { return source == Source::kFile ? "file" : "stream"; }

WalPosition SealedBatch::WalFirst() const { return items.empty() ? WalPosition() : items.front().wal_pos; }

WalPosition SealedBatch::WalEnd() const {
  if (items.empty()) return WalPosition();
  // Records have at least one byte, so any offset past the last record's start ends the range.
  return WalPosition{items.back().wal_pos.segment, items.back().wal_pos.offset + 1};
}

size_t SealedBatch::EventCount() const {
  size_t n = 0;
  for (const auto& item : items) n += item.events.size() + item.rejects.size();
  return n;
}

size_t SealedBatch::RejectCount() const {
  size_t n = 0;
  for (const auto& item : items) n += item.rejects.size();
  return n;
}

bool SealedBatch::AllLogged() const {
  for (const auto& item : items) {
    if (item.log_state && item.log_state->load() != kLogged) return false;
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

}  // namespace ingest::server
