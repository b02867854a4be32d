// FileUploader against the in-process fake IngestService: what goes over the wire, and a file
// that changes after it was hashed is never uploaded.
#include "file-bridge/file_uploader.h"

#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/file-bridge/bridge_test_util.h"
#include "tests/unit/file-bridge/fake_upload_service.h"

namespace ingest::bridge {
namespace {

using ::ingest::bridge::testing::AppendFile;
using ::ingest::bridge::testing::BridgeDirs;
using ::ingest::bridge::testing::FakeUploadServer;
using ::ingest::bridge::testing::FakeUploadService;
using Answer = ::ingest::bridge::testing::FakeUploadService::Answer;
using ::ingest::bridge::testing::WriteFile;

// Bytes that differ from position to position, so a chunk out of place is caught.
std::string Payload(size_t size) {
  std::string out(size, '\0');
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x & 0xff);
  }
  return out;
}

class FileUploaderTest : public ::testing::Test {
 protected:
  FileUploader MakeUploader() {
    UploaderOptions o;
    o.target = server_.target();
    o.connect_timeout = absl::Seconds(5);
    o.chunk_bytes = 64 * 1024;
    return FileUploader(o);
  }
  FileDigest DigestOf(const std::string& path) {
    auto digest = DigestFile(path);
    EXPECT_TRUE(digest.ok()) << digest.status();
    return *digest;
  }

  BridgeDirs dirs_;
  FakeUploadServer server_;
};

TEST_F(FileUploaderTest, HeaderFirstThenChunksThatReassembleToTheFile) {
  const std::string content = Payload(3 * 64 * 1024 + 17);
  const std::string path = dirs_.watch() + "/big.csv";
  WriteFile(path, content);
  FileUploader uploader = MakeUploader();
  ASSERT_TRUE(uploader.Connect().ok());
  FileDigest digest = DigestOf(path);
  EXPECT_EQ(digest.sha256, ToHex(Sha256Digest(content)));
  EXPECT_EQ(digest.size_bytes, content.size());

  UploadOutcome out = uploader.Upload(path, "big.csv", digest);
  ASSERT_EQ(out.verdict, UploadVerdict::kDone) << out.status;
  ASSERT_EQ(server_.service().calls().size(), 1u);
  const FakeUploadService::Call call = server_.service().calls()[0];
  EXPECT_TRUE(call.header_first);
  EXPECT_EQ(call.header.file_name(), "big.csv");
  EXPECT_EQ(call.header.sha256(), ToHex(Sha256Digest(content)));
  EXPECT_EQ(call.header.size_bytes(), content.size());
  EXPECT_EQ(call.data_chunks, 4) << "64 KiB chunks";
  EXPECT_TRUE(call.data == content) << "the chunks do not reassemble to the file";
  EXPECT_EQ(out.result.sha256(), digest.sha256);
}

TEST_F(FileUploaderTest, AnEmptyFileIsAHeaderAlone) {
  const std::string path = dirs_.watch() + "/empty.csv";
  WriteFile(path, "");
  FileUploader uploader = MakeUploader();
  ASSERT_TRUE(uploader.Connect().ok());
  UploadOutcome out = uploader.Upload(path, "empty.csv", DigestOf(path));
  ASSERT_EQ(out.verdict, UploadVerdict::kDone) << out.status;
  EXPECT_EQ(server_.service().calls()[0].data_chunks, 0);
  EXPECT_EQ(server_.service().calls()[0].header.size_bytes(), 0u);
}

TEST_F(FileUploaderTest, AFileRewrittenAfterHashingIsCancelledNotUploaded) {
  const std::string path = dirs_.watch() + "/a.csv";
  WriteFile(path, "event_id\n1\n");
  FileUploader uploader = MakeUploader();
  ASSERT_TRUE(uploader.Connect().ok());
  FileDigest digest = DigestOf(path);
  WriteFile(path, "event_id\n2\n");  // same size, other bytes
  UploadOutcome out = uploader.Upload(path, "a.csv", digest);
  EXPECT_EQ(out.verdict, UploadVerdict::kChanged) << out.status;
  ASSERT_TRUE(server_.service().WaitForCalls(1));
  EXPECT_TRUE(server_.service().calls()[0].cancelled);
}

TEST_F(FileUploaderTest, AFileThatGrewAfterHashingIsCancelledNotUploaded) {
  const std::string path = dirs_.watch() + "/a.csv";
  WriteFile(path, "event_id\n1\n");
  FileUploader uploader = MakeUploader();
  ASSERT_TRUE(uploader.Connect().ok());
  FileDigest digest = DigestOf(path);
  AppendFile(path, "2\n");
  EXPECT_EQ(uploader.Upload(path, "a.csv", digest).verdict, UploadVerdict::kChanged);
  ASSERT_TRUE(server_.service().WaitForCalls(1));
  EXPECT_TRUE(server_.service().calls()[0].cancelled);
}

TEST_F(FileUploaderTest, ErrorsCarryTheirVerdictAndTheRetryAfterTrailer) {
  const std::string path = dirs_.watch() + "/a.csv";
  WriteFile(path, "event_id\n1\n");
  server_.service().Script({Answer::Error(grpc::StatusCode::UNAVAILABLE, "log full", "1500"),
                            Answer::Error(grpc::StatusCode::RESOURCE_EXHAUSTED, "over --max-upload-bytes")});
  FileUploader uploader = MakeUploader();
  ASSERT_TRUE(uploader.Connect().ok());
  FileDigest digest = DigestOf(path);
  UploadOutcome first = uploader.Upload(path, "a.csv", digest);
  EXPECT_EQ(first.verdict, UploadVerdict::kRetry);
  EXPECT_EQ(first.retry_after, absl::Milliseconds(1500));
  EXPECT_EQ(DescribeStatus(first.status), "UNAVAILABLE: log full");
  UploadOutcome second = uploader.Upload(path, "a.csv", digest);
  EXPECT_EQ(second.verdict, UploadVerdict::kRefused);
  EXPECT_EQ(second.retry_after, absl::ZeroDuration());
}

TEST(VerdictForTest, RefusalsTransientErrorsAndTheRest) {
  EXPECT_EQ(VerdictFor(grpc::StatusCode::OK), UploadVerdict::kDone);
  for (auto code : {grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::RESOURCE_EXHAUSTED,
                    grpc::StatusCode::FAILED_PRECONDITION, grpc::StatusCode::PERMISSION_DENIED}) {
    EXPECT_EQ(VerdictFor(code), UploadVerdict::kRefused) << code;
  }
  // A busy server (--max-uploads) hints when to come back: the file is not at fault.
  EXPECT_EQ(VerdictFor(grpc::StatusCode::RESOURCE_EXHAUSTED, /*retry_hint=*/true), UploadVerdict::kRetry);
  for (auto code :
       {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::DEADLINE_EXCEEDED, grpc::StatusCode::ABORTED,
        grpc::StatusCode::UNKNOWN, grpc::StatusCode::INTERNAL, grpc::StatusCode::CANCELLED}) {
    EXPECT_EQ(VerdictFor(code), UploadVerdict::kRetry) << code;
  }
  for (auto code : {grpc::StatusCode::UNIMPLEMENTED, grpc::StatusCode::UNAUTHENTICATED}) {
    EXPECT_EQ(VerdictFor(code), UploadVerdict::kBlocked) << code;
  }
}

}  // namespace
}  // namespace ingest::bridge
