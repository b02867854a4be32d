// The whole bridge against the in-process fake IngestService: --once runs (archive, duplicate,
// failed, retry with retry-after-ms, batches per trigger, unreachable server, settle) and the
// watching mode until Stop().
#include "file-bridge/bridge_loop.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/file-bridge/bridge_test_util.h"
#include "tests/unit/file-bridge/fake_upload_service.h"

namespace ingest::bridge {
namespace {

using ::ingest::bridge::testing::AppendFile;
using ::ingest::bridge::testing::BridgeDirs;
using ::ingest::bridge::testing::Csv;
using ::ingest::bridge::testing::Exists;
using ::ingest::bridge::testing::FakeUploadServer;
using ::ingest::bridge::testing::FakeUploadService;
using Answer = ::ingest::bridge::testing::FakeUploadService::Answer;
using ::ingest::bridge::testing::Names;
using ::ingest::bridge::testing::ReadFile;
using ::ingest::bridge::testing::SetMtime;
using ::ingest::bridge::testing::WriteFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A port nothing listens on: bound once by the kernel, then closed.
int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

class BridgeLoopTest : public ::testing::Test {
 protected:
  BridgeConfig Config(bool once = true) const {
    BridgeConfig c;
    c.watch_dir = dirs_.watch();
    c.archive_dir = dirs_.archive();
    c.failed_dir = dirs_.failed();
    c.target = server_.target();
    c.once = once;
    c.settle = absl::ZeroDuration();
    c.interval = absl::Milliseconds(20);
    c.connect_timeout = absl::Seconds(5);
    c.min_backoff = absl::Milliseconds(10);
    c.max_backoff = absl::Milliseconds(100);
    return c;
  }
  // Drops watch/<name> with `rows` rows, dated `mtime` (unix seconds).
  void Drop(const std::string& name, int rows, int64_t mtime) {
    WriteFile(dirs_.watch() + "/" + name, Csv(rows, name));
    SetMtime(dirs_.watch() + "/" + name, mtime);
  }
  std::vector<std::string> UploadedNames() {
    std::vector<std::string> names;
    for (const auto& call : server_.service().calls()) names.push_back(call.header.file_name());
    return names;
  }

