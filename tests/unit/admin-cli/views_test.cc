// Human renderings of ingest-admin: elapsed times, sizes, timestamps, relative times, and the
// status view's times relative to a fixed "now".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "admin-cli/human_format.h"
#include "admin-cli/status_view.h"

namespace ingest::admin {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(HumanFormatTest, ElapsedUsesTwoUnitsAtMost) {
  EXPECT_EQ(FormatElapsed(absl::Milliseconds(350)), "350ms");
  EXPECT_EQ(FormatElapsed(absl::Seconds(42)), "42s");
  EXPECT_EQ(FormatElapsed(absl::Seconds(185)), "3m05s");
  EXPECT_EQ(FormatElapsed(absl::Seconds(3725)), "1h02m");
  EXPECT_EQ(FormatElapsed(absl::Hours(51)), "2d03h");
}

TEST(HumanFormatTest, BytesUseBinaryUnits) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(1023), "1023 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(12ull << 20), "12.0 MiB");
  EXPECT_EQ(FormatBytes(8ull << 30), "8.0 GiB");
}

TEST(HumanFormatTest, TimestampsAreUtcToTheSecondAndDashWhenUnset) {
  google::protobuf::Timestamp ts;
  EXPECT_EQ(FormatTimestamp(ts), "-");
  ts.set_seconds(1795428062);
  ts.set_nanos(999000000);
  EXPECT_EQ(FormatTimestamp(ts), "2026-11-23 10:01:02Z");
}

TEST(HumanFormatTest, RelativeTimes) {
  absl::Time now = absl::FromUnixSeconds(1000);
  EXPECT_EQ(FormatRelative(now - absl::Seconds(5), now), "5s ago");
  EXPECT_EQ(FormatRelative(now + absl::Seconds(4), now), "in 4s");
  EXPECT_EQ(FormatRelative(now - absl::Milliseconds(300), now), "just now");
}

TEST(StatusViewTest, TimesAreShownRelativeToNow) {
  v1::GetStatusResponse status;
  status.set_last_batch_id(41);
  status.mutable_last_commit_time()->set_seconds(1795428062);
  status.mutable_sink()->set_state("retrying");
  status.mutable_sink()->mutable_next_attempt()->set_seconds(1795428062 + 130);
  std::string out = RenderStatus(status, absl::FromUnixSeconds(1795428062 + 65));
  EXPECT_THAT(out, HasSubstr("last batch       41, committed 2026-11-23 10:01:02Z (1m05s ago)\n"));
  EXPECT_THAT(out, HasSubstr("next attempt     2026-11-23 10:03:12Z (in 1m05s)\n"));
}

TEST(StatusViewTest, TheDatabaseLineSaysWhatTheLastProbeFound) {
  const absl::Time now = absl::FromUnixSeconds(1795428062);
  v1::GetStatusResponse status;
  EXPECT_THAT(RenderStatus(status, now), Not(HasSubstr("database"))) << "a server without a probe";
  status.mutable_database()->set_reachable(true);
  status.mutable_database()->mutable_checked_at()->set_seconds(1795428062 - 3);
  EXPECT_THAT(RenderStatus(status, now), HasSubstr("database         reachable (checked 3s ago)\n"));
  status.mutable_database()->set_reachable(false);
  status.mutable_database()->set_error("checking that PostgreSQL answers: connection refused");
  EXPECT_THAT(RenderStatus(status, now),
              HasSubstr("database         unreachable: checking that PostgreSQL answers: connection refused "
                        "(checked 3s ago)\n"));
}

}  // namespace
}  // namespace ingest::admin
