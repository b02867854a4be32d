// Which column of a CSV file holds which event field, read from its header row. Columns are
// matched by name (case-insensitive, trimmed) in any order; unknown columns are ignored. Both
// formats of the contract are one mapping in which three fields have two accepted names:
//   user_events: event_id,user_id,event_type,product_id,product_name,product_category,
//                product_price,quantity,event_timestamp,session_id,device_type
//   raw_events:  event_id,user_id,event_type,product_id,price,timestamp (required) and
//                quantity,product_name,category,session_id,device_type (optional)
#pragma once

#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/csv_tokenizer.h"

namespace ingest::csv {

// The event fields a column can hold, in the order of ingest.v1.Event.
enum class EventColumn {
  kEventId,
  kUserId,
  kEventType,
  kProductId,
  kProductName,
  kProductCategory,
  kPrice,
  kQuantity,
  kTimestamp,
  kSessionId,
  kDeviceType,
};
inline constexpr int kEventColumnCount = 11;

// The ingest.v1.Event field a column fills, e.g. "price_cents" for kPrice.
absl::string_view EventFieldName(EventColumn column);
// True for the six columns every file must have.
bool IsRequiredColumn(EventColumn column);

class CsvHeader {
 public:
  // The mapping of a header record, or InvalidArgument naming the columns when the header is
  // unusable: a required column missing, a known column named twice, both names of one field,
  // a quoted name never closed, or more than kMaxFields columns. Unknown columns may repeat:
  // they are ignored whatever their names.
  static absl::StatusOr<CsvHeader> Map(const CsvRecord& header);

  // 0-based index of the column holding `column`, or -1 when the file has none.
  int index(EventColumn column) const { return indexes_[static_cast<int>(column)]; }
  // The name of column `index` as written in the header (trimmed), for messages.
  const std::string& name(int index) const { return names_[index]; }
  // Every row must have this many fields.
  size_t column_count() const { return names_.size(); }
  // "user_events" when the header uses product_price or event_timestamp, else "raw_events".
  absl::string_view format_name() const { return format_name_; }

 private:
  CsvHeader() { indexes_.fill(-1); }

  std::array<int, kEventColumnCount> indexes_;
  std::vector<std::string> names_;
  absl::string_view format_name_;
};

}  // namespace ingest::csv
