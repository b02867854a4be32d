// Splits a CSV stream into records (RFC 4180), one at a time, so memory stays bounded by one
// record whatever the file size.
//
// Hand-written rather than Debian's libcsv: libcsv can stream, but it reports neither where a
// record starts (we need the physical line for Rejection.index) nor whether a field was quoted
// (unquoted fields are trimmed, quoted ones kept verbatim), and it trims inside quotes too.
//
// Rules, beyond RFC 4180:
// - records end at LF or CRLF; a CR not followed by LF is an ordinary character;
// - a UTF-8 byte order mark at the very start of the stream is skipped;
// - a blank record (nothing, or only spaces and tabs, outside quotes) is skipped;
// - unquoted fields are trimmed of spaces and tabs; quoted fields are kept verbatim, and spaces
//   or tabs around the quotes are dropped;
// - lenient like most readers: a quote inside an unquoted field (`ab"c`) is kept literally, and
//   text after a closing quote (`"ab"c`) is appended literally (`abc`);
// - a quote still open at the end of the stream ends the record there and marks it
//   `unterminated_quote`: the rest of the file is one broken record.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace ingest::csv {

// What a record keeps of itself: enough for a rejection payload (4 KiB, as the contract's
// rejected_events.payload) and for any valid value (the longest is 255 bytes), so that one
// huge line or a runaway quote cannot make memory grow with the file.
inline constexpr size_t kMaxRawBytes = 4096;
inline constexpr size_t kMaxFieldBytes = 4096;
inline constexpr size_t kMaxFields = 1024;

struct CsvField {
  std::string text;  // the value (unquoted, doubled quotes undone), at most kMaxFieldBytes
  size_t size = 0;   // the value's full length in bytes, also when `text` was cut
  bool quoted = false;
};

struct CsvRecord {
  int64_t line = 0;              // physical line where the record starts, 1-based
  std::string raw;               // the record as in the file without its line ending, cut to
                                 // kMaxRawBytes on a UTF-8 boundary
  std::vector<CsvField> fields;  // the first kMaxFields fields
  size_t field_count = 0;        // all fields, also those past kMaxFields
  bool unterminated_quote = false;
};

class CsvTokenizer {
 public:
  explicit CsvTokenizer(std::istream& in);

  // Reads the next non-blank record into `*record`; false at the end of the stream (or when
  // reading failed, see status()).
  bool Next(CsvRecord* record);

  // OK unless reading the stream failed (an I/O error, not the end of the file).
  absl::Status status() const;

 private:
  int Peek();  // the next byte (0..255), or -1 at the end
  int Get();
  bool Fill();
  void SkipBom();
  void Keep(CsvRecord* record, char c);               // appends to the raw text
  void Store(CsvField* field, char c);                // appends to the field value
  void EndField(CsvRecord* record, CsvField* field);  // moves `field` into the record
  bool ReadRecord(CsvRecord* record);                 // one record, blank or not; false at the end

  std::istream& in_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool started_ = false;
  int64_t line_ = 1;  // physical line of the next byte
};

}  // namespace ingest::csv
