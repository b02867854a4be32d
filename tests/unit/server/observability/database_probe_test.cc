// DatabaseProbe with a fake ping: what status and /metrics learn about PostgreSQL while idle.
#include "server/observability/database_probe.h"

#include <gtest/gtest.h>

#include <atomic>

#include "absl/time/clock.h"

namespace ingest::server {
namespace {

TEST(DatabaseProbeTest, UncheckedUntilTheFirstProbe) {
  DatabaseProbe probe([] { return absl::OkStatus(); }, absl::Seconds(5));
  EXPECT_FALSE(probe.health().checked);
}

TEST(DatabaseProbeTest, EachProbeRecordsReachabilityAndTheError) {
  absl::Status answer = absl::OkStatus();
  DatabaseProbe probe([&] { return answer; }, absl::Seconds(5));
  probe.ProbeNow();
  DatabaseHealth h = probe.health();
  EXPECT_TRUE(h.checked);
  EXPECT_TRUE(h.reachable);
  EXPECT_EQ(h.error, "");
  EXPECT_LE(absl::Now() - h.checked_at, absl::Seconds(5));

  answer =
      absl::UnavailableError("checking that PostgreSQL answers: connection to PostgreSQL lost or refused");
  probe.ProbeNow();
  h = probe.health();
  EXPECT_FALSE(h.reachable);
  EXPECT_EQ(h.error, "checking that PostgreSQL answers: connection to PostgreSQL lost or refused");

  answer = absl::OkStatus();
  probe.ProbeNow();
  EXPECT_TRUE(probe.health().reachable);
  EXPECT_EQ(probe.health().error, "");
}

TEST(DatabaseProbeTest, ReachableAgainRunsOnceWhenAnOutageEnds) {
  absl::Status answer = absl::OkStatus();
  int woken = 0;
  DatabaseProbe probe([&] { return answer; }, absl::Seconds(5), [&] { ++woken; });
  probe.ProbeNow();
  EXPECT_EQ(woken, 0) << "reachable from the start is not a return";
  answer = absl::UnavailableError("down");
  probe.ProbeNow();
  probe.ProbeNow();
  EXPECT_EQ(woken, 0);
  answer = absl::OkStatus();
  probe.ProbeNow();
  probe.ProbeNow();
  EXPECT_EQ(woken, 1);
}

TEST(DatabaseProbeTest, TheThreadProbesAgainAndAgainUntilStopped) {
  std::atomic<int> pings{0};
  DatabaseProbe probe(
      [&] {
        pings++;
        return absl::OkStatus();
      },
      absl::Milliseconds(10));
  probe.Start();
  for (int i = 0; i < 500 && pings < 3; ++i) absl::SleepFor(absl::Milliseconds(10));
  probe.Stop();
  const int after_stop = pings;
  EXPECT_GE(after_stop, 3);
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(pings, after_stop) << "no probe after Stop";
}

}  // namespace
}  // namespace ingest::server
