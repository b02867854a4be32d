// DirLock: one ingest-server per checkpoint directory. A second lock on a held directory is
// refused at once, naming the directory and the holder's pid; the lock goes with its holder,
// also when the holder is killed with -9.
#include "server/durability/dir_lock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <utility>

#include "tests/unit/server/durability/wal/wal_test_util.h"

namespace ingest::server {
namespace {

using ::ingest::server::testing::TempDir;
using ::testing::HasSubstr;

class DirLockTest : public ::testing::Test {
 protected:
  TempDir tmp_;  // removed with everything in it after each test
  const std::string dir_ = tmp_.path();
};

TEST_F(DirLockTest, ASecondLockOnAHeldDirectoryIsRefusedNamingTheDirectoryAndThePid) {
  auto first = DirLock::Acquire(dir_);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = DirLock::Acquire(dir_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr(dir_));
  EXPECT_THAT(second.status().message(), HasSubstr("in use by another ingest-server"));
  EXPECT_THAT(second.status().message(), HasSubstr("(pid " + std::to_string(::getpid()) + ")"));
}

TEST_F(DirLockTest, TheLockIsFreeAgainOnceItsHolderIsGone) {
  {
    auto first = DirLock::Acquire(dir_);
    ASSERT_TRUE(first.ok()) << first.status();
    ASSERT_FALSE(DirLock::Acquire(dir_).ok());
  }
  auto again = DirLock::Acquire(dir_);
  EXPECT_TRUE(again.ok()) << again.status();
}

TEST_F(DirLockTest, AMovedLockIsHeldUntilItsLastOwnerGoes) {
  std::optional<DirLock> kept;
  {
    auto first = DirLock::Acquire(dir_);
    ASSERT_TRUE(first.ok()) << first.status();
    kept.emplace(std::move(*first));
  }
  EXPECT_FALSE(DirLock::Acquire(dir_).ok()) << "the moved-from lock released nothing";
  kept.reset();
  EXPECT_TRUE(DirLock::Acquire(dir_).ok());
}

TEST_F(DirLockTest, AProcessKilledWithMinus9LeavesTheDirectoryFree) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // the other server: takes the lock, says so, waits to be killed
    ::close(ready[0]);
    auto lock = DirLock::Acquire(dir_);
    const char c = lock.ok() ? '1' : '0';
    if (::write(ready[1], &c, 1) != 1) ::_exit(3);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(c, '1') << "the child could not take the lock";
  auto held = DirLock::Acquire(dir_);
  EXPECT_FALSE(held.ok()) << "another process holds it";
  EXPECT_THAT(held.status().message(), HasSubstr("(pid " + std::to_string(child) + ")"));
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  auto after = DirLock::Acquire(dir_);
  EXPECT_TRUE(after.ok()) << after.status();
}

TEST_F(DirLockTest, ADirectoryThatCannotHoldTheLockFileIsRefused) {
  auto lock = DirLock::Acquire(dir_ + "/missing");
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(lock.status().message(), HasSubstr(dir_ + "/missing/LOCK"));
}

}  // namespace
}  // namespace ingest::server
