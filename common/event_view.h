// EventView: one ingest.v1.Event read straight from its wire bytes, without building a message:
// its text fields are views into those bytes, which must outlive the view. The accessors mirror
// v1::Event's, so that validation (ValidateEvent) reads either. Text is taken as bytes, as the
// server's wire schema does (ingest/wire/received_batch.proto): one event whose text is not UTF-8
// is rejected on its own by validation rather than failing the whole message.
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"
#include "ingest/v1/event.pb.h"

namespace google::protobuf::io {
class CodedInputStream;
}

namespace ingest {

// Reads a length-delimited field's bytes (after its tag) from `in`, a stream over `all`, as a
// view into `all`. False when the field runs past the end.
bool ReadLengthDelimited(google::protobuf::io::CodedInputStream& in, absl::string_view all,
                         absl::string_view* out);

struct TimeView {
  int64_t seconds_ = 0;
  int32_t nanos_ = 0;
  int64_t seconds() const { return seconds_; }
  int32_t nanos() const { return nanos_; }
};

class EventView {
 public:
  // Reads one Event from `bytes`: false when they are not a well-formed Event message. Unknown
  // fields and known fields with another wire type are skipped, as protobuf's parser does.
  bool Parse(absl::string_view bytes);

  absl::string_view event_id() const { return event_id_; }
  absl::string_view user_id() const { return user_id_; }
  v1::EventType event_type() const { return static_cast<v1::EventType>(event_type_); }
  absl::string_view product_id() const { return product_id_; }
  absl::string_view product_name() const { return product_name_; }
  absl::string_view product_category() const { return product_category_; }
  int64_t price_cents() const { return price_cents_; }
  bool has_quantity() const { return has_quantity_; }
  int32_t quantity() const { return quantity_; }
  bool has_event_time() const { return has_event_time_; }
  const TimeView& event_time() const { return event_time_; }
  absl::string_view session_id() const { return session_id_; }
  v1::DeviceType device_type() const { return static_cast<v1::DeviceType>(device_type_); }

  // The event as a message (for a rejection's payload).
  v1::Event ToProto() const;

 private:
  absl::string_view event_id_, user_id_, product_id_, product_name_, product_category_, session_id_;
  int32_t event_type_ = 0;
  int32_t device_type_ = 0;
  int64_t price_cents_ = 0;
  bool has_quantity_ = false;
  int32_t quantity_ = 0;
  bool has_event_time_ = false;
  TimeView event_time_;
};

}  // namespace ingest
