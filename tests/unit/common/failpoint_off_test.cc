// The failpoints of release binaries (common/failpoint_off.cc): INGEST_FAILPOINTS is ignored.
#include <cstdlib>

#include "common/failpoint.h"
#include "gtest/gtest.h"

namespace ingest {
namespace {

TEST(FailpointOffTest, ArmedNamesNeverFireInAReleaseBuild) {
  setenv("INGEST_FAILPOINTS", "wal_enospc,after_offsets_write=crash", 1);
  EXPECT_FALSE(FailpointArmed("wal_enospc"));
  FailpointCrash("after_offsets_write");  // returns: a release build cannot be made to die here
  EXPECT_FALSE(FailpointArmed("wal_enospc"));
  unsetenv("INGEST_FAILPOINTS");
}

}  // namespace
}  // namespace ingest
