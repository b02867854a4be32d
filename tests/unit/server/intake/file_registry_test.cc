// Uploads in flight by sha256: one ingests, a twin waits and gets its result; after a restart,
// files whose last part came back from the log are answered as duplicates until they commit.
#include "server/intake/file_registry.h"

#include <gtest/gtest.h>

#include <thread>

namespace ingest::server {
namespace {

const std::string kSha(64, 'a');

v1::UploadResult Result(uint32_t accepted, uint32_t rejected) {
  v1::UploadResult r;
  r.set_file_name("f.csv");
  r.set_sha256(kSha);
  r.set_accepted(accepted);
  r.set_rejected(rejected);
  return r;
}

TEST(FileRegistryTest, TheFirstUploadClaimsTheFileAndATwinGetsItsResult) {
  FileRegistry files;
  auto first = files.Claim(kSha, absl::InfiniteFuture());
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->has_value());
  std::optional<v1::UploadResult> twin_answer;
  std::thread twin([&] {
    auto twin_claim = files.Claim(kSha, absl::Now() + absl::Seconds(30));
    ASSERT_TRUE(twin_claim.ok());
    twin_answer = *twin_claim;
  });
  absl::SleepFor(absl::Milliseconds(50));
  files.Durable(kSha, Result(10, 2));
  twin.join();
  ASSERT_TRUE(twin_answer.has_value());
  EXPECT_EQ(twin_answer->accepted(), 10u);
  EXPECT_EQ(twin_answer->rejected(), 2u);
}

TEST(FileRegistryTest, AReleasedOrCommittedFileIsClaimedAgain) {
  FileRegistry files;
  ASSERT_FALSE(files.Claim(kSha, absl::InfiniteFuture())->has_value());
  files.Release(kSha);
  ASSERT_FALSE(files.Claim(kSha, absl::InfiniteFuture())->has_value());
  files.Durable(kSha, Result(1, 0));
  EXPECT_TRUE(files.Claim(kSha, absl::InfiniteFuture())->has_value());
  files.Committed(kSha);
  EXPECT_FALSE(files.Claim(kSha, absl::InfiniteFuture())->has_value()) << "ingested_files answers now";
  EXPECT_EQ(files.in_flight(), 1u);
}

TEST(FileRegistryTest, ATwinGivesUpAtItsDeadline) {
  FileRegistry files;
  ASSERT_FALSE(files.Claim(kSha, absl::InfiniteFuture())->has_value());
  auto twin = files.Claim(kSha, absl::Now() + absl::Milliseconds(20));
  EXPECT_EQ(twin.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(FileRegistryTest, FilesBackFromTheLogAreDuplicatesUntilTheyCommit) {
  std::vector<WindowItem> tail(3);
  tail[0].source = Source::kStream;
  for (int i = 1; i < 3; ++i) {
    tail[i].source = Source::kFile;
    tail[i].content_hash = kSha;
    v1::Rejection* r = tail[i].ack.add_rejections();
    r->set_index(10 + i);
    r->set_code("bad_number");
  }
  tail[2].file_done = FileDone{"f.csv", 100, 7, 3};
  FileRegistry files;
  files.RestoreFromLog(&tail);
  auto answer = files.Claim(kSha, absl::InfiniteFuture());
  ASSERT_TRUE(answer.ok() && answer->has_value());
  EXPECT_EQ((*answer)->accepted(), 7u);
  EXPECT_EQ((*answer)->rejected(), 3u);
  ASSERT_EQ((*answer)->rejections_size(), 2) << "the rejections of the parts in the log";
  EXPECT_TRUE((*answer)->rejections_truncated()) << "3 rejected, 2 listed";
  EXPECT_FALSE(tail[0].on_committed);
  EXPECT_FALSE(tail[1].on_committed);
  ASSERT_TRUE(tail[2].on_committed);
  tail[2].on_committed({});
  EXPECT_FALSE(files.Claim(kSha, absl::InfiniteFuture())->has_value());
}

}  // namespace
}  // namespace ingest::server
