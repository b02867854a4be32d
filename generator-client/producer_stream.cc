#include "generator-client/producer_stream.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/status_util.h"
#include "common/units.h"

namespace ingest::generator {
namespace {

constexpr absl::Duration kMinBackoff = absl::Milliseconds(100);
constexpr absl::Duration kMaxBackoff = absl::Seconds(5);
// Consecutive failed streams without a single ack before the producer gives up.
constexpr int kMaxFailedStreams = 30;
constexpr char kStreamEventsMethod[] = "/ingest.v1.IngestService/StreamEvents";

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string Describe(const grpc::Status& s) {
  std::string code = CodeName(s.error_code());
  if (s.error_message().empty() || s.error_message() == code) return code;
  return absl::StrCat(code, ": ", s.error_message());
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, const ClientAccess& access) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, absl::ToInt64Milliseconds(kMinBackoff));
  // Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: gRPC also takes it as the connect timeout, and 100 ms
  // made producers fail to connect to a busy server (64-256 producers at once).
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, absl::ToInt64Milliseconds(kMaxBackoff));
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // one connection per producer
  return MakeClientChannel(target, access, args);
}

}  // namespace

bool IsRetriable(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:  // the server ended the stream before acking everything
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::UNKNOWN:   // "Stream removed" after a lost connection
    case grpc::StatusCode::INTERNAL:  // RST_STREAM from a proxy
      return true;
    default:
      return false;
  }
}

ProducerStream::ProducerStream(ProducerOptions options, const Catalog& catalog, AckedLog* acked_log)
    : options_(std::move(options)),
      channel_(MakeChannel(options_.target, options_.access)),
      stream_events_(kStreamEventsMethod, grpc::internal::RpcMethod::BIDI_STREAMING, channel_),
      factory_(catalog, options_.seed, options_.invalid_ratio),
      buffers_(WireBufferPool::Create()),
      log_(Logger("generator")),
      window_(options_.producer_id, acked_log) {}

std::unique_ptr<ProducerStream::Stream> ProducerStream::OpenStream(grpc::ClientContext* ctx) {
  // What the generated stub's StreamEvents does, with grpc::ByteBuffer as the request type.
  return std::unique_ptr<Stream>(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, v1::BatchAck>::Create(channel_.get(),
                                                                                        stream_events_, ctx));
}

void ProducerStream::StopSending() {
  absl::MutexLock lock(&mu_);
  stop_ = true;
  MarkSendingDone();
}

void ProducerStream::Abort(const std::string& why) {
  absl::MutexLock lock(&mu_);
  if (!abort_) abort_reason_ = why;
  abort_ = true;
  if (ctx_ != nullptr) ctx_->TryCancel();
}

void ProducerStream::AddCountsTo(ProducerStats* totals) {
  absl::MutexLock lock(&mu_);
  totals->MergeCounts(window_.stats());
}

bool ProducerStream::SendingDone() const {
  return stop_ || (options_.batches > 0 && next_sequence_ > options_.batches);
}

void ProducerStream::MarkSendingDone() {
  if (drain_deadline_ == absl::InfiniteFuture()) drain_deadline_ = absl::Now() + options_.drain_timeout;
}

bool ProducerStream::DrainExpired() {
  if (!abort_ && absl::Now() >= drain_deadline_ && !window_.empty()) {
    abort_ = true;
    abort_reason_ =
        absl::StrCat(window_.size(), " batches still unacked ", DurationText(options_.drain_timeout),
                     " (--drain-timeout) after sending stopped");
  }
  return abort_;
}

ProducerResult ProducerStream::Run() {
  auto& log = log_;
  start_ = absl::Now();
  absl::Duration backoff = kMinBackoff;
  bool ever_connected = false;
  int failed_streams = 0;
  ProducerResult result;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (window_.empty() && SendingDone()) break;
      if (DrainExpired()) {
        result.status = absl::CancelledError(abort_reason_);
        break;
      }
      if (!protocol_error_.ok()) {
        result.status = protocol_error_;
        break;
      }
    }
    if (!Connect(absl::Now() + options_.connect_timeout)) {
      absl::MutexLock lock(&mu_);
      if (abort_ || (window_.empty() && SendingDone())) continue;
      result.unreachable = !ever_connected;
      result.status = absl::UnavailableError(
          ever_connected
              ? absl::StrCat("lost the connection to ", options_.target, " and could not reconnect within ",
                             DurationText(options_.connect_timeout), " (--connect-timeout)")
              : ProbeError());
      break;
    }
    size_t acked_before;
    {
      absl::MutexLock lock(&mu_);
      acked_before = window_.stats().batches_acked;
      if (ever_connected) {
        ++window_.stats().reconnects;
        log->info("producer {} reconnected to {}; resending {} unacked batches", options_.producer_id,
                  options_.target, window_.size());
      } else {
        log->info("producer {} connected to {}", options_.producer_id, options_.target);
      }
    }
    ever_connected = true;
    Attempt attempt = RunStream();
    size_t pending;
    {
      absl::MutexLock lock(&mu_);
      pending = window_.size();
      if (window_.stats().batches_acked > acked_before) {
        backoff = kMinBackoff;
        failed_streams = 0;
      }
      if (abort_ || !protocol_error_.ok() || (pending == 0 && SendingDone())) continue;
    }
    // RESOURCE_EXHAUSTED with a retry-after hint: the server is at --max-streams or
    // --max-streams-per-peer, a place may free up; without one, the batch itself is too large.
    const bool busy = attempt.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED &&
                      attempt.retry_after > absl::ZeroDuration();
    if (!IsRetriable(attempt.status.error_code()) && !busy) {
      result.status =
          absl::Status(static_cast<absl::StatusCode>(attempt.status.error_code()),
                       absl::StrCat("the server ended the stream with ", Describe(attempt.status)));
      break;
    }
    if (++failed_streams > kMaxFailedStreams) {
      result.status = absl::UnavailableError(
          absl::StrCat("gave up after ", kMaxFailedStreams,
                       " streams in a row ended without an ack; last: ", Describe(attempt.status)));
      break;
    }
    absl::Duration delay = std::max(backoff, attempt.retry_after);
    backoff = std::min(backoff * 2, kMaxBackoff);
    log->info("producer {}: stream ended ({}); reconnecting in {} with {} unacked batches",
              options_.producer_id, Describe(attempt.status), DurationText(delay), pending);
    SleepUntil(absl::Now() + delay);
  }
  absl::MutexLock lock(&mu_);
  if (result.status.ok() && !window_.empty()) result.status = absl::CancelledError(abort_reason_);
  result.stats = window_.stats();
  return result;
}

