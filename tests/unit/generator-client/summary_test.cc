#include "generator-client/summary.h"

#include "gtest/gtest.h"

namespace ingest::generator {
namespace {

TEST(LatencyHistogramTest, QuantilesWithinTwoPercent) {
  LatencyHistogram h;
  for (int ms = 1; ms <= 100; ++ms) h.Add(absl::Milliseconds(ms));
  EXPECT_EQ(h.count(), 100u);
  EXPECT_NEAR(absl::ToDoubleMilliseconds(h.Quantile(0.5)), 50, 1.0);
  EXPECT_NEAR(absl::ToDoubleMilliseconds(h.Quantile(0.99)), 99, 2.0);
  EXPECT_EQ(LatencyHistogram().Quantile(0.5), absl::ZeroDuration());
}

TEST(LatencyHistogramTest, MergeAddsSamples) {
  LatencyHistogram a, b;
  for (int i = 0; i < 99; ++i) a.Add(absl::Milliseconds(2));
  b.Add(absl::Seconds(1));
  a.Merge(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_NEAR(absl::ToDoubleMilliseconds(a.Quantile(0.5)), 2, 0.05);
  EXPECT_NEAR(absl::ToDoubleMilliseconds(a.Quantile(1.0)), 1000, 20);
}

TEST(SummaryTest, JsonHasTheCounts) {
  Summary s;
  s.producers = 2;
  s.seed = 7;
  s.totals.batches_sent = 4;
  s.totals.batches_acked = 3;
  s.totals.events_sent = 40;
  s.totals.events_acked = 30;
  s.totals.accepted = 29;
  s.totals.rejected = 1;
  s.elapsed = absl::Seconds(2);
  std::string json = FormatSummaryJson(s);
  EXPECT_NE(json.find("\"producers\":2,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"batches_acked\":3,\"batches_not_acked\":1,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"events_accepted\":29,\"events_rejected\":1,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"events_per_s\":15.0,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"seed\":7}"), std::string::npos) << json;
  std::string table = FormatSummaryTable(s);
  EXPECT_NE(table.find("batches not acked      1\n"), std::string::npos) << table;
}

}  // namespace
}  // namespace ingest::generator
