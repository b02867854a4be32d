// The two CSV row formats of the seed generator, as the contract's "CSV" section reads them:
//   user_events: event_id,user_id,event_type,product_id,product_name,product_category,
//                product_price,quantity,event_timestamp,session_id,device_type
//   raw_events:  event_id,user_id,event_type,product_id,price,timestamp,quantity,session_id,
//                device_type  (event types view, click and buy only)
// Prices are decimal text with 2 decimals ("12.99"), timestamps naive UTC like the seed's
// ("2025-11-23 14:05:09", ".ffffff" added when there are microseconds), enums lowercase text.
// Rows made invalid on purpose (--invalid-ratio) break the CSV text itself, one way per row.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/csv_header.h"
#include "generator-client/catalog.h"
#include "generator-client/event_factory.h"
#include "google/protobuf/timestamp.pb.h"
#include "ingest/v1/event.pb.h"

namespace ingest::generator {

enum class CsvFormat { kUserEvents, kRawEvents };

// "user_events" or "raw_events"; nullopt for anything else.
std::optional<CsvFormat> ParseCsvFormat(absl::string_view name);
absl::string_view CsvFormatName(CsvFormat format);

// The event types rows of `format` are drawn from: the click-stream mix (kEventMix), or
// view/click/buy 70/20/10 (kRawEventMix) for raw_events.
absl::Span<const Weighted<v1::EventType>> EventMixOf(CsvFormat format);

// The ways a row is made invalid on purpose, each rejected by the CSV reader with one code.
enum class InvalidRow {
  kPriceThreeDecimals,  // price "12.345"                       bad_number
  kPriceNotANumber,     // price "abc"                          bad_number
  kUnknownEventType,    // event_type "checkout"                bad_enum
  kImpossibleDate,      // timestamp on February 30             bad_timestamp
  kZeroQuantity,        // quantity "0"                         out_of_range
  kNoUserId,            // user_id empty                        missing_field
  kMissingCell,         // the last cell left out               wrong_field_count
};
inline constexpr int kInvalidRowKinds = 7;

// "price 12.345 or abc, event type checkout, ..." for --help.
std::string InvalidRowKindsText();

// "2025-11-23 14:05:09" or "2025-11-23 14:05:09.000123": UTC, truncated to the microsecond.
std::string CsvTimestampText(const google::protobuf::Timestamp& time);

// Turns events into CSV rows of one format; reuses its buffers from row to row.
class CsvEventFormat {
 public:
  explicit CsvEventFormat(CsvFormat format);

  CsvFormat format() const { return format_; }
  // The header row, ending with "\n".
  const std::string& header() const { return header_; }

  // Appends the row of `event`, ending with "\n", to `*out`.
  void AppendRow(const v1::Event& event, std::string* out);
  // Appends the row of `event` made invalid the way `kind` says.
  void AppendInvalidRow(const v1::Event& event, InvalidRow kind, std::string* out);

 private:
  void FillCells(const v1::Event& event);
  // The cell of `column`; `column` is one of columns_.
  std::string& Cell(csv::EventColumn column);

  CsvFormat format_;
  std::vector<csv::EventColumn> columns_;
  std::string header_;
  std::vector<std::string> cells_;
};

// The product catalog as CSV: product_id,product_name,product_category,price.
std::string CatalogCsv(const Catalog& catalog);

}  // namespace ingest::generator
