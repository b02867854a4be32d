#include "server/batching/micro_batcher.h"

#include <pthread.h>

namespace ingest::server {

MicroBatcher::MicroBatcher(WindowLimits limits, Clock* clock, BatchWriter* writer, uint64_t next_batch_id,
                           DurableLog* log)
    : clock_(clock),
      writer_(writer),
      log_(log),
      window_(limits, next_batch_id),
      last_sealed_id_(next_batch_id - 1) {}

MicroBatcher::~MicroBatcher() { Stop(); }

void MicroBatcher::Start() {
  timer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "window-timer");
    TimerLoop();
  });
}

void MicroBatcher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (timer_.joinable()) timer_.join();
}

absl::Status MicroBatcher::Add(WindowItem item, std::string record, WalWriter::Done durable) {
  absl::MutexLock lock(&mu_);
  if (stop_) return absl::UnavailableError("the server is shutting down; retry on another server or later");
  if (log_ != nullptr) {
    // Under mu_: log order is window order, so a batch is one contiguous range of the log.
    auto pos = log_->Append(std::move(record), std::move(durable));
    if (!pos.ok()) return pos.status();
    item.wal_pos = *pos;
  } else {
    item.log_state.reset();  // no log (tests): nothing to wait for
  }
  Send(window_.Add(std::move(item), clock_->Now()));
  return absl::OkStatus();
}

void MicroBatcher::AddRecovered(WindowItem item) {
  absl::MutexLock lock(&mu_);
  Send(window_.Add(std::move(item), clock_->Now()));
}

uint64_t MicroBatcher::SealNow() {
  absl::MutexLock lock(&mu_);
  Send(window_.Seal(clock_->Now()));
  return last_sealed_id_;
}

WindowStats MicroBatcher::Stats() const {
  absl::MutexLock lock(&mu_);
  WindowStats s;
  s.events = window_.events();
  s.bytes = window_.bytes();
  s.age = window_.empty() ? absl::ZeroDuration() : clock_->Now() - window_.opened_at();
  s.last_sealed_id = last_sealed_id_;
  return s;
}

std::optional<EventSighting> MicroBatcher::FindEvent(const std::string& event_id) const {
  absl::MutexLock lock(&mu_);
  return window_.Find(event_id);
}

void MicroBatcher::Send(std::optional<SealedBatch> sealed) {
  if (!sealed) return;
  last_sealed_id_ = sealed->batch_id;
  sealed->wal_first = sealed->WalFirst();
  sealed->wal_end = sealed->WalEnd();
  writer_->Enqueue(std::move(*sealed));  // under mu_, so the writer sees batches in id order
}

void MicroBatcher::TimerLoop() {
  absl::MutexLock lock(&mu_);
  auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stop_; };
  while (true) {
    absl::Duration wait = window_.Deadline() - clock_->Now();
    wait = std::clamp(wait, absl::Milliseconds(1), absl::Milliseconds(100));
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping), wait)) return;
    Send(window_.Tick(clock_->Now()));
  }
}

}  // namespace ingest::server
