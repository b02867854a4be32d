#include "generator-client/event_factory.h"

#include <map>
#include <set>

#include "absl/time/clock.h"
#include "common/validation.h"
#include "generator-client/generator_config.h"
#include "gtest/gtest.h"

namespace ingest::generator {
namespace {

constexpr int kBatches = 100;
constexpr int kPerBatch = 100;  // 10k events

// kBatches batches of one producer, flattened.
std::vector<v1::Event> Generate(uint64_t seed, double invalid_ratio,
                                const std::string& producer = "gen-test-1") {
  EventFactory factory(Catalog::Default(), seed, invalid_ratio);
  std::vector<v1::Event> events;
  v1::EventBatch batch;
  for (int b = 1; b <= kBatches; ++b) {
    factory.FillBatch(producer, b, kPerBatch, &batch);
    EXPECT_EQ(batch.sequence(), static_cast<uint64_t>(b));
    EXPECT_EQ(batch.producer_id(), producer);
    events.insert(events.end(), batch.events().begin(), batch.events().end());
  }
  return events;
}

TEST(EventFactoryTest, EveryEventIsValidAtRatioZero) {
  absl::Time now = absl::Now();
  for (const v1::Event& e : Generate(1, 0)) {
    auto problem = ValidateEvent(e, now);
    ASSERT_FALSE(problem.has_value()) << problem->reason << " in " << e.ShortDebugString();
  }
}

TEST(EventFactoryTest, AboutHalfInvalidAtRatioHalf) {
  absl::Time now = absl::Now();
  int invalid = 0;
  std::set<std::string> codes;
  for (const v1::Event& e : Generate(2, 0.5)) {
    if (auto problem = ValidateEvent(e, now)) {
      ++invalid;
      codes.insert(problem->code);
    }
  }
  EXPECT_GT(invalid, 4500);
  EXPECT_LT(invalid, 5500);
  EXPECT_EQ(codes, (std::set<std::string>{"missing_field", "out_of_range", "bad_enum"}));
}

TEST(EventFactoryTest, MixMatchesTheWeights) {
  std::vector<v1::Event> events = Generate(3, 0);
  std::map<v1::EventType, int> types;
  std::map<v1::DeviceType, int> devices;
  int quantity_one = 0;
  for (const v1::Event& e : events) {
    ++types[e.event_type()];
    ++devices[e.device_type()];
    if (e.quantity() == 1) ++quantity_one;
    EXPECT_GE(e.quantity(), 1);
    EXPECT_LE(e.quantity(), 5);
  }
  const double n = events.size();
  for (const auto& w : kEventMix) {
    EXPECT_NEAR(types[w.value] / n, w.percent / 100.0, 0.03) << v1::EventType_Name(w.value);
  }
  // Devices are drawn per session, so they vary more than event types.
  for (const auto& w : kDeviceMix) {
    EXPECT_NEAR(devices[w.value] / n, w.percent / 100.0, 0.08) << v1::DeviceType_Name(w.value);
  }
  EXPECT_GT(quantity_one / n, 0.8);
}

TEST(EventFactoryTest, SessionsSpanSeveralEventsOfOneUser) {
  std::map<std::string, std::set<std::string>> users_by_session;
  std::map<std::string, int> events_by_session;
  for (const v1::Event& e : Generate(4, 0)) {
    users_by_session[e.session_id()].insert(e.user_id());
    ++events_by_session[e.session_id()];
  }
  double mean = static_cast<double>(kBatches * kPerBatch) / events_by_session.size();
  EXPECT_GT(mean, 2.0);
  EXPECT_LT(mean, 8.0);
  for (const auto& [session, users] : users_by_session) EXPECT_EQ(users.size(), 1u) << session;
}

TEST(EventFactoryTest, EventIdsAreUniqueAcrossProducersAndFitFiftyBytes) {
  std::set<std::string> ids;
  for (const char* producer : {"gen-0000abcd-1", "gen-0000abcd-2"}) {
    for (const v1::Event& e : Generate(5, 0, producer)) {
      EXPECT_TRUE(ids.insert(e.event_id()).second) << e.event_id();
    }
  }
  EXPECT_EQ(ids.size(), 2u * kBatches * kPerBatch);
  EXPECT_TRUE(ids.count("gen-0000abcd-2-7-42"));

  // The longest id the generator can make: the longest producer id, a huge sequence, the last index.
  EventFactory factory(Catalog::Default(), 6, 0);
  v1::EventBatch batch;
  factory.FillBatch(std::string(kMaxProducerIdBytes, 'p'), 999999999999ULL, 1, &batch);
  std::string longest = batch.events(0).event_id() + std::to_string(kMaxEventsPerBatch - 1).substr(1);
  EXPECT_LE(longest.size(), 50u) << longest;
}

TEST(EventFactoryTest, SameSeedSameEvents) {
  std::vector<v1::Event> a = Generate(9, 0.1), b = Generate(9, 0.1), c = Generate(10, 0.1);
  ASSERT_EQ(a.size(), b.size());
  int differ_from_c = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    a[i].clear_event_time();
    b[i].clear_event_time();
    c[i].clear_event_time();
    EXPECT_EQ(a[i].SerializeAsString(), b[i].SerializeAsString()) << i;
    if (a[i].SerializeAsString() != c[i].SerializeAsString()) ++differ_from_c;
  }
  EXPECT_GT(differ_from_c, 9000);
}

TEST(EventFactoryTest, ReusedBatchHoldsOnlyNewEvents) {
  EventFactory factory(Catalog::Default(), 11, 1.0);
  v1::EventBatch batch;
  factory.FillBatch("p", 1, 50, &batch);
  EventFactory valid(Catalog::Default(), 11, 0);
  valid.FillBatch("p", 2, 20, &batch);
  ASSERT_EQ(batch.events_size(), 20);
  absl::Time now = absl::Now();
  for (const v1::Event& e : batch.events())
    EXPECT_FALSE(ValidateEvent(e, now).has_value()) << e.ShortDebugString();
  EXPECT_EQ(batch.events(19).event_id(), "p-2-19");
}

// EncodeBatch writes the bytes FillBatch's message serializes to: the same events, drawn in the
// same order, without building them.
TEST(EventFactoryTest, EncodedBatchIsTheFilledBatchSerialized) {
  const absl::Time now = absl::FromUnixMicros(1764000000123456);
  for (double ratio : {0.0, 0.3, 1.0}) {
    for (const std::string& producer :
         std::vector<std::string>{"gen-0000abcd-1", "p", std::string(kMaxProducerIdBytes, 'x')}) {
      EventFactory filled(Catalog::Default(), 21, ratio), encoded(Catalog::Default(), 21, ratio);
      v1::EventBatch batch;
      std::string bytes = "left over from an earlier batch";
      for (uint64_t seq : {1ULL, 2ULL, 999999999999ULL}) {
        for (int count : {1, 7, 2000}) {
          filled.FillBatch(producer, seq, count, now, &batch);
          encoded.EncodeBatch(producer, seq, count, now, &bytes);
          ASSERT_EQ(bytes, batch.SerializeAsString())
              << "ratio " << ratio << " producer " << producer << " seq " << seq << " count " << count;
        }
      }
    }
  }
}

TEST(EventFactoryTest, EncodedEventsKeepTheTimeToTheMicrosecond) {
  EventFactory factory(Catalog::Default(), 22, 0);
  std::string bytes;
  const absl::Time now = absl::FromUnixNanos(1764000000999999999);  // nanoseconds are dropped
  factory.EncodeBatch("p", 1, 1001, now, &bytes);
  v1::EventBatch batch;
  ASSERT_TRUE(batch.ParseFromString(bytes));
  ASSERT_EQ(batch.events_size(), 1001);
  EXPECT_EQ(batch.events(0).event_time().seconds(), 1764000000);
  EXPECT_EQ(batch.events(0).event_time().nanos(), 999999000);
  EXPECT_EQ(batch.events(1).event_time().seconds(), 1764000001);
  EXPECT_EQ(batch.events(1).event_time().nanos(), 0);
  EXPECT_EQ(batch.events(1000).event_time().nanos(), 999999000);  // index % 1000 µs
  EXPECT_EQ(batch.events(1000).event_id(), "p-1-1000");
}

}  // namespace
}  // namespace ingest::generator
