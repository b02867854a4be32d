#include "common/units.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace ingest {
namespace {

using ::testing::HasSubstr;

absl::Duration Duration(const std::string& text) {
  auto d = ParseDuration(text);
  EXPECT_TRUE(d.ok()) << "'" << text << "': " << d.status();
  return d.ok() ? *d : absl::ZeroDuration();
}

uint64_t Size(const std::string& text) {
  auto s = ParseSize(text);
  EXPECT_TRUE(s.ok()) << "'" << text << "': " << s.status();
  return s.ok() ? *s : 0;
}

TEST(ParseDurationTest, ReadsEveryUnit) {
  EXPECT_EQ(Duration("500ms"), absl::Milliseconds(500));
  EXPECT_EQ(Duration("10s"), absl::Seconds(10));
  EXPECT_EQ(Duration("2m"), absl::Minutes(2));
  EXPECT_EQ(Duration("1h"), absl::Hours(1));
}

TEST(ParseDurationTest, ABareNumberIsSeconds) {
  EXPECT_EQ(Duration("5"), absl::Seconds(5));
  EXPECT_EQ(Duration("0"), absl::ZeroDuration());
}

TEST(ParseDurationTest, ReadsFractionsAndSurroundingSpace) {
  EXPECT_EQ(Duration("1.5s"), absl::Milliseconds(1500));
  EXPECT_EQ(Duration(" 10s "), absl::Seconds(10));
}

TEST(ParseDurationTest, RejectsBadTextNamingTheInput) {
  for (std::string bad : {"", "abc", "10x", "-1s", "s", "1.2.3s"}) {
    auto d = ParseDuration(bad);
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument) << "'" << bad << "'";
    EXPECT_THAT(std::string(d.status().message()), HasSubstr("'" + bad + "'"));
  }
}

TEST(ParseDurationTest, AnUnknownUnitIsNamed) {
  auto d = ParseDuration("10x");
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("unknown unit 'x'"));
}

TEST(ParseSizeTest, ReadsBinaryUnitsAndBytes) {
  EXPECT_EQ(Size("4MiB"), 4194304u);
  EXPECT_EQ(Size("256MiB"), 268435456u);
  EXPECT_EQ(Size("8GiB"), 8589934592u);
  EXPECT_EQ(Size("1KiB"), 1024u);
  EXPECT_EQ(Size("1024"), 1024u);
  EXPECT_EQ(Size("0"), 0u);
}

TEST(ParseSizeTest, RejectsBadTextNamingTheInput) {
  for (std::string bad : {"", "MiB", "-1", "-4MiB", "abc"}) {
    auto s = ParseSize(bad);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << "'" << bad << "'";
    EXPECT_THAT(std::string(s.status().message()), HasSubstr("'" + bad + "'"));
  }
}

TEST(ParseSizeTest, AnUnknownUnitIsNamed) {
  for (std::string unit : {"MB", "kb", "x"}) {
    auto s = ParseSize("4" + unit);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << unit;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr("unknown unit '" + unit + "'"));
  }
}

// A size past 2^64 - 1 bytes cannot be honoured; it must be refused, not replaced by another number.
TEST(ParseSizeTest, RejectsASizeThatDoesNotFitIn64Bits) {
  for (std::string big : {"16777216TiB", "99999999999999999999"}) {
    auto s = ParseSize(big);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument)
        << "'" << big << "' gave " << (s.ok() ? std::to_string(*s) : "");
    EXPECT_THAT(std::string(s.status().message()), HasSubstr("'" + big + "'"));
  }
}

TEST(DurationTextTest, WritesTheShortestSpelling) {
  EXPECT_EQ(DurationText(absl::Milliseconds(250)), "250ms");
  EXPECT_EQ(DurationText(absl::Seconds(10)), "10s");
  EXPECT_EQ(DurationText(absl::Minutes(2)), "2m");
  EXPECT_EQ(DurationText(absl::Hours(1)), "1h");
}

TEST(DurationTextTest, RoundTripsThroughParseDuration) {
  for (absl::Duration d : {absl::Milliseconds(250), absl::Seconds(10), absl::Minutes(2), absl::Hours(1),
                           absl::Seconds(90), absl::Milliseconds(1500), absl::ZeroDuration()}) {
    std::string text = DurationText(d);
    EXPECT_EQ(Duration(text), d) << text;
  }
}

}  // namespace
}  // namespace ingest
