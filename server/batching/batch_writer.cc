#include "server/batching/batch_writer.h"

#include <pthread.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/logging.h"
#include "common/time_text.h"
#include "common/units.h"

namespace ingest::server {

BatchWriter::BatchWriter(EventSink* sink, Backoff backoff, uint64_t last_committed_id, WriterHooks hooks)
    : sink_(sink), backoff_(backoff), hooks_(std::move(hooks)) {
  stats_.last_committed_id = last_committed_id;
}

BatchWriter::~BatchWriter() { Stop(); }

void BatchWriter::Start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "sink-writer");
    Loop();
  });
}

void BatchWriter::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void BatchWriter::Enqueue(SealedBatch batch) {
  absl::MutexLock lock(&mu_);
  queue_.push_back(std::move(batch));
  stats_.pending_batches = queue_.size();
  if (!hooks_.load) return;
  // Behind the front, spill every batch whose records are all confirmed in the log (a batch
  // holding a record the log refused stays whole: it can only be written from memory). The
  // front is left alone: the writer thread is reading it.
  for (size_t i = kResidentBatches; i < queue_.size(); ++i) {
    SealedBatch& b = queue_[i];
    if (b.spilled || !b.AllLogged()) continue;
    b.wal_first = b.WalFirst();
    b.wal_end = b.WalEnd();
    for (size_t k = 0; k < b.items.size(); ++k) {
      if (b.items[k].on_committed) b.spilled_completions.push_back({k, std::move(b.items[k].on_committed)});
    }
    b.items.clear();
    b.items.shrink_to_fit();
    b.spilled = true;
  }
}

void BatchWriter::RetryNow() {
  absl::MutexLock lock(&mu_);
  retry_now_ = true;
}

bool BatchWriter::WaitCommitted(uint64_t id, absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto done = [this, id]()
                  ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stats_.last_committed_id >= id || stop_; };
  mu_.AwaitWithDeadline(absl::Condition(&done), deadline);
  return stats_.last_committed_id >= id;
}

WriterStats BatchWriter::Stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

namespace {

// Each item's completion, with the rows of it PostgreSQL refused. A spilled batch kept only its
// completions, each with its item's index.
void RunCompletions(SealedBatch& done, const std::vector<CommitResult::Refused>& refused) {
  size_t items = done.items.size();
  for (const auto& c : done.spilled_completions) items = std::max(items, c.item + 1);
  std::vector<std::vector<RejectedRow>> by_item(items);
  for (const auto& r : refused) {
    if (r.item < items) by_item[r.item].push_back(r.row);
  }
  for (size_t k = 0; k < done.items.size(); ++k) {
    if (done.items[k].on_committed) done.items[k].on_committed(by_item[k]);
  }
  for (auto& c : done.spilled_completions) c.run(by_item[c.item]);
}

}  // namespace

absl::StatusOr<std::optional<EventSighting>> BatchWriter::FindEvent(
    const std::string& event_id, const std::function<bool()>& cancelled) const {
  // Newest first. Resident batches are searched under the lock (the writer thread only reads the
  // front one's items); spilled ones are noted and read back after it is released.
  struct Step {
    std::optional<EventSighting> found;
    BatchRange spilled;
  };
  std::vector<Step> steps;
  {
    absl::MutexLock lock(&mu_);
    for (auto b = queue_.rbegin(); b != queue_.rend(); ++b) {
      if (b->spilled) {
        steps.push_back(Step{std::nullopt, b->Range()});
        continue;
      }
      if (auto found = FindInBatch(*b, event_id)) {
        steps.push_back(Step{std::move(found), BatchRange()});
        break;  // older batches hold older versions
      }
    }
  }
  for (const Step& step : steps) {
    if (step.found) return step.found;
    if (cancelled && cancelled()) {
      return absl::DeadlineExceededError(
          absl::StrCat("gave up reading sealed batches back from the log at batch ", step.spilled.batch_id));
    }
    auto loaded = hooks_.load(step.spilled);
    if (!loaded.ok()) {
      if (Stats().last_committed_id >= step.spilled.batch_id) continue;  // committed, its log removed
      return absl::UnavailableError(absl::StrCat("cannot read sealed batch ", step.spilled.batch_id,
                                                 " back from the log: ", loaded.status().message()));
    }
    if (auto found = FindInBatch(*loaded, event_id)) return found;
  }
  return std::nullopt;
}

