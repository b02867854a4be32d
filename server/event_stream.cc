#include "server/event_stream.h"

#include <vector>

#include <grpcpp/impl/codegen/proto_utils.h>  // SerializationTraits for the raw ack

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/status_util.h"
#include "server/batch_intake.h"
#include "server/log_rate.h"
#include "server/received_batch.h"
#include "server/wal_record.h"

namespace ingest::server {
namespace {

// Batches received but not yet acked before the stream stops reading.
constexpr size_t kMaxUnackedBatches = 256;

// The message's bytes as received: a view of its one slice, or the slices joined into `joined`.
absl::string_view MessageBytes(const grpc::ByteBuffer& buffer, std::vector<grpc::Slice>* slices,
                               std::string* joined) {
  if (!buffer.Dump(slices).ok()) return {};
  auto view = [](const grpc::Slice& s) {
    return absl::string_view(reinterpret_cast<const char*>(s.begin()), s.size());
  };
  if (slices->size() == 1) return view(slices->front());
  for (const auto& s : *slices) joined->append(view(s).data(), s.size());
  return *joined;
}

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
  if (!reads_done && !read_in_flight && !log_paused && slots.size() < kMaxUnackedBatches) {
    read_in_flight = true;
    reactor->StartRead(&reactor->request_);
  }
  if (reads_done && slots.empty() && !write_in_flight) FinishNow(final_status);
}

void EventStream::Shared::FinishNow(const grpc::Status& status) {
  if (finished || reactor == nullptr) return;
  finished = true;
  if (metrics != nullptr) metrics->RpcEnded("StreamEvents", status.error_code());
  AddRetryHint(reactor->call_, status);
  reactor->Finish(status);
}

EventStream::EventStream(const IngestContext& ctx, grpc::CallbackServerContext* call)
    : ctx_(ctx), call_(call), shared_(std::make_shared<Shared>()) {
  absl::MutexLock lock(&shared_->mu);
  shared_->reactor = this;
  shared_->metrics = ctx_.metrics;
  shared_->Pump();
}

void EventStream::OnReadDone(bool ok) {
  // read_in_flight stays true until request_ is processed, so that an ack arriving meanwhile
  // on another thread does not start the next read into request_.
  if (!ok) {  // the client half-closed: ack everything, then OK
    EndAfterAcks(grpc::Status::OK);
    return;
  }
  grpc::Status st = Process();
  if (!st.ok()) {
    EndAfterAcks(st);
    return;
  }
  if (ctx_.budget != nullptr && ctx_.budget->Full()) {
    {
      absl::MutexLock lock(&shared_->mu);
      shared_->log_paused = true;
    }
    std::weak_ptr<Shared> weak = shared_;
    ctx_.budget->WhenRoom([weak] {
      if (auto s = weak.lock()) {
        absl::MutexLock lock(&s->mu);
        s->log_paused = false;
        s->Pump();
      }
    });
  }
  absl::MutexLock lock(&shared_->mu);
  shared_->read_in_flight = false;
  shared_->Pump();
}

grpc::Status EventStream::Process() {
  std::vector<grpc::Slice> slices;
  std::string joined;
  const absl::string_view bytes = MessageBytes(request_, &slices, &joined);
  auto received = ParseReceivedBatch(bytes);
  if (!received.ok()) return ToGrpcStatus(received.status());
  const v1::EventBatch& batch = received->batch;
  const std::string& producer = batch.producer_id();
  if (producer.empty()) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "producer_id is empty: every EventBatch needs the producer's stable id"};
  }
  if (producer_id_.empty()) {
    producer_id_ = producer;
    std::weak_ptr<Shared> weak = shared_;
    ctx_.streams->Attach(producer_id_, this, call_->peer(), [weak](const grpc::Status& status, bool after_acks) {
      if (auto s = weak.lock()) s->End(status, after_acks);
    });
  } else if (producer != producer_id_) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            absl::StrCat("this stream belongs to producer '", producer_id_, "' but a batch names '", producer,
                         "': open one stream per producer")};
  }
  const uint64_t seq = batch.sequence();
  auto kind = ctx_.producers->Admit(producer, seq, received->content_hash, batch.events_size(), ctx_.clock->Now());
  if (!kind.ok()) return ToGrpcStatus(kind.status());

  uint64_t slot;
  {
    absl::MutexLock lock(&shared_->mu);
    slot = shared_->Reserve();
  }
  std::shared_ptr<Shared> shared = shared_;
  if (*kind == ProducerRegistry::Kind::kResend) {
    ctx_.metrics->DuplicateBatch();
    ctx_.producers->WhenDurable(producer, seq,
                                [shared, slot](const v1::BatchAck& ack) { shared->Fill(slot, ack); });
    return grpc::Status::OK;
  }
  WindowItem item = BuildWindowItem(*received, ctx_.clock->Now());
  ctx_.metrics->Received(Source::kStream, producer, batch.events_size(), item.ack.accepted(), item.rejects);
  ProducerRegistry* producers = ctx_.producers;
  // Runs when the batch is durable and again when it commits; the first run is the ack.
  auto acked = std::make_shared<std::atomic<bool>>(false);
  auto complete = [producers, shared, slot, producer, seq, ack = item.ack, acked, metrics = ctx_.metrics,
                   clock = ctx_.clock, arrived = ctx_.clock->Now()] {
    producers->MarkDurable(producer, seq, ack);
    shared->Fill(slot, ack);
    if (!acked->exchange(true)) metrics->AckReady(clock->Now() - arrived);
  };
  // Once committed the batch is durable in any mode; MarkDurable and Fill take the ack once.
  item.on_committed = complete;
  item.log_state = std::make_shared<std::atomic<int>>(kLogPending);
  WalWriter::Done logged = [complete, shared, durable = ctx_.durable_acks, state = item.log_state](absl::Status st) {
    state->store(st.ok() ? kLogged : kLogFailed);
    if (!st.ok()) {
      // Not acked: the producer resends, and gets its ack once the batch commits.
      shared->End(ToGrpcStatus(st), false);
    } else if (durable) {
      complete();
    }
  };
  std::string record = EncodeWalRecord(item, bytes);
  absl::Status added = ctx_.batcher->Add(std::move(item), std::move(record), std::move(logged));
  if (!added.ok()) {
    absl::MutexLock lock(&shared_->mu);
    shared_->FinishNow(ToGrpcStatus(added));
  }
  return grpc::Status::OK;
}

void EventStream::EndAfterAcks(const grpc::Status& status) {
  static LogRate rate(absl::Seconds(30));
  if (!status.ok()) {
    if (auto held = rate.Allow(producer_id_, absl::Now())) {
      Logger("ingest")->warn("stream of producer '{}' from {} ended: {}{}", producer_id_, call_->peer(),
                             status.error_message(), HeldBack(*held));
    }
  }
  shared_->End(status, true);
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

void EventStream::OnWriteDone(bool ok) {
  absl::MutexLock lock(&shared_->mu);
  shared_->write_in_flight = false;
  if (!ok) {
    shared_->FinishNow({grpc::StatusCode::UNAVAILABLE, "the acknowledgement could not be sent"});
    return;
  }
  shared_->Pump();
}

void EventStream::OnCancel() {
  absl::MutexLock lock(&shared_->mu);
  shared_->FinishNow({grpc::StatusCode::CANCELLED, "cancelled"});
}

void EventStream::OnDone() {
  {
    absl::MutexLock lock(&shared_->mu);
    shared_->reactor = nullptr;
  }
  if (!producer_id_.empty()) ctx_.streams->Detach(producer_id_, this);
  delete this;
}

}  // namespace ingest::server
