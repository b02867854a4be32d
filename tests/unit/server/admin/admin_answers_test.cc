// The answers of WhereIsEvent and ListProducers built from their sources, without a database:
// which state wins when several hold, and which field comes from where.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/time_text.h"
#include "server/admin/list_producers.h"
#include "server/admin/where_is_event.h"

namespace ingest::server {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kT = 1767225600000000;  // 2026-01-01T00:00:00Z in µs

EventSighting Sighting(uint64_t batch, bool rejected = false) {
  EventSighting s;
  s.batch_id = batch;
  s.origin = "gen-1";
  s.received_us = kT;
  if (rejected) {
    s.reject = RejectedRow{3, "e1", "bad_enum", "event_type is unspecified", "payload"};
  } else {
    EventRow row;
    row.event_id = "e1";
    row.event_type = "view";
    s.row = row;
  }
  return s;
}

CommittedEvent Committed(uint64_t batch, int64_t committed_at_us) {
  CommittedEvent c;
  c.row.event_id = "e1";
  c.row.event_type = "purchase";
  c.row.price_cents = 1299;
  c.source = "stream";
  c.batch_id = batch;
  c.server_id = "srv-a";
  c.committed_at_us = committed_at_us;
  c.updated_at_us = committed_at_us - 1000;
  return c;
}

RejectedEvent Rejection(uint64_t batch, int64_t committed_at_us) {
  RejectedEvent r;
  r.row = RejectedRow{7, "e1", "bad_number", "price_cents is negative", "{...}"};
  r.source = "file";
  r.origin = "events.csv";
  r.server_id = "srv-b";
  r.batch_id = batch;
  r.received_at_us = committed_at_us - 5000000;
  r.committed_at_us = committed_at_us;
  return r;
}

struct Calls {
  int sealed = 0;
  int stored = 0;
};

EventLookups Lookups(std::optional<EventSighting> window, absl::StatusOr<std::optional<EventSighting>> sealed,
                     absl::StatusOr<StoredEvent> stored, Calls* calls) {
  return EventLookups{"srv-me", [window] { return window; },
                      [sealed, calls] {
                        calls->sealed++;
                        return sealed;
                      },
                      [stored, calls] {
                        calls->stored++;
                        return stored;
                      }};
}

const absl::Status kDown = absl::UnavailableError("looking up an event: connection refused");

TEST(WhereIsEventTest, TheOpenWindowWinsAndTheDatabaseIsNotAsked) {
  Calls calls;
  auto r = WhereIsEvent("e1", Lookups(Sighting(9), Sighting(8), kDown, &calls));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->state(), "in_window");
  EXPECT_EQ(r->batch_id(), 9u);
  EXPECT_EQ(r->server_id(), "srv-me");
  EXPECT_EQ(r->origin(), "gen-1");
  EXPECT_EQ(r->event().event_id(), "e1");
  EXPECT_EQ(r->received_at().seconds(), kT / 1000000);
  EXPECT_EQ(calls.sealed + calls.stored, 0);
}

TEST(WhereIsEventTest, ASealedBatchAnswersWhileTheDatabaseIsDown) {
  Calls calls;
  auto r = WhereIsEvent("e1", Lookups(std::nullopt, Sighting(8), kDown, &calls));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->state(), "sealed");
  EXPECT_EQ(r->batch_id(), 8u);
  EXPECT_THAT(r->detail(), HasSubstr("sealed in batch 8"));
  EXPECT_EQ(calls.stored, 0);
}

TEST(WhereIsEventTest, ARejectedVersionInMemoryCarriesItsCode) {
  Calls calls;
  auto r = WhereIsEvent("e1", Lookups(Sighting(9, /*rejected=*/true), std::nullopt, StoredEvent{}, &calls));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->state(), "in_window");
  EXPECT_EQ(r->code(), "bad_enum");
  EXPECT_EQ(r->index(), 3u);
  EXPECT_FALSE(r->has_event());
}

TEST(WhereIsEventTest, NotInMemoryAndTheDatabaseDownIsUnavailable) {
  Calls calls;
  auto r = WhereIsEvent("e1", Lookups(std::nullopt, std::nullopt, kDown, &calls));
  EXPECT_EQ(r.status(), kDown);
}