  BridgeDirs dirs_;
  FakeUploadServer server_;
};

TEST_F(BridgeLoopTest, OnceArchivesEachFileWithItsResult) {
  Drop("a.csv", 3, 1000);
  server_.service().Script({Answer::Result(/*duplicate=*/false, /*rejected=*/1)});
  BridgeOutcome out = BridgeLoop(Config()).Run();
  EXPECT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_THAT(Names(dirs_.watch()), IsEmpty());
  EXPECT_THAT(Names(dirs_.archive()), ElementsAre("a.csv", "a.csv.result.json"));
  std::string json = ReadFile(dirs_.archive() + "/a.csv.result.json");
  EXPECT_THAT(json, HasSubstr("\"accepted\": 2"));
  EXPECT_THAT(json, HasSubstr("\"rejected\": 1"));
  EXPECT_THAT(json, HasSubstr("\"code\": \"bad_number\""));
  EXPECT_EQ(out.summary.files_archived, 1u);
  EXPECT_EQ(out.summary.rows_accepted, 2u);
  EXPECT_EQ(out.summary.rows_rejected, 1u) << "rejected rows are reported, and are not a failure";
}

TEST_F(BridgeLoopTest, ADuplicateAnswerArchivesTheFile) {
  Drop("again.csv", 2, 1000);
  server_.service().Script({Answer::Result(/*duplicate=*/true)});
  BridgeOutcome out = BridgeLoop(Config()).Run();
  EXPECT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_THAT(Names(dirs_.archive()), ElementsAre("again.csv", "again.csv.result.json"));
  EXPECT_THAT(ReadFile(dirs_.archive() + "/again.csv.result.json"), HasSubstr("\"duplicate\": true"));
  EXPECT_EQ(out.summary.files_archived, 1u);
  EXPECT_EQ(out.summary.duplicates, 1u);
  EXPECT_EQ(out.summary.rows_accepted, 0u) << "a duplicate's rows were stored by the earlier upload";
}

TEST_F(BridgeLoopTest, InvalidArgumentSendsTheFileToFailedAndTheNextOneStillGoes) {
  Drop("bad.csv", 1, 1000);
  Drop("good.csv", 1, 2000);
  server_.service().Script(
      {Answer::Error(grpc::StatusCode::INVALID_ARGUMENT, "unusable header: no event_id column")});
  BridgeOutcome out = BridgeLoop(Config()).Run();
  EXPECT_EQ(out.exit_code, kExitFailed);
  EXPECT_THAT(out.failure, HasSubstr(dirs_.failed()));
  EXPECT_THAT(Names(dirs_.failed()), ElementsAre("bad.csv", "bad.csv.reason"));
  EXPECT_THAT(ReadFile(dirs_.failed() + "/bad.csv.reason"),
              HasSubstr("code: INVALID_ARGUMENT\nmessage: unusable header: no event_id column\n"));
  EXPECT_THAT(Names(dirs_.archive()), ElementsAre("good.csv", "good.csv.result.json"));
  EXPECT_EQ(out.summary.files_failed, 1u);
  EXPECT_EQ(out.summary.files_archived, 1u);
}

TEST_F(BridgeLoopTest, UnavailableIsRetriedAfterTheRetryAfterHintThenArchives) {
  Drop("a.csv", 1, 1000);
  Drop("b.csv", 1, 2000);
  server_.service().Script({Answer::Error(grpc::StatusCode::UNAVAILABLE, "log budget full", "300")});
  BridgeOutcome out = BridgeLoop(Config()).Run();
  EXPECT_EQ(out.exit_code, kExitOk) << out.failure;
  auto calls = server_.service().calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_THAT(UploadedNames(), ElementsAre("a.csv", "a.csv", "b.csv")) << "b waits behind a";
  EXPECT_GE(calls[1].at - calls[0].at, absl::Milliseconds(300)) << "the retry-after-ms hint was not honoured";
  EXPECT_EQ(out.summary.uploads, 3u);
  EXPECT_EQ(out.summary.retries, 1u);
  EXPECT_EQ(out.summary.files_archived, 2u);
  EXPECT_THAT(Names(dirs_.watch()), IsEmpty());
}

TEST_F(BridgeLoopTest, OnceOverFiveFilesWithTwoPerTriggerMakesThreeTriggersOldestFirst) {
  for (int i = 0; i < 5; ++i) Drop("f" + std::to_string(i) + ".csv", 4, 1000 - i);
  BridgeConfig c = Config();
  c.max_files_per_trigger = 2;
  BridgeOutcome out = BridgeLoop(c).Run();
  EXPECT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_EQ(out.summary.triggers, 3u);
  EXPECT_EQ(out.summary.files_archived, 5u);
  EXPECT_EQ(out.summary.rows_accepted, 20u);
  EXPECT_THAT(UploadedNames(), ElementsAre("f4.csv", "f3.csv", "f2.csv", "f1.csv", "f0.csv"));
  EXPECT_EQ(Names(dirs_.archive()).size(), 10u);
}

TEST_F(BridgeLoopTest, OnceWaitsForTheSettleTimeBeforeTakingAFile) {
  Drop("a.csv", 1, 1000);
  BridgeConfig c = Config();
  c.settle = absl::Milliseconds(200);
  BridgeOutcome out = BridgeLoop(c).Run();
  EXPECT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_EQ(out.summary.files_archived, 1u);
  EXPECT_GE(out.summary.elapsed, absl::Milliseconds(200));
}

TEST_F(BridgeLoopTest, OnceLeavesAFileThatKeepsChangingAndSaysSo) {
  WriteFile(dirs_.watch() + "/growing.csv", Csv(1));
  std::atomic<bool> done{false};
  std::thread writer([&] {
    while (!done.load()) {
      AppendFile(dirs_.watch() + "/growing.csv", "x\n");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  BridgeConfig c = Config();
  c.settle = absl::Milliseconds(150);
  c.settle_limit = absl::Milliseconds(500);
  BridgeOutcome out = BridgeLoop(c).Run();
  done.store(true);
  writer.join();
  EXPECT_EQ(out.exit_code, kExitFailed);
  EXPECT_THAT(out.failure, HasSubstr("still changing"));
  EXPECT_EQ(out.summary.files_left, 1u);
  EXPECT_TRUE(server_.service().calls().empty());
  EXPECT_TRUE(Exists(dirs_.watch() + "/growing.csv"));
}

TEST_F(BridgeLoopTest, OnceGivesUpAfterTheMaximumAttemptsAndLeavesTheFile) {
  Drop("a.csv", 1, 1000);
  server_.service().AlwaysAnswer(Answer::Error(grpc::StatusCode::UNAVAILABLE, "shutting down"));
  BridgeConfig c = Config();
  c.once_max_attempts = 3;
  BridgeOutcome out = BridgeLoop(c).Run();
  EXPECT_EQ(out.exit_code, kExitFailed);
  EXPECT_THAT(out.failure, HasSubstr("gave up on a.csv after 3 attempts"));
  EXPECT_EQ(server_.service().calls().size(), 3u);
  EXPECT_EQ(out.summary.files_left, 1u);
  EXPECT_TRUE(Exists(dirs_.watch() + "/a.csv"));
}

TEST_F(BridgeLoopTest, OnceStopsWhenTheServerTakesNoUploads) {
  Drop("a.csv", 1, 1000);
  server_.service().AlwaysAnswer(
      Answer::Error(grpc::StatusCode::UNIMPLEMENTED, "UploadFile is not available"));
  BridgeOutcome out = BridgeLoop(Config()).Run();
  EXPECT_EQ(out.exit_code, kExitFailed);
  EXPECT_THAT(out.failure, HasSubstr("does not take uploads (UNIMPLEMENTED"));
  EXPECT_TRUE(Exists(dirs_.watch() + "/a.csv"));
  EXPECT_THAT(Names(dirs_.failed()), IsEmpty());
}

TEST_F(BridgeLoopTest, AnUnreachableServerExitsWithTwoAndLeavesTheFile) {
  Drop("a.csv", 1, 1000);
  BridgeConfig c = Config();
  c.target = "127.0.0.1:" + std::to_string(UnusedPort());
  c.connect_timeout = absl::Milliseconds(300);
  BridgeOutcome out = BridgeLoop(c).Run();
  EXPECT_EQ(out.exit_code, kExitUsage);
  EXPECT_THAT(out.failure, HasSubstr("cannot reach ingest-server at " + c.target));
  EXPECT_THAT(out.failure, HasSubstr("--target"));
  EXPECT_TRUE(Exists(dirs_.watch() + "/a.csv"));
}

TEST_F(BridgeLoopTest, NothingToDoNeedsNoServerAndCreatesTheFolders) {
  BridgeConfig c = Config();
  c.target = "127.0.0.1:" + std::to_string(UnusedPort());
  c.watch_dir = dirs_.root() + "/new/input";
  c.archive_dir = dirs_.root() + "/new/archive";
  c.failed_dir = dirs_.root() + "/new/failed";
  BridgeOutcome out = BridgeLoop(c).Run();
  EXPECT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_EQ(out.summary.triggers, 0u);
  for (const std::string& dir : {c.watch_dir, c.archive_dir, c.failed_dir}) EXPECT_TRUE(Exists(dir)) << dir;
}

TEST_F(BridgeLoopTest, WatchingTakesFilesAsTheyArriveUntilStopped) {
  BridgeConfig c = Config(/*once=*/false);
  c.settle = absl::Milliseconds(100);
  c.interval = absl::Milliseconds(50);
  BridgeLoop loop(c);
  BridgeOutcome out;
  std::thread runner([&] { out = loop.Run(); });
  WriteFile(dirs_.watch() + "/late.csv.tmp", Csv(2));
  std::filesystem::rename(dirs_.watch() + "/late.csv.tmp", dirs_.watch() + "/late.csv");
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!Exists(dirs_.archive() + "/late.csv") && absl::Now() < give_up)
    absl::SleepFor(absl::Milliseconds(10));
  loop.Stop();
  runner.join();
  EXPECT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_EQ(out.summary.files_archived, 1u);
  EXPECT_THAT(Names(dirs_.archive()), ElementsAre("late.csv", "late.csv.result.json"));
}

TEST_F(BridgeLoopTest, StoppingDuringRetriesLeavesTheFileWhereItIs) {
  Drop("a.csv", 1, 1000);
  server_.service().AlwaysAnswer(Answer::Error(grpc::StatusCode::UNAVAILABLE, "shutting down"));
  BridgeLoop loop(Config(/*once=*/false));
  BridgeOutcome out;
  std::thread runner([&] { out = loop.Run(); });
  EXPECT_TRUE(server_.service().WaitForCalls(2));
  loop.Stop();
  runner.join();
  EXPECT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_TRUE(Exists(dirs_.watch() + "/a.csv"));
  EXPECT_THAT(Names(dirs_.archive()), IsEmpty());
  EXPECT_THAT(Names(dirs_.failed()), IsEmpty());
}

}  // namespace
}  // namespace ingest::bridge
