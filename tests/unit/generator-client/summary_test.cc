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

TEST(FileSummaryTest, JsonAndTableHaveTheCounts) {
  FileSummary s;
  s.dir = "data/in\"put";
  s.format = "raw_events";
  s.catalog = "data/catalog/products.csv";
  s.files = 3;
  s.rows = 15;
  s.invalid_rows = 2;
  s.first_file = "events_batch_0001_20261123.csv";
  s.last_file = "events_batch_0003_20261123.csv";
  s.seed = 7;
  s.elapsed = absl::Milliseconds(1500);
  EXPECT_EQ(
      FormatFileSummaryJson(s),
      "{\"mode\":\"csv\",\"dir\":\"data/in\\\"put\",\"format\":\"raw_events\","
      "\"catalog\":\"data/catalog/products.csv\",\"files_written\":3,\"rows\":15,\"invalid_rows\":2,"
      "\"first_file\":\"events_batch_0001_20261123.csv\",\"last_file\":\"events_batch_0003_20261123.csv\","
      "\"elapsed_s\":1.500,\"seed\":7}\n");
  std::string table = FormatFileSummaryTable(s);
  EXPECT_NE(table.find("files written          3\n"), std::string::npos) << table;
  EXPECT_NE(table.find("invalid rows           2\n"), std::string::npos) << table;
  EXPECT_NE(table.find("events_batch_0001_20261123.csv .. events_batch_0003_20261123.csv"), std::string::npos)
      << table;
}

}  // namespace
}  // namespace ingest::generator
