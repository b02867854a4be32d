// Sealed batches for the tests against PostgreSQL: a full event row, window items of a producer
// and a batch of them, the way the window would hand them to the sink.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/time_text.h"
#include "server/model/sealed_batch.h"

namespace ingest::testing {

// Every column set. 2025-03-01T23:30:00-02:00 is 2025-03-02 01:30 UTC: event_date is the UTC date.
inline EventRow SampleRow(const std::string& id, int64_t price_cents = 1299, int32_t quantity = 1) {
  EventRow r;
  r.event_id = id;
  r.user_id = "user_0001";
  r.event_type = "purchase";
  r.product_id = "prod_07";
  r.product_name = "Kaffeemühle";
  r.product_category = "Home & Kitchen";
  r.price_cents = price_cents;
  r.quantity = quantity;
  r.event_time_us =
      ToMicros(absl::FromCivil(absl::CivilSecond(2025, 3, 2, 1, 30, 0), absl::UTCTimeZone())) + 123456;
  r.session_id = "sess_1";
  r.device_type = "tablet";
  return r;
}

inline server::RejectedRow SampleReject(const std::string& id, uint32_t position, const std::string& code) {
  return server::RejectedRow{position, id, code, code + ": the reason", "payload of " + id};
}

// Batch `seq` of `producer`, with its ack as validation makes it: counts and rejections.
inline server::WindowItem SampleItem(const std::string& producer, uint64_t seq, std::vector<EventRow> rows,
                                     std::vector<server::RejectedRow> rejects = {}) {
  server::WindowItem item;
  item.origin = producer;
  item.sequence = seq;
  item.content_hash = std::string(32, static_cast<char>(seq));
  item.received_us = ToMicros(absl::Now());
  item.events = std::move(rows);
  item.rejects = std::move(rejects);
  item.ack.set_sequence(seq);
  item.ack.set_accepted(item.events.size());
  item.ack.set_rejected(item.rejects.size());
  for (const auto& r : item.rejects) {
    v1::Rejection* out = item.ack.add_rejections();
    out->set_index(r.position);
    out->set_event_id(r.event_id);
    out->set_code(r.code);
    out->set_reason(r.reason);
  }
  return item;
}

// Micro-batch `id` whose 10 s window just closed.
inline server::SealedBatch SampleBatch(uint64_t id, std::vector<server::WindowItem> items) {
  server::SealedBatch b;
  b.batch_id = id;
  b.window_start_us = ToMicros(absl::Now() - absl::Seconds(10));
  b.window_end_us = ToMicros(absl::Now());
  b.items = std::move(items);
  return b;
}

}  // namespace ingest::testing
