#include "common/csv_tokenizer.h"

#include "absl/strings/str_cat.h"
#include "common/utf8.h"

namespace ingest::csv {
namespace {

// Big enough that reading costs one call per 64 KiB, small enough to be a fixed cost.
constexpr size_t kBufferBytes = 64 * 1024;

bool IsBlank(const CsvRecord& record) {
  return !record.unterminated_quote && record.field_count == 1 && !record.fields[0].quoted &&
         record.fields[0].size == 0;
}

bool IsSpace(int c) { return c == ' ' || c == '\t'; }

// Spaces and tabs seen after a value's last other character: they become part of the value
// only if another character follows before the field ends (trimming without looking back).
struct PendingSpace {
  std::string kept;  // at most kMaxFieldBytes, like a field
  size_t size = 0;

  void Add(char c) {
    if (kept.size() < kMaxFieldBytes) kept.push_back(c);
    ++size;
  }
  void Clear() {
    kept.clear();
    size = 0;
  }
};

}  // namespace

CsvTokenizer::CsvTokenizer(std::istream& in) : in_(in), buffer_(kBufferBytes) {}

absl::Status CsvTokenizer::status() const {
  if (in_.bad()) {
    return absl::DataLossError(absl::StrCat("reading the CSV input failed near line ", line_,
                                            "; the rest of the file was not read"));
  }
  return absl::OkStatus();
}

bool CsvTokenizer::Fill() {
  if (eof_) return false;
  in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  pos_ = 0;
  end_ = static_cast<size_t>(in_.gcount());
  if (end_ == 0) eof_ = true;
  return end_ > 0;
}

int CsvTokenizer::Peek() {
  if (pos_ == end_ && !Fill()) return -1;
  return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvTokenizer::Get() {
  int c = Peek();
  if (c >= 0) ++pos_;
  return c;
}

void CsvTokenizer::SkipBom() {
  if (!Fill()) return;
  if (end_ >= 3 && buffer_[0] == '\xEF' && buffer_[1] == '\xBB' && buffer_[2] == '\xBF') pos_ = 3;
}

void CsvTokenizer::Keep(CsvRecord* record, char c) {
  // One byte past the limit tells TruncateUtf8 whether the limit cuts a character.
  if (record->raw.size() <= kMaxRawBytes) record->raw.push_back(c);
}

void CsvTokenizer::Store(CsvField* field, char c) {
  if (field->text.size() < kMaxFieldBytes) field->text.push_back(c);
  ++field->size;
}

void CsvTokenizer::EndField(CsvRecord* record, CsvField* field) {
  ++record->field_count;
  if (record->fields.size() < kMaxFields) record->fields.push_back(std::move(*field));
  *field = CsvField();
}

bool CsvTokenizer::ReadRecord(CsvRecord* record) {
  record->line = line_;
  record->raw.clear();
  record->fields.clear();
  record->field_count = 0;
  record->unterminated_quote = false;
  if (Peek() < 0) return false;

  enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };
  State state = State::kFieldStart;
  CsvField field;
  PendingSpace pending;
  while (true) {
    const int c = Get();
    if (c < 0) {
      record->unterminated_quote = state == State::kQuoted;
      break;
    }
    if (state == State::kQuoted) {
      Keep(record, static_cast<char>(c));
      if (c == '"' && Peek() == '"') {
        Keep(record, static_cast<char>(Get()));
        Store(&field, '"');
      } else if (c == '"') {
        state = State::kAfterQuote;
      } else {
        if (c == '\n') ++line_;
        Store(&field, static_cast<char>(c));
      }
      continue;
    }
    if (c == '\n') {
      ++line_;
      break;
    }
    if (c == '\r' && Peek() == '\n') {
      Get();
      ++line_;
      break;
    }
    Keep(record, static_cast<char>(c));
    if (c == ',') {
      EndField(record, &field);
      pending.Clear();
      state = State::kFieldStart;
    } else if (IsSpace(c)) {
      if (state != State::kFieldStart) pending.Add(static_cast<char>(c));
    } else if (c == '"' && state == State::kFieldStart) {
      field.quoted = true;
      state = State::kQuoted;
    } else {
      if (state == State::kFieldStart) state = State::kUnquoted;
      for (char s : pending.kept) Store(&field, s);
      field.size += pending.size - pending.kept.size();
      pending.Clear();
      Store(&field, static_cast<char>(c));
    }
  }
  EndField(record, &field);
  if (record->raw.size() > kMaxRawBytes) {
    record->raw.resize(TruncateUtf8(record->raw, kMaxRawBytes).size());
  }
  return true;
}

bool CsvTokenizer::Next(CsvRecord* record) {
  if (!started_) {
    started_ = true;
    SkipBom();
  }
  while (ReadRecord(record)) {
    if (!IsBlank(*record)) return true;
  }
  return false;
}

}  // namespace ingest::csv
