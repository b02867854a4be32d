#include "tests/testing/failpoints.h"

#include <cstdlib>

#include "common/failpoint.h"
#include "gtest/gtest.h"

namespace ingest {
namespace {

class FailpointTest : public ::testing::Test {
 protected:
  void Arm(const char* spec) {
    setenv("INGEST_FAILPOINTS", spec, 1);
    ResetFailpointsForTest();
  }
  void TearDown() override {
    unsetenv("INGEST_FAILPOINTS");
    ResetFailpointsForTest();
  }
};

TEST_F(FailpointTest, NothingFiresWhenTheVariableIsUnset) {
  unsetenv("INGEST_FAILPOINTS");
  ResetFailpointsForTest();
  EXPECT_FALSE(FailpointArmed("wal_enospc"));
  FailpointCrash("after_offsets_write");  // returns: nothing is armed
}

TEST_F(FailpointTest, ArmedNamesFireAndOthersDoNot) {
  Arm("wal_enospc, after_offsets_write=crash");
  EXPECT_TRUE(FailpointArmed("wal_enospc"));
  EXPECT_TRUE(FailpointArmed("wal_enospc"));
  EXPECT_FALSE(FailpointArmed("wal"));
  EXPECT_FALSE(FailpointArmed("before_commit_marker"));
}

TEST_F(FailpointTest, CountFiresFromTheNthHitOn) {
  Arm("wal_enospc@3");
  EXPECT_FALSE(FailpointArmed("wal_enospc"));
  EXPECT_FALSE(FailpointArmed("wal_enospc"));
  EXPECT_TRUE(FailpointArmed("wal_enospc"));
  EXPECT_TRUE(FailpointArmed("wal_enospc"));
}

TEST_F(FailpointTest, ResetRereadsTheVariableAndDisarms) {
  Arm("wal_enospc");
  EXPECT_TRUE(FailpointArmed("wal_enospc"));
  Arm("");
  EXPECT_FALSE(FailpointArmed("wal_enospc"));
}

TEST_F(FailpointTest, ErrorActionDoesNotCrash) {
  Arm("after_offsets_write=error");
  FailpointCrash("after_offsets_write");
  EXPECT_TRUE(FailpointArmed("after_offsets_write"));
}

using FailpointDeathTest = FailpointTest;

TEST_F(FailpointDeathTest, CrashExitsAtOnceWithItsCode) {
  Arm("after_offsets_write=crash");
  EXPECT_EXIT(FailpointCrash("after_offsets_write"), ::testing::ExitedWithCode(kFailpointCrashExitCode), "");
}

TEST_F(FailpointDeathTest, CrashWithCountDiesOnTheNthHitOnly) {
  Arm("before_commit_marker=crash@3");
  EXPECT_EXIT(
      {
        FailpointCrash("before_commit_marker");
        FailpointCrash("before_commit_marker");
        std::fprintf(stderr, "survived two hits\n");
        FailpointCrash("before_commit_marker");
        std::fprintf(stderr, "survived the third hit\n");
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(kFailpointCrashExitCode), "survived two hits\n$");
}

TEST_F(FailpointDeathTest, MisspeltActionIsFatal) {
  Arm("wal_enospc=boom");
  EXPECT_EXIT(FailpointArmed("wal_enospc"), ::testing::ExitedWithCode(2), "cannot parse 'wal_enospc=boom'");
}

}  // namespace
}  // namespace ingest
