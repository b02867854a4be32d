#include "generator-client/event_factory.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/event_text.h"
#include "common/validation.h"

namespace ingest::generator {
namespace {

constexpr int kActiveSessions = 64;
constexpr int kMaxSessionEvents = 8;

bool HasQuantity(v1::EventType type) {
  return type == v1::EVENT_TYPE_ADD_TO_CART || type == v1::EVENT_TYPE_REMOVE_FROM_CART ||
         type == v1::EVENT_TYPE_PURCHASE;
}

}  // namespace

std::string EventMixText() {
  std::string text;
  for (const auto& w : kEventMix) {
    absl::StrAppend(&text, text.empty() ? "" : ", ", EventTypeText(w.value), " ", w.percent, "%");
  }
  return text;
}

template <typename T>
std::array<T, 100> EventFactory::Table(absl::Span<const Weighted<T>> mix) {
  std::array<T, 100> table{};
  size_t i = 0;
  for (const auto& w : mix) {
    for (int k = 0; k < w.percent && i < table.size(); ++k) table[i++] = w.value;
  }
  for (; i < table.size(); ++i) table[i] = mix[0].value;  // in case a table sums below 100
  return table;
}

EventFactory::EventFactory(const Catalog& catalog, uint64_t seed, double invalid_ratio,
                           absl::Span<const Weighted<v1::EventType>> mix)
    : catalog_(catalog),
      invalid_ratio_(invalid_ratio),
      rng_(seed),
      event_types_(Table(mix)),
      devices_(Table<v1::DeviceType>(kDeviceMix)),
      quantities_(Table<int>(kQuantityMix)),
      sessions_(kActiveSessions) {}

EventFactory::Session& EventFactory::NextSession() {
  Session& s = sessions_[Below(sessions_.size())];
  if (s.remaining <= 0) {
    s.user = static_cast<int>(Below(catalog_.users().size()));
    s.id = absl::StrFormat("sess_%016x", rng_());
    s.device = devices_[Below(100)];
    s.remaining = 1 + static_cast<int>(Below(kMaxSessionEvents));
  }
  --s.remaining;
  return s;
}

void EventFactory::Fill(absl::string_view event_id, absl::Time now, v1::Event* e) {
  const Session& s = NextSession();
  const Product& p = catalog_.products()[Below(catalog_.products().size())];
  v1::EventType type = event_types_[Below(100)];
  e->set_event_id(event_id.data(), event_id.size());
  e->set_user_id(catalog_.users()[s.user]);
  e->set_event_type(type);
  e->set_product_id(p.id);
  e->set_product_name(p.name);
  e->set_product_category(p.category);
  e->set_price_cents(p.price_cents);
  e->set_quantity(HasQuantity(type) ? quantities_[Below(100)] : 1);
  int64_t micros = absl::ToUnixMicros(now);
  e->mutable_event_time()->set_seconds(micros / 1000000);
  e->mutable_event_time()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  e->set_session_id(s.id);
  e->set_device_type(s.device);
  if (invalid_ratio_ > 0 && static_cast<double>(rng_() >> 11) * 0x1.0p-53 < invalid_ratio_) {
    MakeInvalid(e);
  }
}

void EventFactory::MakeInvalid(v1::Event* e) {
  switch (Below(4)) {
    case 0:
      e->set_quantity(0);
      break;
    case 1:
      e->clear_user_id();
      break;
    case 2:
      e->set_price_cents(kMaxPriceCents);
      break;
    default:
      e->set_event_type(v1::EVENT_TYPE_UNSPECIFIED);
      break;
  }
}

void EventFactory::FillBatch(absl::string_view producer_id, uint64_t sequence, int count,
                             v1::EventBatch* batch) {
  batch->Clear();  // keeps the cleared event objects for Add() to reuse
  batch->set_producer_id(producer_id.data(), producer_id.size());
  batch->set_sequence(sequence);
  std::string id = absl::StrCat(producer_id, "-", sequence, "-");
  const size_t prefix = id.size();
  absl::Time now = absl::Now();
  for (int i = 0; i < count; ++i) {
    id.resize(prefix);
    absl::StrAppend(&id, i);
    Fill(id, now + absl::Microseconds(i % 1000), batch->add_events());
  }
}

}  // namespace ingest::generator
