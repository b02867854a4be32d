// Metrics: the Prometheus families as a scrape would see them.
#include "server/observability/metrics.h"

#include <gtest/gtest.h>

#include "tests/testing/metric_families.h"

namespace ingest::server {
namespace {

using testing::Find;
using testing::Value;

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
  EXPECT_EQ(Value(f, "ingest_rpcs_handled_total", {{"rpc", "StreamEvents"}, {"code", "FAILED_PRECONDITION"}}),
            2);
  EXPECT_EQ(Find(f, "ingest_ack_latency_seconds")->metric.at(0).histogram.sample_count, 1u);
}

}  // namespace
}  // namespace ingest::server
