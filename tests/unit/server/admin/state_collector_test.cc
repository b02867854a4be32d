// StateCollector: the /metrics gauges, read from one ServerState at each scrape.
#include "server/admin/state_collector.h"

#include <gtest/gtest.h>

#include "tests/testing/metric_families.h"

namespace ingest::server {
namespace {

using testing::Find;
using testing::Value;

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
      {"1.2.3", "srv-a", AckMode::kDurable, absl::FromUnixSeconds(1699999000), absl::Seconds(10)},
      [&] { return s; });
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
  StateCollector collector({"v", "id", AckMode::kCommitted, absl::UnixEpoch(), absl::Seconds(1)},
                           [&] { return s; });
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
  StateCollector collector({"v", "id", AckMode::kDurable, absl::UnixEpoch(), absl::Seconds(1)},
                           [&] { return s; });
  EXPECT_EQ(Value(collector.Collect(), "ingest_database_up"), 0);
  s.database.reachable = true;
  EXPECT_EQ(Value(collector.Collect(), "ingest_database_up"), 1);
}

}  // namespace
}  // namespace ingest::server
