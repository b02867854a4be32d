#include "server/batching/window.h"

#include <gtest/gtest.h>

#include "common/time_text.h"

namespace ingest::server {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);

WindowItem Item(size_t events, size_t bytes = 100, std::string origin = "p") {
  WindowItem item;
  item.origin = std::move(origin);
  item.events.resize(events);
  item.bytes = bytes;
  return item;
}

TEST(WindowTest, SealsWhenTheTriggerHasPassedSinceItOpened) {
  Window w(WindowLimits{absl::Seconds(10), 1000, 1 << 20});
  EXPECT_EQ(w.Deadline(), absl::InfiniteFuture());
  EXPECT_FALSE(w.Add(Item(3), kT0).has_value());
  EXPECT_EQ(w.Deadline(), kT0 + absl::Seconds(10));
  EXPECT_FALSE(w.Add(Item(2), kT0 + absl::Seconds(4)).has_value());
  EXPECT_FALSE(w.Tick(kT0 + absl::Milliseconds(9999)).has_value());
  auto sealed = w.Tick(kT0 + absl::Seconds(10));
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(sealed->batch_id, 1u);
  EXPECT_EQ(sealed->EventCount(), 5u);
  EXPECT_EQ(sealed->window_start_us, ToMicros(kT0));
  EXPECT_EQ(sealed->window_end_us, ToMicros(kT0 + absl::Seconds(10)));
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.events(), 0u);
}

TEST(WindowTest, AnEmptyWindowNeverSeals) {
  Window w(WindowLimits{absl::Seconds(1), 10, 1000});
  EXPECT_FALSE(w.Tick(kT0 + absl::Hours(1)).has_value());
  EXPECT_FALSE(w.Seal(kT0).has_value());
  EXPECT_EQ(w.next_batch_id(), 1u);
}

TEST(WindowTest, TheTriggerCountsFromTheFirstItemAfterASeal) {
  Window w(WindowLimits{absl::Seconds(10), 1000, 1 << 20});
  w.Add(Item(1), kT0);
  ASSERT_TRUE(w.Tick(kT0 + absl::Seconds(10)).has_value());
  w.Add(Item(1), kT0 + absl::Seconds(25));
  EXPECT_FALSE(w.Tick(kT0 + absl::Seconds(34)).has_value());
  EXPECT_TRUE(w.Tick(kT0 + absl::Seconds(35)).has_value());
}

TEST(WindowTest, SealsAtMaxEvents) {
  Window w(WindowLimits{absl::Seconds(10), 10, 1 << 20}, 7);
  EXPECT_FALSE(w.Add(Item(6), kT0).has_value());
  auto sealed = w.Add(Item(4), kT0 + absl::Seconds(1));
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(sealed->batch_id, 7u);
  EXPECT_EQ(sealed->EventCount(), 10u);
  EXPECT_EQ(w.next_batch_id(), 8u);
}

TEST(WindowTest, SealsAtMaxBytes) {
  Window w(WindowLimits{absl::Seconds(10), 1000, 500});
  EXPECT_FALSE(w.Add(Item(1, 300), kT0).has_value());
  auto sealed = w.Add(Item(1, 200), kT0);
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(sealed->items.size(), 2u);
}

TEST(WindowTest, FlushSealsAtOnceAndBatchIdsIncrease) {
  Window w(WindowLimits{absl::Seconds(10), 1000, 1 << 20});
  w.Add(Item(1, 10, "a"), kT0);
  w.Add(Item(1, 10, "b"), kT0);
  w.Add(Item(1, 10, "a"), kT0);
  auto first = w.Seal(kT0 + absl::Milliseconds(5));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->Sources(), (std::vector<std::string>{"a", "b"}));
  w.Add(Item(1), kT0 + absl::Seconds(1));
  auto second = w.Seal(kT0 + absl::Seconds(2));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->batch_id + 1, second->batch_id);
}

}  // namespace
}  // namespace ingest::server
