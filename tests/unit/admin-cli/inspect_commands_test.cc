// ingest-admin producers, rejections, files, where and --watch against an in-process fake admin
// API: what each asks the server, prints (tables and the JSON schema) and exits with.
#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <sstream>

#include "absl/strings/str_split.h"
#include "admin-cli/cli.h"
#include "tests/unit/admin-cli/fake_admin_server.h"

namespace ingest::admin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

constexpr int64_t kT = 1795428062;  // 2026-11-23 10:01:02 UTC

// The JSON document as a google.protobuf.Struct (key order is the printer's business).
google::protobuf::Struct ParseJson(const std::string& json) {
  google::protobuf::Struct parsed;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  return parsed;
}

// The keys of a JSON object, sorted.
std::vector<std::string> Keys(const google::protobuf::Struct& object) {
  std::vector<std::string> keys;
  for (const auto& [key, _] : object.fields()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

// The first element of the list under `key`, as an object.
google::protobuf::Struct First(const google::protobuf::Struct& doc, const std::string& key) {
  const auto& list = doc.fields().at(key).list_value();
  EXPECT_GT(list.values_size(), 0);
  return list.values_size() > 0 ? list.values(0).struct_value() : google::protobuf::Struct();
}

std::string Text(const google::protobuf::Struct& object, const std::string& key) {
  return object.fields().at(key).string_value();
}
double Number(const google::protobuf::Struct& object, const std::string& key) {
  return object.fields().at(key).number_value();
}

class InspectCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.started()); }

  CliResult Run(std::vector<std::string> args, Console* console = nullptr) {
    args.insert(args.begin(), {"--target", server_.target()});
    std::ostringstream out, err;
    Console plain{out, err, 200};
    if (console == nullptr) console = &plain;
    Console c{out, err, console->width, console->terminal, console->wait_for_stop};
    int code = RunAdminCli(args, c);
    return {code, out.str(), err.str()};
  }

  testing::FakeAdminService& fake() { return server_.service(); }

  testing::FakeAdminServer server_;
};

v1::RejectionInfo Rejection() {
  v1::RejectionInfo r;
  r.set_origin("gen-1");
  r.set_index(3);
  r.set_event_id("gen-1-4-3");
  r.set_code("out_of_range");
  r.set_reason("quantity is 0; it must be from 1 to 10000");
  r.set_source("stream");
  r.set_batch_id(42);
  r.mutable_received_at()->set_seconds(kT);
  r.set_server_id("srv-a");
  return r;
}

