// LoadOrCreateServerId: a checkpoint directory keeps the server id it was made with, because its
// log holds that server's batches; a different --server-id is refused, none takes the kept one.
#include "server/durability/server_id.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/unit/server/durability/wal/wal_test_util.h"

namespace ingest::server {
namespace {

using ::ingest::server::testing::TempDir;
using ::testing::HasSubstr;

class ServerIdTest : public ::testing::Test {
 protected:
  TempDir tmp_;                                      // removed with everything in it after each test
  const std::string dir_ = tmp_.Sub("checkpoints");  // made by LoadOrCreateServerId

  std::string Stored() const {
    std::ifstream in(dir_ + "/server_id");
    std::string id;
    std::getline(in, id);
    return id;
  }
};

TEST_F(ServerIdTest, AFreshDirectoryKeepsTheWantedId) {
  auto id = LoadOrCreateServerId(dir_, "x");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "x");
  EXPECT_EQ(Stored(), "x");
  auto again = LoadOrCreateServerId(dir_, "x");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, "x");
}

TEST_F(ServerIdTest, ADifferentWantedIdIsRefusedNamingBoth) {
  ASSERT_TRUE(LoadOrCreateServerId(dir_, "a").ok());
  auto other = LoadOrCreateServerId(dir_, "b");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other.status().message(), HasSubstr(dir_));
  EXPECT_THAT(other.status().message(), HasSubstr("'a'"));
  EXPECT_THAT(other.status().message(), HasSubstr("'b'"));
  EXPECT_EQ(Stored(), "a") << "the refused id is not written";
}

TEST_F(ServerIdTest, NoWantedIdTakesTheKeptOne) {
  ASSERT_TRUE(LoadOrCreateServerId(dir_, "a").ok());
  auto id = LoadOrCreateServerId(dir_, "");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "a");
  EXPECT_EQ(*LoadOrCreateServerId(dir_), "a");
}

TEST_F(ServerIdTest, NoWantedIdOnAFreshDirectoryMakesAUuidKeptFromThenOn) {
  auto id = LoadOrCreateServerId(dir_, "");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->size(), 36u) << *id;
  EXPECT_EQ(Stored(), *id);
  EXPECT_EQ(*LoadOrCreateServerId(dir_, ""), *id);
  EXPECT_FALSE(LoadOrCreateServerId(dir_, "x").ok()) << "a made id is kept like a wanted one";
}

}  // namespace
}  // namespace ingest::server
