// Fuzz target of the server's reading of a StreamEvents batch: any bytes through
// ParseReceivedBatch, then, for a batch, validation into a window item (BuildWindowItem).
//
// ParseReceivedBatch reads the wire bytes in place; protobuf's own parser, given the same bytes
// as ingest.wire.ReceivedBatch (same field numbers, text as bytes), is the reference: whatever it
// reads (with a storable producer_id) the server reads too, with the same values. The server may
// accept framing protobuf's parser refuses, such as a tag varint longer than 5 bytes (its
// CodedInputStream keeps the low 32 bits): no protobuf client writes that, and the log keeps the
// bytes as received, so recovery reads them the same way. The item then counts every event once,
// as accepted or rejected, and what it stores is storable PostgreSQL text.
//
// A real fuzzing run: bench/fuzz 600 received_batch.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/utf8.h"
#include "common/validation.h"
#include "ingest/wire/received_batch.pb.h"
#include "server/intake/batch_intake.h"
#include "server/model/received_batch.h"
#include "tests/fuzz/fuzz_invariant.h"

namespace {

using ingest::fuzz::Require;
using ingest::server::ReceivedBatch;

void CheckSameEvent(const ingest::EventView& e, const ingest::wire::ReceivedEvent& w, int i) {
  const std::string at = absl::StrCat("event ", i, ": ");
  Require(e.event_id() == w.event_id() && e.user_id() == w.user_id() && e.product_id() == w.product_id() &&
              e.product_name() == w.product_name() && e.product_category() == w.product_category() &&
              e.session_id() == w.session_id(),
          at + "a text field differs from protobuf's reading");
  Require(e.event_type() == w.event_type() && e.device_type() == w.device_type(), at + "an enum differs");
  Require(e.price_cents() == w.price_cents(), at + "price_cents differs");
  Require(e.has_quantity() == w.has_quantity() && (!e.has_quantity() || e.quantity() == w.quantity()),
          at + "quantity differs");
  Require(e.has_event_time() == w.has_event_time(), at + "presence of event_time differs");
  Require(e.event_time().seconds() == w.event_time().seconds() &&
              e.event_time().nanos() == w.event_time().nanos(),
          at + "event_time differs");
}

// The reference reading: what ParseReceivedBatch must agree with.
void CheckAgainstProtobuf(absl::string_view bytes, const absl::StatusOr<ReceivedBatch>& batch) {
  ingest::wire::ReceivedBatch wire;
  const bool parses = wire.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  if (!batch.ok()) {
    Require(absl::IsInvalidArgument(batch.status()), batch.status().ToString());
    Require(!parses || !ingest::IsStorableText(wire.producer_id()),
            absl::StrCat("refused bytes protobuf reads as a batch: ", batch.status().message()));
    return;
  }
  if (!parses) return;  // framing only this reader accepts (above)
  Require(batch->producer_id == wire.producer_id() && batch->sequence == wire.sequence(),
          "producer_id or sequence differs from protobuf's reading");
  Require(batch->events_size() == wire.events_size(),
          absl::StrCat(batch->events_size(), " events where protobuf reads ", wire.events_size()));
  for (int i = 0; i < wire.events_size(); ++i) CheckSameEvent(batch->events[i], wire.events(i), i);
  Require(batch->content_hash.size() == 32, "content_hash is not a SHA-256");
  Require(batch->wire_bytes == bytes.size(), "wire_bytes is not the size received");
}

void CheckItem(const ReceivedBatch& batch, absl::Time now) {
  const ingest::server::WindowItem item = ingest::server::BuildWindowItem(batch, now);
  const auto& ack = item.ack;
  Require(ack.accepted() + ack.rejected() == static_cast<uint32_t>(batch.events_size()),
          absl::StrCat(ack.accepted(), " accepted + ", ack.rejected(), " rejected != ", batch.events_size()));
  Require(item.events.size() == ack.accepted() && item.rejects.size() == ack.rejected() &&
              ack.rejections_size() == static_cast<int>(ack.rejected()),
          "the item's rows and rejects do not match its ack");
  for (size_t j = 0; j < item.rejects.size(); ++j) {
    const ingest::server::RejectedRow& r = item.rejects[j];
    Require(r.position < static_cast<uint32_t>(batch.events_size()), "a reject's position is out of range");
    Require(j == 0 || item.rejects[j - 1].position < r.position, "rejects are not in batch order");
    auto problem = ingest::ValidateEvent(batch.events[r.position], now);
    Require(problem && problem->code == r.code && problem->reason == r.reason,
            "a reject is not what validation says of its event");
    Require(ingest::IsStorableText(r.event_id) && ingest::IsStorableText(r.reason) &&
                ingest::IsStorableText(r.payload) && r.payload.size() <= 4096,
            "a reject holds text PostgreSQL cannot store");
  }
  for (size_t j = 0; j < item.events.size(); ++j) {
    const uint32_t position = ingest::server::PositionOfEvent(item, j);
    Require(!ingest::ValidateEvent(batch.events[position], now), "an accepted event fails validation");
    Require(ingest::server::EventAtPosition(item, position) == &item.events[j],
            "PositionOfEvent and EventAtPosition disagree");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<ReceivedBatch> batch = ingest::server::ParseReceivedBatch(bytes);
  CheckAgainstProtobuf(bytes, batch);
  if (batch.ok()) CheckItem(*batch, absl::FromUnixSeconds(1750000000));  // 2025-06-15
  return 0;
}
