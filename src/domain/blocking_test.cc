#include "domain/blocking.h"

#include <gtest/gtest.h>

namespace konfid::domain {
namespace {

TEST(BlockingTest, RoundTripsThroughItsGrammar) {
  EXPECT_TRUE(ParseBlocked("").empty());
  EXPECT_EQ(FormatBlocked({}), "");
  Blocked all = ParseBlocked("*");
  EXPECT_TRUE(all.all);
  EXPECT_EQ(FormatBlocked(all), "*");
  Blocked some = ParseBlocked("surname,phone");
  EXPECT_EQ(some.fields, (std::set<std::string>{"phone", "surname"}));
  EXPECT_EQ(FormatBlocked(some), "phone,surname");  // sorted
  EXPECT_EQ(ParseBlocked(FormatBlocked(some)), some);
}

TEST(BlockingTest, FirstBlockedNamesTheFieldThatStopsARead) {
  Blocked some = ParseBlocked("phone,surname");
  EXPECT_EQ(FirstBlocked(some, {"email", "name"}), std::nullopt);
  EXPECT_EQ(FirstBlocked(some, {"email", "surname"}), "surname");
  EXPECT_EQ(FirstBlocked(ParseBlocked("*"), {"email"}), "email");
  EXPECT_EQ(FirstBlocked(ParseBlocked("*"), {}), "*");  // a blocked subject blocks a send too
  EXPECT_EQ(FirstBlocked({}, {"email"}), std::nullopt);
}

}  // namespace
}  // namespace konfid::domain
