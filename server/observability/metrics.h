// Metrics: what the server counts as events flow — the totals GetStatus shows and the
// Prometheus families served on --metrics-listen (names and labels in docs/operations.md).
// Gauges of the moving parts are not kept here: StateCollector (admin/state_collector.h) reads them
// at each scrape.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/model/sealed_batch.h"
#include "server/observability/rejection_summary.h"

namespace ingest::server {

// Intake totals since start, shown by GetStatus.
struct IntakeCounters {
  std::atomic<uint64_t> received{0};  // events in new batches
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<uint64_t> duplicates{0};  // resent batches answered with their original ack
};

class Metrics {
 public:
  Metrics();

  const IntakeCounters& totals() const { return totals_; }
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  // A new stream batch, or the parts of an uploaded file, admitted: `received` events of which
  // `accepted` passed; `rejects` are the others (their codes are counted).
  // `origin` (producer id or file name) feeds the rejection summary of the log.
  void Received(Source source, const std::string& origin, uint64_t received, uint64_t accepted,
                const std::vector<RejectedRow>& rejects);
  // Rejections counted by code when the rows themselves are gone (an upload's parts).
  void Rejected(Source source, const std::string& origin, const std::string& code, uint64_t count);
  void DuplicateBatch();
  // An UploadFile call ended: "ingested", "duplicate" or "refused".
  void UploadEnded(const std::string& result);
  // A StreamEvents or UploadFile call ended with the gRPC status code `code` (OK included).
  void RpcEnded(const std::string& rpc, int code);
  // A call, or a stream's batch, refused by the access rules: counted by reason, which is
  // "unauthenticated", "permission_denied", or the limit named in the message's "(--flag …)" with
  // dashes as underscores ("max_streams_per_peer", "stream_idle_timeout").
  void Refused(const absl::Status& status);
  // A stream waited `wait` before reading its next batch: its client is over
  // --max-batches-per-second.
  void RateWait(absl::Duration wait);
  // A new stream batch's ack became ready, `latency` after it arrived.
  void AckReady(absl::Duration latency);
  // A micro-batch committed (called with its items, spilled ones read back).
  void Committed(const SealedBatch& batch, const CommitResult& result);
  // A warning line summing up the rejections since the last one, when one is due; "" if not.
  std::string TakeRejectionSummary(absl::Time now) { return rejection_summary_.Take(now); }

 private:
  prometheus::Counter& SourceCounter(prometheus::Family<prometheus::Counter>& family, Source source);

  IntakeCounters totals_;
  RejectionSummary rejection_summary_{absl::Seconds(60)};
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& accepted_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Counter& duplicate_batches_;
  prometheus::Family<prometheus::Counter>& uploads_;
  prometheus::Family<prometheus::Counter>& rpcs_handled_;
  prometheus::Family<prometheus::Counter>& refused_;
  prometheus::Counter& rate_waits_;
  prometheus::Counter& rate_wait_seconds_;
  prometheus::Counter& batches_committed_;
  prometheus::Family<prometheus::Counter>& rows_written_;
  prometheus::Histogram& batch_events_;
  prometheus::Histogram& batch_write_seconds_;
  prometheus::Histogram& visibility_delay_;
  prometheus::Histogram& ack_latency_;
};

}  // namespace ingest::server
