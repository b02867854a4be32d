// BatchWriter: the thread that writes sealed micro-batches to the sink in id order until each
// one commits, then completes the acks of its items. It acts on the sink's status code: a
// transient error (Unavailable, Aborted, ResourceExhausted, DeadlineExceeded) is retried with
// capped exponential backoff; any other error will not go away by itself, so the batch — which
// holds acked events and is never dropped — is tried again only at the cap, and the error is
// logged and shown as needing an operator.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/model/event_sink.h"
#include "server/model/sealed_batch.h"
#include "server/observability/log_rate.h"

namespace ingest::server {

struct Backoff {
  absl::Duration initial = absl::Milliseconds(100);
  absl::Duration max = absl::Seconds(10);
};

// The sink's state as GetStatus shows it.
struct SinkStatus {
  bool retrying = false;
  std::string last_error;
  absl::Time next_attempt = absl::InfinitePast();
  uint32_t attempts = 0;  // failed attempts in a row
  bool transient = true;  // the last error may go away by itself; false: an operator must act
};

// Whether a failed write is worth retrying soon: the database or the link is down, busy or lost a
// conflict. Other errors (Internal, InvalidArgument, DataLoss, ...) need an operator.
bool IsTransientWriteError(const absl::Status& status);

// What happens around each database write: offsets/N before it, commits/N after it.
struct WriterHooks {
  std::function<absl::Status(const SealedBatch&)> before_write;
  std::function<void(const SealedBatch&, const CommitResult&)> after_commit;
  // Reads a spilled batch back; when set, batches queued behind the first few are spilled.
  std::function<absl::StatusOr<SealedBatch>(const BatchRange&)> load;
};

// Sealed batches kept whole in memory while waiting for the database (the one being written);
// later ones are spilled.
inline constexpr size_t kResidentBatches = 1;

struct WriterStats {
  uint64_t last_committed_id = 0;
  absl::Time last_commit_time = absl::InfinitePast();
  uint64_t committed_events = 0;  // accepted events written
  uint64_t committed_batches = 0;
  size_t pending_batches = 0;
  uint64_t failed_writes = 0;  // attempts that failed (and were retried), since start
  SinkStatus sink;
};

class BatchWriter {
 public:
  BatchWriter(EventSink* sink, Backoff backoff, uint64_t last_committed_id, WriterHooks hooks = {});
  ~BatchWriter();

  void Start();
  // Stops after the current attempt; batches not yet committed stay unwritten.
  void Stop();

  // Ends the wait before the next attempt at a batch that failed: PostgreSQL is known to answer
  // again (DatabaseProbe), so the backoff (up to 10 s) would only delay the backlog.
  void RetryNow();

  // Queues a sealed batch; batches must arrive in increasing id order.
  void Enqueue(SealedBatch batch);

  // Waits until batch `id` (and all before it) committed. False at the deadline or on Stop.
  bool WaitCommitted(uint64_t id, absl::Time deadline);

  WriterStats Stats() const;

  // Looks the event up in the sealed batches waiting to be written, newest first. A spilled
  // batch has no items in memory: it is read back from the log (hooks.load), one at a time and
  // without the lock; one that commits meanwhile is skipped, as the database holds it then.
  // `cancelled` (may be empty) is asked before each read-back: DeadlineExceeded when it says so.
  // nullopt when no waiting batch holds the event; Unavailable when a batch cannot be read back.
  absl::StatusOr<std::optional<EventSighting>> FindEvent(const std::string& event_id,
                                                         const std::function<bool()>& cancelled = {}) const;

 private:
  void Loop();
  // Writes `batch` until it commits; false on Stop. A spilled batch is read back into `loaded`
  // first; a resident one first waits for its records to settle in the log (SettleLogRange).
  bool WriteWithRetry(SealedBatch& batch, CommitResult* result, SealedBatch* loaded);
  // Waits until no record of `batch` is pending in the log, then sets its log range from the
  // records that are in it; false on Stop.
  bool SettleLogRange(SealedBatch* batch);
  // Records a failed attempt at `batch` in the sink's status and logs it; returns how long to
  // wait before the next attempt, given the transient backoff `delay`.
  absl::Duration RecordFailure(const SealedBatch& batch, const absl::Status& error, absl::Duration delay)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  EventSink* const sink_;
  const Backoff backoff_;
  const WriterHooks hooks_;
  mutable absl::Mutex mu_;  // guards the queue of sealed batches, the stop flag and the stats
  std::deque<SealedBatch> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool retry_now_ ABSL_GUARDED_BY(mu_) = false;
  WriterStats stats_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
  LogRate retry_log_{absl::Seconds(30)};  // one retry warning per 30 s, with the count held back
};

}  // namespace ingest::server
