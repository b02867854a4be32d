#include "common/csv_writer.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "common/csv_tokenizer.h"

namespace ingest::csv {
namespace {

// The values of the one record in `text`, as the reader's tokenizer sees them.
std::vector<std::string> ReadBack(const std::string& text) {
  std::istringstream in(text);
  CsvTokenizer tokenizer(in);
  CsvRecord record;
  EXPECT_TRUE(tokenizer.Next(&record)) << text;
  std::vector<std::string> values;
  for (const CsvField& f : record.fields) values.push_back(f.text);
  EXPECT_FALSE(tokenizer.Next(&record)) << "more than one record in " << text;
  return values;
}

TEST(CsvWriterTest, QuotesOnlyWhenNeeded) {
  std::string out;
  AppendCsvRecord({"plain", "12.99", "", "Home & Kitchen", "it's"}, &out);
  EXPECT_EQ(out, "plain,12.99,,Home & Kitchen,it's\n");
}

TEST(CsvWriterTest, QuotesCommasQuotesLineBreaksAndOuterSpaces) {
  std::string out;
  AppendCsvRecord({"Pen, blue", "55\" TV", "two\nlines", "cr\rhere", " padded", "tab\t"}, &out);
  EXPECT_EQ(out, "\"Pen, blue\",\"55\"\" TV\",\"two\nlines\",\"cr\rhere\",\" padded\",\"tab\t\"\n");
}

TEST(CsvWriterTest, EveryFieldReadsBackUnchanged) {
  const std::vector<std::string> fields = {"a",   "",       "Pen, \"the\" blue", "\"",     ",", "\r\n",
                                           " x ", "in ner", "\"quoted\"",        "ünïcödé"};
  std::string out;
  AppendCsvRecord(fields, &out);
  EXPECT_EQ(ReadBack(out), fields) << out;
}

TEST(CsvWriterTest, NeedsQuotes) {
  EXPECT_FALSE(NeedsQuotes(""));
  EXPECT_FALSE(NeedsQuotes("a b"));
  EXPECT_TRUE(NeedsQuotes("a,b"));
  EXPECT_TRUE(NeedsQuotes("a\"b"));
  EXPECT_TRUE(NeedsQuotes("a\nb"));
  EXPECT_TRUE(NeedsQuotes("a\rb"));
  EXPECT_TRUE(NeedsQuotes(" a"));
  EXPECT_TRUE(NeedsQuotes("a\t"));
}

}  // namespace
}  // namespace ingest::csv
