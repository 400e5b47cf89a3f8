#include "adapters/storage/statements.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace konfid::adapters {
namespace {

// The numbers of the $N (or ?N) placeholders of a text, in order.
std::vector<int> Placeholders(const std::string& text, char sign) {
  std::vector<int> out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != sign || i + 1 == text.size() || !std::isdigit(text[i + 1])) continue;
    out.push_back(std::stoi(text.substr(i + 1)));
  }
  return out;
}

TEST(Statements, SqliteSpellingKeepsEachNumber) {
  EXPECT_EQ(ToSqlitePlaceholders("UPDATE t SET a = $2 WHERE b = $1 AND c = $10"),
            "UPDATE t SET a = ?2 WHERE b = ?1 AND c = ?10");
  EXPECT_EQ(ToSqlitePlaceholders("SELECT '$' || x FROM t WHERE y = $"),
            "SELECT '$' || x FROM t WHERE y = $");
}

// Each text numbers its placeholders 1..N, every number once: then binding the N arguments in
// order is the same in both dialects, and no argument goes unbound.
TEST(Statements, EveryTextNumbersItsPlaceholdersOneToN) {
  for (size_t i = 0; i < kStatementCount; ++i) {
    std::string text = PostgresStatements()[static_cast<Stmt>(i)];
    SCOPED_TRACE(text);
    EXPECT_EQ(text.find('?'), std::string::npos);
    std::vector<int> numbers = Placeholders(text, '$');
    std::set<int> distinct(numbers.begin(), numbers.end());
    EXPECT_EQ(distinct.size(), numbers.size());
    if (!numbers.empty()) {
      EXPECT_EQ(*distinct.begin(), 1);
      EXPECT_EQ(*distinct.rbegin(), static_cast<int>(numbers.size()));
    }
    std::string sqlite = SqliteStatements()[static_cast<Stmt>(i)];
    EXPECT_EQ(sqlite.find('$'), std::string::npos);
    EXPECT_EQ(Placeholders(sqlite, '?'), numbers);
  }
}

// The caches of prepared statements key by the text's address: it must not change.
TEST(Statements, TextsStayWhereTheyAre) {
  EXPECT_EQ(SqliteStatements()[Stmt::kFindSubject], SqliteStatements()[Stmt::kFindSubject]);
  EXPECT_EQ(PostgresStatements()[Stmt::kFindSubject], PostgresStatements()[Stmt::kFindSubject]);
  EXPECT_NE(SqliteStatements()[Stmt::kFindSubject], PostgresStatements()[Stmt::kFindSubject]);
}

}  // namespace
}  // namespace konfid::adapters
