// The column table ingest-admin prints: sizing, alignment, and cutting to the terminal width.
#include "admin-cli/text_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ingest::admin {
namespace {

using Align = TextTable::Align;

TEST(TextTableTest, ColumnsFitTheirWidestCellAndNumbersAlignRight) {
  TextTable table({{"NAME"}, {"COUNT", Align::kRight}, {"NOTE"}});
  table.AddRow({"alpha", "7", "first"});
  table.AddRow({"b", "123456", ""});
  EXPECT_EQ(table.Render(0),
            "NAME    COUNT  NOTE\n"
            "alpha       7  first\n"
            "b      123456\n");
}

TEST(TextTableTest, WithoutHeaderOnlyTheRowsAreSized) {
  TextTable table({{"K"}, {"V"}}, /*show_header=*/false);
  table.AddRow({"uptime", "1h02m"});
  table.AddRow({"pending batches", "0"});
  EXPECT_EQ(table.Render(0),
            "uptime           1h02m\n"
            "pending batches  0\n");
}

TEST(TextTableTest, MissingCellsAreEmptyAndExtraCellsIgnored) {
  TextTable table({{"A"}, {"B"}});
  table.AddRow({"x"});
  table.AddRow({"y", "z", "ignored"});
  EXPECT_EQ(table.Render(0), "A  B\nx\ny  z\n");
  EXPECT_EQ(table.row_count(), 2u);
}

TEST(TextTableTest, ShrinkableColumnIsCutToTheWidth) {
  TextTable table({{"ID", Align::kRight}, {"SOURCES", Align::kLeft, /*shrinkable=*/true}});
  table.AddRow({"1", "gen-1,gen-2,gen-3,gen-4"});
  table.AddRow({"2", "short"});
  EXPECT_EQ(table.Render(15),
            "ID  SOURCES\n"
            " 1  gen-1,ge...\n"
            " 2  short\n");
  // Wide enough: nothing is cut.
  EXPECT_EQ(table.Render(27), table.Render(0));
  EXPECT_THAT(table.Render(27), ::testing::HasSubstr("gen-1,gen-2,gen-3,gen-4\n"));
}

TEST(TextTableTest, ShrinkingStopsAtTheHeaderAndNeverCutsOtherColumns) {
  TextTable table({{"LONG-FIXED-COLUMN"}, {"SOURCES", Align::kLeft, true}});
  table.AddRow({"value-that-stays-whole", "a,b,c,d,e,f,g,h"});
  std::string rendered = table.Render(10);
  EXPECT_EQ(rendered,
            "LONG-FIXED-COLUMN       SOURCES\n"
            "value-that-stays-whole  a,b,...\n");
}

TEST(TextTableTest, TheRightmostShrinkableColumnIsCutFirst) {
  TextTable table({{"A", Align::kLeft, true}, {"B", Align::kLeft, true}});
  table.AddRow({"aaaaaaaaaa", "bbbbbbbbbb"});
  EXPECT_EQ(table.Render(18), "A           B\naaaaaaaaaa  bbb...\n");
  EXPECT_EQ(table.Render(12), "A       B\naaa...  b...\n");
}

TEST(TextTableTest, WidthCountsCodePointsNotBytes) {
  TextTable table({{"FILE", Align::kLeft, true}, {"N", Align::kRight}});
  table.AddRow({"änderungen-über-alles.csv", "3"});
  EXPECT_EQ(table.Render(12), "FILE       N\nänderu...  3\n");
  EXPECT_EQ(DisplayWidth("änderu..."), 9u);
  EXPECT_EQ(Shorten("änderungen", 6), "änd...");
  EXPECT_EQ(Shorten("äöü", 3), "äöü");
  EXPECT_EQ(Shorten("äöüß", 2), "äö");
}

}  // namespace
}  // namespace ingest::admin
