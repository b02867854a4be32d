// The text of event-generator's progress line: counts as the producers report them, the acked
// rate of the last seconds, and percent done / ETA for runs with an end.
#include "generator-client/load_progress.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ingest::generator {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);

ProducerStats Counts(uint64_t sent, uint64_t acked, uint64_t rejected) {
  ProducerStats s;
  s.events_sent = sent;
  s.events_acked = acked;
  s.rejected = rejected;
  return s;
}

TEST(LoadProgressTest, CountsRateElapsedPercentAndEta) {
  GeneratorConfig c;
  c.producers = 3;
  c.events_per_batch = 1000;
  c.batches = 100;  // 300,000 events planned
  LoadProgress progress(c, kStart);
  progress.Render(Counts(0, 0, 0), false, kStart);
  std::string line = progress.Render(Counts(120000, 118500, 12), false, kStart + absl::Seconds(12));
  EXPECT_EQ(line,
            "events 120,000 sent · 118,500 acked (9,875/s) · 12 rejected · 0 reconnects · 12s · 39% "
            "ETA 18s · 3 producers");
}

TEST(LoadProgressTest, ReconnectsAndResendsAreShown) {
  GeneratorConfig c;
  c.continuous = true;
  LoadProgress progress(c, kStart);
  ProducerStats s = Counts(500, 400, 0);
  s.reconnects = 1;
  s.batches_resent = 4;
  EXPECT_EQ(progress.Render(s, false, kStart + absl::Seconds(75)),
            "events 500 sent · 400 acked (5/s) · 0 rejected · 1 reconnect · 4 batches resent · 1m15s · "
            "1 producer");
}

TEST(LoadProgressTest, DurationGivesPercentAndEtaAndThenWaitsForAcks) {
  GeneratorConfig c;
  c.continuous = true;
  c.duration = absl::Seconds(40);
  LoadProgress progress(c, kStart);
  EXPECT_THAT(progress.Render(Counts(100, 100, 0), false, kStart + absl::Seconds(10)),
              HasSubstr(" · 10s · 25% ETA 30s · "));
  EXPECT_THAT(progress.Render(Counts(900, 800, 0), true, kStart + absl::Seconds(41)),
              HasSubstr(" · 41s · waiting for acks · "));
  EXPECT_THAT(progress.Render(Counts(900, 900, 0), true, kStart + absl::Seconds(42)),
              AllOf(HasSubstr(" · 100% · "), Not(HasSubstr("ETA"))));
}

TEST(LoadProgressTest, AFinishedRunIsAtOneHundredPercent) {
  GeneratorConfig c;
  c.events_per_batch = 10;
  c.batches = 2;
  LoadProgress progress(c, kStart);
  EXPECT_THAT(progress.Render(Counts(20, 20, 1), false, kStart + absl::Seconds(1)),
              AllOf(HasSubstr(" · 100% · "), EndsWith("1 producer")));
}

}  // namespace
}  // namespace ingest::generator
