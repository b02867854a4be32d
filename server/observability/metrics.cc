#include "server/observability/metrics.h"

#include <prometheus/gauge.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/time/clock.h"

namespace ingest::server {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildHistogram;
using prometheus::Histogram;

const Histogram::BucketBoundaries kBatchEventBuckets = {1, 10, 100, 1000, 10000, 100000, 1000000};
const Histogram::BucketBoundaries kWriteBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                   1,     2.5,  5,     10,   30,  60};
const Histogram::BucketBoundaries kDelayBuckets = {0.1, 0.25, 0.5, 1,   2.5, 5,   10,   15,
                                                   20,  30,   60,  120, 300, 600, 1800, 3600};
const Histogram::BucketBoundaries kAckBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                 0.5,   1,      2.5,   5,    10,    30,   60};

prometheus::Family<prometheus::Counter>& CounterFamily(prometheus::Registry& r, const std::string& name,
                                                       const std::string& help) {
  return BuildCounter().Name(name).Help(help).Register(r);
}

Histogram& SingleHistogram(prometheus::Registry& r, const std::string& name, const std::string& help,
                           const Histogram::BucketBoundaries& buckets) {
  return BuildHistogram().Name(name).Help(help).Register(r).Add({}, buckets);
}

// Observes `value` `count` times at once (one bucket increment), as per-event histograms need.
void ObserveTimes(Histogram& h, const Histogram::BucketBoundaries& buckets, double value, uint64_t count) {
  if (count == 0) return;
  std::vector<double> increments(buckets.size() + 1, 0.0);
  const size_t bucket = std::lower_bound(buckets.begin(), buckets.end(), value) - buckets.begin();
  increments[bucket] = static_cast<double>(count);
  h.ObserveMultiple(increments, value * static_cast<double>(count));
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      received_(CounterFamily(*registry_, "ingest_events_received_total",
                              "Events in new stream batches and rows of new uploads (resends not counted).")),
      accepted_(CounterFamily(*registry_, "ingest_events_accepted_total",
                              "Received events that passed validation.")),
      rejected_(CounterFamily(*registry_, "ingest_events_rejected_total",
                              "Received events rejected by validation, by rejection code.")),
      duplicate_batches_(
          CounterFamily(*registry_, "ingest_duplicate_batches_total",
                        "Resent stream batches answered with their original ack, storing nothing.")
              .Add({})),
      uploads_(CounterFamily(*registry_, "ingest_uploads_total",
                             "Finished UploadFile calls by result: ingested, duplicate or refused.")),
      rpcs_handled_(CounterFamily(*registry_, "ingest_rpcs_handled_total",
                                  "StreamEvents and UploadFile calls ended, by gRPC status code.")),
      refused_(CounterFamily(
          *registry_, "ingest_calls_refused_total",
          "Calls and stream batches refused by tokens or limits, by reason (the limit's flag).")),
      rate_waits_(CounterFamily(*registry_, "ingest_rate_limited_batches_total",
                                "Stream batches after which the stream paused reading, its client being over "
                                "--max-batches-per-second.")
                      .Add({})),
      rate_wait_seconds_(CounterFamily(*registry_, "ingest_rate_limited_seconds_total",
                                       "Time streams paused reading for --max-batches-per-second, summed.")
                             .Add({})),
      batches_committed_(CounterFamily(*registry_, "ingest_batches_committed_total",
                                       "Micro-batches committed to PostgreSQL.")
                             .Add({})),
      rows_written_(
          CounterFamily(*registry_, "ingest_rows_written_total",
                        "Rows written by commits: inserted, updated, rejected, refused (db_refused).")),
      batch_events_(SingleHistogram(*registry_, "ingest_batch_events",
                                    "Events (accepted and rejected) per committed micro-batch.",
                                    kBatchEventBuckets)),
      batch_write_seconds_(SingleHistogram(*registry_, "ingest_batch_write_seconds",
                                           "Time to write one micro-batch to PostgreSQL.", kWriteBuckets)),
      visibility_delay_(SingleHistogram(*registry_, "ingest_visibility_delay_seconds",
                                        "Per event: arrival at the server until its micro-batch committed.",
                                        kDelayBuckets)),
      ack_latency_(SingleHistogram(*registry_, "ingest_ack_latency_seconds",
                                   "Per new stream batch: arrival until its ack was ready.", kAckBuckets)) {
  // Series that exist from the start, so rates and alerts see zeros rather than nothing.
  for (Source source : {Source::kStream, Source::kFile}) {
    SourceCounter(received_, source);
    SourceCounter(accepted_, source);
  }
  for (const char* result : {"ingested", "duplicate", "refused"}) uploads_.Add({{"result", result}});
  for (const char* result : {"inserted", "updated", "rejected", "refused"})
    rows_written_.Add({{"result", result}});
  for (const char* reason :
       {"unauthenticated", "permission_denied", "max_request_events", "max_streams", "max_streams_per_peer",
        "max_uploads", "max_upload_bytes", "stream_idle_timeout"})
    refused_.Add({{"reason", reason}});
}

prometheus::Counter& Metrics::SourceCounter(prometheus::Family<prometheus::Counter>& family, Source source) {
  return family.Add({{"source", SourceText(source)}});
}

void Metrics::Received(Source source, const std::string& origin, uint64_t received, uint64_t accepted,
                       const std::vector<RejectedRow>& rejects) {
  totals_.received += received;
  totals_.accepted += accepted;
  totals_.rejected += received - accepted;
  SourceCounter(received_, source).Increment(static_cast<double>(received));
  SourceCounter(accepted_, source).Increment(static_cast<double>(accepted));
  for (const RejectedRow& r : rejects) Rejected(source, origin, r.code, 1);
}

void Metrics::Rejected(Source source, const std::string& origin, const std::string& code, uint64_t count) {
  rejected_.Add({{"source", SourceText(source)}, {"code", code}}).Increment(static_cast<double>(count));
  rejection_summary_.Add(SourceText(source), origin, code, count);
}

void Metrics::DuplicateBatch() {
  totals_.duplicates++;
  duplicate_batches_.Increment();
}

void Metrics::UploadEnded(const std::string& result) { uploads_.Add({{"result", result}}).Increment(); }

void Metrics::RpcEnded(const std::string& rpc, int code) {
  rpcs_handled_.Add({{"rpc", rpc}, {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(code))}})
      .Increment();
}

