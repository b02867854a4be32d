#include "server/model/window_item.h"

#include <algorithm>

namespace ingest::server {

v1::BatchAck WithRefused(v1::BatchAck ack, const std::vector<RejectedRow>& refused) {
  if (refused.empty()) return ack;
  const auto n = static_cast<uint32_t>(refused.size());
  ack.set_accepted(ack.accepted() > n ? ack.accepted() - n : 0);
  ack.set_rejected(ack.rejected() + n);
  ListRefused(refused, ack.mutable_rejections());
  return ack;
}

void ListRefused(const std::vector<RejectedRow>& refused,
                 google::protobuf::RepeatedPtrField<v1::Rejection>* list) {
  for (const RejectedRow& r : refused) {
    v1::Rejection* out = list->Add();
    out->set_index(r.position);
    out->set_event_id(r.event_id);
    out->set_reason(r.reason);
    out->set_code(r.code);
  }
  std::stable_sort(list->begin(), list->end(),
                   [](const v1::Rejection& a, const v1::Rejection& b) { return a.index() < b.index(); });
}

uint32_t PositionOfEvent(const WindowItem& item, size_t j) {
  std::vector<uint32_t> rejected;
  for (const auto& r : item.rejects) rejected.push_back(r.position);
  std::sort(rejected.begin(), rejected.end());
  uint32_t index = 0;
  size_t valid = 0;
  auto next = rejected.begin();
  while (true) {
    if (next != rejected.end() && *next == index) {
      ++next;
    } else if (valid++ == j) {
      return index;
    }
    ++index;
  }
}

const EventRow* EventAtPosition(const WindowItem& item, uint32_t position) {
  size_t before = 0;
  for (const RejectedRow& r : item.rejects) {
    if (r.position == position) return nullptr;
    if (r.position < position) ++before;
  }
  const size_t j = position - before;
  return j < item.events.size() ? &item.events[j] : nullptr;
}

const char* SourceText(Source source) { return source == Source::kFile ? "file" : "stream"; }

}  // namespace ingest::server
