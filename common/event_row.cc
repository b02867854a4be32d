#include "common/event_row.h"

#include <google/protobuf/text_format.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/event_text.h"
#include "common/utf8.h"

namespace ingest {
namespace {

constexpr size_t kMaxPayloadBytes = 4096;

template <typename Timestamp>
int64_t TruncatedMicros(const Timestamp& ts) {
  // Floors toward the past. Validation keeps a row's time in 2000..now; a time that is not (an
  // event of a damaged log record) saturates at the int64 range instead of overflowing it.
  return absl::ToUnixMicros(absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos()));
}

}  // namespace

namespace {

void Assign(std::string& to, absl::string_view from) { to.assign(from.data(), from.size()); }

template <typename Event>
EventRow RowOf(const Event& e) {
  EventRow row;
  Assign(row.event_id, e.event_id());
  Assign(row.user_id, e.user_id());
  row.event_type = std::string(EventTypeText(e.event_type()));
  Assign(row.product_id, e.product_id());
  Assign(row.product_name, e.product_name());
  Assign(row.product_category, e.product_category());
  row.price_cents = e.price_cents();
  row.quantity = e.has_quantity() ? e.quantity() : 1;
  row.event_time_us = TruncatedMicros(e.event_time());
  Assign(row.session_id, e.session_id());
  row.device_type = std::string(DeviceTypeText(e.device_type()));
  return row;
}

}  // namespace

EventRow ToEventRow(const v1::Event& e) { return RowOf(e); }

EventRow ToEventRow(const EventView& e) { return RowOf(e); }

v1::Event ToProtoEvent(const EventRow& row) {
  v1::Event e;
  e.set_event_id(row.event_id);
  e.set_user_id(row.user_id);
  if (auto t = ParseEventType(row.event_type)) e.set_event_type(*t);
  e.set_product_id(row.product_id);
  e.set_product_name(row.product_name);
  e.set_product_category(row.product_category);
  e.set_price_cents(row.price_cents);
  e.set_quantity(row.quantity);
  int64_t secs = row.event_time_us / 1000000;
  int64_t us = row.event_time_us % 1000000;
  if (us < 0) us += 1000000, --secs;
  e.mutable_event_time()->set_seconds(secs);
  e.mutable_event_time()->set_nanos(static_cast<int32_t>(us * 1000));
  e.set_session_id(row.session_id);
  if (auto d = ParseDeviceType(row.device_type)) e.set_device_type(*d);
  return e;
}

std::string PayloadText(const v1::Event& event) {
  // Single-line text format that keeps UTF-8 text readable (ShortDebugString escapes it as octal).
  google::protobuf::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  printer.SetUseUtf8StringEscaping(true);
  std::string text;
  printer.PrintToString(event, &text);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (!IsValidUtf8(text)) text = absl::StrCat("(invalid UTF-8) ", absl::CHexEscape(text));
  return std::string(TruncateUtf8(text, kMaxPayloadBytes));
}

std::string FormatCents(int64_t cents) { return absl::StrFormat("%d.%02d", cents / 100, cents % 100); }

}  // namespace ingest
