#include "server/intake/event_stream.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/status_util.h"
#include "server/intake/append_for_ack.h"
#include "server/intake/batch_intake.h"
#include "server/model/received_batch.h"
#include "server/observability/log_rate.h"

namespace ingest::server {
struct EventStream::Message {
  std::vector<grpc::Slice> slices;  // hold the bytes that `bytes` views
  std::string joined;               // the slices joined, when there were several
  absl::string_view bytes;
  ReceivedBatch received;

  // The message in `buffer`, parsed; InvalidArgument when it is not an EventBatch.
  static absl::StatusOr<std::unique_ptr<Message>> Read(const grpc::ByteBuffer& buffer) {
    auto m = std::make_unique<Message>();
    if (!buffer.Dump(&m->slices).ok()) return absl::InvalidArgumentError("the message could not be read");
    auto view = [](const grpc::Slice& s) {
      return absl::string_view(reinterpret_cast<const char*>(s.begin()), s.size());
    };
    if (m->slices.size() == 1) {
      m->bytes = view(m->slices.front());
    } else {
      for (const auto& s : m->slices) m->joined.append(view(s).data(), s.size());
      m->bytes = m->joined;
    }
    ASSIGN_OR_RETURN(m->received, ParseReceivedBatch(m->bytes));
    return m;
  }
};

EventStream::EventStream(const IngestContext& ctx, grpc::CallbackServerContext* call)
    : ctx_(ctx), peer_(call->peer()), call_(call), shared_(std::make_shared<Shared>()) {
  const grpc::Status opened = Open();
  absl::MutexLock lock(&shared_->mu);
  shared_->reactor = this;
  shared_->metrics = ctx_.metrics;
  if (!opened.ok()) {
    if (opened.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      call_->AddTrailingMetadata("retry-after-ms", "1000");  // a place may free up: worth a retry
    }
    shared_->FinishNow(opened);
    return;
  }
  shared_->Pump();
}

grpc::Status EventStream::Open() {
  grant_ = Grant::Open();
  absl::Status st;
  if (ctx_.tokens != nullptr) {
    auto grant = ctx_.tokens->Authenticate(call_->client_metadata());
    if (grant.ok()) grant_ = std::move(*grant);
    st = grant.status();
  }
  if (st.ok() && ctx_.limits != nullptr) {
    auto ticket = ctx_.limits->OpenStream(peer_, absl::Now(), IdleEnd(), grant_->client());
    if (ticket.ok()) ticket_ = std::move(*ticket);
    st = ticket.status();
  }
  if (!st.ok()) ctx_.metrics->Refused(st);
  return ToGrpcStatus(st);
}

CallLimits::EndIdle EventStream::IdleEnd() {
  return [weak = std::weak_ptr<Shared>(shared_), metrics = ctx_.metrics](const std::string& message) {
    auto s = weak.lock();
    if (!s) return;
    absl::Status idle = absl::UnavailableError(message);
    metrics->Refused(idle);
    s->End(ToGrpcStatus(idle), true);
  };
}

void EventStream::OnReadDone(bool ok) {
  // read_in_flight stays true until the batch is processed, so that an ack arriving meanwhile
  // on another thread does not start the next read into request_.
  if (!ok) {  // the client half-closed: ack everything, then OK
    EndAfterAcks(grpc::Status::OK);
    return;
  }
  if (ticket_) ticket_->Busy();
  auto message = Message::Read(request_);
  if (!message.ok()) {
    Continue(ToGrpcStatus(message.status()));
    return;
  }
  // Only a stream's first batch can meet a producer not in memory (the registry keeps every
  // producer it loaded, and later batches must name the same one) or claim it (several servers).
  if (ctx_.loads != nullptr && producer_id_.empty() &&
      (ctx_.producers->Claims() || !ctx_.producers->Loaded((*message)->received.producer_id))) {
    refs_.fetch_add(1);
    ctx_.loads->Run([this, m = std::shared_ptr<Message>(std::move(*message))] {
      Continue(Process(*m));
      Unref();
    });
    return;
  }
  Continue(Process(**message));
}

void EventStream::Continue(const grpc::Status& status) {
  if (!status.ok()) {
    EndAfterAcks(status);
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
  const absl::Duration wait = ticket_ ? ticket_->Pace(absl::Now()) : absl::ZeroDuration();
  absl::MutexLock lock(&shared_->mu);
  if (wait > absl::ZeroDuration()) PauseForRate(wait);
  shared_->read_in_flight = false;
  shared_->Pump();
}

void EventStream::PauseForRate(absl::Duration wait) {
  ctx_.metrics->RateWait(wait);
  shared_->rate_paused = true;
  // A new alarm each time: the last one may still be running its callback, which unpaused us.
  shared_->rate_alarm = std::make_unique<grpc::Alarm>();
  shared_->rate_alarm->Set(
      std::chrono::system_clock::now() + std::chrono::microseconds(absl::ToInt64Microseconds(wait)),
      [weak = std::weak_ptr<Shared>(shared_)](bool) {
        if (auto s = weak.lock()) {
          absl::MutexLock lock(&s->mu);
          s->rate_paused = false;
          s->Pump();
        }
      });
}

grpc::Status EventStream::BindProducer(const std::string& producer) {
  if (producer.empty()) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "producer_id is empty: every EventBatch needs the producer's stable id"};
  }
  if (producer_id_.empty()) {
    if (absl::Status allowed = grant_->Check("producer_id", producer); !allowed.ok()) {
      ctx_.metrics->Refused(allowed);
      return ToGrpcStatus(allowed);
    }
    producer_id_ = producer;
    std::weak_ptr<Shared> weak = shared_;
    ctx_.streams->Attach(producer_id_, this, peer_, [weak](const grpc::Status& status, bool after_acks) {
      if (auto s = weak.lock()) s->End(status, after_acks);
    });
  } else if (producer != producer_id_) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            absl::StrCat("this stream belongs to producer '", producer_id_, "' but a batch names '", producer,
                         "': open one stream per producer")};
  }
  return grpc::Status::OK;
}

