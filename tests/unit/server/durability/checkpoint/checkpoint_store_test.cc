#include "server/durability/checkpoint/checkpoint_store.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/durability/checkpoint/checkpoint_format.h"
#include "tests/unit/server/durability/wal/wal_test_util.h"

namespace ingest::server {
namespace {

using ::ingest::server::testing::FlipByte;
using ::ingest::server::testing::ReadFile;
using ::ingest::server::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

OffsetsEntry Entry(uint64_t id) {
  return OffsetsEntry{id,
                      {id, 32},
                      {id + 1, 100 + id},
                      1'700'000'000'000'000 + static_cast<int64_t>(id),
                      1'700'000'010'000'000 + static_cast<int64_t>(id),
                      1000 * id};
}

// `body` with a correct checksum line, as a writer of that content would seal it.
std::string Sealed(const std::string& body) {
  const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%08lx", crc);
  return body + "crc32=" + hex + "\n";
}

std::vector<uint64_t> Ids(const std::vector<OffsetsEntry>& entries) {
  std::vector<uint64_t> ids;
  for (const auto& e : entries) ids.push_back(e.batch_id);
  return ids;
}

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

class CheckpointStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = CheckpointStore::Open(tmp_.Sub("checkpoints"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_.emplace(std::move(*store));
  }
  std::string Path(const std::string& sub, uint64_t id) {
    return tmp_.Sub("checkpoints/" + sub + "/" + std::to_string(id));
  }
  CheckpointState Load() {
    auto state = store_->Load();
    EXPECT_TRUE(state.ok()) << state.status();
    return state.ok() ? *state : CheckpointState{};
  }

  TempDir tmp_;
  std::optional<CheckpointStore> store_;
};

TEST_F(CheckpointStoreTest, EntriesRoundTrip) {
  ASSERT_TRUE(store_->WriteOffsets(Entry(1)).ok());
  ASSERT_TRUE(store_->WriteOffsets(Entry(2)).ok());
  ASSERT_TRUE(store_->WriteCommit(1, 1'700'000'020'000'000).ok());
  CheckpointState state = Load();
  EXPECT_THAT(state.offsets, ElementsAre(Entry(1), Entry(2)));
  EXPECT_THAT(state.committed, ElementsAre(std::pair<const uint64_t, int64_t>(1, 1'700'000'020'000'000)));
  EXPECT_EQ(state.last_committed, 1u);
  EXPECT_EQ(state.last_batch_id, 2u);
  EXPECT_THAT(state.damaged, IsEmpty());
  EXPECT_GT(store_->BytesOnDisk(), 0u);
  EXPECT_EQ(ReadFile(Path("commits", 1)).substr(0, 3), "v1\n");
}

TEST_F(CheckpointStoreTest, EmptyOrMissingDirLoadsAsNothing) {
  EXPECT_THAT(Load().offsets, IsEmpty());
  auto missing = CheckpointStore(tmp_.Sub("absent")).Load();
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->last_committed, 0u);
  EXPECT_FALSE(std::filesystem::exists(tmp_.Sub("absent"))) << "Load creates nothing";
}

TEST_F(CheckpointStoreTest, UncommittedAreTheOffsetsWithoutCommitsInOrder) {
  for (uint64_t id : {12, 3, 7, 10, 11}) ASSERT_TRUE(store_->WriteOffsets(Entry(id)).ok());
  for (uint64_t id : {3, 7}) ASSERT_TRUE(store_->WriteCommit(id, 5).ok());
  CheckpointState state = Load();
  EXPECT_THAT(Ids(state.offsets), ElementsAre(3, 7, 10, 11, 12));
  EXPECT_THAT(Ids(state.Uncommitted()), ElementsAre(10, 11, 12));
  EXPECT_EQ(state.last_committed, 7u);
  EXPECT_EQ(state.last_batch_id, 12u);
}

TEST_F(CheckpointStoreTest, FlippedByteIsReportedAndTheEntryNotUsed) {
  ASSERT_TRUE(store_->WriteOffsets(Entry(4)).ok());
  ASSERT_TRUE(store_->WriteOffsets(Entry(5)).ok());
  FlipByte(Path("offsets", 5), 12);
  CheckpointState state = Load();
  EXPECT_THAT(Ids(state.offsets), ElementsAre(4));
  ASSERT_THAT(state.damaged, SizeIs(1));
  EXPECT_THAT(state.damaged[0],
              HasSubstr("checkpoint entry " + Path("offsets", 5) + " is damaged: checksum mismatch"));
  EXPECT_THAT(state.damaged[0], HasSubstr("it is not used"));
}

TEST_F(CheckpointStoreTest, TruncatedCommitIsReportedAndItsBatchCountsAsUncommitted) {
  ASSERT_TRUE(store_->WriteOffsets(Entry(6)).ok());
  ASSERT_TRUE(store_->WriteCommit(6, 99).ok());
  std::string content = ReadFile(Path("commits", 6));
  std::filesystem::resize_file(Path("commits", 6), content.size() - 5);
  CheckpointState state = Load();
  EXPECT_THAT(state.committed, IsEmpty());
  EXPECT_THAT(Ids(state.Uncommitted()), ElementsAre(6));
  ASSERT_THAT(state.damaged, SizeIs(1));
  EXPECT_THAT(state.damaged[0], HasSubstr(Path("commits", 6) + " is damaged: the file is truncated"));
}

TEST_F(CheckpointStoreTest, OtherFormatVersionIsReportedEvenWithAValidChecksum) {
  std::ofstream(Path("offsets", 3)) << Sealed("v2\nbatch_id=3\nfirst=1:32\nend=1:64\n");
  CheckpointState state = Load();
  EXPECT_THAT(state.offsets, IsEmpty());
  ASSERT_THAT(state.damaged, SizeIs(1));
  EXPECT_EQ(state.damaged[0],
            "checkpoint entry " + Path("offsets", 3) +
                " is damaged: the format version line is 'v2'; this build reads v1; it is not used");
}

TEST_F(CheckpointStoreTest, EntryNamingAnotherBatchOrMissingAFieldIsReported) {
  ASSERT_TRUE(store_->WriteCommit(8, 1).ok());
  std::ofstream(Path("commits", 9)) << EncodeCommitEntry({8, 1});
  std::ofstream(Path("offsets", 9)) << Sealed("v1\nbatch_id=9\nfirst=1:32\n");
  CheckpointState state = Load();
  EXPECT_THAT(state.committed, ElementsAre(std::pair<const uint64_t, int64_t>(8, 1)));
  EXPECT_THAT(state.offsets, IsEmpty());
  EXPECT_THAT(
      state.damaged,
      ElementsAre(HasSubstr(Path("offsets", 9) + " is damaged: the entry has no valid 'end' line"),
                  HasSubstr(Path("commits", 9) + " is damaged: the entry is for batch 8, not for batch 9")));
}

TEST_F(CheckpointStoreTest, TmpLeftoversAreIgnoredAndRemovedByPrune) {
  ASSERT_TRUE(store_->WriteOffsets(Entry(1)).ok());
  std::ofstream(Path("offsets", 2) + ".tmp") << "half written";
  std::ofstream(Path("commits", 1) + ".tmp") << "";
  CheckpointState state = Load();
  EXPECT_THAT(Ids(state.offsets), ElementsAre(1));
  EXPECT_THAT(state.damaged, IsEmpty());
  ASSERT_TRUE(store_->Prune(3).ok());
  EXPECT_THAT(Files(tmp_.Sub("checkpoints/offsets")), ElementsAre("1"));
  EXPECT_THAT(Files(tmp_.Sub("checkpoints/commits")), IsEmpty());
}

TEST_F(CheckpointStoreTest, PruneKeepsTheNewestCommittedAndEveryUncommitted) {
  for (uint64_t id = 1; id <= 10; ++id) ASSERT_TRUE(store_->WriteOffsets(Entry(id)).ok());
  for (uint64_t id : {1, 2, 3, 5, 6, 7, 8}) ASSERT_TRUE(store_->WriteCommit(id, 1).ok());  // 4, 9, 10 open
  const uint64_t before = store_->BytesOnDisk();
  ASSERT_TRUE(store_->Prune(2).ok());
  EXPECT_THAT(Files(tmp_.Sub("checkpoints/offsets")), ElementsAre("10", "4", "7", "8", "9"));
  EXPECT_THAT(Files(tmp_.Sub("checkpoints/commits")), ElementsAre("7", "8"));
  CheckpointState state = Load();
  EXPECT_THAT(Ids(state.Uncommitted()), ElementsAre(4, 9, 10));
  EXPECT_EQ(state.last_committed, 8u);
  EXPECT_LT(store_->BytesOnDisk(), before);

  ASSERT_TRUE(store_->Prune(0).ok());  // the last commit always stays
  EXPECT_THAT(Files(tmp_.Sub("checkpoints/commits")), ElementsAre("8"));
  EXPECT_EQ(Load().last_committed, 8u);
}

}  // namespace
}  // namespace ingest::server