bool ProducerStream::Connect(absl::Time give_up_at) {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (DrainExpired() || (window_.empty() && SendingDone())) return false;
    }
    absl::Time now = absl::Now();
    if (now >= give_up_at) return false;
    absl::Time slice = std::min(give_up_at, now + absl::Milliseconds(100));
    if (channel_->WaitForConnected(absl::ToChronoTime(slice))) return true;
  }
}

std::string ProducerStream::ProbeError() {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  std::unique_ptr<Stream> stream = OpenStream(&ctx);
  stream->WritesDone();
  v1::BatchAck ack;
  while (stream->Read(&ack)) {
  }
  return stream->Finish().error_message();
}

void ProducerStream::SleepUntil(absl::Time t) {
  absl::MutexLock lock(&mu_);
  auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return abort_; };
  mu_.AwaitWithDeadline(absl::Condition(&woken), std::min(t, drain_deadline_));
  DrainExpired();
}

std::optional<grpc::ByteBuffer> ProducerStream::NextBatch() {
  uint64_t sequence;
  {
    absl::MutexLock lock(&mu_);
    auto interrupted = [this]()
                           ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || abort_ || reader_done_; };
    auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stop_ || abort_ || reader_done_ || window_.size() < static_cast<size_t>(options_.window);
    };
    if (!SendingDone()) {
      absl::Time due =
          start_ + options_.phase + options_.batch_interval * static_cast<double>(next_sequence_ - 1);
      mu_.AwaitWithDeadline(absl::Condition(&interrupted), due);
    }
    mu_.Await(absl::Condition(&room));
    if (abort_ || reader_done_) return std::nullopt;
    if (SendingDone()) {
      MarkSendingDone();
      return std::nullopt;
    }
    sequence = next_sequence_++;
  }
  std::unique_ptr<std::string> buffer = buffers_->Take();
  factory_.EncodeBatch(options_.producer_id, sequence, options_.events_per_batch, absl::Now(), buffer.get());
  grpc::ByteBuffer bytes = buffers_->Wrap(std::move(buffer));
  absl::MutexLock lock(&mu_);
  window_.Add(sequence, options_.events_per_batch, bytes, absl::Now());
  return bytes;
}

void ProducerStream::ReadAcks(Stream* stream, grpc::ClientContext* ctx) {
  v1::BatchAck ack;
  while (stream->Read(&ack)) {
    absl::Time now = absl::Now();
    absl::MutexLock lock(&mu_);
    absl::Status s = window_.OnAck(ack, now);
    if (!s.ok() && protocol_error_.ok()) {
      protocol_error_ = s;
      ctx->TryCancel();
    }
  }
  absl::MutexLock lock(&mu_);
  reader_done_ = true;
}

ProducerStream::Attempt ProducerStream::RunStream() {
  grpc::ClientContext ctx;
  std::unique_ptr<Stream> stream = OpenStream(&ctx);
  std::vector<grpc::ByteBuffer> resend;
  {
    absl::MutexLock lock(&mu_);
    ctx_ = &ctx;
    reader_done_ = false;
    resend = window_.Pending();
    if (abort_) ctx.TryCancel();
  }
  std::thread reader([&] { ReadAcks(stream.get(), &ctx); });
  bool ok = true;
  for (const grpc::ByteBuffer& batch : resend) {
    if (!(ok = stream->Write(batch))) break;
    absl::MutexLock lock(&mu_);
    ++window_.stats().batches_resent;
  }
  resend.clear();
  while (ok) {
    std::optional<grpc::ByteBuffer> batch = NextBatch();
    if (!batch.has_value()) break;
    ok = stream->Write(*batch);
  }
  bool sending_done;
  {
    absl::MutexLock lock(&mu_);
    sending_done = SendingDone() && !reader_done_;
  }
  if (ok && sending_done) stream->WritesDone();
  {
    absl::MutexLock lock(&mu_);
    auto finished = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return reader_done_ || abort_; };
    mu_.AwaitWithDeadline(absl::Condition(&finished), drain_deadline_);
    if (!reader_done_) {
      DrainExpired();
      ctx.TryCancel();
    }
  }
  reader.join();
  Attempt attempt{stream->Finish(), absl::ZeroDuration()};
  attempt.retry_after = RetryAfterHint(ctx);
  absl::MutexLock lock(&mu_);
  ctx_ = nullptr;
  return attempt;
}

}  // namespace ingest::generator
