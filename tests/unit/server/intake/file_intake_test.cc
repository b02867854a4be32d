// ReadUploadedFile: a spooled CSV file cut into window parts, each with the body of its log
// record; the result's counts and listed rejections; what stops the reading.
#include "server/intake/file_intake.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/time/civil_time.h"
#include "ingest/wire/file_part.pb.h"

namespace ingest::server {
namespace {

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2025, 5, 2, 0, 0, 0), absl::UTCTimeZone());

class FileIntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("file_intake_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  UploadedFile Spool(const std::string& content) {
    const std::string path = (dir_ / "upload.part").string();
    std::ofstream(path, std::ios::binary) << content;
    return UploadedFile{path, "events_1.csv", std::string(64, 'a'), content.size()};
  }

  // Collects every emitted part.
  EmitPart Collect() {
    return [this](WindowItem item, std::string body) {
      items_.push_back(std::move(item));
      bodies_.push_back(std::move(body));
      return absl::OkStatus();
    };
  }

  std::filesystem::path dir_;
  std::vector<WindowItem> items_;
  std::vector<std::string> bodies_;
};

constexpr char kHeader[] = "event_id,user_id,event_type,product_id,price,timestamp\n";

std::string Row(const std::string& id, const std::string& type = "view") {
  return id + ",u1," + type + ",p1,1.50,2025-05-01T10:00:00Z\n";
}

TEST_F(FileIntakeTest, RowsAreCutIntoPartsAndTheLastCarriesTheFilesTotals) {
  const std::string csv = std::string(kHeader) + Row("e1") + Row("e2") + Row("bad1", "sale") + Row("e3") +
                          Row("e4") + Row("bad2", "sale") + Row("e5");
  auto result = ReadUploadedFile(Spool(csv), kNow, Collect(), /*part_rows=*/3);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->accepted(), 5u);
  EXPECT_EQ(result->rejected(), 2u);
  ASSERT_EQ(result->rejections_size(), 2);
  EXPECT_EQ(result->rejections(0).index(), 4u) << "a file's rejection index is the row's physical line";
  EXPECT_EQ(result->rejections(0).event_id(), "bad1");
  EXPECT_EQ(result->rejections(0).code(), "bad_enum");
  EXPECT_EQ(result->rejections(1).index(), 7u);

  ASSERT_EQ(items_.size(), 3u);
  EXPECT_EQ(items_[0].EventCount(), 3u);
  EXPECT_EQ(items_[1].EventCount(), 3u);
  EXPECT_EQ(items_[2].EventCount(), 1u);
  for (size_t i = 0; i < items_.size(); ++i) {
    EXPECT_EQ(items_[i].source, Source::kFile);
    EXPECT_EQ(items_[i].origin, "events_1.csv");
    EXPECT_EQ(items_[i].sequence, i + 1) << "parts are numbered from 1";
    EXPECT_EQ(items_[i].content_hash, std::string(64, 'a'));
    EXPECT_EQ(items_[i].bytes, bodies_[i].size());
    EXPECT_EQ(items_[i].file_done.has_value(), i == 2) << "only the last part carries FileDone";
  }
  EXPECT_EQ(items_[2].file_done->accepted, 5u);
  EXPECT_EQ(items_[2].file_done->rejected, 2u);
  EXPECT_EQ(items_[2].file_done->size_bytes, csv.size());
  EXPECT_EQ(items_[0].events[0].event_id, "e1");
  EXPECT_EQ(items_[0].rejects[0].payload, "bad1,u1,sale,p1,1.50,2025-05-01T10:00:00Z") << "the raw row";

  wire::FilePart first, last;
  ASSERT_TRUE(first.ParseFromString(bodies_[0]));
  EXPECT_EQ(first.events_size(), 2);
  EXPECT_EQ(first.reject_payloads_size(), 1);
  ASSERT_TRUE(last.ParseFromString(bodies_[2]));
  ASSERT_TRUE(last.has_done());
  EXPECT_EQ(last.done().file_name(), "events_1.csv");
  EXPECT_EQ(last.done().accepted(), 5u);
}

TEST_F(FileIntakeTest, AnUnusableHeaderIsRefusedBeforeAnyPart) {
  auto result = ReadUploadedFile(Spool("event_id,user_id,event_type\n" + Row("e1")), kNow, Collect());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(result.status())) << result.status();
  EXPECT_EQ(result.status().message().substr(0, 14), "events_1.csv: ");
  EXPECT_NE(result.status().message().find("product_id"), std::string::npos) << result.status();
  EXPECT_TRUE(items_.empty()) << "nothing is stored for a file that cannot be read";
}

TEST_F(FileIntakeTest, AnErrorFromTheWindowStopsTheReading) {
  const std::string csv = std::string(kHeader) + Row("e1") + Row("e2") + Row("e3") + Row("e4");
  int parts = 0;
  auto result = ReadUploadedFile(
      Spool(csv), kNow,
      [&](WindowItem, std::string) {
        ++parts;
        return absl::UnavailableError("the server is shutting down");
      },
      /*part_rows=*/2);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(absl::IsUnavailable(result.status()));
  EXPECT_EQ(parts, 1) << "no part after the one the window refused";
}

TEST_F(FileIntakeTest, AHeaderOnlyFileIsOneEmptyLastPart) {
  auto result = ReadUploadedFile(Spool(kHeader), kNow, Collect());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->accepted() + result->rejected(), 0u);
  ASSERT_EQ(items_.size(), 1u) << "the file's ingested_files row still needs a part to ride on";
  EXPECT_TRUE(items_[0].file_done.has_value());
}

TEST_F(FileIntakeTest, ARowThatIsNotUtf8IsStoredEscaped) {
  auto result = ReadUploadedFile(Spool(std::string(kHeader) + "e1,u\xff,view,p1,1.50,2025-05-01T10:00:00Z\n"),
                                 kNow, Collect());
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->rejected(), 1u);
  EXPECT_EQ(result->rejections(0).code(), "bad_utf8");
  ASSERT_EQ(items_[0].rejects.size(), 1u);
  EXPECT_EQ(items_[0].rejects[0].payload.rfind("(invalid UTF-8) ", 0), 0u) << items_[0].rejects[0].payload;
}

TEST_F(FileIntakeTest, AMissingSpoolFileIsTheServersTrouble) {
  UploadedFile file{(dir_ / "gone.part").string(), "events_1.csv", std::string(64, 'a'), 10};
  auto result = ReadUploadedFile(file, kNow, Collect());
  EXPECT_TRUE(absl::IsInternal(result.status())) << result.status();
}

}  // namespace
}  // namespace ingest::server
