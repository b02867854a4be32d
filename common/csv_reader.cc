#include "common/csv_reader.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/csv_values.h"
#include "common/status_util.h"
#include "common/utf8.h"

namespace ingest::csv {
namespace {

// An id a rejection can carry into rejected_events.event_id: a PostgreSQL TEXT holds no NUL.
bool IsValidId(const std::string& id) {
  return !id.empty() && id.size() <= kMaxIdBytes && IsStorableText(id);
}

std::optional<Problem> ReadText(const CsvField& cell, size_t max_bytes, std::string* out) {
  if (auto p = CheckTextCell(cell.text, cell.size, max_bytes)) return p;
  *out = cell.text;
  return std::nullopt;
}

// Reads one non-empty cell into its field of `event`, which is left alone on a problem.
std::optional<Problem> ReadCell(EventColumn column, const CsvField& cell, v1::Event* event) {
  switch (column) {
    case EventColumn::kEventId:
      return ReadText(cell, kMaxIdBytes, event->mutable_event_id());
    case EventColumn::kUserId:
      return ReadText(cell, kMaxIdBytes, event->mutable_user_id());
    case EventColumn::kProductId:
      return ReadText(cell, kMaxIdBytes, event->mutable_product_id());
    case EventColumn::kProductName:
      return ReadText(cell, kMaxProductNameBytes, event->mutable_product_name());
    case EventColumn::kProductCategory:
      return ReadText(cell, kMaxCategoryBytes, event->mutable_product_category());
    case EventColumn::kSessionId:
      return ReadText(cell, kMaxSessionIdBytes, event->mutable_session_id());
    case EventColumn::kEventType: {
      v1::EventType type;
      if (auto p = ParseEventTypeCell(cell.text, &type)) return p;
      event->set_event_type(type);
      return std::nullopt;
    }
    case EventColumn::kDeviceType: {
      v1::DeviceType type;
      if (auto p = ParseDeviceTypeCell(cell.text, &type)) return p;
      event->set_device_type(type);
      return std::nullopt;
    }
    case EventColumn::kPrice: {
      int64_t cents;
      if (auto p = ParsePriceCell(cell.text, &cents)) return p;
      event->set_price_cents(cents);
      return std::nullopt;
    }
    case EventColumn::kQuantity: {
      std::optional<int32_t> quantity;
      if (auto p = ParseQuantityCell(cell.text, &quantity)) return p;
      if (quantity) event->set_quantity(*quantity);
      return std::nullopt;
    }
    case EventColumn::kTimestamp: {
      google::protobuf::Timestamp time;
      if (auto p = ParseTimestampCell(cell.text, &time)) return p;
      *event->mutable_event_time() = time;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

CsvReader::CsvReader(std::istream& in) : tokenizer_(in) {}

absl::string_view CsvReader::format_name() const {
  return header_ ? header_->format_name() : absl::string_view();
}

absl::Status CsvReader::ReadHeader() {
  if (header_) return absl::FailedPreconditionError("the CSV header was already read");
  if (!tokenizer_.Next(&record_)) {
    RETURN_IF_ERROR(tokenizer_.status());
    return absl::InvalidArgumentError(
        "the file is empty; it needs a header row naming its columns, e.g. "
        "event_id,user_id,event_type,product_id,price,timestamp");
  }
  ASSIGN_OR_RETURN(CsvHeader header, CsvHeader::Map(record_));
  header_ = std::move(header);
  return absl::OkStatus();
}

bool CsvReader::Next(CsvRow* row, absl::Time now) {
  if (!header_ || !tokenizer_.Next(&record_)) return false;
  ReadRow(row, now);
  return true;
}

void CsvReader::ReadRow(CsvRow* row, absl::Time now) {
  row->line = record_.line;
  row->raw.swap(record_.raw);
  row->event.Clear();
  row->problem = CheckShape();
  if (row->problem) {
    // Cells of a misshapen row may sit in the wrong columns; only the id is worth a try, for
    // the rejection, and only when it comes before a quote that never closes.
    const int id_index = header_->index(EventColumn::kEventId);
    const bool id_is_whole =
        !record_.unterminated_quote || id_index + 1 < static_cast<int>(record_.field_count);
    if (id_index < static_cast<int>(record_.fields.size()) && id_is_whole) {
      ReadCell(EventColumn::kEventId, record_.fields[id_index], &row->event);
    }
  } else {
    row->problem = ReadCells(&row->event);
  }
  if (!row->problem) {
    if (auto p = ValidateEvent(row->event, now)) {
      // The reason starts with the Event field's name; say which column that is instead.
      row->problem = Problem{p->code, absl::StrCat(Where(-1), ": ", p->reason)};
      for (int c = 0; c < kEventColumnCount; ++c) {
        const auto column = static_cast<EventColumn>(c);
        absl::string_view rest = p->reason;
        if (absl::ConsumePrefix(&rest, EventFieldName(column)) && absl::ConsumePrefix(&rest, " ")) {
          row->problem->reason = absl::StrCat(Where(header_->index(column)), ": ", rest);
          break;
        }
      }
    }
  }
  if (row->problem && !IsValidId(row->event.event_id())) row->event.clear_event_id();
}

std::optional<Problem> CsvReader::CheckShape() const {
  // A quote that never closes takes the rest of the file into this row, so its fields cannot be
  // counted or trusted; of the contract's codes, wrong_field_count best says the row is misshapen.
  if (record_.unterminated_quote) {
    return Problem{code::kWrongFieldCount,
                   absl::StrCat(Where(static_cast<int>(record_.field_count) - 1),
                                ": a quoted field is not closed before the end of the file")};
  }
  if (record_.field_count != header_->column_count()) {
    return Problem{code::kWrongFieldCount, absl::StrCat("line ", record_.line, " has ", record_.field_count,
                                                        " fields; the header has ", header_->column_count())};
  }
  return std::nullopt;
}

std::optional<Problem> CsvReader::ReadCells(v1::Event* event) const {
  std::optional<Problem> first;
  for (int c = 0; c < kEventColumnCount; ++c) {
    const auto column = static_cast<EventColumn>(c);
    const int index = header_->index(column);
    if (index < 0) continue;
    const CsvField& cell = record_.fields[index];
    std::optional<Problem> problem;
    if (cell.size == 0) {
      if (IsRequiredColumn(column))
        problem = Problem{code::kMissingField, "the value is empty; this column is required"};
    } else {
      problem = ReadCell(column, cell, event);
    }
    if (problem && !first) first = Problem{problem->code, absl::StrCat(Where(index), ": ", problem->reason)};
  }
  return first;
}

std::string CsvReader::Where(int index) const {
  if (index < 0 || index >= static_cast<int>(header_->column_count()) || header_->name(index).empty()) {
    return absl::StrCat("line ", record_.line);
  }
  return absl::StrCat("line ", record_.line, ", column ", PrintableText(header_->name(index)));
}

}  // namespace ingest::csv
