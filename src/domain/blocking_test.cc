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

TEST(BlockingTest, HoldsRoundTripAndJoinInTheirEffect) {
  const std::string a(32, 'a'), b(32, 'b');
  BlockHolds holds;
  holds.staff = ParseBlocked("surname");
  holds.requests[b] = ParseBlocked("name");
  holds.requests[a] = ParseBlocked("name,phone");
  std::string text = FormatBlockHolds(holds);
  EXPECT_EQ(text, "surname;" + a + "=name,phone;" + b + "=name");
  EXPECT_EQ(ParseBlockHolds(text), holds);
  EXPECT_EQ(holds.Effective().fields, (std::set<std::string>{"name", "phone", "surname"}));
  holds.requests[b] = ParseBlocked("*");
  EXPECT_TRUE(holds.Effective().all);
  EXPECT_TRUE(holds.Effective().fields.empty());
  // No staff hold: the text starts with a claim.
  BlockHolds claim_only;
  claim_only.requests[a] = ParseBlocked("phone");
  EXPECT_EQ(FormatBlockHolds(claim_only), a + "=phone");
  EXPECT_EQ(FormatBlockHolds(BlockHolds()), "");
  EXPECT_TRUE(ParseBlockHolds("").Effective().empty());
}

// Stopped purposes are written last and block no field; alone, the text is theirs only.
TEST(BlockingTest, StoppedPurposesRoundTripAndBlockNoField) {
  const std::string a(32, 'a');
  BlockHolds holds;
  holds.staff = ParseBlocked("surname");
  holds.requests[a] = ParseBlocked("name");
  holds.stopped = {"profiling", "fraud_checks"};
  std::string text = FormatBlockHolds(holds);
  EXPECT_EQ(text, "surname;" + a + "=name;stopped=fraud_checks,profiling");
  EXPECT_EQ(ParseBlockHolds(text), holds);
  EXPECT_EQ(holds.Effective().fields, (std::set<std::string>{"name", "surname"}));
  BlockHolds only;
  only.stopped = {"profiling"};
  EXPECT_EQ(FormatBlockHolds(only), "stopped=profiling");
  EXPECT_TRUE(ParseBlockHolds("stopped=profiling").Effective().empty());
  EXPECT_FALSE(Disputed(ParseBlockHolds("stopped=email"), "email"));
  // "*" is no purpose: such a text blocks the whole subject rather than lose anything.
  EXPECT_TRUE(ParseBlockHolds("stopped=*").Effective().all);
}

// The purposes an erasure kept fields for come after the stopped ones and block no field.
TEST(BlockingTest, KeptPurposesRoundTripAfterTheStoppedOnes) {
  BlockHolds holds;
  holds.stopped = {"profiling"};
  holds.kept = {"tax", "accounting"};
  std::string text = FormatBlockHolds(holds);
  EXPECT_EQ(text, "stopped=profiling;kept=accounting,tax");
  EXPECT_EQ(ParseBlockHolds(text), holds);
  EXPECT_TRUE(holds.Effective().empty());
  EXPECT_EQ(ParseBlockHolds("name;kept=tax").staff.fields, (std::set<std::string>{"name"}));
  EXPECT_TRUE(ParseBlockHolds("kept=*").Effective().all);
}

TEST(BlockingTest, TheFirstVersionsTextAndBadIdsReadAsStaffHolds) {
  EXPECT_EQ(ParseBlockHolds("surname,phone").staff, ParseBlocked("phone,surname"));
  EXPECT_TRUE(ParseBlockHolds("*").staff.all);
  // A hold whose id is not a request id is never dropped: it becomes staff's.
  BlockHolds odd = ParseBlockHolds("xyz=phone;" + std::string(32, 'A') + "=name");
  EXPECT_TRUE(odd.requests.empty());
  EXPECT_EQ(odd.staff.fields, (std::set<std::string>{"name", "phone"}));
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
