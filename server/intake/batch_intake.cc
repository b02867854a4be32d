#include "server/intake/batch_intake.h"

#include "common/event_row.h"
#include "common/time_text.h"
#include "common/utf8.h"
#include "common/validation.h"

namespace ingest::server {

WindowItem BuildWindowItem(const ReceivedBatch& received, absl::Time now) {
  WindowItem item;
  item.source = Source::kStream;
  item.origin = received.producer_id;
  item.sequence = received.sequence;
  item.content_hash = received.content_hash;
  item.received_us = ToMicros(now);
  item.bytes = received.wire_bytes;
  item.events.reserve(received.events.size());
  item.ack.set_sequence(received.sequence);
  for (int i = 0; i < received.events_size(); ++i) {
    const EventView& e = received.events[i];
    if (auto problem = ValidateEvent(e, now)) {
      v1::Rejection* r = item.ack.add_rejections();
      r->set_index(i);
      // rejected_events.event_id is TEXT: an id it cannot hold is left out (the payload keeps it).
      r->set_event_id(IsStorableText(e.event_id()) ? std::string(e.event_id()) : std::string());
      r->set_reason(problem->reason);
      r->set_code(problem->code);
      item.rejects.push_back(RejectedRow{static_cast<uint32_t>(i), r->event_id(), problem->code,
                                         problem->reason, PayloadText(e.ToProto())});
    } else {
      item.events.push_back(ToEventRow(e));
    }
  }
  item.ack.set_accepted(static_cast<uint32_t>(item.events.size()));
  item.ack.set_rejected(static_cast<uint32_t>(item.rejects.size()));
  return item;
}

}  // namespace ingest::server
