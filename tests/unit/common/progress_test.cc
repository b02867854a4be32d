// ProgressLine on a fake terminal and a fake clock: quiet off a terminal, redraws rate-limited,
// cut to the width, ended with a newline, and log lines kept apart from it.
#include "common/progress.h"

#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spdlog/sinks/ostream_sink.h"

namespace ingest {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;

class FakeTerminal {
 public:
  ProgressTerminal Make(bool is_terminal, int columns = 80) {
    ProgressTerminal t;
    t.is_terminal = is_terminal;
    t.columns = [columns] { return columns; };
    t.write = [this](absl::string_view bytes) {
      out << bytes;
      ++writes;
    };
    return t;
  }
  std::ostringstream out;
  int writes = 0;
};

TEST(ProgressLineTest, QuietWhenNotATerminal) {
  FakeTerminal term;
  FakeClock clock;
  int renders = 0;
  {
    ProgressLine line(term.Make(false), ProgressMode::kAuto, &clock);
    EXPECT_FALSE(line.enabled());
    for (int i = 0; i < 10; ++i) {
      line.Update([&] { return std::string(++renders, 'x'); });
      clock.Advance(absl::Seconds(1));
    }
    line.Finish([&] { return std::string(++renders, 'x'); });
  }
  EXPECT_EQ(renders, 0);
  EXPECT_EQ(term.out.str(), "");
}

TEST(ProgressLineTest, RedrawsAtMostFourTimesASecond) {
  FakeTerminal term;
  FakeClock clock;
  ProgressLine line(term.Make(true), ProgressMode::kAuto, &clock);
  ASSERT_TRUE(line.enabled());
  int renders = 0;
  // Asked every 50 ms for 2 s: drawn at 0, 250, 500, ... 1750 ms.
  for (int i = 0; i < 40; ++i) {
    line.Update([&] { return absl::StrCat("frame ", ++renders); });
    clock.Advance(absl::Milliseconds(50));
  }
  EXPECT_EQ(renders, 8);
  EXPECT_EQ(term.writes, 8);
  EXPECT_THAT(term.out.str(), EndsWith("\rframe 8\x1b[K"));
}

TEST(ProgressLineTest, AnUnchangedLineIsNotWrittenAgain) {
  FakeTerminal term;
  FakeClock clock;
  ProgressLine line(term.Make(true), ProgressMode::kAuto, &clock);
  for (int i = 0; i < 3; ++i) {
    line.Update([] { return std::string("same"); });
    clock.Advance(absl::Seconds(1));
  }
  EXPECT_EQ(term.out.str(), "\rsame\x1b[K");
}

TEST(ProgressLineTest, CutToOneLessThanTheTerminalWidthCountingCharactersNotBytes) {
  FakeTerminal term;
  FakeClock clock;
  ProgressLine line(term.Make(true, 12), ProgressMode::kAuto, &clock);
  line.Update([] { return std::string("a·b·c·d·e·f·g·h"); });  // '·' is 2 bytes, 1 column
  EXPECT_EQ(term.out.str(), "\ra·b·c·d·e·f\x1b[K");
}

TEST(ProgressLineTest, ACutDropsTheSeparatorItLeavesDangling) {
  FakeTerminal term;
  FakeClock clock;
  ProgressLine line(term.Make(true, 16), ProgressMode::kAuto, &clock);
  line.Update([] { return std::string("9 acked · 12s · 3 producers"); });  // cut after "12s · "
  EXPECT_EQ(term.out.str(), "\r9 acked · 12s\x1b[K");
}

TEST(ProgressLineTest, AnUnknownWidthIsEightyColumns) {
  FakeTerminal term;
  FakeClock clock;
  ProgressLine line(term.Make(true, 0), ProgressMode::kAuto, &clock);
  line.Update([] { return std::string(200, 'x'); });
  EXPECT_EQ(term.out.str(), absl::StrCat("\r", std::string(79, 'x'), "\x1b[K"));
}

TEST(ProgressLineTest, ControlBytesCannotReachTheTerminal) {
  FakeTerminal term;
  FakeClock clock;
  ProgressLine line(term.Make(true), ProgressMode::kAuto, &clock);
  line.Update([] { return std::string("bad\x1b]0;x\a\nname.csv"); });
  EXPECT_EQ(term.out.str(), "\rbad?]0;x??name.csv\x1b[K");
}

TEST(ProgressLineTest, FinishDrawsTheLastFrameAndEndsTheLine) {
  FakeTerminal term;
  FakeClock clock;
  ProgressLine line(term.Make(true), ProgressMode::kAuto, &clock);
  line.Update([] { return std::string("10 acked"); });
  line.Finish([] { return std::string("20 acked"); });  // not rate-limited: the final numbers
  clock.Advance(absl::Seconds(5));
  line.Update([] { return std::string("after"); });
  EXPECT_EQ(term.out.str(), "\r10 acked\x1b[K\r20 acked\x1b[K\n");
}

TEST(ProgressLineTest, NothingIsDrawnForAnEmptyTextAndAnEmptyFinishErases) {
  FakeTerminal term, idle;
  FakeClock clock;
  ProgressLine line(term.Make(true), ProgressMode::kAuto, &clock);
  line.Update([] { return std::string(); });
  clock.Advance(absl::Seconds(1));
  line.Update([] { return std::string("started"); });
  line.Finish([] { return std::string(); });
  EXPECT_EQ(term.out.str(), "\rstarted\x1b[K\r\x1b[K");
  ProgressLine never_started(idle.Make(true), ProgressMode::kAuto, &clock);
  never_started.Finish([] { return std::string(); });
  EXPECT_EQ(idle.out.str(), "");
}

TEST(ProgressLineTest, ALineLeftWithoutFinishIsErased) {
  FakeTerminal term;
  FakeClock clock;
  {
    ProgressLine(term.Make(true), ProgressMode::kAuto, &clock).Update([] { return std::string("x"); });
  }
  EXPECT_EQ(term.out.str(), "\rx\x1b[K\r\x1b[K");
}

TEST(ProgressLineTest, TheEnvironmentOverridesTheTerminalCheck) {
  FakeTerminal piped, tty;
  FakeClock clock;
  ProgressLine always(piped.Make(false), *ParseProgressMode("always"), &clock);
  ProgressLine never(tty.Make(true), *ParseProgressMode("never"), &clock);
  always.Finish([] { return std::string("shown"); });
  never.Finish([] { return std::string("hidden"); });
  EXPECT_EQ(piped.out.str(), "\rshown\x1b[K\n");
  EXPECT_EQ(tty.out.str(), "");
  EXPECT_EQ(*ParseProgressMode(""), ProgressMode::kAuto);
  EXPECT_EQ(*ParseProgressMode("auto"), ProgressMode::kAuto);
  EXPECT_THAT(ParseProgressMode("yes").status().message(), HasSubstr("not auto, always or never"));
}

TEST(ProgressLineTest, ALogLineErasesTheProgressLineAndItIsRedrawnBelow) {
  FakeTerminal term;
  FakeClock clock;
  auto logger = Logger("progress_test");
  logger->sinks().clear();
  logger->sinks().push_back(std::make_shared<spdlog::sinks::ostream_sink_mt>(term.out));
  logger->set_pattern("%v");
  ProgressLine line(term.Make(true), ProgressMode::kAuto, &clock);
  line.KeepLogsApart({"progress_test"});
  line.Update([] { return std::string("5 acked"); });
  logger->info("reconnected");
  line.Finish([] { return std::string("9 acked"); });
  logger->info("after the end");
  EXPECT_EQ(term.out.str(),
            "\r5 acked\x1b[K"
            "\r\x1b[Kreconnected\n\r5 acked\x1b[K"
            "\r9 acked\x1b[K\n"
            "after the end\n");
}

TEST(ProgressTextTest, GroupThousands) {
  EXPECT_EQ(GroupThousands(0), "0");
  EXPECT_EQ(GroupThousands(999), "999");
  EXPECT_EQ(GroupThousands(1000), "1,000");
  EXPECT_EQ(GroupThousands(118500), "118,500");
  EXPECT_EQ(GroupThousands(1234567), "1,234,567");
}

TEST(ProgressTextTest, ShortDuration) {
  EXPECT_EQ(ShortDuration(absl::Milliseconds(12900)), "12s");
  EXPECT_EQ(ShortDuration(absl::Seconds(187)), "3m07s");
  EXPECT_EQ(ShortDuration(absl::Seconds(3720)), "1h02m");
  EXPECT_EQ(ShortDuration(-absl::Seconds(3)), "0s");
}

TEST(RecentRateTest, EarlyOnTheRateSinceTheStart) {
  FakeClock clock;
  RecentRate rate(clock.Now());
  clock.Advance(absl::Milliseconds(200));
  EXPECT_DOUBLE_EQ(rate.Add(clock.Now(), 500), 2500.0);
}

TEST(RecentRateTest, RateOverTheLastWindowOnly) {
  FakeClock clock;
  RecentRate rate(clock.Now(), absl::Seconds(5));
  EXPECT_EQ(rate.Add(clock.Now(), 0), 0);
  // 1000/s for 10 s, then nothing more for 5 s: the rate falls to 0.
  for (int s = 1; s <= 10; ++s) {
    clock.Advance(absl::Seconds(1));
    EXPECT_DOUBLE_EQ(rate.Add(clock.Now(), 1000u * s), 1000.0);
  }
  for (int s = 1; s <= 5; ++s) {
    clock.Advance(absl::Seconds(1));
    EXPECT_DOUBLE_EQ(rate.Add(clock.Now(), 10000), 1000.0 * (5 - s) / 5);
  }
}

}  // namespace
}  // namespace ingest
