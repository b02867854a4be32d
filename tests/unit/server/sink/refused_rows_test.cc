// IsolateRefused: the rows PostgreSQL refuses, found by halving, with each good row written once
// and O(k·log n) attempts.
#include "server/sink/refused_rows.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace ingest::server {
namespace {

using ::testing::ElementsAre;

// A database that refuses any part holding a bad row, and remembers what it wrote.
struct FakeRows {
  std::set<size_t> bad;
  std::vector<int> written;  // times each row was written
  size_t attempts = 0;

  explicit FakeRows(size_t n, std::set<size_t> refused) : bad(std::move(refused)), written(n, 0) {}

  WriteRows Writer() {
    return [this](size_t first, size_t last) -> std::optional<std::string> {
      ++attempts;
      for (size_t r = first; r < last; ++r) {
        if (bad.count(r)) return "refused row " + std::to_string(r);
      }
      for (size_t r = first; r < last; ++r) ++written[r];
      return std::nullopt;
    };
  }
};

std::vector<size_t> Rows(const std::vector<RefusedRowIndex>& refused) {
  std::vector<size_t> out;
  for (const auto& r : refused) out.push_back(r.row);
  return out;
}

TEST(RefusedRowsTest, FindsEachRefusedRowWithItsOwnErrorAndWritesEveryOtherRowOnce) {
  FakeRows db(10, {2, 7});
  auto refused = IsolateRefused(10, db.Writer());
  EXPECT_THAT(Rows(refused), ElementsAre(2, 7));
  EXPECT_EQ(refused[0].error, "refused row 2");
  EXPECT_EQ(refused[1].error, "refused row 7");
  for (size_t r = 0; r < 10; ++r) EXPECT_EQ(db.written[r], db.bad.count(r) ? 0 : 1) << "row " << r;
}

TEST(RefusedRowsTest, AttemptsGrowWithTheRefusedRowsTimesLogNNotWithN) {
  const size_t n = 2300;  // the batch size that took 62 s row by row
  std::set<size_t> bad;
  for (size_t r = 11; r < n; r += 100) bad.insert(r);  // 1% refused
  FakeRows db(n, bad);
  auto refused = IsolateRefused(n, db.Writer());
  EXPECT_EQ(refused.size(), bad.size());
  const double bound = 2.0 * bad.size() * std::ceil(std::log2(n));
  EXPECT_LE(db.attempts, bound) << "O(k·log n)";
  EXPECT_LT(db.attempts, n / 4) << "far fewer statements than one per row";
  for (size_t r = 0; r < n; ++r) ASSERT_EQ(db.written[r], bad.count(r) ? 0 : 1) << "row " << r;
}

TEST(RefusedRowsTest, ASingleRowIsTriedToLearnItsError) {
  FakeRows db(1, {0});
  auto refused = IsolateRefused(1, db.Writer());
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].error, "refused row 0");
  EXPECT_TRUE(IsolateRefused(0, db.Writer()).empty());
}

TEST(RefusedRowsTest, WhenNoRowIsAtFaultEveryRowIsWritten) {
  FakeRows db(5, {});
  EXPECT_TRUE(IsolateRefused(5, db.Writer()).empty());
  EXPECT_THAT(db.written, ElementsAre(1, 1, 1, 1, 1));
  EXPECT_EQ(db.attempts, 2u) << "the two halves";
}

TEST(RefusedRowsTest, EveryRowRefused) {
  FakeRows db(4, {0, 1, 2, 3});
  EXPECT_THAT(Rows(IsolateRefused(4, db.Writer())), ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(db.written, ElementsAre(0, 0, 0, 0));
}

}  // namespace
}  // namespace ingest::server
