#include "common/csv_tokenizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ingest::csv {
namespace {

using ::testing::ElementsAre;

std::vector<CsvRecord> Tokenize(const std::string& text) {
  std::istringstream in(text);
  CsvTokenizer tokenizer(in);
  std::vector<CsvRecord> records;
  CsvRecord record;
  while (tokenizer.Next(&record)) records.push_back(record);
  EXPECT_TRUE(tokenizer.status().ok()) << tokenizer.status();
  return records;
}

std::vector<std::string> Texts(const CsvRecord& record) {
  std::vector<std::string> texts;
  for (const auto& f : record.fields) texts.push_back(f.text);
  return texts;
}

std::vector<bool> Quoted(const CsvRecord& record) {
  std::vector<bool> quoted;
  for (const auto& f : record.fields) quoted.push_back(f.quoted);
  return quoted;
}

TEST(CsvTokenizerTest, SplitsRecordsAtLineFeedsAndFieldsAtCommas) {
  auto records = Tokenize("a,b,c\nd,e,f\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(Texts(records[0]), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Texts(records[1]), ElementsAre("d", "e", "f"));
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[1].field_count, 3u);
}

TEST(CsvTokenizerTest, TheLastRecordNeedsNoLineEnding) {
  auto records = Tokenize("a,b\nc,d");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(Texts(records[1]), ElementsAre("c", "d"));
}

TEST(CsvTokenizerTest, EmptyFieldsCountIncludingATrailingOne) {
  auto records = Tokenize("a,,b,\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(Texts(records[0]), ElementsAre("a", "", "b", ""));
}

TEST(CsvTokenizerTest, QuotedFieldsHoldCommasAndDoubledQuotes) {
  auto records = Tokenize("a,\"b,c\",\"say \"\"hi\"\"\",\"\"\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(Texts(records[0]), ElementsAre("a", "b,c", "say \"hi\"", ""));
  EXPECT_THAT(Quoted(records[0]), ElementsAre(false, true, true, true));
}

TEST(CsvTokenizerTest, NewlinesInsideQuotesStayInTheFieldAndLinesKeepCounting) {
  auto records = Tokenize("h1,h2\n\"two\nlines\",x\n\"three\r\nphysical\nlines\",y\nlast,z\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_THAT(Texts(records[1]), ElementsAre("two\nlines", "x"));
  EXPECT_THAT(Texts(records[2]), ElementsAre("three\r\nphysical\nlines", "y"));
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[2].line, 4);
  EXPECT_EQ(records[3].line, 7);
}

TEST(CsvTokenizerTest, CrlfEndsARecordLikeLf) {
  auto records = Tokenize("a,b\r\nc,d\r\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(Texts(records[0]), ElementsAre("a", "b"));
  EXPECT_THAT(Texts(records[1]), ElementsAre("c", "d"));
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[1].raw, "c,d");
}

TEST(CsvTokenizerTest, ACarriageReturnWithoutLineFeedIsAnOrdinaryCharacter) {
  auto records = Tokenize("a\rb,c\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(Texts(records[0]), ElementsAre("a\rb", "c"));
}

TEST(CsvTokenizerTest, AByteOrderMarkAtTheStartIsSkipped) {
  auto records = Tokenize("\xEF\xBB\xBFid,name\n1,x\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(Texts(records[0]), ElementsAre("id", "name"));
  EXPECT_EQ(records[0].raw, "id,name");
  EXPECT_EQ(records[0].line, 1);
}

TEST(CsvTokenizerTest, AByteOrderMarkElsewhereIsData) {
  auto records = Tokenize(
      "a\n\xEF\xBB\xBF"
      "b\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields[0].text,
            "\xEF\xBB\xBF"
            "b");
}

TEST(CsvTokenizerTest, AFileOfOnlyAByteOrderMarkHasNoRecords) {
  EXPECT_TRUE(Tokenize("\xEF\xBB\xBF").empty());
  EXPECT_TRUE(Tokenize("").empty());
}

TEST(CsvTokenizerTest, BlankLinesAreSkippedButCountedAsLines) {
  auto records = Tokenize("a\n\n   \n\t \r\nb\n\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].line, 5);
  EXPECT_THAT(Texts(records[1]), ElementsAre("b"));
}

TEST(CsvTokenizerTest, ALineWithAnEmptyQuotedFieldOrACommaIsNotBlank) {
  auto records = Tokenize("\"\"\n,\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(Texts(records[0]), ElementsAre(""));
  EXPECT_THAT(Quoted(records[0]), ElementsAre(true));
  EXPECT_THAT(Texts(records[1]), ElementsAre("", ""));
}

TEST(CsvTokenizerTest, UnquotedFieldsAreTrimmedQuotedFieldsAreVerbatim) {
  auto records = Tokenize("  a b  ,\t\" c \"\t, \"\t\" ,  \n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(Texts(records[0]), ElementsAre("a b", " c ", "\t", ""));
  EXPECT_THAT(Quoted(records[0]), ElementsAre(false, true, true, false));
  EXPECT_EQ(records[0].fields[0].size, 3u);
}

TEST(CsvTokenizerTest, AStrayQuoteInAnUnquotedFieldIsKeptLiterally) {
  auto records = Tokenize("ab\"c,5\" screen\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(Texts(records[0]), ElementsAre("ab\"c", "5\" screen"));
  EXPECT_THAT(Quoted(records[0]), ElementsAre(false, false));
}

TEST(CsvTokenizerTest, TextAfterAClosingQuoteIsAppendedLiterally) {
  auto records = Tokenize("\"ab\"c,\"x\" y ,\"z\"  \n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(Texts(records[0]), ElementsAre("abc", "x y", "z"));
}

TEST(CsvTokenizerTest, AQuoteNeverClosedTakesTheRestOfTheFileAsOneRecord) {
  auto records = Tokenize("h\nok\nx,\"open\nmore\nend\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_FALSE(records[1].unterminated_quote);
  EXPECT_TRUE(records[2].unterminated_quote);
  EXPECT_EQ(records[2].line, 3);
  EXPECT_THAT(Texts(records[2]), ElementsAre("x", "open\nmore\nend\n"));
}

TEST(CsvTokenizerTest, RawIsTheRecordAsInTheFileWithoutItsLineEnding) {
  auto records = Tokenize(" a , \"b\r\nc\"\"\" \r\nnext\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].raw, " a , \"b\r\nc\"\"\" ");
}

TEST(CsvTokenizerTest, RawIsCutAt4KiBWithoutSplittingACharacter) {
  const std::string field = std::string(4095, 'x') + "\xC3\xA9" + "tail";  // é straddles 4096
  auto records = Tokenize(field + "\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].raw, std::string(4095, 'x'));
}

TEST(CsvTokenizerTest, ALongFieldKeeps4KiBAndItsFullSize) {
  auto records = Tokenize("a," + std::string(100000, 'y') + "  ,b\n");
  ASSERT_EQ(records.size(), 1u);
  const CsvField& big = records[0].fields[1];
  EXPECT_EQ(big.text, std::string(kMaxFieldBytes, 'y'));
  EXPECT_EQ(big.size, 100000u);
  EXPECT_EQ(records[0].fields[2].text, "b");
  EXPECT_LE(records[0].raw.size(), kMaxRawBytes);
}

TEST(CsvTokenizerTest, FieldsPastTheLimitAreCountedButNotKept) {
  auto records = Tokenize(std::string(2000, ',') + "\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].field_count, 2001u);
  EXPECT_EQ(records[0].fields.size(), kMaxFields);
}

// A stream whose reading fails, like a file on a disk with a bad sector.
class FailingBuffer : public std::streambuf {
 protected:
  int_type underflow() override { throw std::runtime_error("I/O error"); }
};

TEST(CsvTokenizerTest, AReadErrorIsReportedNotTakenForTheEndOfTheFile) {
  FailingBuffer buffer;
  std::istream in(&buffer);
  CsvTokenizer tokenizer(in);
  CsvRecord record;
  EXPECT_FALSE(tokenizer.Next(&record));
  EXPECT_EQ(tokenizer.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(tokenizer.status().message(),
            "reading the CSV input failed near line 1; the rest of the file was not read");
}

}  // namespace
}  // namespace ingest::csv
