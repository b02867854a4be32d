// WorkerPool: jobs run on the pool's named threads, in order per thread, at most `threads` at a
// time; WaitIdle and Stop see every queued job through.
#include "server/intake/worker_pool.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <set>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace ingest::server {
namespace {

std::string ThreadName() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof(name));
  return name;
}

TEST(WorkerPoolTest, JobsRunOnThePoolsNamedThreadsNotTheCallers) {
  WorkerPool pool("upload", 2);
  absl::Mutex mu;
  std::set<std::string> names;
  for (int i = 0; i < 20; ++i) {
    pool.Run([&] {
      absl::MutexLock lock(&mu);
      names.insert(ThreadName());
    });
  }
  ASSERT_TRUE(pool.WaitIdle(absl::Now() + absl::Seconds(10)));
  EXPECT_EQ(names, (std::set<std::string>{"upload"}));
  EXPECT_EQ(pool.pending(), 0u);
}

TEST(WorkerPoolTest, NoMoreJobsRunAtOnceThanThreads) {
  WorkerPool pool("bounded", 3);
  std::atomic<int> running{0}, most{0};
  for (int i = 0; i < 30; ++i) {
    pool.Run([&] {
      const int now = ++running;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      absl::SleepFor(absl::Milliseconds(2));
      --running;
    });
  }
  ASSERT_TRUE(pool.WaitIdle(absl::Now() + absl::Seconds(10)));
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 2) << "the threads do work side by side";
}

TEST(WorkerPoolTest, WaitIdleIsFalseWhileAJobStillRuns) {
  WorkerPool pool("slow", 1);
  absl::Notification release;
  pool.Run([&] { release.WaitForNotification(); });
  EXPECT_EQ(pool.pending(), 1u);
  EXPECT_FALSE(pool.WaitIdle(absl::Now() + absl::Milliseconds(50)));
  release.Notify();
  EXPECT_TRUE(pool.WaitIdle(absl::Now() + absl::Seconds(10)));
}

TEST(WorkerPoolTest, StopRunsWhatIsQueuedAndLaterJobsRunOnTheCaller) {
  std::atomic<int> done{0};
  WorkerPool pool("stopping", 1);
  for (int i = 0; i < 10; ++i) pool.Run([&] { ++done; });
  pool.Stop();
  EXPECT_EQ(done.load(), 10) << "no queued job is lost";
  std::string ran_on;
  pool.Run([&] { ran_on = ThreadName(); });
  EXPECT_EQ(ran_on, ThreadName()) << "after Stop a job still runs, at once, on the caller's thread";
}

}  // namespace
}  // namespace ingest::server
