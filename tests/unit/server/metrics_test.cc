// Metrics and StateCollector: the Prometheus families as a scrape would see them.
#include "server/metrics.h"

#include <gtest/gtest.h>

#include "server/state_collector.h"

namespace ingest::server {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;

const MetricFamily* Find(const std::vector<MetricFamily>& families, const std::string& name) {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// The value of the series of `name` whose labels include `labels` (counter or gauge).
double Value(const std::vector<MetricFamily>& families, const std::string& name,
             const std::vector<ClientMetric::Label>& labels = {}) {
  const MetricFamily* f = Find(families, name);
  if (f == nullptr) ADD_FAILURE() << name << " is not served";
  if (f == nullptr) return -1;
  for (const ClientMetric& m : f->metric) {
    bool match = true;
    for (const auto& want : labels) {
      match = match && std::find(m.label.begin(), m.label.end(), want) != m.label.end();
    }
    if (match) return f->type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
  }
  ADD_FAILURE() << name << " has no series with the labels asked";
  return -1;
}

WindowItem Item(int64_t received_us, int valid, int rejected) {
  WindowItem item;
  item.received_us = received_us;
  item.events.resize(valid);
  item.rejects.resize(rejected);
  return item;
}

TEST(MetricsTest, IntakeCountsBySourceAndCode) {
  Metrics m;
  std::vector<RejectedRow> rejects(3);
  rejects[0].code = "bad_enum";
  rejects[1].code = "bad_enum";
  rejects[2].code = "missing_field";
  m.Received(Source::kStream, "gen-1", 10, 7, rejects);
  m.Received(Source::kFile, "a.csv", 5, 4, {});
  m.Rejected(Source::kFile, "a.csv", "too_long", 1);
  m.DuplicateBatch();
  auto f = m.registry()->Collect();
  EXPECT_EQ(Value(f, "ingest_events_received_total", {{"source", "stream"}}), 10);
  EXPECT_EQ(Value(f, "ingest_events_accepted_total", {{"source", "stream"}}), 7);
  EXPECT_EQ(Value(f, "ingest_events_rejected_total", {{"source", "stream"}, {"code", "bad_enum"}}), 2);
  EXPECT_EQ(Value(f, "ingest_events_rejected_total", {{"source", "stream"}, {"code", "missing_field"}}), 1);
  EXPECT_EQ(Value(f, "ingest_events_received_total", {{"source", "file"}}), 5);
  EXPECT_EQ(Value(f, "ingest_events_rejected_total", {{"source", "file"}, {"code", "too_long"}}), 1);
  EXPECT_EQ(Value(f, "ingest_duplicate_batches_total"), 1);
  EXPECT_EQ(m.totals().received, 15u);
  EXPECT_EQ(m.totals().rejected, 4u);
  EXPECT_EQ(m.totals().duplicates, 1u);
}

TEST(MetricsTest, CommitObservesEveryEventsDelayAndTheBatch) {
  Metrics m;
  SealedBatch batch;
  const int64_t commit_us = 100'000'000;
  batch.items.push_back(Item(commit_us - 700'000, 3, 0));     // 0.7 s: bucket le=1
  batch.items.push_back(Item(commit_us - 20'000'000, 1, 1));  // 20 s: bucket le=20
  CommitResult result;
  result.inserted = 3;
  result.updated = 1;
  result.rejected = 1;
  result.write_ms = 40;
  result.committed_at_us = commit_us;
  m.Committed(batch, result);
  auto f = m.registry()->Collect();
  EXPECT_EQ(Value(f, "ingest_batches_committed_total"), 1);
  EXPECT_EQ(Value(f, "ingest_rows_written_total", {{"result", "inserted"}}), 3);
  EXPECT_EQ(Value(f, "ingest_rows_written_total", {{"result", "updated"}}), 1);
  EXPECT_EQ(Value(f, "ingest_rows_written_total", {{"result", "rejected"}}), 1);
  EXPECT_EQ(Value(f, "ingest_rows_written_total", {{"result", "refused"}}), 0);
  const auto& delay = Find(f, "ingest_visibility_delay_seconds")->metric.at(0).histogram;
  EXPECT_EQ(delay.sample_count, 5u);
  EXPECT_DOUBLE_EQ(delay.sample_sum, 3 * 0.7 + 2 * 20.0);
  auto cumulative = [&](double le) {
    for (const auto& b : delay.bucket) {
      if (b.upper_bound == le) return b.cumulative_count;
    }
    ADD_FAILURE() << "no bucket le=" << le;
    return uint64_t{0};
  };
  EXPECT_EQ(cumulative(0.5), 0u);
  EXPECT_EQ(cumulative(1), 3u);
  EXPECT_EQ(cumulative(15), 3u);
  EXPECT_EQ(cumulative(20), 5u);
  const auto& size = Find(f, "ingest_batch_events")->metric.at(0).histogram;
  EXPECT_EQ(size.sample_count, 1u);
  EXPECT_DOUBLE_EQ(size.sample_sum, 5);
  EXPECT_DOUBLE_EQ(Find(f, "ingest_batch_write_seconds")->metric.at(0).histogram.sample_sum, 0.04);
}

TEST(MetricsTest, UploadsAndAcksAreCounted) {
  Metrics m;
  m.UploadEnded("ingested");
  m.UploadEnded("duplicate");
  m.UploadEnded("duplicate");
  m.AckReady(absl::Milliseconds(3));
  m.RpcEnded("UploadFile", 0);
  m.RpcEnded("StreamEvents", 9);
  m.RpcEnded("StreamEvents", 9);
  auto f = m.registry()->Collect();
  EXPECT_EQ(Value(f, "ingest_uploads_total", {{"result", "ingested"}}), 1);
  EXPECT_EQ(Value(f, "ingest_uploads_total", {{"result", "duplicate"}}), 2);
  EXPECT_EQ(Value(f, "ingest_uploads_total", {{"result", "refused"}}), 0);
  EXPECT_EQ(Value(f, "ingest_rpcs_handled_total", {{"rpc", "UploadFile"}, {"code", "OK"}}), 1);
  EXPECT_EQ(Value(f, "ingest_rpcs_handled_total", {{"rpc", "StreamEvents"}, {"code", "FAILED_PRECONDITION"}}), 2);
  EXPECT_EQ(Find(f, "ingest_ack_latency_seconds")->metric.at(0).histogram.sample_count, 1u);
}

TEST(StateCollectorTest, GaugesComeFromOneReadingOfTheState) {
  ServerState s;
  s.window.events = 12;
  s.window.age = absl::Milliseconds(2500);
  s.writer.pending_batches = 2;
  s.writer.last_committed_id = 41;
  s.writer.last_commit_time = absl::FromUnixSeconds(1700000000);
  s.writer.failed_writes = 9;
  s.writer.sink.retrying = true;
  s.writer.sink.attempts = 4;
  s.wal_bytes = 3 << 20;
  s.wal_segments = 3;
  s.wal_max_bytes = 8 << 20;
  s.intake_mode = kThrottling;
  s.streams = 5;
  s.streams_waiting = 2;
  StateCollector collector(
      {"1.2.3", "srv-a", "durable", absl::FromUnixSeconds(1699999000), absl::Seconds(10)}, [&] { return s; });
  auto f = collector.Collect();
  EXPECT_EQ(Value(f, "ingest_window_events"), 12);
  EXPECT_EQ(Value(f, "ingest_window_age_seconds"), 2.5);
  EXPECT_EQ(Value(f, "ingest_batches_pending"), 2);
  EXPECT_EQ(Value(f, "ingest_last_committed_batch_id"), 41);
  EXPECT_EQ(Value(f, "ingest_last_commit_timestamp_seconds"), 1700000000);
  EXPECT_EQ(Value(f, "ingest_sink_write_failures_total"), 9);
  EXPECT_EQ(Find(f, "ingest_sink_write_failures_total")->type, prometheus::MetricType::Counter);
  EXPECT_EQ(Value(f, "ingest_sink_state", {{"state", "retrying"}}), 1);
  EXPECT_EQ(Value(f, "ingest_sink_state", {{"state", "ok"}}), 0);
  EXPECT_EQ(Value(f, "ingest_sink_consecutive_failures"), 4);
  EXPECT_EQ(Value(f, "ingest_intake_state", {{"state", "throttling"}}), 1);
  EXPECT_EQ(Value(f, "ingest_intake_state", {{"state", "accepting"}}), 0);
  EXPECT_EQ(Value(f, "ingest_intake_state", {{"state", "refusing"}}), 0);
  EXPECT_EQ(Value(f, "ingest_wal_bytes"), 3 << 20);
  EXPECT_EQ(Value(f, "ingest_wal_segments"), 3);
  EXPECT_EQ(Value(f, "ingest_streams_waiting_for_log"), 2);
  EXPECT_EQ(Value(f, "ingest_trigger_seconds"), 10);
  EXPECT_EQ(Value(f, "ingest_start_time_seconds"), 1699999000);
  EXPECT_EQ(
      Value(f, "ingest_build_info", {{"version", "1.2.3"}, {"server_id", "srv-a"}, {"ack_mode", "durable"}}),
      1);
}

TEST(StateCollectorTest, AnEmptyWindowHasNoAgeAndNoCommitIsZero) {
  ServerState s;
  s.window.age = absl::Seconds(5);  // the window's clock runs, but it holds nothing
  StateCollector collector({"v", "id", "committed", absl::UnixEpoch(), absl::Seconds(1)}, [&] { return s; });
  auto f = collector.Collect();
  EXPECT_EQ(Value(f, "ingest_window_age_seconds"), 0);
  EXPECT_EQ(Value(f, "ingest_last_commit_timestamp_seconds"), 0);
  EXPECT_EQ(Value(f, "ingest_intake_state", {{"state", "accepting"}}), 1);
  EXPECT_EQ(Value(f, "ingest_database_up"), 1) << "no probe yet: no news is taken as good news";
}

TEST(StateCollectorTest, DatabaseUpFollowsTheLastProbe) {
  ServerState s;
  s.database.checked = true;
  s.database.reachable = false;
  StateCollector collector({"v", "id", "durable", absl::UnixEpoch(), absl::Seconds(1)}, [&] { return s; });
  EXPECT_EQ(Value(collector.Collect(), "ingest_database_up"), 0);
  s.database.reachable = true;
  EXPECT_EQ(Value(collector.Collect(), "ingest_database_up"), 1);
}

}  // namespace
}  // namespace ingest::server