TEST_F(InspectCommandsTest, RejectionsPassLimitAndCodeAndPrintATable) {
  *fake().rejections_response.add_rejections() = Rejection();
  CliResult r = Run({"rejections", "--limit", "5", "--code", "out_of_range"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(fake().last_rejections_request().limit(), 5u);
  EXPECT_EQ(fake().last_rejections_request().code(), "out_of_range");
  EXPECT_THAT(r.out, StartsWith("RECEIVED AT           SOURCE  ORIGIN  POS  EVENT ID   CODE"));
  EXPECT_THAT(r.out, HasSubstr("out_of_range     42  quantity is 0; it must be from 1 to 10000\n"));

  r = Run({"rejections"});
  EXPECT_EQ(fake().last_rejections_request().limit(), 20u) << "the default limit";
  EXPECT_EQ(fake().last_rejections_request().code(), "");
}

TEST_F(InspectCommandsTest, RejectionsJsonSchema) {
  *fake().rejections_response.add_rejections() = Rejection();
  CliResult r = Run({"rejections", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.back(), '\n');
  google::protobuf::Struct doc = ParseJson(r.out);
  EXPECT_THAT(Keys(doc), ElementsAre("rejections"));
  google::protobuf::Struct row = First(doc, "rejections");
  EXPECT_THAT(Keys(row), ElementsAre("batch_id", "code", "event_id", "index", "origin", "reason",
                                     "received_at", "server_id", "source"));
  EXPECT_EQ(Text(row, "batch_id"), "42") << "64-bit numbers are strings";
  EXPECT_EQ(Number(row, "index"), 3);
  EXPECT_EQ(Text(row, "received_at"), "2026-11-23T10:01:02Z");
  EXPECT_EQ(Text(row, "code"), "out_of_range");
  fake().rejections_response.Clear();
  EXPECT_EQ(Run({"rejections", "--json"}).out, "{\"rejections\":[]}\n");
}

TEST_F(InspectCommandsTest, AnUnknownCodeOrALimitOverTheCapIsBadUsage) {
  CliResult r = Run({"rejections", "--code", "bad_numbr"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err,
              StartsWith("ingest-admin: --code: unknown code 'bad_numbr' (the codes are missing_field, "));
  EXPECT_THAT(r.err, HasSubstr("): run ingest-admin rejections --help\n"));
  r = Run({"files", "--limit", "1001"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "ingest-admin: --limit: must be a whole number from 1 to 1000, got '1001': run ingest-admin "
            "files --help\n");
  EXPECT_EQ(fake().calls(), 0);
}

TEST_F(InspectCommandsTest, ADatabaseOutageIsOneLineAndExitOne) {
  fake().rejections_error =
      grpc::Status(grpc::StatusCode::UNAVAILABLE,
                   "listing rejected events: connection to PostgreSQL lost or refused: ...");
  CliResult r = Run({"rejections"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_EQ(
      r.err,
      "ingest-admin: ListRejections at " + server_.target() +
          " failed: UNAVAILABLE: listing rejected events: connection to PostgreSQL lost or refused: ... "
          "(the server could not answer now: try again shortly)\n");
}

TEST_F(InspectCommandsTest, ProducersTableAndJsonSchema) {
  v1::ProducerInfo* p = fake().producers_response.add_producers();
  p->set_producer_id("gen-1");
  p->set_peer("ipv4:127.0.0.1:51234");
  p->set_connected(true);
  p->mutable_connected_since()->set_seconds(kT);
  p->mutable_last_seen()->set_seconds(kT + 5);
  p->set_last_durable_sequence(12);
  p->set_events(1200);
  p->set_last_committed_sequence(10);
  p->set_last_received_sequence(12);
  CliResult r = Run({"producers"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(fake().last_producers_request().limit(), 100u);
  EXPECT_THAT(r.out, StartsWith("PRODUCER  PEER                  CONNECTED"));
  EXPECT_THAT(r.out, HasSubstr("gen-1     ipv4:127.0.0.1:51234  for "));
  r = Run({"producers", "--json", "--limit", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(fake().last_producers_request().limit(), 3u);
  google::protobuf::Struct row = First(ParseJson(r.out), "producers");
  EXPECT_THAT(Keys(row), ElementsAre("connected", "connected_since", "events", "last_committed_sequence",
                                     "last_durable_sequence", "last_received_sequence", "last_seen", "peer",
                                     "producer_id"));
  EXPECT_EQ(Text(row, "last_durable_sequence"), "12");
  EXPECT_EQ(Text(row, "events"), "1200");
  EXPECT_TRUE(row.fields().at("connected").bool_value());
  EXPECT_EQ(Text(row, "last_seen"), "2026-11-23T10:01:07Z");
}

TEST_F(InspectCommandsTest, FilesTableAndJsonSchema) {
  v1::FileInfo* f = fake().files_response.add_files();
  f->set_file_name("events_batch_0001.csv");
  f->set_sha256(std::string(64, 'c'));
  f->set_accepted(38);
  f->set_rejected(2);
  f->set_batch_id(7);
  f->mutable_ingested_at()->set_seconds(kT);
  f->set_size_bytes(4096);
  f->set_server_id("srv-a");
  CliResult r = Run({"files", "--limit", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(fake().last_files_request().limit(), 2u);
  EXPECT_THAT(
      r.out,
      HasSubstr("2026-11-23 10:01:02Z  events_batch_0001.csv  4.0 KiB        38         2      7  cccc"));
  r = Run({"--json", "files"});
  google::protobuf::Struct row = First(ParseJson(r.out), "files");
  EXPECT_THAT(Keys(row), ElementsAre("accepted", "batch_id", "duplicate", "file_name", "ingested_at",
                                     "rejected", "server_id", "sha256", "size_bytes"));
  EXPECT_EQ(Number(row, "accepted"), 38);
  EXPECT_EQ(Text(row, "size_bytes"), "4096");
  EXPECT_FALSE(row.fields().at("duplicate").bool_value());
}

TEST_F(InspectCommandsTest, WhereAsksForTheIdAndExitsZeroWhenFound) {
  fake().where_response.set_state("sealed");
  fake().where_response.set_batch_id(9);
  fake().where_response.set_detail("durable and sealed in batch 9, waiting to be written to PostgreSQL");
  CliResult r = Run({"where", "gen-1-4-3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(fake().last_where_request().event_id(), "gen-1-4-3");
  EXPECT_THAT(r.out, HasSubstr("state     sealed\n"));
  EXPECT_THAT(r.out, HasSubstr("batch     9\n"));
  EXPECT_THAT(r.err, IsEmpty());
}

TEST_F(InspectCommandsTest, WhereUnknownExitsOneWithOneLine) {
  fake().where_response.set_state("unknown");
  for (bool json : {false, true}) {
    std::vector<std::string> args = {"where", "no-such-event"};
    if (json) args.push_back("--json");
    CliResult r = Run(args);
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.out, HasSubstr(json ? "\"state\":\"unknown\"" : "state     unknown\n"));
    EXPECT_THAT(r.err, StartsWith("ingest-admin: event 'no-such-event' is unknown to the server at " +
                                  server_.target()));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  }
}

TEST_F(InspectCommandsTest, WhereJsonSchemaOfACommittedEvent) {
  v1::WhereIsEventResponse& w = fake().where_response;
  w.set_state("committed");
  w.set_batch_id(7);
  w.mutable_committed_at()->set_seconds(kT);
  w.set_detail("committed in batch 7");
  w.mutable_event()->set_event_id("e1");
  w.mutable_event()->set_event_type(v1::EVENT_TYPE_VIEW);
  w.set_server_id("srv-a");
  w.set_source("stream");
  CliResult r = Run({"where", "e1", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  google::protobuf::Struct doc = ParseJson(r.out);
  EXPECT_THAT(Keys(doc), ElementsAre("batch_id", "code", "committed_at", "detail", "event", "index", "origin",
                                     "payload", "reason", "server_id", "source", "state"))
      << "received_at is absent: message fields appear only when set";
  EXPECT_EQ(Text(doc, "state"), "committed");
  EXPECT_EQ(Text(doc, "batch_id"), "7");
  const google::protobuf::Struct& event = doc.fields().at("event").struct_value();
  EXPECT_EQ(Text(event, "event_type"), "EVENT_TYPE_VIEW");
  EXPECT_EQ(Text(event, "price_cents"), "0");
}

TEST_F(InspectCommandsTest, WatchRedrawsUntilStoppedAndClearsATerminal) {
  *fake().rejections_response.add_rejections() = Rejection();
  int waits = 0;
  std::ostringstream unused_out, unused_err;
  Console console{unused_out, unused_err, 200, /*terminal=*/true, [&](absl::Duration d) {
                    EXPECT_EQ(d, absl::Seconds(3));
                    return ++waits == 2;
                  }};
  CliResult r = Run({"--watch", "3", "rejections"}, &console);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(waits, 2);
  EXPECT_EQ(fake().calls(), 2);
  std::vector<std::string> frames = absl::StrSplit(r.out, "\x1b[H\x1b[2J", absl::SkipEmpty());
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_THAT(frames[1], StartsWith("every 3s: ingest-admin rejections at " + server_.target() + "  20"));
  EXPECT_THAT(frames[1], HasSubstr("out_of_range"));
}

TEST_F(InspectCommandsTest, WatchWithoutAValueAndJsonPrintsOneDocumentPerFrame) {
  int waits = 0;
  std::ostringstream unused_out, unused_err;
  Console console{unused_out, unused_err, 200, /*terminal=*/false, [&](absl::Duration d) {
                    EXPECT_EQ(d, absl::Seconds(2));
                    return ++waits == 3;
                  }};
  CliResult r = Run({"files", "--watch", "--json"}, &console);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"files\":[]}\n{\"files\":[]}\n{\"files\":[]}\n");
}

TEST_F(InspectCommandsTest, WatchRefusesFlushAndTooShortAnInterval) {
  CliResult r = Run({"--watch", "flush"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "ingest-admin: --watch does not apply to flush, which changes the server's state: run it without "
            "--watch\n");
  r = Run({"--watch", "100ms", "status"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--watch: must be at least 500ms, got '100ms'"));
  EXPECT_EQ(fake().calls(), 0);
}

}  // namespace
}  // namespace ingest::admin
