// The generator against an in-process fake IngestService: acks, resend after a lost stream,
// refusal, unreachable server, pacing and stopping.
#include "generator-client/load_runner.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/generator-client/fake_ingest_service.h"

namespace ingest::generator {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

GeneratorConfig FastConfig(const std::string& target) {
  GeneratorConfig c;
  c.target = target;
  c.events_per_batch = 20;
  c.batches = 5;
  c.interval = absl::ZeroDuration();
  c.connect_timeout = absl::Seconds(2);
  c.drain_timeout = absl::Seconds(2);
  c.seed = 42;
  return c;
}

// A port nothing listens on: bound once by the kernel, then closed.
int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(LoadRunnerTest, EveryBatchOfEveryProducerIsAcked) {
  FakeServer server;
  GeneratorConfig c = FastConfig(server.target());
  c.producers = 3;
  c.producer_id = "load";
  RunOutcome out = RunLoad(c);
  EXPECT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_EQ(out.summary.producers, 3);
  EXPECT_EQ(out.summary.totals.batches_sent, 15u);
  EXPECT_EQ(out.summary.totals.batches_acked, 15u);
  EXPECT_EQ(out.summary.totals.events_sent, 300u);
  EXPECT_EQ(out.summary.totals.accepted, 300u);
  EXPECT_EQ(out.summary.totals.rejected, 0u);
  EXPECT_EQ(out.summary.totals.reconnects, 0u);
  EXPECT_EQ(out.summary.totals.latency.count(), 15u);
  std::set<std::pair<std::string, uint64_t>> expected;
  for (const char* p : {"load-1", "load-2", "load-3"}) {
    for (uint64_t s = 1; s <= 5; ++s) expected.insert({p, s});
  }
  std::set<std::pair<std::string, uint64_t>> seen;
  for (const auto& [key, n] : server.service().acks()) {
    seen.insert(key);
    EXPECT_EQ(n, 1);
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(server.service().streams(), 3);
}

TEST(LoadRunnerTest, AckedLogListsAcceptedEventsOnly) {
  FakeServer server;
  GeneratorConfig c = FastConfig(server.target());
  c.invalid_ratio = 0.5;
  c.producer_id = "acked";
  c.acked_log = ::testing::TempDir() + "/acked_log_test.txt";
  std::remove(c.acked_log.c_str());
  RunOutcome out = RunLoad(c);
  ASSERT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_EQ(out.summary.totals.accepted + out.summary.totals.rejected, 100u);
  EXPECT_GT(out.summary.totals.rejected, 20u);
  EXPECT_EQ(out.summary.totals.rejected, server.service().rejected_total());
  std::ifstream in(c.acked_log);
  std::set<std::string> ids;
  for (std::string line; std::getline(in, line);) {
    EXPECT_THAT(line, StartsWith("acked-"));
    ids.insert(line);
  }
  EXPECT_EQ(ids.size(), out.summary.totals.accepted);
}

TEST(LoadRunnerTest, ResendsUnackedBatchesWithTheirSequencesAfterALostStream) {
  FakeIngestService::Behaviour behaviour;
  behaviour.kill_after = 3;
  behaviour.retry_after_ms = "300";
  FakeServer server(behaviour);
  GeneratorConfig c = FastConfig(server.target());
  c.producer_id = "resend";
  c.batches = 8;
  RunOutcome out = RunLoad(c);
  ASSERT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_EQ(out.summary.totals.batches_sent, 8u);
  EXPECT_EQ(out.summary.totals.batches_acked, 8u);
  EXPECT_EQ(out.summary.totals.accepted, 160u);
  EXPECT_EQ(out.summary.totals.reconnects, 1u);
  EXPECT_GE(out.summary.totals.batches_resent, 1u);

  std::vector<FakeIngestService::Received> got = server.service().received();
  std::vector<uint64_t> first, second;
  absl::Time killed, resumed;
  for (const auto& r : got) {
    (r.stream == 1 ? first : second).push_back(r.sequence);
    if (r.stream == 1) killed = r.at;
    if (r.stream == 2 && second.size() == 1) resumed = r.at;
  }
  EXPECT_EQ(first, (std::vector<uint64_t>{1, 2, 3}));
  // The second stream starts with the batch the fake never acked, and goes on in order.
  EXPECT_EQ(second, (std::vector<uint64_t>{3, 4, 5, 6, 7, 8}));
  EXPECT_GE(resumed - killed, absl::Milliseconds(300)) << "retry-after-ms not honoured";
  for (const auto& [key, n] : server.service().acks()) EXPECT_EQ(n, 1) << key.second;
  EXPECT_EQ(server.service().acks().size(), 8u);
}

TEST(LoadRunnerTest, FailedPreconditionIsNotRetriedAndExitsOne) {
  FakeIngestService::Behaviour behaviour;
  behaviour.kill_after = 2;
  behaviour.kill_code = grpc::StatusCode::FAILED_PRECONDITION;
  FakeServer server(behaviour);
  GeneratorConfig c = FastConfig(server.target());
  c.producer_id = "refused";
  RunOutcome out = RunLoad(c);
  EXPECT_EQ(out.exit_code, kExitNotAcked);
  EXPECT_EQ(server.service().streams(), 1);
  EXPECT_EQ(out.summary.totals.batches_acked, 1u);
  EXPECT_EQ(out.summary.totals.reconnects, 0u);
  EXPECT_THAT(out.failure,
              StartsWith(absl::StrCat("event-generator: ", out.summary.batches_not_acked(), " of ",
                                      out.summary.totals.batches_sent, " batches not acked; ")));
  EXPECT_THAT(out.failure,
              HasSubstr("producer refused: the server ended the stream with FAILED_PRECONDITION: "
                        "injected failure; start again with a new --producer-id"));
}

TEST(LoadRunnerTest, UnreachableServerExitsTwo) {
  std::string target = absl::StrCat("127.0.0.1:", UnusedPort());
  GeneratorConfig c = FastConfig(target);
  c.connect_timeout = absl::Milliseconds(500);
  absl::Time start = absl::Now();
  RunOutcome out = RunLoad(c);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_EQ(out.exit_code, kExitUnreachable);
  EXPECT_EQ(
      out.failure,
      absl::StrCat("event-generator: cannot reach ingest-server at ", target,
                   " (connection refused); is it running? start it with ingest-server --listen ", target));
  EXPECT_EQ(out.summary.totals.batches_sent, 0u);
}

TEST(LoadRunnerTest, BadConfigExitsTwo) {
  GeneratorConfig c = FastConfig("127.0.0.1:1");
  c.invalid_ratio = 1.5;
  RunOutcome out = RunLoad(c);
  EXPECT_EQ(out.exit_code, kExitUnreachable);
  EXPECT_EQ(out.failure, "event-generator: --invalid-ratio 1.5 is out of range; use 0..1");
}

TEST(LoadRunnerTest, UnackedBatchesAfterDrainTimeoutExitOne) {
  FakeIngestService::Behaviour behaviour;
  behaviour.never_ack = true;
  FakeServer server(behaviour);
  GeneratorConfig c = FastConfig(server.target());
  c.producer_id = "silent";
  c.batches = 3;
  c.drain_timeout = absl::Milliseconds(300);
  absl::Time start = absl::Now();
  RunOutcome out = RunLoad(c);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_EQ(out.exit_code, kExitNotAcked);
  EXPECT_EQ(out.summary.batches_not_acked(), 3u);
  EXPECT_EQ(out.failure,
            "event-generator: 3 of 3 batches not acked; producer silent: 3 batches still unacked 300ms "
            "(--drain-timeout) after sending stopped; check the server with ingest-admin status, or raise "
            "--drain-timeout");
}

TEST(LoadRunnerTest, RatePacesTheBatches) {
  FakeServer server;
  GeneratorConfig c = FastConfig(server.target());
  c.producers = 2;
  c.events_per_batch = 10;
  c.batches = 4;
  c.rate = 200;  // 100 events/s per producer: a batch every 100 ms
  RunOutcome out = RunLoad(c);
  ASSERT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_EQ(out.summary.totals.batches_acked, 8u);
  EXPECT_GE(out.summary.elapsed, absl::Milliseconds(300));
  EXPECT_LT(out.summary.elapsed, absl::Seconds(2));
}

TEST(LoadRunnerTest, ContinuousStopsAfterDuration) {
  FakeServer server;
  GeneratorConfig c = FastConfig(server.target());
  c.continuous = true;
  c.interval = absl::Milliseconds(50);
  c.duration = absl::Milliseconds(400);
  RunOutcome out = RunLoad(c);
  ASSERT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_GE(out.summary.totals.batches_sent, 5u);
  EXPECT_LE(out.summary.totals.batches_sent, 10u);
  EXPECT_EQ(out.summary.totals.batches_acked, out.summary.totals.batches_sent);
}

TEST(LoadRunnerTest, StopRequestEndsAContinuousRunWithEverythingAcked) {
  FakeServer server;
  GeneratorConfig c = FastConfig(server.target());
  c.continuous = true;
  c.interval = absl::Milliseconds(20);
  std::thread stopper([] {
    absl::SleepFor(absl::Milliseconds(300));
    RequestStop();
  });
  RunOutcome out = RunLoad(c);
  stopper.join();
  ASSERT_EQ(out.exit_code, kExitOk) << out.failure;
  EXPECT_GE(out.summary.totals.batches_acked, 5u);
  EXPECT_EQ(out.summary.totals.batches_acked, out.summary.totals.batches_sent);
  EXPECT_LT(out.summary.elapsed, absl::Seconds(2));
}

}  // namespace
}  // namespace ingest::generator
