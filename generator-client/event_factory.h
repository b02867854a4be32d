// EventFactory: realistic click-stream events drawn from the catalog — users browsing in sessions
// on weighted devices, with the event mix below — written into reused proto objects, or straight
// into a batch's wire bytes (EncodeBatch, what the streaming producers send).
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "generator-client/batch_encoder.h"
#include "generator-client/catalog.h"
#include "ingest/v1/event.pb.h"
#include "ingest/v1/ingest.pb.h"

namespace ingest::generator {

template <typename T>
struct Weighted {
  T value;
  int percent;  // the percents of one table add up to 100
};

// The event mix of a click stream; shown by --help.
inline constexpr Weighted<v1::EventType> kEventMix[] = {
    {v1::EVENT_TYPE_VIEW, 50},        {v1::EVENT_TYPE_CLICK, 15},
    {v1::EVENT_TYPE_ADD_TO_CART, 15}, {v1::EVENT_TYPE_REMOVE_FROM_CART, 5},
    {v1::EVENT_TYPE_WISHLIST, 5},     {v1::EVENT_TYPE_PURCHASE, 10},
};
// The raw_events CSV style knows only view, click and buy (purchase); see csv_event_format.h.
inline constexpr Weighted<v1::EventType> kRawEventMix[] = {
    {v1::EVENT_TYPE_VIEW, 70}, {v1::EVENT_TYPE_CLICK, 20}, {v1::EVENT_TYPE_PURCHASE, 10}};
// Device of a session.
inline constexpr Weighted<v1::DeviceType> kDeviceMix[] = {
    {v1::DEVICE_TYPE_MOBILE, 55}, {v1::DEVICE_TYPE_DESKTOP, 35}, {v1::DEVICE_TYPE_TABLET, 10}};
// Quantity of add_to_cart, remove_from_cart and purchase; other events have quantity 1.
inline constexpr Weighted<int> kQuantityMix[] = {{1, 70}, {2, 15}, {3, 8}, {4, 4}, {5, 3}};

// "view 50%, click 15%, ..." for --help.
std::string EventMixText();

// "<producer_id>-<sequence>-": the event ids of a batch are this prefix and the event's index.
std::string EventIdPrefix(absl::string_view producer_id, uint64_t sequence);

class EventFactory {
 public:
  // Events are a function of `seed`; a fraction `invalid_ratio` of them is made invalid on
  // purpose (quantity 0, empty user_id, price out of range or no event type). Event types are
  // drawn from `mix`.
  EventFactory(const Catalog& catalog, uint64_t seed, double invalid_ratio,
               absl::Span<const Weighted<v1::EventType>> mix = kEventMix);

  // Clears `batch` (keeping its event objects for reuse) and fills it with `count` events whose
  // ids are <producer_id>-<sequence>-<index>, stamped with `now` plus (index % 1000) µs.
  void FillBatch(absl::string_view producer_id, uint64_t sequence, int count, absl::Time now,
                 v1::EventBatch* batch);
  void FillBatch(absl::string_view producer_id, uint64_t sequence, int count, v1::EventBatch* batch);

  // The same batch as FillBatch, as the bytes it serializes to, written into `out` (whose
  // allocation is reused) without building the message.
  void EncodeBatch(absl::string_view producer_id, uint64_t sequence, int count, absl::Time now,
                   std::string* out);

  // Overwrites every field of `event` with a new event called `event_id` that happened at `now`.
  void Fill(absl::string_view event_id, absl::Time now, v1::Event* event);

 private:
  struct Session {
    int user = 0;
    SessionId id{};
    v1::DeviceType device = v1::DEVICE_TYPE_UNSPECIFIED;
    int remaining = 0;  // events left before the user leaves
  };

  template <typename T>
  static std::array<T, 100> Table(absl::Span<const Weighted<T>> mix);

  Session& NextSession();
  // The next event's varying fields; every event consumes the generator in the same order.
  EventDraw Draw();
  void MakeInvalid(EventDraw* draw);
  uint64_t Below(uint64_t n) { return rng_() % n; }

  const Catalog& catalog_;
  double invalid_ratio_;
  std::mt19937_64 rng_;
  std::array<v1::EventType, 100> event_types_;
  std::array<v1::DeviceType, 100> devices_;
  std::array<int, 100> quantities_;
  std::vector<Session> sessions_;  // the users browsing right now
  BatchEncoder encoder_;
  std::vector<EventDraw> draws_;  // of the batch being encoded
};

}  // namespace ingest::generator
