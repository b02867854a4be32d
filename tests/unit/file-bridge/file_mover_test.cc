// FileMover and the records beside moved files: archive with its result JSON, a suffix when the
// archive holds other content under the name, failed/ with a .reason.
#include "file-bridge/file_mover.h"

#include "absl/strings/match.h"
#include "file-bridge/result_record.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/file-bridge/bridge_test_util.h"

namespace ingest::bridge {
namespace {

using ::ingest::bridge::testing::BridgeDirs;
using ::ingest::bridge::testing::Exists;
using ::ingest::bridge::testing::Names;
using ::ingest::bridge::testing::ReadFile;
using ::ingest::bridge::testing::WriteFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const absl::Time kAt = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

class FileMoverTest : public ::testing::Test {
 protected:
  // Puts `content` in watch/<name> and returns its digest.
  FileDigest Drop(const std::string& name, const std::string& content) {
    WriteFile(dirs_.watch() + "/" + name, content);
    auto digest = DigestFile(dirs_.watch() + "/" + name);
    EXPECT_TRUE(digest.ok()) << digest.status();
    return *digest;
  }
  static v1::UploadResult Result(const std::string& name, const FileDigest& d, bool duplicate) {
    v1::UploadResult r;
    r.set_file_name(name);
    r.set_sha256(d.sha256);
    r.set_accepted(2);
    r.set_rejected(1);
    r.set_duplicate(duplicate);
    v1::Rejection* rej = r.add_rejections();
    rej->set_index(3);
    rej->set_event_id("e-\"2\"");
    rej->set_code("bad_number");
    rej->set_reason("price 'x' is not a number");
    return r;
  }

