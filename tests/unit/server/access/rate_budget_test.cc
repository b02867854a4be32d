#include "server/access/rate_budget.h"

#include <gtest/gtest.h>

namespace ingest::server {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

TEST(RateBudgetTest, ASecondsWorthPassesAtOnceThenTheRateHolds) {
  RateBudget budget(10);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(budget.Take(kStart), absl::ZeroDuration()) << "batch " << i;
  EXPECT_EQ(budget.Take(kStart), absl::Milliseconds(100)) << "the 11th waits for one to refill";
  EXPECT_EQ(budget.Take(kStart), absl::Milliseconds(200)) << "the waits of a client's streams add up";
  EXPECT_EQ(budget.Take(kStart + absl::Milliseconds(300)), absl::ZeroDuration())
      << "300 ms refilled three: the debt of two is paid and this batch goes";
  EXPECT_EQ(budget.Take(kStart + absl::Milliseconds(300)), absl::Milliseconds(100));
}

TEST(RateBudgetTest, AnIdleClientRefillsOnlyUpToOneSecondsWorth) {
  RateBudget budget(5);
  for (int i = 0; i < 5; ++i) budget.Take(kStart);
  int free = 0;
  for (int i = 0; i < 20; ++i) free += budget.Take(kStart + absl::Minutes(10)) == absl::ZeroDuration();
  EXPECT_EQ(free, 5) << "ten idle minutes do not buy a burst of 3000";
}

TEST(RateBudgetTest, ATimeGoingBackwardsTakesButDoesNotRefill) {
  RateBudget budget(1);
  EXPECT_EQ(budget.Take(kStart), absl::ZeroDuration());
  EXPECT_EQ(budget.Take(kStart - absl::Seconds(5)), absl::Seconds(1));
}

}  // namespace
}  // namespace ingest::server
