#include "generator-client/batch_encoder.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ingest/v1/ingest.pb.h"

namespace ingest::generator {
namespace {

// Wire types of the fields written here.
constexpr uint32_t kVarint = 0;
constexpr uint32_t kLengthDelimited = 2;

constexpr char Tag(uint32_t field, uint32_t wire_type) { return static_cast<char>(field << 3 | wire_type); }

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

size_t DigitCount(int v) {
  size_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

// The encoding of an int32 or enum field's value: negative ones are sign-extended to 64 bits.
uint64_t Int32Value(int32_t v) { return static_cast<uint64_t>(int64_t{v}); }

// A varint field's size; proto3 leaves out a zero unless the field has presence (`always`).
size_t VarintFieldSize(uint64_t v, bool always = false) { return v == 0 && !always ? 0 : 1 + VarintSize(v); }
size_t StringFieldSize(size_t size) { return size == 0 ? 0 : 1 + VarintSize(size) + size; }

char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

char* PutVarintField(char* p, uint32_t field, uint64_t v, bool always = false) {
  if (v == 0 && !always) return p;
  *p++ = Tag(field, kVarint);
  return PutVarint(p, v);
}

char* PutBytes(char* p, absl::string_view s) {
  return static_cast<char*>(std::memcpy(p, s.data(), s.size())) + s.size();
}

char* PutStringField(char* p, uint32_t field, absl::string_view s) {
  if (s.empty()) return p;
  *p++ = Tag(field, kLengthDelimited);
  return PutBytes(PutVarint(p, s.size()), s);
}

std::string StringField(uint32_t field, absl::string_view s) {
  std::string out(StringFieldSize(s.size()), '\0');
  PutStringField(out.data(), field, s);
  return out;
}

// google.protobuf.Timestamp of `unix_micros`, as Fill sets it: seconds, and nanos to the µs.
int64_t Seconds(int64_t unix_micros) { return unix_micros / 1000000; }
int32_t Nanos(int64_t unix_micros) { return static_cast<int32_t>(unix_micros % 1000000) * 1000; }
size_t TimestampSize(int64_t unix_micros) {
  return VarintFieldSize(static_cast<uint64_t>(Seconds(unix_micros))) +
         VarintFieldSize(Int32Value(Nanos(unix_micros)));
}

}  // namespace

BatchEncoder::BatchEncoder(const Catalog& catalog) {
  for (const std::string& u : catalog.users())
    users_.push_back(StringField(v1::Event::kUserIdFieldNumber, u));
  for (const Product& p : catalog.products()) {
    products_.push_back(StringField(v1::Event::kProductIdFieldNumber, p.id) +
                        StringField(v1::Event::kProductNameFieldNumber, p.name) +
                        StringField(v1::Event::kProductCategoryFieldNumber, p.category));
  }
}

size_t BatchEncoder::EventSize(size_t id_size, const EventDraw& e) const {
  const size_t time = TimestampSize(e.unix_micros);
  return StringFieldSize(id_size) + (e.user >= 0 ? users_[e.user].size() : 0) +
         VarintFieldSize(Int32Value(e.type)) + products_[e.product].size() +
         VarintFieldSize(static_cast<uint64_t>(e.price_cents)) +
         VarintFieldSize(Int32Value(e.quantity), true) + 1 + VarintSize(time) + time +
         StringFieldSize(e.session_id.size()) + VarintFieldSize(Int32Value(e.device));
}

char* BatchEncoder::WriteEvent(char* p, absl::string_view id_prefix, int index, const EventDraw& e) const {
  // Fields in number order, as protobuf writes them.
  *p++ = Tag(v1::Event::kEventIdFieldNumber, kLengthDelimited);
  p = PutVarint(p, id_prefix.size() + DigitCount(index));
  char* digits = PutBytes(p, id_prefix);
  p = std::to_chars(digits, digits + DigitCount(index), index).ptr;
  if (e.user >= 0) p = PutBytes(p, users_[e.user]);
  p = PutVarintField(p, v1::Event::kEventTypeFieldNumber, Int32Value(e.type));
  p = PutBytes(p, products_[e.product]);
  p = PutVarintField(p, v1::Event::kPriceCentsFieldNumber, static_cast<uint64_t>(e.price_cents));
  // quantity is `optional`: written whenever set, zero included.
  p = PutVarintField(p, v1::Event::kQuantityFieldNumber, Int32Value(e.quantity), true);
  *p++ = Tag(v1::Event::kEventTimeFieldNumber, kLengthDelimited);
  p = PutVarint(p, TimestampSize(e.unix_micros));
  p = PutVarintField(p, 1, static_cast<uint64_t>(Seconds(e.unix_micros)));
  p = PutVarintField(p, 2, Int32Value(Nanos(e.unix_micros)));
  p = PutStringField(p, v1::Event::kSessionIdFieldNumber, View(e.session_id));
  return PutVarintField(p, v1::Event::kDeviceTypeFieldNumber, Int32Value(e.device));
}

void BatchEncoder::Encode(absl::string_view producer_id, uint64_t sequence, absl::string_view id_prefix,
                          absl::Span<const EventDraw> events, std::string* out) {
  size_t total = StringFieldSize(producer_id.size()) + VarintFieldSize(sequence);
  sizes_.resize(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    sizes_[i] =
        static_cast<uint32_t>(EventSize(id_prefix.size() + DigitCount(static_cast<int>(i)), events[i]));
    total += 1 + VarintSize(sizes_[i]) + sizes_[i];
  }
  // A buffer reused for batches of about this size: no allocation, little to clear. Headroom
  // keeps a slightly larger next batch from reallocating (and copying) it.
  if (out->capacity() < total) out->reserve(total + total / 8);
  out->resize(total);
  char* p = PutStringField(out->data(), v1::EventBatch::kProducerIdFieldNumber, producer_id);
  p = PutVarintField(p, v1::EventBatch::kSequenceFieldNumber, sequence);
  for (size_t i = 0; i < events.size(); ++i) {
    *p++ = Tag(v1::EventBatch::kEventsFieldNumber, kLengthDelimited);
    p = WriteEvent(PutVarint(p, sizes_[i]), id_prefix, static_cast<int>(i), events[i]);
  }
  if (p != out->data() + total) {  // EventSize and WriteEvent disagree: a bug, never bad data sent
    std::fprintf(stderr, "event-generator: BatchEncoder wrote %zu bytes for %zu computed\n",
                 static_cast<size_t>(p - out->data()), total);
    std::abort();
  }
}

}  // namespace ingest::generator
