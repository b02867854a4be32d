#include "common/event_view.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace ingest {
namespace {

using google::protobuf::io::CodedInputStream;
using WireType = google::protobuf::internal::WireFormatLite::WireType;
using google::protobuf::internal::WireFormatLite;

bool ReadInt32(CodedInputStream& in, int32_t* out) {
  uint64_t v = 0;  // a negative int32 is sent as a 10-byte varint
  if (!in.ReadVarint64(&v)) return false;
  *out = static_cast<int32_t>(v);
  return true;
}

bool ParseTime(absl::string_view bytes, TimeView* out) {
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  while (uint32_t tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const bool varint = WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_VARINT;
    uint64_t v = 0;
    if (field == 1 && varint) {
      if (!in.ReadVarint64(&v)) return false;
      out->seconds_ = static_cast<int64_t>(v);
    } else if (field == 2 && varint) {
      if (!ReadInt32(in, &out->nanos_)) return false;
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  return in.ConsumedEntireMessage();
}

}  // namespace

bool ReadLengthDelimited(CodedInputStream& in, absl::string_view all, absl::string_view* out) {
  uint32_t size = 0;
  if (!in.ReadVarint32(&size)) return false;
  const int at = in.CurrentPosition();
  if (!in.Skip(static_cast<int>(size))) return false;
  *out = all.substr(static_cast<size_t>(at), size);
  return true;
}

bool EventView::Parse(absl::string_view bytes) {
  *this = EventView();
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  while (uint32_t tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const WireType type = WireFormatLite::GetTagWireType(tag);
    const bool len = type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    const bool varint = type == WireFormatLite::WIRETYPE_VARINT;
    absl::string_view* text = nullptr;
    switch (field) {
      case 1:
        text = &event_id_;
        break;
      case 2:
        text = &user_id_;
        break;
      case 4:
        text = &product_id_;
        break;
      case 5:
        text = &product_name_;
        break;
      case 6:
        text = &product_category_;
        break;
      case 10:
        text = &session_id_;
        break;
      default:
        break;
    }
    bool ok = true;
    uint64_t v = 0;
    absl::string_view time;
    if (text && len) {
      ok = ReadLengthDelimited(in, bytes, text);
    } else if (field == 3 && varint) {
      ok = ReadInt32(in, &event_type_);
    } else if (field == 11 && varint) {
      ok = ReadInt32(in, &device_type_);
    } else if (field == 7 && varint) {
      ok = in.ReadVarint64(&v);
      price_cents_ = static_cast<int64_t>(v);
    } else if (field == 8 && varint) {
      ok = ReadInt32(in, &quantity_);
      has_quantity_ = true;
    } else if (field == 9 && len) {
      ok = ReadLengthDelimited(in, bytes, &time) && ParseTime(time, &event_time_);  // repeated: merged
      has_event_time_ = true;
    } else {
      ok = WireFormatLite::SkipField(&in, tag);
    }
    if (!ok) return false;
  }
  return in.ConsumedEntireMessage();
}

v1::Event EventView::ToProto() const {
  v1::Event e;
  e.set_event_id(std::string(event_id_));
  e.set_user_id(std::string(user_id_));
  e.set_event_type(event_type());
  e.set_product_id(std::string(product_id_));
  e.set_product_name(std::string(product_name_));
  e.set_product_category(std::string(product_category_));
  e.set_price_cents(price_cents_);
  if (has_quantity_) e.set_quantity(quantity_);
  if (has_event_time_) {
    e.mutable_event_time()->set_seconds(event_time_.seconds_);
    e.mutable_event_time()->set_nanos(event_time_.nanos_);
  }
  e.set_session_id(std::string(session_id_));
  e.set_device_type(device_type());
  return e;
}

}  // namespace ingest
