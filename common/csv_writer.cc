#include "common/csv_writer.h"

namespace ingest::csv {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

bool NeedsQuotes(absl::string_view field) {
  if (field.empty()) return false;
  if (IsSpace(field.front()) || IsSpace(field.back())) return true;
  return field.find_first_of(",\"\r\n") != absl::string_view::npos;
}

void AppendCsvField(absl::string_view field, std::string* out) {
  if (!NeedsQuotes(field)) {
    out->append(field.data(), field.size());
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvRecord(absl::Span<const std::string> fields, std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendCsvField(fields[i], out);
  }
  out->push_back('\n');
}

}  // namespace ingest::csv
