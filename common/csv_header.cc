#include "common/csv_header.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/csv_values.h"

namespace ingest::csv {
namespace {

struct ColumnSpec {
  EventColumn column;
  absl::string_view field;      // the ingest.v1.Event field it fills
  absl::string_view label;      // what messages call it: the raw_events name
  absl::string_view user_name;  // its name in the user_events format
  absl::string_view raw_name;   // its name in the raw_events format
  bool required;
};

constexpr ColumnSpec kSpecs[kEventColumnCount] = {
    {EventColumn::kEventId, "event_id", "event_id", "event_id", "event_id", true},
    {EventColumn::kUserId, "user_id", "user_id", "user_id", "user_id", true},
    {EventColumn::kEventType, "event_type", "event_type", "event_type", "event_type", true},
    {EventColumn::kProductId, "product_id", "product_id", "product_id", "product_id", true},
    {EventColumn::kProductName, "product_name", "product_name", "product_name", "product_name", false},
    {EventColumn::kProductCategory, "product_category", "category", "product_category", "category", false},
    {EventColumn::kPrice, "price_cents", "price", "product_price", "price", true},
    {EventColumn::kQuantity, "quantity", "quantity", "quantity", "quantity", false},
    {EventColumn::kTimestamp, "event_time", "timestamp", "event_timestamp", "timestamp", true},
    {EventColumn::kSessionId, "session_id", "session_id", "session_id", "session_id", false},
    {EventColumn::kDeviceType, "device_type", "device_type", "device_type", "device_type", false},
};

const ColumnSpec& SpecOf(EventColumn column) { return kSpecs[static_cast<int>(column)]; }

// Enough names to see what the file has without a 1000-column message.
constexpr size_t kMaxListedNames = 30;

std::string ColumnsFound(const std::vector<std::string>& names) {
  std::vector<std::string> shown;
  for (size_t i = 0; i < names.size() && i < kMaxListedNames; ++i) {
    shown.push_back(names[i].empty() ? "(unnamed)" : PrintableText(names[i]));
  }
  std::string list = absl::StrJoin(shown, ", ");
  if (names.size() > kMaxListedNames)
    absl::StrAppend(&list, " and ", names.size() - kMaxListedNames, " more");
  return list;
}

std::string NoColumn(const ColumnSpec& spec) {
  if (spec.user_name == spec.raw_name) return absl::StrCat("no ", spec.label, " column");
  return absl::StrCat("no ", spec.label, " column (", spec.user_name, " or ", spec.raw_name, ")");
}

// "a", "a and b", "a, b and c".
std::string JoinWithAnd(const std::vector<std::string>& items) {
  if (items.size() <= 1) return absl::StrJoin(items, "");
  return absl::StrCat(absl::StrJoin(items.begin(), items.end() - 1, ", "), " and ", items.back());
}

}  // namespace

absl::string_view EventFieldName(EventColumn column) { return SpecOf(column).field; }
bool IsRequiredColumn(EventColumn column) { return SpecOf(column).required; }

absl::StatusOr<CsvHeader> CsvHeader::Map(const CsvRecord& header) {
  if (header.unterminated_quote) {
    return absl::InvalidArgumentError(absl::StrCat("the header (line ", header.line,
                                                   ") has a quoted name that is not closed before the end of "
                                                   "the file"));
  }
  if (header.field_count > kMaxFields) {
    return absl::InvalidArgumentError(absl::StrCat("the header has ", header.field_count,
                                                   " columns; at most ", kMaxFields, " are supported"));
  }
  CsvHeader mapped;
  bool user_events_names = false;
  for (const CsvField& field : header.fields) {
    mapped.names_.emplace_back(absl::StripAsciiWhitespace(field.text));
  }
  for (size_t i = 0; i < mapped.names_.size(); ++i) {
    const std::string name = absl::AsciiStrToLower(mapped.names_[i]);
    for (const ColumnSpec& spec : kSpecs) {
      if (name != spec.user_name && name != spec.raw_name) continue;
      int& index = mapped.indexes_[static_cast<int>(spec.column)];
      if (index >= 0 && absl::AsciiStrToLower(mapped.names_[index]) == name) {
        return absl::InvalidArgumentError(
            absl::StrCat("the header names ", name, " twice (columns ", index + 1, " and ", i + 1, ")"));
      }
      if (index >= 0) {
        return absl::InvalidArgumentError(absl::StrCat("the header names both ", spec.raw_name, " and ",
                                                       spec.user_name, ", which are one field; keep one"));
      }
      index = static_cast<int>(i);
      if ((spec.column == EventColumn::kPrice || spec.column == EventColumn::kTimestamp) &&
          name == spec.user_name) {
        user_events_names = true;
      }
      break;
    }
  }
  std::vector<std::string> missing;
  for (const ColumnSpec& spec : kSpecs) {
    if (spec.required && mapped.index(spec.column) < 0) missing.push_back(NoColumn(spec));
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("the header has ", JoinWithAnd(missing),
                                                   "; columns found: ", ColumnsFound(mapped.names_)));
  }
  mapped.format_name_ = user_events_names ? "user_events" : "raw_events";
  return mapped;
}

}  // namespace ingest::csv
