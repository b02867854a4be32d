// UploadSpool: the header's checks, the size limits per chunk, the sha256 and size at the end,
// and the spool file removed whatever the outcome.
#include "server/intake/upload_spool.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "common/sha256.h"

namespace ingest::server {
namespace {

class UploadSpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("upload_spool_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    ASSERT_TRUE(PrepareUploadsDir(dir_).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static v1::FileHeader Header(const std::string& content, const std::string& name = "events.csv") {
    v1::FileHeader h;
    h.set_file_name(name);
    h.set_sha256(ToHex(Sha256Digest(content)));
    h.set_size_bytes(content.size());
    return h;
  }
  size_t FilesInDir() const {
    return std::distance(std::filesystem::directory_iterator(dir_), std::filesystem::directory_iterator());
  }

  std::string dir_;
};

TEST_F(UploadSpoolTest, ChunksLandInOneFileWhoseSizeAndSha256AreChecked) {
  const std::string content = "event_id,user_id\ne1,u1\n";
  std::string path;
  {
    UploadSpool spool(dir_, 1 << 20);
    v1::FileHeader header = Header(content);
    header.set_sha256(absl::AsciiStrToUpper(header.sha256()));
    ASSERT_TRUE(spool.Begin(header).ok());
    EXPECT_TRUE(spool.started());
    ASSERT_TRUE(spool.Append(content.substr(0, 10)).ok());
    ASSERT_TRUE(spool.Append(content.substr(10)).ok());
    ASSERT_TRUE(spool.Finish().ok());
    EXPECT_EQ(spool.received(), content.size());
    EXPECT_EQ(spool.sha256(), absl::AsciiStrToLower(header.sha256())) << "compared and kept in lower case";
    path = spool.path();
    std::ifstream in(path, std::ios::binary);
    std::stringstream read;
    read << in.rdbuf();
    EXPECT_EQ(read.str(), content);
    EXPECT_EQ(path.substr(path.size() - 5), ".part");
  }
  EXPECT_FALSE(std::filesystem::exists(path)) << "the spool file goes with the upload";
}

TEST_F(UploadSpoolTest, TheHeaderIsCheckedFirst) {
  UploadSpool spool(dir_, 100);
  v1::FileHeader header = Header("x", "");
  EXPECT_EQ(spool.Begin(header).message(), "the FileHeader has no file_name");
  header = Header("x");
  header.set_sha256("abc");
  absl::Status st = UploadSpool(dir_, 100).Begin(header);
  EXPECT_TRUE(absl::IsInvalidArgument(st));
  EXPECT_EQ(st.message(), "the FileHeader's sha256 'abc' is not 64 hexadecimal digits");
  header = Header(std::string(101, 'x'));
  st = UploadSpool(dir_, 100).Begin(header);
  EXPECT_TRUE(absl::IsResourceExhausted(st)) << st;
  EXPECT_EQ(st.message(),
            "events.csv is 101 bytes; this server takes files up to 100 bytes (--max-upload-bytes)");
  EXPECT_EQ(FilesInDir(), 0u) << "nothing spooled for a refused header";
}

TEST_F(UploadSpoolTest, DataPastTheLimitOrTheHeadersSizeIsRefusedAtOnce) {
  UploadSpool small(dir_, 8);
  v1::FileHeader header = Header("12345678");
  header.set_size_bytes(4);  // claims less than it sends
  ASSERT_TRUE(small.Begin(header).ok());
  absl::Status st = small.Append("123456");
  EXPECT_TRUE(absl::IsInvalidArgument(st));
  EXPECT_EQ(st.message(), "events.csv: more data arrived (6 bytes so far) than the header's size_bytes 4");

  UploadSpool limited(dir_, 8);
  header.set_size_bytes(8);
  ASSERT_TRUE(limited.Begin(header).ok());
  ASSERT_TRUE(limited.Append("12345678").ok());
  st = limited.Append("9");
  EXPECT_TRUE(absl::IsResourceExhausted(st)) << st;
  EXPECT_EQ(st.message(),
            "events.csv is over 8 bytes; this server takes files up to that size (--max-upload-bytes)");
}

TEST_F(UploadSpoolTest, ASizeOrSha256DifferentFromTheHeaderNamesBoth) {
  UploadSpool short_one(dir_, 100);
  ASSERT_TRUE(short_one.Begin(Header("abcdef")).ok());
  ASSERT_TRUE(short_one.Append("abc").ok());
  EXPECT_EQ(short_one.Finish().message(), "events.csv: the header says size_bytes 6 but 3 bytes arrived");

  UploadSpool other(dir_, 100);
  v1::FileHeader header = Header("abcdef");
  ASSERT_TRUE(other.Begin(header).ok());
  ASSERT_TRUE(other.Append("abcdeX").ok());
  absl::Status st = other.Finish();
  EXPECT_TRUE(absl::IsInvalidArgument(st));
  EXPECT_EQ(st.message(), "events.csv: the header says sha256 " + header.sha256() +
                              " but the data received has sha256 " + ToHex(Sha256Digest("abcdeX")));
}

TEST_F(UploadSpoolTest, PrepareUploadsDirRemovesSpoolFilesOfADeadProcess) {
  std::ofstream(dir_ + "/upload-1-0-1.part") << "half a file";
  std::ofstream(dir_ + "/notes.txt") << "kept";
  ASSERT_TRUE(PrepareUploadsDir(dir_).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/upload-1-0-1.part"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/notes.txt"));
}

TEST_F(UploadSpoolTest, AFolderThatCannotHoldTheSpoolIsUnavailable) {
  UploadSpool spool(dir_ + "/missing/sub", 100);
  absl::Status st = spool.Begin(Header("x"));
  EXPECT_TRUE(absl::IsUnavailable(st)) << st;
  EXPECT_NE(st.message().find("cannot spool the upload to "), std::string::npos);
}

}  // namespace
}  // namespace ingest::server
