// LogRate and RejectionSummary: what reaches the log when the same warning repeats.
#include "server/observability/log_rate.h"

#include <gtest/gtest.h>

#include "server/observability/rejection_summary.h"

namespace ingest::server {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

TEST(LogRateTest, FirstLinePassesThenOnePerIntervalWithTheCountHeldBack) {
  LogRate rate(absl::Seconds(30));
  EXPECT_EQ(rate.Allow("gen-1", kStart), 0u);
  EXPECT_EQ(rate.Allow("gen-1", kStart + absl::Seconds(1)), std::nullopt);
  EXPECT_EQ(rate.Allow("gen-1", kStart + absl::Seconds(29)), std::nullopt);
  EXPECT_EQ(rate.Allow("gen-1", kStart + absl::Seconds(30)), 2u);
  EXPECT_EQ(rate.Allow("gen-1", kStart + absl::Seconds(61)), 0u);
}

TEST(LogRateTest, KeysAreCountedApart) {
  LogRate rate(absl::Seconds(30));
  EXPECT_EQ(rate.Allow("gen-1", kStart), 0u);
  EXPECT_EQ(rate.Allow("gen-2", kStart), 0u);
  EXPECT_EQ(rate.Allow("gen-1", kStart + absl::Seconds(1)), std::nullopt);
}

TEST(LogRateTest, HeldBackText) {
  EXPECT_EQ(HeldBack(0), "");
  EXPECT_EQ(HeldBack(1), " (1 similar line held back)");
  EXPECT_EQ(HeldBack(7), " (7 similar lines held back)");
}

TEST(RejectionSummaryTest, NothingToSayWithoutRejections) {
  RejectionSummary summary(absl::Seconds(60));
  EXPECT_EQ(summary.Take(kStart), "");
}

TEST(RejectionSummaryTest, FirstSummaryAtOnceThenOncePerIntervalByCodeAndOrigin) {
  RejectionSummary summary(absl::Seconds(60));
  summary.Add("stream", "gen-1", "bad_enum", 5);
  summary.Add("stream", "gen-1", "missing_field", 2);
  summary.Add("file", "events_0001.csv", "bad_enum", 1);
  EXPECT_EQ(
      summary.Take(kStart),
      "8 events rejected since the server started: bad_enum 6, missing_field 2; from producer 'gen-1' 7, "
      "file 'events_0001.csv' 1 (details: ingest-admin rejections)");
  summary.Add("stream", "gen-2", "too_long", 1);
  EXPECT_EQ(summary.Take(kStart + absl::Seconds(10)), "") << "within the interval";
  EXPECT_EQ(summary.Take(kStart + absl::Seconds(60)),
            "1 event rejected in the last 1m: too_long 1; from producer 'gen-2' 1 (details: ingest-admin "
            "rejections)");
  EXPECT_EQ(summary.Take(kStart + absl::Seconds(200)), "") << "counts start again after each line";
}

TEST(RejectionSummaryTest, NamesTheTopThreeAndCountsTheRest) {
  RejectionSummary summary(absl::Seconds(60));
  for (int i = 1; i <= 5; ++i) summary.Add("stream", "p" + std::to_string(i), "bad_number", i);
  const std::string line = summary.Take(kStart);
  EXPECT_NE(line.find("from producer 'p5' 5, producer 'p4' 4, producer 'p3' 3 and 2 more"), std::string::npos)
      << line;
}

}  // namespace
}  // namespace ingest::server