void Metrics::Refused(const absl::Status& status) {
  std::string reason = "other";
  if (absl::IsUnauthenticated(status)) {
    reason = "unauthenticated";
  } else if (absl::IsPermissionDenied(status)) {
    reason = "permission_denied";
  } else if (const size_t flag = status.message().find("(--"); flag != absl::string_view::npos) {
    absl::string_view rest = status.message().substr(flag + 3);
    reason = std::string(rest.substr(0, rest.find_first_of(" )")));
    std::replace(reason.begin(), reason.end(), '-', '_');
  }
  refused_.Add({{"reason", reason}}).Increment();
}

void Metrics::RateWait(absl::Duration wait) {
  rate_waits_.Increment();
  rate_wait_seconds_.Increment(absl::ToDoubleSeconds(wait));
}

void Metrics::AckReady(absl::Duration latency) { ack_latency_.Observe(absl::ToDoubleSeconds(latency)); }

void Metrics::Committed(const SealedBatch& batch, const CommitResult& result) {
  batches_committed_.Increment();
  rows_written_.Add({{"result", "inserted"}}).Increment(result.inserted);
  rows_written_.Add({{"result", "updated"}}).Increment(result.updated);
  rows_written_.Add({{"result", "rejected"}}).Increment(result.rejected - result.refused);
  rows_written_.Add({{"result", "refused"}}).Increment(result.refused);
  batch_events_.Observe(static_cast<double>(batch.EventCount()));
  batch_write_seconds_.Observe(result.write_ms / 1000.0);
  for (const WindowItem& item : batch.items) {
    const double delay = std::max<int64_t>(0, result.committed_at_us - item.received_us) / 1e6;
    ObserveTimes(visibility_delay_, kDelayBuckets, delay, item.events.size() + item.rejects.size());
  }
}

}  // namespace ingest::server
