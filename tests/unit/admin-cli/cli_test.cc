// ingest-admin against an in-process fake admin API: what each command prints, its exit code,
// and what it asked the server.
#include "admin-cli/cli.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <sstream>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/unit/admin-cli/fake_admin_server.h"

namespace ingest::admin {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

class AdminCliTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.started()); }

  // Runs `ingest-admin --target <fake> ARGS...` with a 120-column console.
  CliResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--target", server_.target()});
    return RunRaw(args);
  }
  static CliResult RunRaw(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    int code = RunAdminCli(args, {out, err, /*width=*/120});
    return {code, out.str(), err.str()};
  }

  testing::FakeAdminServer server_;
};

// The value printed after `key` in the status table, "" when the key is not there.
std::string StatusValue(const std::string& table, const std::string& key) {
  for (absl::string_view line : absl::StrSplit(table, '\n')) {
    if (absl::ConsumePrefix(&line, key + "  ")) return std::string(absl::StripLeadingAsciiWhitespace(line));
  }
  return "";
}

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  return ts;
}

constexpr int64_t k20261123T100102 = 1795428062;  // 2026-11-23 10:01:02 UTC

v1::GetStatusResponse RetryingStatus() {
  v1::GetStatusResponse s;
  s.set_version("0.1.0");
  s.set_server_id("srv-test-1");
  s.set_uptime_seconds(3725);
  auto* l = s.add_listeners();
  l->set_role("ingest");
  l->set_address("127.0.0.1:50051");
  l = s.add_listeners();
  l->set_role("admin");
  l->set_address("127.0.0.1:50052");
  s.set_trigger_ms(10000);
  s.set_ack_mode("committed");
  s.set_intake_mode("throttling");
  s.set_intake_reason("log budget full");
  s.mutable_open_window()->set_events(120);
  s.mutable_open_window()->set_bytes(49152);
  s.mutable_open_window()->set_age_ms(3200);
  s.set_last_batch_id(41);
  *s.mutable_last_commit_time() = At(k20261123T100102);
  auto* t = s.mutable_totals();
  t->set_received(1000), t->set_accepted(990), t->set_rejected(10);
  t->set_committed(980), t->set_duplicates(2), t->set_batches(41);
  s.mutable_sink()->set_state("retrying");
  s.mutable_sink()->set_last_error("connection to server at 127.0.0.1:55432 failed: Connection refused");
  s.mutable_sink()->set_attempts(3);
  *s.mutable_sink()->mutable_next_attempt() = At(k20261123T100102 + 4);
  s.set_pending_batches(2);
  s.set_wal_bytes(1572864);
  s.set_checkpoint_bytes(12288);
  return s;
}

TEST_F(AdminCliTest, StatusShowsWhatTheServerReported) {
  server_.service().status_response = RetryingStatus();
  CliResult r = Run({"status"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  EXPECT_EQ(StatusValue(r.out, "version"), "0.1.0");
  EXPECT_EQ(StatusValue(r.out, "server id"), "srv-test-1");
  EXPECT_EQ(StatusValue(r.out, "uptime"), "1h02m");
  EXPECT_EQ(StatusValue(r.out, "listeners"), "ingest 127.0.0.1:50051, admin 127.0.0.1:50052");
  EXPECT_EQ(StatusValue(r.out, "trigger"), "10s");
  EXPECT_EQ(StatusValue(r.out, "ack mode"), "committed");
  EXPECT_EQ(StatusValue(r.out, "intake"), "throttling (log budget full)");
  EXPECT_EQ(StatusValue(r.out, "open window"), "120 events, 48.0 KiB, open for 3s");
  EXPECT_THAT(StatusValue(r.out, "last batch"), HasSubstr("41, committed 2026-11-23 10:01:02Z ("));
  EXPECT_EQ(StatusValue(r.out, "pending batches"), "2");
  EXPECT_EQ(StatusValue(r.out, "totals"),
            "received 1000, accepted 990, rejected 10, committed 980, duplicates 2, batches 41");
  EXPECT_EQ(StatusValue(r.out, "sink"), "retrying (3 failed attempts)");
  EXPECT_EQ(StatusValue(r.out, "sink error"),
            "connection to server at 127.0.0.1:55432 failed: Connection refused");
  EXPECT_THAT(StatusValue(r.out, "next attempt"), HasSubstr("2026-11-23 10:01:06Z ("));
  EXPECT_EQ(StatusValue(r.out, "wal"), "1.5 MiB");
  EXPECT_EQ(StatusValue(r.out, "checkpoint"), "12.0 KiB");
}

TEST_F(AdminCliTest, StatusOfAHealthySinkHasNoErrorLines) {
  v1::GetStatusResponse s = RetryingStatus();
  s.mutable_sink()->Clear();
  s.mutable_sink()->set_state("ok");
  s.set_last_batch_id(0);
  s.clear_last_commit_time();
  server_.service().status_response = s;
  CliResult r = Run({"status"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(StatusValue(r.out, "sink"), "ok");
  EXPECT_EQ(StatusValue(r.out, "last batch"), "none committed yet");
  EXPECT_THAT(r.out, Not(HasSubstr("sink error")));
  EXPECT_THAT(r.out, Not(HasSubstr("next attempt")));
}

TEST_F(AdminCliTest, StatusJsonParsesBackIntoTheSameResponse) {
  server_.service().status_response = RetryingStatus();
  // --json works before and after the command.
  for (const auto& args : {std::vector<std::string>{"--json", "status"}, {"status", "--json"}}) {
    CliResult r = Run(args);
    ASSERT_EQ(r.code, 0) << r.err;
    v1::GetStatusResponse parsed;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &parsed).ok()) << r.out;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, RetryingStatus()));
    EXPECT_THAT(r.out, HasSubstr("\"server_id\":\"srv-test-1\""));
  }
}

