// ingest-admin batches, flush and health against an in-process fake admin API.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "absl/strings/str_split.h"
#include "admin-cli/cli.h"
#include "admin-cli/text_table.h"
#include "tests/unit/admin-cli/fake_admin_server.h"

namespace ingest::admin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

class AdminCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.started()); }

  CliResult Run(std::vector<std::string> args, size_t width = 120) {
    args.insert(args.begin(), {"--target", server_.target()});
    std::ostringstream out, err;
    int code = RunAdminCli(args, {out, err, width});
    return {code, out.str(), err.str()};
  }

  testing::FakeAdminServer server_;
};

constexpr int64_t k20261123T100050 = 1795428050;  // 2026-11-23 10:00:50 UTC

void AddBatch(v1::ListBatchesResponse* response, uint64_t id, int64_t start, uint32_t events,
              std::vector<std::string> sources) {
  v1::BatchInfo* b = response->add_batches();
  b->set_batch_id(id);
  b->mutable_window_start()->set_seconds(start);
  b->mutable_window_end()->set_seconds(start + 10);
  b->set_events(events);
  b->set_inserted(events - 20);
  b->set_updated(15);
  b->set_rejected(5);
  b->set_write_ms(37);
  b->mutable_committed_at()->set_seconds(start + 12);
  b->set_server_id("srv-a");
  for (auto& s : sources) b->add_sources(s);
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST_F(AdminCommandsTest, BatchesTableHasARowPerBatch) {
  auto& response = server_.service().batches_response;
  AddBatch(&response, 42, k20261123T100050, 500, {"gen-1", "gen-2", "events_0001.csv"});
  AddBatch(&response, 41, k20261123T100050 - 10, 1200, {});
  CliResult r = Run({"batches"}, /*width=*/160);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, IsEmpty());
  EXPECT_THAT(Lines(r.out),
              ElementsAre("BATCH  WINDOW START          EVENTS  INSERTED  UPDATED  REJECTED  WRITE MS  "
                          "COMMITTED AT          SERVER  SOURCES",
                          "   42  2026-11-23 10:00:50Z     500       480       15         5        37  "
                          "2026-11-23 10:01:02Z  srv-a   gen-1,gen-2,events_0001.csv",
                          "   41  2026-11-23 10:00:40Z    1200      1180       15         5        37  "
                          "2026-11-23 10:00:52Z  srv-a   -"));
  EXPECT_EQ(server_.service().last_batches_limit(), 20u);
}

TEST_F(AdminCommandsTest, BatchesPassesTheLimitToTheServer) {
  CliResult r = Run({"batches", "--limit", "5"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(server_.service().last_batches_limit(), 5u);
  EXPECT_EQ(r.out, "no committed batches yet\n");
}

TEST_F(AdminCommandsTest, BatchesSourcesAreShortenedToTheTerminalWidth) {
  std::vector<std::string> sources;
  for (int i = 0; i < 40; ++i) sources.push_back("producer-" + std::to_string(i));
  AddBatch(&server_.service().batches_response, 7, k20261123T100050, 100, sources);
  CliResult r = Run({"batches"}, /*width=*/120);
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(DisplayWidth(lines[1]), 120u);
  EXPECT_THAT(lines[1], ::testing::EndsWith("  srv-a   producer-0,pr\u2026"));
}

TEST_F(AdminCommandsTest, BatchesJsonIsTheResponse) {
  AddBatch(&server_.service().batches_response, 42, k20261123T100050, 500, {"gen-1"});
  CliResult r = Run({"batches", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"batch_id\":\"42\""));
  EXPECT_THAT(r.out, HasSubstr("\"sources\":[\"gen-1\"]"));
}

TEST_F(AdminCommandsTest, FlushPrintsTheCommittedBatch) {
  server_.service().flush_response.set_batch_id(42);
  CliResult r = Run({"flush"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "flushed: batch 42 committed\n");
  // The default flush timeout is 60 s, whatever the global --timeout.
  EXPECT_GT(server_.service().last_flush_budget(), std::chrono::seconds(30));
}

TEST_F(AdminCommandsTest, FlushWithNothingToCommitNamesTheLastBatch) {
  server_.service().flush_response.set_batch_id(41);
  server_.service().flush_response.set_empty(true);
  CliResult r = Run({"flush", "--timeout", "2s"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "flushed: nothing to commit (last committed batch 41)\n");
  // gRPC sends the timeout rounded up a little.
  EXPECT_LE(server_.service().last_flush_budget(), std::chrono::milliseconds(2100));
  EXPECT_GT(server_.service().last_flush_budget(), std::chrono::milliseconds(0));
}

TEST_F(AdminCommandsTest, FlushUnavailableExitsOneWithTheServersMessage) {
  server_.service().flush_error =
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "database unavailable: connection refused (5 attempts)");
  CliResult r = Run({"flush"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_EQ(r.err,
            "ingest-admin: flush did not complete: database unavailable: connection refused (5 "
            "attempts) (the server keeps retrying; see ingest-admin status)\n");
}

TEST_F(AdminCommandsTest, HealthServingExitsZero) {
  server_.SetServing("", true);
  CliResult r = Run({"health"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "SERVING\n");
  r = Run({"health", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"status\":\"SERVING\"}\n");
}

TEST_F(AdminCommandsTest, HealthNotServingExitsOne) {
  server_.SetServing("", false);
  CliResult r = Run({"health"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "NOT_SERVING\n");
}

TEST_F(AdminCommandsTest, HealthOfANamedService) {
  server_.SetServing("ingest.v1.IngestService", true);
  server_.SetServing("", false);
  CliResult r = Run({"health", "--service", "ingest.v1.IngestService"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "SERVING\n");

  r = Run({"health", "--service", "no.such.Service"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "SERVICE_UNKNOWN\n");
  EXPECT_THAT(r.err, HasSubstr("no service named 'no.such.Service'"));
}

}  // namespace
}  // namespace ingest::admin
