// Writing CSV records (RFC 4180) that common/csv_reader.h reads back to the same values: a field
// is quoted only when it has to be — for a comma, a double quote, CR or LF, and also for leading
// or trailing spaces and tabs, which the reader trims from unquoted fields. Quotes inside a
// quoted field are doubled. Records end with LF.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace ingest::csv {

// True when `field` must be quoted to be read back unchanged.
bool NeedsQuotes(absl::string_view field);

// Appends `field`, quoted when needed, to `*out`.
void AppendCsvField(absl::string_view field, std::string* out);

// Appends `fields` separated by commas, then "\n", to `*out`.
void AppendCsvRecord(absl::Span<const std::string> fields, std::string* out);

}  // namespace ingest::csv
