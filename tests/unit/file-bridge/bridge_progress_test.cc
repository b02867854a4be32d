// The text of file-bridge --once's progress line, from what the loop published.
#include "file-bridge/bridge_progress.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ingest::bridge {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1767225600);

TEST(OnceProgressTextTest, NothingUntilTheFolderIsListed) {
  OnceProgressText text(kStart);
  EXPECT_EQ(text.Render(OnceProgress{}, kStart), "");
}

TEST(OnceProgressTextTest, FilesRowsRateFailuresAndTheCurrentFile) {
  OnceProgressText text(kStart);
  OnceProgress p;
  p.listed = true;
  p.files_total = 40;
  text.Render(p, kStart);
  p.summary.files_archived = 10;
  p.summary.files_failed = 2;
  p.summary.duplicates = 3;
  p.summary.rows_accepted = 120000;
  p.summary.rows_rejected = 1200;
  p.current_file = "events_0013.csv";
  p.current_size = 2000;
  p.current_sent = 900;
  EXPECT_EQ(text.Render(p, kStart + absl::Seconds(4)),
            "files 12/40 · rows 120,000 accepted (30,000/s) · 1,200 rejected · 2 failed · 3 duplicates · "
            "4s · current: events_0013.csv 45%");
}

TEST(OnceProgressTextTest, TheCurrentFileBeforeItsBytesGoAndOnceTheyAreAllSent) {
  OnceProgressText text(kStart);
  OnceProgress p;
  p.listed = true;
  p.files_total = 2;
  p.current_file = "a.csv";
  p.current_size = 100;
  EXPECT_THAT(text.Render(p, kStart), ::testing::EndsWith(" · current: a.csv"));
  p.current_sent = 100;
  EXPECT_THAT(text.Render(p, kStart), ::testing::EndsWith(" · current: a.csv sent, waiting for the server"));
}

TEST(OnceProgressTextTest, RetriesAreShownAndNoCurrentFileBetweenFiles) {
  OnceProgressText text(kStart);
  OnceProgress p;
  p.listed = true;
  p.files_total = 1;
  p.summary.files_archived = 1;
  p.summary.duplicates = 1;
  p.summary.retries = 2;
  EXPECT_EQ(text.Render(p, kStart + absl::Seconds(2)),
            "files 1/1 · rows 0 accepted (0/s) · 0 rejected · 0 failed · 1 duplicate · 2 retries · 2s");
}

}  // namespace
}  // namespace ingest::bridge
