#include "server/access/call_limits.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace ingest::server {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

TEST(CallLimitsTest, PeerHostDropsTheSchemeAndThePort) {
  EXPECT_EQ(PeerHost("ipv4:10.0.0.7:50432"), "10.0.0.7");
  EXPECT_EQ(PeerHost("ipv6:[::1]:50432"), "[::1]");
  EXPECT_EQ(PeerHost("unix:/run/ingest.sock"), "unix");
}

TEST(CallLimitsTest, StreamsPerPeerAndInTotalAreCappedAndFreedByTheirTickets) {
  CallLimits limits({/*max_streams=*/3, /*max_streams_per_peer=*/2, /*max_uploads=*/1, absl::Minutes(1)});
  auto a1 = limits.OpenStream("ipv4:10.0.0.1:1", kStart, [](const std::string&) {});
  auto a2 = limits.OpenStream("ipv4:10.0.0.1:2", kStart, [](const std::string&) {});
  ASSERT_TRUE(a1.ok() && a2.ok());
  auto a3 = limits.OpenStream("ipv4:10.0.0.1:3", kStart, [](const std::string&) {});
  ASSERT_FALSE(a3.ok());
  EXPECT_EQ(a3.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(a3.status().message(),
            "2 streams are open from 10.0.0.1, the limit per peer (--max-streams-per-peer 2); retry later");
  auto b1 = limits.OpenStream("ipv4:10.0.0.2:1", kStart, [](const std::string&) {});
  ASSERT_TRUE(b1.ok());
  auto c1 = limits.OpenStream("ipv4:10.0.0.3:1", kStart, [](const std::string&) {});
  ASSERT_FALSE(c1.ok());
  EXPECT_EQ(c1.status().message(), "the server has 3 open streams, its limit (--max-streams 3); retry later");
  a1->reset();
  EXPECT_EQ(limits.streams(), 2u);
  EXPECT_TRUE(limits.OpenStream("ipv4:10.0.0.1:4", kStart, [](const std::string&) {}).ok());
}

TEST(CallLimitsTest, UploadsAreCapped) {
  CallLimits limits({10, 10, /*max_uploads=*/1, absl::Minutes(1)});
  auto first = limits.OpenUpload();
  ASSERT_TRUE(first.ok());
  auto second = limits.OpenUpload();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(), "1 uploads are in progress, the limit (--max-uploads 1); retry later");
  first->reset();
  EXPECT_TRUE(limits.OpenUpload().ok());
}

TEST(CallLimitsTest, EndsOnlyStreamsWaitingForTheirClientPastTheTimeout) {
  CallLimits limits({10, 10, 1, absl::Seconds(30)});
  std::vector<std::string> ended;
  auto waiting =
      limits.OpenStream("ipv4:10.0.0.1:1", kStart, [&](const std::string& m) { ended.push_back(m); });
  auto busy =
      limits.OpenStream("ipv4:10.0.0.1:2", kStart, [&](const std::string&) { ended.push_back("busy"); });
  auto recent =
      limits.OpenStream("ipv4:10.0.0.1:3", kStart, [&](const std::string&) { ended.push_back("recent"); });
  ASSERT_TRUE(waiting.ok() && busy.ok() && recent.ok());
  (*busy)->Busy();                                 // the server works on its message
  (*recent)->Waiting(kStart + absl::Seconds(20));  // asked for its next message later
  EXPECT_EQ(limits.EndIdleStreams(kStart + absl::Seconds(29)), 0u);
  EXPECT_EQ(limits.EndIdleStreams(kStart + absl::Seconds(31)), 1u);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(
      ended[0],
      "no message for 30s (--stream-idle-timeout): the server closed the idle stream; open a new one to "
      "send more");
  EXPECT_EQ(limits.EndIdleStreams(kStart + absl::Seconds(40)), 0u) << "each stream is ended once";
  EXPECT_EQ(limits.EndIdleStreams(kStart + absl::Seconds(51)), 1u);
}

TEST(CallLimitsTest, StreamsOpenCloseAndIdleFromManyThreads) {
  // Streams open and end on gRPC's threads while the serve loop ends idle ones: the counts come
  // back to zero and no place is lost (and ThreadSanitizer sees no race).
  CallLimits limits({/*max_streams=*/16, /*max_streams_per_peer=*/8, /*max_uploads=*/2, absl::Seconds(1)});
  std::atomic<bool> stop{false};
  std::thread idler([&] {
    for (int i = 0; i < 100000 && !stop.load(); ++i) limits.EndIdleStreams(kStart + absl::Seconds(i % 3));
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string peer = "ipv4:10.0.0." + std::to_string(t % 2) + ":1";
      for (int i = 0; i < 2000; ++i) {
        auto ticket = limits.OpenStream(peer, kStart, [](const std::string&) {});
        auto upload = limits.OpenUpload();
        if (ticket.ok()) (*ticket)->Busy();
        if (ticket.ok()) (*ticket)->Waiting(kStart);
      }
    });
  }
  for (auto& t : threads) t.join();
  stop.store(true);
  idler.join();
  EXPECT_EQ(limits.streams(), 0u);
  EXPECT_EQ(limits.uploads(), 0u);
  EXPECT_TRUE(limits.OpenStream("ipv4:10.0.0.9:1", kStart, [](const std::string&) {}).ok());
}

TEST(CallLimitsTest, TheStreamsOfOneClientShareItsBatchRateAndOtherClientsHaveTheirOwn) {
  CallLimitsConfig config;
  config.max_batches_per_second = 2;
  CallLimits limits(config);
  auto none = [](const std::string&) {};
  auto a1 = limits.OpenStream("ipv4:10.0.0.1:1", kStart, none);
  auto a2 = limits.OpenStream("ipv4:10.0.0.1:2", kStart, none);
  auto b1 = limits.OpenStream("ipv4:10.0.0.2:1", kStart, none);
  auto t1 = limits.OpenStream("ipv4:10.0.0.1:3", kStart, none, "token:00ff");
  ASSERT_TRUE(a1.ok() && a2.ok() && b1.ok() && t1.ok());
  EXPECT_EQ((*a1)->Pace(kStart), absl::ZeroDuration());
  EXPECT_EQ((*a2)->Pace(kStart), absl::ZeroDuration());
  EXPECT_EQ((*a1)->Pace(kStart), absl::Milliseconds(500))
      << "a second stream does not add to the address's share";
  EXPECT_EQ((*b1)->Pace(kStart), absl::ZeroDuration()) << "another address has its own";
  EXPECT_EQ((*t1)->Pace(kStart), absl::ZeroDuration())
      << "a token's calls count by the token, not the address";
  EXPECT_EQ((*t1)->Pace(kStart), absl::ZeroDuration());
  EXPECT_EQ((*t1)->Pace(kStart), absl::Milliseconds(500));

  a1->reset();
  a2->reset();
  auto a3 = limits.OpenStream("ipv4:10.0.0.1:4", kStart, none);
  ASSERT_TRUE(a3.ok());
  EXPECT_EQ((*a3)->Pace(kStart), absl::ZeroDuration()) << "a client's budget goes with its last stream";
}

TEST(CallLimitsTest, WithoutABatchRateNoStreamWaits) {
  CallLimits limits(CallLimitsConfig{});
  auto s = limits.OpenStream("ipv4:10.0.0.1:1", kStart, [](const std::string&) {});
  ASSERT_TRUE(s.ok());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ((*s)->Pace(kStart), absl::ZeroDuration());
}

}  // namespace
}  // namespace ingest::server
