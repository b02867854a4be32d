#include "common/time_text.h"

#include <gtest/gtest.h>

namespace ingest {
namespace {

constexpr int64_t kMicros = 1735787045123456;  // 2025-01-02T03:04:05.123456Z

absl::Time At(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}

TEST(TimeTextTest, FormatUtcWritesMicrosecondsAndZ) {
  EXPECT_EQ(FormatUtc(At(2025, 1, 2, 3, 4, 5) + absl::Microseconds(123456)), "2025-01-02T03:04:05.123456Z");
  EXPECT_EQ(FormatUtc(At(2000, 1, 1, 0, 0, 0)), "2000-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatUtc(absl::UnixEpoch()), "1970-01-01T00:00:00.000000Z");
}

TEST(TimeTextTest, FormatUtcTruncatesBelowTheMicrosecond) {
  EXPECT_EQ(FormatUtc(At(2025, 1, 2, 3, 4, 5) + absl::Nanoseconds(999999999)), "2025-01-02T03:04:05.999999Z");
}

TEST(TimeTextTest, FormatUtcMicrosWritesTheSameText) {
  EXPECT_EQ(FormatUtcMicros(kMicros), "2025-01-02T03:04:05.123456Z");
  EXPECT_EQ(FormatUtcMicros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatUtcMicros(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(TimeTextTest, MicrosRoundTrip) {
  absl::Time t = At(2025, 1, 2, 3, 4, 5) + absl::Microseconds(123456);
  EXPECT_EQ(ToMicros(t), kMicros);
  EXPECT_EQ(FromMicros(kMicros), t);
  EXPECT_EQ(ToMicros(FromMicros(-1)), -1);
}

TEST(TimeTextTest, ToProtoTimeSplitsSecondsAndNanos) {
  auto ts = ToProtoTime(At(2025, 1, 2, 3, 4, 5) + absl::Nanoseconds(123456789));
  EXPECT_EQ(ts.seconds(), 1735787045);
  EXPECT_EQ(ts.nanos(), 123456789);
}

TEST(TimeTextTest, ToProtoTimeKeepsNanosNonNegativeBeforeTheEpoch) {
  auto ts = ToProtoTime(absl::UnixEpoch() - absl::Nanoseconds(1));
  EXPECT_EQ(ts.seconds(), -1);
  EXPECT_EQ(ts.nanos(), 999999999);
  ts = ToProtoTime(absl::UnixEpoch() - absl::Milliseconds(1500));
  EXPECT_EQ(ts.seconds(), -2);
  EXPECT_EQ(ts.nanos(), 500000000);
  ts = ToProtoTime(absl::UnixEpoch() - absl::Seconds(3));
  EXPECT_EQ(ts.seconds(), -3);
  EXPECT_EQ(ts.nanos(), 0);
}

TEST(TimeTextTest, ProtoTimeRoundTrips) {
  for (absl::Time t :
       {absl::UnixEpoch(), At(2025, 1, 2, 3, 4, 5) + absl::Nanoseconds(123456789),
        At(2000, 1, 1, 0, 0, 0) - absl::Microseconds(1), absl::UnixEpoch() - absl::Nanoseconds(1),
        At(1950, 6, 15, 12, 0, 0) + absl::Nanoseconds(7)}) {
    auto ts = ToProtoTime(t);
    EXPECT_GE(ts.nanos(), 0);
    EXPECT_LE(ts.nanos(), 999999999);
    EXPECT_EQ(FromProtoTime(ts), t) << FormatUtc(t);
  }
}

// Found by tests/fuzz/csv_values_fuzz: nanoseconds since the epoch overflowed for these years.
TEST(TimeTextTest, ProtoTimeRoundTripsFarFromTheEpoch) {
  for (absl::Time t :
       {At(0, 1, 1, 0, 0, 0), At(1600, 2, 29, 12, 0, 0) + absl::Nanoseconds(5),
        At(9999, 12, 31, 23, 59, 59) + absl::Nanoseconds(999999999), At(10000, 1, 1, 23, 59, 0)}) {
    auto ts = ToProtoTime(t);
    EXPECT_GE(ts.nanos(), 0);
    EXPECT_LE(ts.nanos(), 999999999);
    EXPECT_EQ(FromProtoTime(ts), t) << FormatUtc(t);
  }
  EXPECT_EQ(ToProtoTime(At(9999, 12, 31, 23, 59, 59)).seconds(), 253402300799);
}

TEST(TimeTextTest, FromProtoTimeAddsNanosToSeconds) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(-1);
  ts.set_nanos(999999999);
  EXPECT_EQ(FromProtoTime(ts), absl::UnixEpoch() - absl::Nanoseconds(1));
  ts.set_seconds(1735787045);
  ts.set_nanos(123456000);
  EXPECT_EQ(ToMicros(FromProtoTime(ts)), kMicros);
}

}  // namespace
}  // namespace ingest