grpc::Status EventStream::Allowed(const ReceivedBatch& received) {
  absl::Status st;
  if (grant_->revoked()) {
    st = absl::UnauthenticatedError(
        "the stream's token was removed from the server's --auth-tokens file (or what it allows changed); "
        "reconnect with a valid token");
  } else if (static_cast<uint64_t>(received.events_size()) > ctx_.max_request_events) {
    st = absl::ResourceExhaustedError(absl::StrCat("the batch carries ", received.events_size(),
                                                   " events, more than the limit (--max-request-events ",
                                                   ctx_.max_request_events, "); send smaller batches"));
  }
  if (!st.ok()) ctx_.metrics->Refused(st);
  return ToGrpcStatus(st);
}

grpc::Status EventStream::Process(const Message& message) {
  const ReceivedBatch& received = message.received;
  if (grpc::Status allowed = Allowed(received); !allowed.ok()) return allowed;
  const std::string& producer = received.producer_id;
  const bool first = producer_id_.empty();
  if (grpc::Status bound = BindProducer(producer); !bound.ok()) return bound;
  if (first) {
    if (absl::Status claimed = ctx_.producers->Claim(producer); !claimed.ok()) return ToGrpcStatus(claimed);
  }
  const uint64_t seq = received.sequence;
  auto kind =
      ctx_.producers->Admit(producer, seq, received.content_hash, received.events_size(), ctx_.clock->Now());
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
  WindowItem item = BuildWindowItem(received, ctx_.clock->Now());
  ctx_.metrics->Received(Source::kStream, producer, received.events_size(), item.ack.accepted(),
                         item.rejects);
  ProducerRegistry* producers = ctx_.producers;
  AckCallbacks callbacks;
  callbacks.settled = [producers, shared, slot, producer, seq, ack = item.ack, metrics = ctx_.metrics,
                       clock = ctx_.clock, arrived = ctx_.clock->Now()](
                          const absl::Status& st, const std::vector<RejectedRow>& refused) {
    if (!st.ok()) {
      // Not acked: the producer resends, and gets its ack once the batch commits.
      shared->End(ToGrpcStatus(st), false);
      return;
    }
    v1::BatchAck answer = WithRefused(ack, refused);  // --ack=committed: the rows stored, exactly
    producers->MarkDurable(producer, seq, answer);
    shared->Fill(slot, answer);
    metrics->AckReady(clock->Now() - arrived);
  };
  // Once committed, a resend is answered with what was stored; a batch whose record the log
  // refused is still committed from memory, and its ack is remembered then.
  callbacks.committed = [producers, producer, seq, ack = item.ack](const std::vector<RejectedRow>& refused) {
    producers->MarkDurable(producer, seq, WithRefused(ack, refused));
  };
  (void)AppendForAck(*ctx_.batcher, ctx_.ack_mode, std::move(item), message.bytes, std::move(callbacks));
  return grpc::Status::OK;
}

void EventStream::EndAfterAcks(const grpc::Status& status) {
  static LogRate rate(absl::Seconds(30));
  if (!status.ok()) {
    if (auto held = rate.Allow(producer_id_, absl::Now())) {
      Logger("ingest")->warn("stream of producer '{}' from {} ended: {}{}", producer_id_, peer_,
                             status.error_message(), HeldBack(*held));
    }
  }
  shared_->End(status, true);
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
    // A call gRPC ended itself (a message over --max-message-bytes) or the client cancelled
    // ended as CANCELLED for the server, whatever it answered.
    const grpc::StatusCode code = call_->IsCancelled() ? grpc::StatusCode::CANCELLED : shared_->finished_code;
    if (shared_->metrics != nullptr) shared_->metrics->RpcEnded("StreamEvents", code);
  }
  Unref();
}

void EventStream::Unref() {
  if (refs_.fetch_sub(1) != 1) return;
  // The last reference: no batch is being processed, so producer_id_ is settled.
  if (!producer_id_.empty()) ctx_.streams->Detach(producer_id_, this);
  delete this;
}

}  // namespace ingest::server
