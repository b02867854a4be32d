// EventStream::Shared: a stream's acks in batch order, and its pump, which writes the next ready
// ack and starts the next read when the stream may read (see event_stream.h).
#include <grpcpp/impl/codegen/proto_utils.h>  // SerializationTraits for the raw ack

#include "absl/time/clock.h"
#include "common/status_util.h"
#include "server/intake/event_stream.h"

namespace ingest::server {
namespace {

// Batches received but not yet acked before the stream stops reading.
constexpr size_t kMaxUnackedBatches = 256;

}  // namespace

uint64_t EventStream::Shared::Reserve() {
  slots.emplace_back();
  return first_slot + slots.size() - 1;
}

void EventStream::Shared::Fill(uint64_t slot, const v1::BatchAck& ack) {
  absl::MutexLock lock(&mu);
  if (slot < first_slot || slot - first_slot >= slots.size()) return;
  slots[slot - first_slot] = ack;
  Pump();
}

void EventStream::Shared::Pump() {
  if (finished || reactor == nullptr) return;
  if (!write_in_flight && !slots.empty() && slots.front().has_value()) {
    bool own_buffer = false;
    writing.Clear();  // the previous ack is sent; the serializer needs an empty buffer
    grpc::SerializationTraits<v1::BatchAck>::Serialize(*slots.front(), &writing, &own_buffer);
    slots.pop_front();
    ++first_slot;
    write_in_flight = true;
    reactor->StartWrite(&writing);
  }
  if (!reads_done && !read_in_flight && !log_paused && !rate_paused && slots.size() < kMaxUnackedBatches) {
    read_in_flight = true;
    if (reactor->ticket_) reactor->ticket_->Waiting(absl::Now());
    reactor->StartRead(&reactor->request_);
  }
  if (reads_done && slots.empty() && !write_in_flight) FinishNow(final_status);
}

void EventStream::Shared::FinishNow(const grpc::Status& status) {
  if (finished || reactor == nullptr) return;
  finished = true;
  finished_code = status.error_code();
  AddRetryHint(reactor->call_, status);
  reactor->Finish(status);
}

void EventStream::Shared::End(const grpc::Status& status, bool after_acks) {
  absl::MutexLock lock(&mu);
  if (!after_acks) {
    FinishNow(status);
    return;
  }
  if (reads_done) return;
  reads_done = true;
  final_status = status;
  Pump();
}

}  // namespace ingest::server