void BatchWriter::Loop() {
  auto log = Logger("sink");
  while (true) {
    SealedBatch* batch;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stop_ || !queue_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (stop_) return;
      batch = &queue_.front();  // only this thread pops, and push_back keeps references valid
    }
    CommitResult result;
    SealedBatch loaded;
    if (!WriteWithRetry(*batch, &result, &loaded)) return;
    const SealedBatch& written = batch->spilled ? loaded : *batch;
    if (hooks_.after_commit) hooks_.after_commit(written, result);
    const size_t events = written.EventCount();
    // Stored rows: accepted at validation, less those PostgreSQL refused (db_refused).
    const size_t accepted = events - written.RejectCount() - std::min<size_t>(result.refused, events);
    SealedBatch done;
    {
      absl::MutexLock lock(&mu_);
      done = std::move(queue_.front());
      queue_.pop_front();
      stats_.last_committed_id = done.batch_id;
      stats_.last_commit_time = FromMicros(result.committed_at_us);
      stats_.committed_events += accepted;
      stats_.committed_batches++;
      stats_.pending_batches = queue_.size();
      stats_.sink = SinkStatus();
    }
    log->info(
        "batch {} committed: {} events, {} inserted, {} updated, {} rejected{}, write {} ms, delay {:.1f} "
        "s{}",
        done.batch_id, events, result.inserted, result.updated, result.rejected,
        result.refused ? fmt::format(" ({} refused by PostgreSQL)", result.refused) : std::string(),
        result.write_ms, (result.committed_at_us - done.window_start_us) / 1e6,
        result.already_committed ? " (already in the database, not written again)" : "");
    RunCompletions(done, result.refused_rows);
  }
}

bool BatchWriter::SettleLogRange(SealedBatch* batch) {
  // A record waits for its group fsync only for milliseconds; if that fails the process exits.
  while (batch->AnyLogPending()) {
    absl::MutexLock lock(&mu_);
    auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stop_; };
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping), absl::Milliseconds(1))) return false;
  }
  batch->wal_first = batch->WalFirst();
  batch->wal_end = batch->WalEnd();
  return true;
}

bool IsTransientWriteError(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsAborted(status) || absl::IsResourceExhausted(status) ||
         absl::IsDeadlineExceeded(status);
}

absl::Duration BatchWriter::RecordFailure(const SealedBatch& batch, const absl::Status& error,
                                          absl::Duration delay) {
  SinkStatus& s = stats_.sink;
  s.retrying = true;
  s.transient = IsTransientWriteError(error);
  const absl::Duration wait = s.transient ? delay : backoff_.max;
  s.last_error = s.transient ? std::string(error.message())
                             : absl::StrCat(error.message(),
                                            " (not a transient error: an operator must fix its cause; "
                                            "retrying every ",
                                            DurationText(wait), ")");
  s.attempts++;
  stats_.failed_writes++;
  s.next_attempt = absl::Now() + wait;
  if (auto held = retry_log_.Allow("sink", absl::Now())) {
    auto log = Logger("sink");
    log->log(s.transient ? spdlog::level::warn : spdlog::level::err,
             "batch {} not written (attempt {}): {}; retrying in {}{}", batch.batch_id, s.attempts,
             s.last_error, DurationText(wait), HeldBack(*held));
  }
  return wait;
}

bool BatchWriter::WriteWithRetry(SealedBatch& batch, CommitResult* result, SealedBatch* loaded) {
  auto log = Logger("sink");
  if (!batch.spilled && !SettleLogRange(&batch)) return false;
  absl::Duration delay = backoff_.initial;
  while (true) {
    absl::Status prepared = absl::OkStatus();
    if (batch.spilled && loaded->batch_id != batch.batch_id) {
      auto read = hooks_.load(batch.Range());
      if (read.ok()) {
        *loaded = std::move(*read);
      } else {
        prepared = read.status();
      }
    }
    const SealedBatch& to_write = batch.spilled ? *loaded : batch;
    if (prepared.ok() && hooks_.before_write) prepared = hooks_.before_write(to_write);
    absl::StatusOr<CommitResult> written =
        prepared.ok() ? sink_->Write(to_write) : absl::StatusOr<CommitResult>(prepared);
    if (written.ok()) {
      *result = *written;
      absl::MutexLock lock(&mu_);
      if (stats_.sink.attempts > 0) {
        log->info("batch {} written after {} failed attempts: PostgreSQL takes writes again", batch.batch_id,
                  stats_.sink.attempts);
      }
      return true;
    }
    absl::MutexLock lock(&mu_);
    const absl::Duration wait = RecordFailure(batch, written.status(), delay);
    retry_now_ = false;
    auto woken = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stop_ || retry_now_; };
    mu_.AwaitWithTimeout(absl::Condition(&woken), wait);
    if (stop_) return false;
    delay = retry_now_ ? backoff_.initial : std::min(delay * 2, backoff_.max);
    retry_now_ = false;
  }
}

}  // namespace ingest::server
