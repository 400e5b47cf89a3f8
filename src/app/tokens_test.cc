#include "app/tokens.h"

#include <gtest/gtest.h>

namespace konfid::app::internal {
namespace {

TEST(PendingText, RoundTripsAndKeepsEachValueOnItsLine) {
  std::map<std::string, std::string> values = {
      {"given", "newsletter,offers"}, {"ua", "a\nb\rc"}, {"email", ""}, {"source", "x=y"}};
  auto back = ParsePending(PendingText(values));
  EXPECT_EQ(back.at("given"), "newsletter,offers");
  EXPECT_EQ(back.at("ua"), "a b c");  // a newline cannot start an entry of its own
  EXPECT_EQ(back.at("email"), "");
  EXPECT_EQ(back.at("source"), "x=y");  // the first '=' separates
  EXPECT_EQ(back.size(), 4u);
  EXPECT_TRUE(ParsePending("no separator\n").empty());
}

TEST(PendingText, SplitCommaSkipsEmptyItems) {
  EXPECT_EQ(SplitComma("a,,b,"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(SplitComma("").empty());
}

TEST(LinkTokens, AUsableTokenIsOfItsKindUnusedAndUnexpired) {
  ports::TokenRow row;
  row.kind = "confirm_email";
  row.expires_at = 100;
  EXPECT_TRUE(UsableToken(row, "confirm_email", 99));
  EXPECT_FALSE(UsableToken(row, "confirm_email", 100));
  EXPECT_FALSE(UsableToken(row, "renew_consent", 99));
  row.used_at = 50;
  EXPECT_FALSE(UsableToken(row, "confirm_email", 99));
  EXPECT_FALSE(UsableToken(std::nullopt, "confirm_email", 99));
}

}  // namespace
}  // namespace konfid::app::internal
