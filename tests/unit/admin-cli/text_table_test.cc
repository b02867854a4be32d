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

TEST(TextTableTest, ShrinkableColumnIsCutToTheWidthWithAnEllipsis) {
  TextTable table({{"ID", Align::kRight}, {"SOURCES", Align::kLeft, /*shrinkable=*/true}});
  table.AddRow({"1", "gen-1,gen-2,gen-3,gen-4"});
  table.AddRow({"2", "short"});
  EXPECT_EQ(table.Render(15),
            "ID  SOURCES\n"
            " 1  gen-1,gen-\u2026\n"
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
            "value-that-stays-whole  a,b,c,\u2026\n");
}

TEST(TextTableTest, TheWidestShrinkableColumnIsCutFirst) {
  TextTable table({{"REASON", Align::kLeft, true}, {"ID", Align::kLeft, true}, {"N", Align::kRight}});
  table.AddRow({"a reason that goes on and on", "event-0001", "7"});
  // 28 + 2 + 10 + 2 + 1 = 43 columns: cutting 13 leaves the reason at 15, the id whole.
  EXPECT_EQ(table.Render(30),
            "REASON           ID          N\n"
            "a reason that \u2026  event-0001  7\n");
  // Cut further, both are cut in turn, the rightmost of equals first.
  EXPECT_EQ(table.Render(20),
            "REASON    ID       N\n"
            "a reaso\u2026  event-\u2026  7\n");
}

TEST(TextTableTest, WidthCountsCodePointsNotBytes) {
  TextTable table({{"FILE", Align::kLeft, true}, {"N", Align::kRight}});
  table.AddRow({"änderungen-über-alles.csv", "3"});
  EXPECT_EQ(table.Render(12), "FILE       N\nänderung\u2026  3\n");
  EXPECT_EQ(DisplayWidth("änderung\u2026"), 9u);
  EXPECT_EQ(Shorten("änderungen", 6), "änder\u2026");
  EXPECT_EQ(Shorten("äöü", 3), "äöü");
  EXPECT_EQ(Shorten("äöüß", 2), "ä\u2026");
  EXPECT_EQ(Shorten("äöüß", 1), "ä");
}

}  // namespace
}  // namespace ingest::admin
