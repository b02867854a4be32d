#include "generator-client/event_factory.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/event_text.h"
#include "common/validation.h"

namespace ingest::generator {
namespace {

constexpr int kActiveSessions = 64;
constexpr int kMaxSessionEvents = 8;

// "sess_" and `v` as 16 lowercase hex digits.
void WriteSessionId(uint64_t v, SessionId* id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::memcpy(id->data(), "sess_", 5);
  for (size_t i = 5; i < id->size(); ++i, v <<= 4) (*id)[i] = kHex[v >> 60];
}

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
      sessions_(kActiveSessions),
      encoder_(catalog) {}

EventFactory::Session& EventFactory::NextSession() {
  Session& s = sessions_[Below(sessions_.size())];
  if (s.remaining <= 0) {
    s.user = static_cast<int>(Below(catalog_.users().size()));
    WriteSessionId(rng_(), &s.id);
    s.device = devices_[Below(100)];
    s.remaining = 1 + static_cast<int>(Below(kMaxSessionEvents));
  }
  --s.remaining;
  return s;
}

EventDraw EventFactory::Draw() {
  const Session& s = NextSession();
  EventDraw d;
  d.user = s.user;
  d.session_id = s.id;
  d.device = s.device;
  d.product = static_cast<int>(Below(catalog_.products().size()));
  d.price_cents = catalog_.products()[d.product].price_cents;
  d.type = event_types_[Below(100)];
  d.quantity = HasQuantity(d.type) ? quantities_[Below(100)] : 1;
  if (invalid_ratio_ > 0 && static_cast<double>(rng_() >> 11) * 0x1.0p-53 < invalid_ratio_) MakeInvalid(&d);
  return d;
}

void EventFactory::MakeInvalid(EventDraw* d) {
  switch (Below(4)) {
    case 0:
      d->quantity = 0;
      break;
    case 1:
      d->user = -1;
      break;
    case 2:
      d->price_cents = kMaxPriceCents;
      break;
    default:
      d->type = v1::EVENT_TYPE_UNSPECIFIED;
      break;
  }
}

void EventFactory::Fill(absl::string_view event_id, absl::Time now, v1::Event* e) {
  const EventDraw d = Draw();
  const Product& p = catalog_.products()[d.product];
  e->set_event_id(event_id.data(), event_id.size());
  if (d.user >= 0) {
    e->set_user_id(catalog_.users()[d.user]);
  } else {
    e->clear_user_id();
  }
  e->set_event_type(d.type);
  e->set_product_id(p.id);
  e->set_product_name(p.name);
  e->set_product_category(p.category);
  e->set_price_cents(d.price_cents);
  e->set_quantity(d.quantity);
  int64_t micros = absl::ToUnixMicros(now);
  e->mutable_event_time()->set_seconds(micros / 1000000);
  e->mutable_event_time()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  e->set_session_id(d.session_id.data(), d.session_id.size());
  e->set_device_type(d.device);
}

std::string EventIdPrefix(absl::string_view producer_id, uint64_t sequence) {
  return absl::StrCat(producer_id, "-", sequence, "-");
}

void EventFactory::FillBatch(absl::string_view producer_id, uint64_t sequence, int count,
                             v1::EventBatch* batch) {
  FillBatch(producer_id, sequence, count, absl::Now(), batch);
}

void EventFactory::FillBatch(absl::string_view producer_id, uint64_t sequence, int count, absl::Time now,
                             v1::EventBatch* batch) {
  batch->Clear();  // keeps the cleared event objects for Add() to reuse
  batch->set_producer_id(producer_id.data(), producer_id.size());
  batch->set_sequence(sequence);
  std::string id = EventIdPrefix(producer_id, sequence);
  const size_t prefix = id.size();
  for (int i = 0; i < count; ++i) {
    id.resize(prefix);
    absl::StrAppend(&id, i);
    Fill(id, now + absl::Microseconds(i % 1000), batch->add_events());
  }
}

void EventFactory::EncodeBatch(absl::string_view producer_id, uint64_t sequence, int count, absl::Time now,
                               std::string* out) {
  const int64_t micros = absl::ToUnixMicros(now);
  draws_.clear();
  draws_.reserve(count);
  for (int i = 0; i < count; ++i) {
    draws_.push_back(Draw());
    draws_.back().unix_micros = micros + i % 1000;
  }
  encoder_.Encode(producer_id, sequence, EventIdPrefix(producer_id, sequence), draws_, out);
}

}  // namespace ingest::generator
