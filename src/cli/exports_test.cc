#include "cli/exports.h"

#include <gtest/gtest.h>

namespace konfid::cli::internal {
namespace {

TEST(ExportCsv, AFieldIsQuotedOnlyWhenItMustBe) {
  EXPECT_EQ(CsvField("30-34"), "30-34");
  EXPECT_EQ(CsvField("Москва"), "Москва");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("Ростов-на-Дону, Ленинский"), "\"Ростов-на-Дону, Ленинский\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
  // What a spreadsheet would run as a formula stays text.
  EXPECT_EQ(CsvField("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("+7"), "'+7");
  EXPECT_EQ(CsvField("-1"), "'-1");
}

}  // namespace
}  // namespace konfid::cli::internal
