// The crash-safe file helpers shared by the server and file-bridge, on real files in a temp dir.
#include "common/durable_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace ingest {
namespace {

class DurableFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/durable_file_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(DurableFileTest, WriteReplacesTheWholeFileAndLeavesNoTemp) {
  const std::string path = JoinPath(dir_, "state");
  ASSERT_TRUE(WriteFileDurably(path, "first, longer content").ok());
  ASSERT_TRUE(WriteFileDurably(path, "second").ok());
  auto read = ReadWholeFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "second");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_F(DurableFileTest, MakeDirectoriesCreatesParentsAndRefusesAFileInTheWay) {
  const std::string nested = dir_ + "/a/b/c";
  ASSERT_TRUE(MakeDirectories(nested).ok());
  EXPECT_TRUE(std::filesystem::is_directory(nested));
  EXPECT_TRUE(MakeDirectories(nested).ok()) << "existing is fine";
  ASSERT_TRUE(WriteFileDurably(dir_ + "/file", "x").ok());
  absl::Status st = MakeDirectories(dir_ + "/file");
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("Not a directory (ENOTDIR), a file of that name is in the way"),
            std::string::npos)
      << st;
  st = MakeDirectories(dir_ + "/file/below");
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.message().rfind("cannot create directory " + dir_ + "/file/below: ", 0), 0u) << st;
}

TEST_F(DurableFileTest, RenameMovesBetweenDirectoriesAndIdentityFollowsTheFile) {
  ASSERT_TRUE(MakeDirectories(dir_ + "/in").ok());
  ASSERT_TRUE(MakeDirectories(dir_ + "/archive").ok());
  ASSERT_TRUE(WriteFileDurably(dir_ + "/in/f.csv", "a,b\n").ok());
  auto before = IdentityOf(dir_ + "/in/f.csv");
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->regular);
  EXPECT_EQ(before->size, 4u);
  ASSERT_TRUE(RenameDurably(dir_ + "/in/f.csv", dir_ + "/archive/f.csv").ok());
  auto after = IdentityOf(dir_ + "/archive/f.csv");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*before, *after);
  EXPECT_EQ(IdentityOf(dir_ + "/in/f.csv").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DurableFileTest, ErrorsNameThePathAndMapErrno) {
  auto missing = ReadWholeFile(dir_ + "/nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(dir_ + "/nope"), std::string::npos) << missing.status();
  EXPECT_NE(missing.status().message().find("(ENOENT)"), std::string::npos) << missing.status();
  EXPECT_EQ(ErrnoStatus(ENOSPC, "x").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrnoStatus(EACCES, "x").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrnoStatus(EXDEV, "x").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrnoStatus(EIO, "x").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrnoStatus(ENOSPC, "cannot write f").message(),
            "cannot write f: No space left on device (ENOSPC)");
}

TEST(JoinPathTest, OneSlashBetweenAndNoneForTheCurrentDirectory) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(JoinPath("/", "b"), "/b");
}

}  // namespace
}  // namespace ingest