  BridgeDirs dirs_;
  FileMover mover_{dirs_.watch(), dirs_.archive(), dirs_.failed()};
};

TEST_F(FileMoverTest, ArchiveMovesTheFileAndWritesItsResultBesideIt) {
  FileDigest d = Drop("orders.csv", "a,b\n1,2\n");
  auto archived = mover_.Archive("orders.csv", d, Result("orders.csv", d, false), kAt);
  ASSERT_TRUE(archived.ok()) << archived.status();
  EXPECT_EQ(*archived, "orders.csv");
  EXPECT_THAT(Names(dirs_.watch()), IsEmpty());
  EXPECT_THAT(Names(dirs_.archive()), ElementsAre("orders.csv", "orders.csv.result.json"));
  EXPECT_EQ(ReadFile(dirs_.archive() + "/orders.csv"), "a,b\n1,2\n");
  std::string json = ReadFile(dirs_.archive() + "/orders.csv.result.json");
  EXPECT_THAT(json, HasSubstr("\"file_name\": \"orders.csv\""));
  EXPECT_THAT(json, HasSubstr("\"sha256\": \"" + d.sha256 + "\""));
  EXPECT_THAT(json, HasSubstr("\"size_bytes\": 8"));
  EXPECT_THAT(json, HasSubstr("\"accepted\": 2"));
  EXPECT_THAT(json, HasSubstr("\"rejected\": 1"));
  EXPECT_THAT(json, HasSubstr("\"duplicate\": false"));
  EXPECT_THAT(json, HasSubstr("\"rejections_truncated\": false"));
  EXPECT_THAT(json, HasSubstr("{\"index\": 3, \"event_id\": \"e-\\\"2\\\"\", \"code\": \"bad_number\", "
                              "\"reason\": \"price 'x' is not a number\"}"));
  EXPECT_THAT(json, HasSubstr("\"uploaded_at\": \"2026-01-01T00:00:00.000Z\""));
  EXPECT_EQ(Sha256InRecord(json), d.sha256);
}

TEST_F(FileMoverTest, OtherContentUnderTheNameInTheArchiveGetsASuffix) {
  FileDigest first = Drop("orders.csv", "first\n");
  ASSERT_TRUE(mover_.Archive("orders.csv", first, Result("orders.csv", first, false), kAt).ok());
  FileDigest second = Drop("orders.csv", "second\n");
  auto archived = mover_.Archive("orders.csv", second, Result("orders.csv", second, false), kAt);
  ASSERT_TRUE(archived.ok()) << archived.status();
  EXPECT_EQ(*archived, "orders.1.csv");
  FileDigest third = Drop("orders.csv", "third\n");
  EXPECT_EQ(*mover_.Archive("orders.csv", third, Result("orders.csv", third, false), kAt), "orders.2.csv");
  EXPECT_EQ(ReadFile(dirs_.archive() + "/orders.csv"), "first\n");
  EXPECT_EQ(ReadFile(dirs_.archive() + "/orders.1.csv"), "second\n");
  EXPECT_EQ(ReadFile(dirs_.archive() + "/orders.2.csv"), "third\n");
  EXPECT_EQ(Sha256InRecord(ReadFile(dirs_.archive() + "/orders.1.csv.result.json")), second.sha256);
  EXPECT_THAT(Names(dirs_.watch()), IsEmpty());
}

TEST_F(FileMoverTest, TheSameContentAgainReplacesTheArchivedCopyAndKeepsTheFirstResult) {
  FileDigest d = Drop("orders.csv", "same\n");
  ASSERT_TRUE(mover_.Archive("orders.csv", d, Result("orders.csv", d, false), kAt).ok());
  Drop("orders.csv", "same\n");
  auto archived = mover_.Archive("orders.csv", d, Result("orders.csv", d, true), kAt);
  ASSERT_TRUE(archived.ok()) << archived.status();
  EXPECT_EQ(*archived, "orders.csv");
  EXPECT_THAT(Names(dirs_.archive()), ElementsAre("orders.csv", "orders.csv.result.json"));
  EXPECT_THAT(ReadFile(dirs_.archive() + "/orders.csv.result.json"), HasSubstr("\"duplicate\": false"));
}

TEST_F(FileMoverTest, AResultWrittenBeforeACrashIsKeptWhenTheFileFollows) {
  // A crash between the record and the rename: the record is there, the file still in watch/.
  FileDigest d = Drop("orders.csv", "rows\n");
  WriteFile(dirs_.archive() + "/orders.csv.result.json", ResultJson(Result("orders.csv", d, false), 5, kAt));
  auto archived = mover_.Archive("orders.csv", d, Result("orders.csv", d, true), kAt);
  ASSERT_TRUE(archived.ok()) << archived.status();
  EXPECT_EQ(*archived, "orders.csv");
  EXPECT_THAT(ReadFile(dirs_.archive() + "/orders.csv.result.json"), HasSubstr("\"duplicate\": false"));
}

TEST_F(FileMoverTest, FailMovesTheFileToFailedWithTheReason) {
  FileDigest d = Drop("bad.csv", "nonsense\n");
  auto failed =
      mover_.Fail("bad.csv", d, absl::InvalidArgumentError("unusable header: no event_id column"), kAt);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(*failed, "bad.csv");
  EXPECT_THAT(Names(dirs_.watch()), IsEmpty());
  EXPECT_THAT(Names(dirs_.failed()), ElementsAre("bad.csv", "bad.csv.reason"));
  EXPECT_EQ(ReadFile(dirs_.failed() + "/bad.csv"), "nonsense\n");
  std::string reason = ReadFile(dirs_.failed() + "/bad.csv.reason");
  EXPECT_THAT(reason, HasSubstr("code: INVALID_ARGUMENT\n"));
  EXPECT_THAT(reason, HasSubstr("message: unusable header: no event_id column\n"));
  EXPECT_THAT(reason, HasSubstr("sha256: " + d.sha256 + "\n"));
  EXPECT_THAT(reason, HasSubstr("failed_at: 2026-01-01T00:00:00.000Z\n"));
  EXPECT_EQ(Sha256InRecord(reason), d.sha256);
}

TEST_F(FileMoverTest, AFailedNameTakenByOtherContentGetsASuffix) {
  FileDigest a = Drop("bad.csv", "one\n");
  ASSERT_TRUE(mover_.Fail("bad.csv", a, absl::ResourceExhaustedError("too big"), kAt).ok());
  FileDigest b = Drop("bad.csv", "two\n");
  EXPECT_EQ(*mover_.Fail("bad.csv", b, absl::ResourceExhaustedError("too big"), kAt), "bad.1.csv");
  EXPECT_TRUE(Exists(dirs_.failed() + "/bad.1.csv.reason"));
}

TEST_F(FileMoverTest, AMissingFileIsNotFoundAndNothingIsWrittenForIt) {
  FileDigest d = Drop("x.csv", "x");
  std::filesystem::remove(dirs_.watch() + "/x.csv");
  auto archived = mover_.Archive("x.csv", d, Result("x.csv", d, false), kAt);
  EXPECT_TRUE(absl::IsNotFound(archived.status())) << archived.status();
}

TEST(SuffixedNameTest, TheNumberGoesBeforeTheExtension) {
  EXPECT_EQ(FileMover::SuffixedName("a.csv", 1), "a.1.csv");
  EXPECT_EQ(FileMover::SuffixedName("a.b.csv", 2), "a.b.2.csv");
  EXPECT_EQ(FileMover::SuffixedName("plain", 3), "plain.3");
}

TEST(JsonQuoteTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
  EXPECT_EQ(JsonQuote("café"), "\"café\"");
}

}  // namespace
}  // namespace ingest::bridge
