#include "generator-client/csv_event_format.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/csv_writer.h"
#include "common/event_row.h"
#include "common/event_text.h"

namespace ingest::generator {
namespace {

using csv::EventColumn;

struct Column {
  const char* name;
  EventColumn column;
};

// One column a line, in file order.
// clang-format off
constexpr Column kUserEventsColumns[] = {
    {"event_id", EventColumn::kEventId},
    {"user_id", EventColumn::kUserId},
    {"event_type", EventColumn::kEventType},
    {"product_id", EventColumn::kProductId},
    {"product_name", EventColumn::kProductName},
    {"product_category", EventColumn::kProductCategory},
    {"product_price", EventColumn::kPrice},
    {"quantity", EventColumn::kQuantity},
    {"event_timestamp", EventColumn::kTimestamp},
    {"session_id", EventColumn::kSessionId},
    {"device_type", EventColumn::kDeviceType},
};

constexpr Column kRawEventsColumns[] = {
    {"event_id", EventColumn::kEventId},
    {"user_id", EventColumn::kUserId},
    {"event_type", EventColumn::kEventType},
    {"product_id", EventColumn::kProductId},
    {"price", EventColumn::kPrice},
    {"timestamp", EventColumn::kTimestamp},
    {"quantity", EventColumn::kQuantity},
    {"session_id", EventColumn::kSessionId},
    {"device_type", EventColumn::kDeviceType},
};
// clang-format on

absl::Span<const Column> ColumnsOf(CsvFormat format) {
  if (format == CsvFormat::kRawEvents) return kRawEventsColumns;
  return kUserEventsColumns;
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Microseconds(t.nanos() / 1000);
}

}  // namespace

std::optional<CsvFormat> ParseCsvFormat(absl::string_view name) {
  if (name == "user_events") return CsvFormat::kUserEvents;
  if (name == "raw_events") return CsvFormat::kRawEvents;
  return std::nullopt;
}

absl::string_view CsvFormatName(CsvFormat format) {
  return format == CsvFormat::kRawEvents ? "raw_events" : "user_events";
}

absl::Span<const Weighted<v1::EventType>> EventMixOf(CsvFormat format) {
  if (format == CsvFormat::kRawEvents) return kRawEventMix;
  return kEventMix;
}

std::string InvalidRowKindsText() {
  return "price 12.345 or abc, event type checkout, date February 30, quantity 0, empty user_id, "
         "a row one cell short";
}

std::string CsvTimestampText(const google::protobuf::Timestamp& time) {
  const absl::Time t = TimeOf(time);
  const int micros = time.nanos() / 1000;
  if (micros == 0) return absl::FormatTime("%Y-%m-%d %H:%M:%S", t, absl::UTCTimeZone());
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", t, absl::UTCTimeZone());
}

CsvEventFormat::CsvEventFormat(CsvFormat format) : format_(format) {
  std::vector<std::string> names;
  for (const Column& c : ColumnsOf(format)) {
    columns_.push_back(c.column);
    names.push_back(c.name);
  }
  csv::AppendCsvRecord(names, &header_);
  cells_.resize(columns_.size());
}

std::string& CsvEventFormat::Cell(EventColumn column) {
  const auto it = std::find(columns_.begin(), columns_.end(), column);
  return cells_[it - columns_.begin()];
}

void CsvEventFormat::FillCells(const v1::Event& e) {
  for (size_t i = 0; i < columns_.size(); ++i) {
    std::string& cell = cells_[i];
    switch (columns_[i]) {
      case EventColumn::kEventId:
        cell = e.event_id();
        break;
      case EventColumn::kUserId:
        cell = e.user_id();
        break;
      case EventColumn::kEventType:
        cell = format_ == CsvFormat::kRawEvents && e.event_type() == v1::EVENT_TYPE_PURCHASE
                   ? "buy"
                   : std::string(EventTypeText(e.event_type()));
        break;
      case EventColumn::kProductId:
        cell = e.product_id();
        break;
      case EventColumn::kProductName:
        cell = e.product_name();
        break;
      case EventColumn::kProductCategory:
        cell = e.product_category();
        break;
      case EventColumn::kPrice:
        cell = FormatCents(e.price_cents());
        break;
      case EventColumn::kQuantity:
        cell = absl::StrCat(e.has_quantity() ? e.quantity() : 1);
        break;
      case EventColumn::kTimestamp:
        cell = CsvTimestampText(e.event_time());
        break;
      case EventColumn::kSessionId:
        cell = e.session_id();
        break;
      case EventColumn::kDeviceType:
        cell = std::string(DeviceTypeText(e.device_type()));
        break;
    }
  }
}

void CsvEventFormat::AppendRow(const v1::Event& event, std::string* out) {
  FillCells(event);
  csv::AppendCsvRecord(cells_, out);
}

void CsvEventFormat::AppendInvalidRow(const v1::Event& event, InvalidRow kind, std::string* out) {
  FillCells(event);
  absl::Span<const std::string> cells = cells_;
  switch (kind) {
    case InvalidRow::kPriceThreeDecimals:
      Cell(EventColumn::kPrice) = "12.345";
      break;
    case InvalidRow::kPriceNotANumber:
      Cell(EventColumn::kPrice) = "abc";
      break;
    case InvalidRow::kUnknownEventType:
      Cell(EventColumn::kEventType) = "checkout";
      break;
    case InvalidRow::kImpossibleDate:
      Cell(EventColumn::kTimestamp) =
          absl::FormatTime("%Y-02-30 %H:%M:%S", TimeOf(event.event_time()), absl::UTCTimeZone());
      break;
    case InvalidRow::kZeroQuantity:
      Cell(EventColumn::kQuantity) = "0";
      break;
    case InvalidRow::kNoUserId:
      Cell(EventColumn::kUserId).clear();
      break;
    case InvalidRow::kMissingCell:
      cells.remove_suffix(1);
      break;
  }
  csv::AppendCsvRecord(cells, out);
}

std::string CatalogCsv(const Catalog& catalog) {
  std::string out;
  csv::AppendCsvRecord({"product_id", "product_name", "product_category", "price"}, &out);
  for (const Product& p : catalog.products()) {
    csv::AppendCsvRecord({p.id, p.name, p.category, FormatCents(p.price_cents)}, &out);
  }
  return out;
}

}  // namespace ingest::generator
