#include "server/sink/copy_text.h"

// tablewriter is deprecated in libpqxx 6 in favour of stream_to, but it is the one class that
// takes raw COPY text (write_raw_line), which is what lets the server encode rows itself.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <pqxx/tablewriter>
#pragma GCC diagnostic pop

#include "absl/strings/numbers.h"

namespace ingest::server {
namespace {

constexpr size_t kSendBytes = 256 << 10;

void AppendEscaped(std::string& out, std::string_view value) {
  size_t plain = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    char escape = 0;
    switch (value[i]) {
      case '\\':
        escape = '\\';
        break;
      case '\t':
        escape = 't';
        break;
      case '\n':
        escape = 'n';
        break;
      case '\r':
        escape = 'r';
        break;
      default:
        continue;
    }
    out.append(value.data() + plain, i - plain);
    out.push_back('\\');
    out.push_back(escape);
    plain = i + 1;
  }
  out.append(value.data() + plain, value.size() - plain);
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
CopyText::CopyText(pqxx::transaction_base& tx, const std::string& table,
                   const std::vector<std::string>& columns)
    : writer_(std::make_unique<pqxx::tablewriter>(tx, table, columns.begin(), columns.end())) {
  buffer_.reserve(kSendBytes + (64 << 10));
}
#pragma GCC diagnostic pop

CopyText::~CopyText() = default;

void CopyText::Separate() {
  if (row_started_) buffer_.push_back('\t');
  row_started_ = true;
}

CopyText& CopyText::Text(std::string_view value) {
  Separate();
  AppendEscaped(buffer_, value);
  return *this;
}

CopyText& CopyText::Int(int64_t value) {
  Separate();
  char digits[absl::numbers_internal::kFastToBufferSize];
  char* end = absl::numbers_internal::FastIntToBuffer(value, digits);
  buffer_.append(digits, end - digits);
  return *this;
}

void CopyText::EndRow() {
  buffer_.push_back('\n');
  row_started_ = false;
  if (buffer_.size() >= kSendBytes) Send();
}

void CopyText::Send() {
  if (buffer_.empty()) return;
  buffer_.pop_back();  // write_raw_line ends the data with a newline of its own
  writer_->write_raw_line(buffer_);
  buffer_.clear();
}

void CopyText::Complete() {
  Send();
  writer_->complete();
}

}  // namespace ingest::server