TEST(WhereIsEventTest, AnEmptyIdIsInvalid) {
  Calls calls;
  auto r = WhereIsEvent("", Lookups(std::nullopt, std::nullopt, StoredEvent{}, &calls));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(FromStoredEventTest, NothingStoredIsUnknown) {
  v1::WhereIsEventResponse r = FromStoredEvent(StoredEvent{});
  EXPECT_EQ(r.state(), "unknown");
  EXPECT_EQ(r.batch_id(), 0u);
}

TEST(FromStoredEventTest, ACommittedRowCarriesItsBatchAndEvent) {
  v1::WhereIsEventResponse r = FromStoredEvent(StoredEvent{Committed(5, kT), std::nullopt});
  EXPECT_EQ(r.state(), "committed");
  EXPECT_EQ(r.batch_id(), 5u);
  EXPECT_EQ(r.server_id(), "srv-a");
  EXPECT_EQ(r.committed_at().seconds(), kT / 1000000);
  EXPECT_EQ(r.event().price_cents(), 1299);
  EXPECT_EQ(r.event().event_type(), v1::EVENT_TYPE_PURCHASE);
  EXPECT_THAT(r.detail(), HasSubstr("committed in batch 5 of server srv-a at 2026-01-01T00:00:00"));
}

TEST(FromStoredEventTest, TheNewerOfRowAndRejectionWins) {
  v1::WhereIsEventResponse newer_rejection =
      FromStoredEvent(StoredEvent{Committed(5, kT), Rejection(2, kT + 1000000)});
  EXPECT_EQ(newer_rejection.state(), "rejected");
  EXPECT_EQ(newer_rejection.code(), "bad_number");
  EXPECT_EQ(newer_rejection.reason(), "price_cents is negative");
  EXPECT_EQ(newer_rejection.origin(), "events.csv");
  EXPECT_EQ(newer_rejection.index(), 7u);
  EXPECT_EQ(newer_rejection.batch_id(), 2u);
  EXPECT_EQ(newer_rejection.server_id(), "srv-b");
  EXPECT_EQ(newer_rejection.payload(), "{...}");

  EXPECT_EQ(FromStoredEvent(StoredEvent{Committed(5, kT), Rejection(4, kT - 1)}).state(), "committed");
  EXPECT_EQ(FromStoredEvent(StoredEvent{Committed(5, kT), Rejection(5, kT)}).state(), "committed")
      << "one batch: its row exists";
  EXPECT_EQ(FromStoredEvent(StoredEvent{std::nullopt, Rejection(4, kT)}).state(), "rejected");
}

TEST(MergeProducersTest, EachFieldComesFromItsSource) {
  const absl::Time t0 = FromMicros(kT);
  std::vector<StoredProducer> stored = {{"db-only", 40, kT - 60000000}, {"both", 10, kT - 30000000}};
  std::vector<ProducerActivity> activity = {{"both", 14, 12, 700, t0},
                                            {"memory-only", 3, 0, 30, t0 - absl::Seconds(1)}};
  std::vector<StreamDirectory::Connection> live = {{"both", "ipv4:127.0.0.1:40000", t0 - absl::Seconds(90)}};
  v1::ListProducersResponse r = MergeProducers(stored, activity, live, 10);
  ASSERT_EQ(r.producers_size(), 3);
  const v1::ProducerInfo& both = r.producers(0);
  EXPECT_EQ(both.producer_id(), "both");
  EXPECT_TRUE(both.connected());
  EXPECT_EQ(both.peer(), "ipv4:127.0.0.1:40000");
  EXPECT_EQ(both.connected_since().seconds(), kT / 1000000 - 90);
  EXPECT_EQ(both.last_seen().seconds(), kT / 1000000) << "memory is newer than the database";
  EXPECT_EQ(both.last_durable_sequence(), 12u);
  EXPECT_EQ(both.last_committed_sequence(), 10u);
  EXPECT_EQ(both.last_received_sequence(), 14u);
  EXPECT_EQ(both.events(), 700u);

  EXPECT_EQ(r.producers(1).producer_id(), "memory-only");
  EXPECT_FALSE(r.producers(1).connected());
  EXPECT_EQ(r.producers(1).last_committed_sequence(), 0u);
  const v1::ProducerInfo& db_only = r.producers(2);
  EXPECT_EQ(db_only.producer_id(), "db-only");
  EXPECT_EQ(db_only.last_durable_sequence(), 40u) << "committed is durable";
  EXPECT_EQ(db_only.events(), 0u);
  EXPECT_FALSE(db_only.has_connected_since());

  EXPECT_EQ(MergeProducers(stored, activity, live, 1).producers_size(), 1);
}

TEST(ProducerActivityTest, CountsEventsOfNewBatchesAndSeesResends) {
  ProducerRegistry reg(
      [](const std::string&) -> absl::StatusOr<std::optional<ProducerRecord>> { return std::nullopt; });
  const absl::Time t0 = FromMicros(kT);
  ASSERT_TRUE(reg.Admit("p", 1, "h1", 50, t0).ok());
  ASSERT_TRUE(reg.Admit("p", 2, "h2", 20, t0 + absl::Seconds(1)).ok());
  reg.MarkDurable("p", 1, v1::BatchAck());
  ASSERT_EQ(*reg.Admit("p", 1, "h1", 50, t0 + absl::Seconds(5)), ProducerRegistry::Kind::kResend);
  std::vector<ProducerActivity> activity = reg.Activity();
  ASSERT_EQ(activity.size(), 1u);
  EXPECT_EQ(activity[0].events, 70u) << "the resend is not counted";
  EXPECT_EQ(activity[0].last_received, 2u);
  EXPECT_EQ(activity[0].last_durable, 1u);
  EXPECT_EQ(activity[0].last_seen, t0 + absl::Seconds(5));
}

}  // namespace
}  // namespace ingest::server
