// COPY ... FROM STDIN in text format, encoded by the server into large buffers: fields escaped in
// place (backslash, tab, newline, carriage return), numbers formatted without allocating, and the
// data handed to libpq a few hundred kilobytes at a time rather than a row at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <pqxx/transaction_base>
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class tablewriter;
}

namespace ingest::server {

class CopyText {
 public:
  // Starts COPY `table` (`columns`) FROM STDIN in `tx`.
  CopyText(pqxx::transaction_base& tx, const std::string& table, const std::vector<std::string>& columns);
  ~CopyText();

  CopyText& Text(std::string_view value);
  CopyText& Int(int64_t value);
  // Ends the row; sends the buffer once it is large.
  void EndRow();
  // Sends what is left and ends the COPY. Without it, the destructor abandons the COPY.
  void Complete();

 private:
  void Separate();
  void Send();

  std::unique_ptr<pqxx::tablewriter> writer_;
  std::string buffer_;
  bool row_started_ = false;
};

}  // namespace ingest::server