TEST_F(AdminCliTest, JsonCarriesFieldsThatAreZero) {
  server_.service().status_response.set_server_id("srv");
  CliResult r = Run({"--json", "status"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"pending_batches\":0"));
  EXPECT_THAT(r.out, HasSubstr("\"last_batch_id\":\"0\""));
  EXPECT_EQ(r.out.back(), '\n');
}

TEST_F(AdminCliTest, AnErrorFromTheServerExitsOneNamingIt) {
  server_.service().status_error = grpc::Status(grpc::StatusCode::INTERNAL, "status broke");
  CliResult r = Run({"status"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_EQ(r.err, "ingest-admin: GetStatus at " + server_.target() + " failed: INTERNAL: status broke\n");
}

TEST_F(AdminCliTest, UnreachableServerExitsTwoWithOneLineNamingTheAddress) {
  std::string target = "127.0.0.1:" + std::to_string(testing::UnusedPort());
  for (const char* command : {"status", "batches", "producers", "rejections", "files", "flush", "health"}) {
    CliResult r = RunRaw({"--target", target, "--timeout", "5s", command});
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_THAT(r.out, IsEmpty());
    EXPECT_EQ(r.err, "ingest-admin: cannot reach the ingest-server admin API at " + target +
                         " (connection refused): is the server running? pass --target HOST:PORT "
                         "if it listens elsewhere\n");
  }
}

TEST(AdminCliUsageTest, BadUsageExitsTwoWithAHint) {
  std::ostringstream out, err;
  EXPECT_EQ(RunAdminCli({"bogus"}, {out, err, 120}), 2);
  EXPECT_EQ(err.str(),
            "ingest-admin: unknown command 'bogus' (the commands are status, batches, producers, "
            "rejections, files, where, flush, health): run ingest-admin --help\n");

  std::ostringstream out2, err2;
  EXPECT_EQ(RunAdminCli({}, {out2, err2, 120}), 2);
  EXPECT_THAT(err2.str(), HasSubstr("no command given"));

  std::ostringstream out3, err3;
  EXPECT_EQ(RunAdminCli({"--timeout", "5x", "status"}, {out3, err3, 120}), 2);
  EXPECT_THAT(err3.str(), HasSubstr("--timeout: bad duration '5x'"));
}

TEST_F(AdminCliTest, NonNumericLimitIsBadUsageAndAsksNothing) {
  CliResult r = Run({"batches", "--limit", "abc"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "ingest-admin: --limit: must be a whole number from 1 to 10000, got 'abc': run "
            "ingest-admin batches --help\n");
  EXPECT_EQ(server_.service().calls(), 0);
}

TEST(AdminCliUsageTest, HelpListsTheCommandsAndExitsZero) {
  std::ostringstream out, err;
  EXPECT_EQ(RunAdminCli({"--help"}, {out, err, 120}), 0);
  for (const char* word : {"status", "batches", "producers", "rejections", "files", "where", "flush",
                           "health", "--target", "--json", "--watch", "Exit codes"}) {
    EXPECT_THAT(out.str(), HasSubstr(word));
  }
}

}  // namespace
}  // namespace ingest::admin
