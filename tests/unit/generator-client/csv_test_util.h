// Helpers of the file-mode tests: a scratch folder, and CSV files read back through the product's
// own reader (common/csv_reader.h), as the file bridge's server would read them.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/csv_reader.h"
#include "gtest/gtest.h"

namespace ingest::generator::testing {

// A fresh folder under the test's temp dir, removed with everything in it at the end.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = ::testing::TempDir() + "/gen-csv-XXXXXX";
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : "";
    EXPECT_FALSE(path_.empty()) << "mkdtemp failed";
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The names in `dir`, sorted.
inline std::set<std::string> ListNames(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ReadBack {
  std::string format;  // the reader's name for the header's format
  std::vector<csv::CsvRow> rows;
};

// Every row of the CSV `text`, as CsvReader sees it `now`.
inline ReadBack ReadCsvText(const std::string& text, absl::Time now = absl::Now()) {
  std::istringstream in(text);
  csv::CsvReader reader(in);
  ReadBack out;
  absl::Status header = reader.ReadHeader();
  EXPECT_TRUE(header.ok()) << header;
  out.format = std::string(reader.format_name());
  csv::CsvRow row;
  while (reader.Next(&row, now)) out.rows.push_back(row);
  EXPECT_TRUE(reader.status().ok()) << reader.status();
  return out;
}

}  // namespace ingest::generator::testing
