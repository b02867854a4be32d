// Reads events from a CSV file in the user_events or raw_events format of the contract, one row
// at a time: each row becomes an ingest.v1.Event, or a Problem (contract code, and a reason that
// says where: "line 12, column product_price: \"12.345\" has more than 2 decimal places").
// Memory is bounded by one row (see csv_tokenizer.h), whatever the size of the file.
//
//   CsvReader reader(file);
//   RETURN_IF_ERROR(reader.ReadHeader());
//   CsvRow row;
//   while (reader.Next(&row, clock.Now())) { row.problem ? Reject(row) : Accept(row.event); }
//   RETURN_IF_ERROR(reader.status());
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/csv_header.h"
#include "common/csv_tokenizer.h"
#include "common/validation.h"
#include "ingest/v1/event.pb.h"

namespace ingest::csv {

struct CsvRow {
  int64_t line = 0;  // physical line where the row starts (header = 1): the rejection's index
  // The row as in the file without its line ending, at most 4 KiB (cut on a UTF-8 boundary):
  // the rejection's payload. Bytes as read: for a bad_utf8 row it is not valid UTF-8.
  std::string raw;
  // The event when `problem` is empty. For a bad row, every cell that could be read on its own
  // (the rest left at their defaults), so that the rejection can carry the event_id; event_id
  // itself is kept only when it is a valid id (1..50 bytes of UTF-8, no NUL), else left empty.
  v1::Event event;
  // The first problem, in the field order of ingest.v1.Event; its reason starts with the line
  // and, when there is one, the column ("line 7, column price: ...").
  std::optional<Problem> problem;
};

class CsvReader {
 public:
  explicit CsvReader(std::istream& in);

  // Reads the header row; call it once, first. InvalidArgument naming the columns when the
  // header is unusable or the file is empty (nothing may be stored from such a file);
  // DataLoss when reading the stream failed.
  absl::Status ReadHeader();

  // The next row into `*row`; false at the end of the input, or before ReadHeader succeeded.
  // `now` is the server's clock, for the future-timestamp rule. Blank lines are skipped.
  bool Next(CsvRow* row, absl::Time now);

  // "user_events" or "raw_events" (empty before ReadHeader), for logs.
  absl::string_view format_name() const;

  // OK unless reading the stream failed; check it once Next returned false.
  absl::Status status() const { return tokenizer_.status(); }

 private:
  // Fills `row` from record_: its shape, then each cell, then the contract's remaining rules.
  void ReadRow(CsvRow* row, absl::Time now);
  std::optional<Problem> ReadCells(v1::Event* event) const;
  std::optional<Problem> CheckShape() const;
  std::string Where(int index) const;  // "line 7, column price", or "line 7" without a column

  CsvTokenizer tokenizer_;
  std::optional<CsvHeader> header_;
  CsvRecord record_;  // the record being read; reused so its buffers are allocated once
};

}  // namespace ingest::csv
