#include "server/model/received_batch.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "common/utf8.h"
#include "ingest/wire/received_batch.pb.h"

namespace ingest::server {
namespace {

// Hashes each event's serialization. The wire message and ingest.v1.Event serialize to the
// same bytes (same numbers and wire types, fields in number order), so either gives one hash,
// and hashes kept in producer_acks stay comparable across versions.
template <typename Events>
std::string HashEvents(const Events& events) {
  Sha256 h;
  std::string buf;
  for (const auto& e : events) {
    buf.clear();
    e.SerializeToString(&buf);
    uint64_t len = buf.size();
    h.Update(absl::string_view(reinterpret_cast<const char*>(&len), sizeof(len)));
    h.Update(buf);
  }
  return h.Finish();
}

void MoveEvent(wire::ReceivedEvent* in, v1::Event* out) {
  out->set_event_id(std::move(*in->mutable_event_id()));
  out->set_user_id(std::move(*in->mutable_user_id()));
  out->set_event_type(static_cast<v1::EventType>(in->event_type()));
  out->set_product_id(std::move(*in->mutable_product_id()));
  out->set_product_name(std::move(*in->mutable_product_name()));
  out->set_product_category(std::move(*in->mutable_product_category()));
  out->set_price_cents(in->price_cents());
  if (in->has_quantity()) out->set_quantity(in->quantity());
  if (in->has_event_time()) out->mutable_event_time()->Swap(in->mutable_event_time());
  out->set_session_id(std::move(*in->mutable_session_id()));
  out->set_device_type(static_cast<v1::DeviceType>(in->device_type()));
}

}  // namespace

absl::StatusOr<ReceivedBatch> ParseReceivedBatch(absl::string_view bytes) {
  wire::ReceivedBatch wire;
  if (!wire.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError(
        absl::StrCat("the message (", bytes.size(), " bytes) is not an ingest.v1.EventBatch"));
  }
  if (!IsValidUtf8(wire.producer_id())) {
    return absl::InvalidArgumentError("producer_id is not valid UTF-8");
  }
  if (!IsStorableText(wire.producer_id())) {
    return absl::InvalidArgumentError(
        "producer_id holds a NUL character, which PostgreSQL text cannot store");
  }
  ReceivedBatch out;
  out.wire_bytes = bytes.size();
  out.content_hash = HashEvents(wire.events());
  out.batch.set_producer_id(std::move(*wire.mutable_producer_id()));
  out.batch.set_sequence(wire.sequence());
  out.batch.mutable_events()->Reserve(wire.events_size());
  for (auto& e : *wire.mutable_events()) MoveEvent(&e, out.batch.add_events());
  return out;
}

ReceivedBatch FromEventBatch(v1::EventBatch batch) {
  ReceivedBatch out;
  out.wire_bytes = batch.ByteSizeLong();
  out.content_hash = HashEvents(batch.events());
  out.batch = std::move(batch);
  return out;
}

}  // namespace ingest::server
