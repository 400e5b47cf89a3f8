// Which fields a lift releases: those no block holds any more, so that their recipients are
// told the restriction is over only when it is.
#include "app/blocks.h"

#include <gtest/gtest.h>

#include "domain/sealed_fields.h"

namespace konfid::app {
namespace {

ports::SubjectRow Holding(std::initializer_list<const char*> names) {
  domain::SealedFields sealed;
  for (const char* n : names) sealed.emplace(n, Bytes{1});
  ports::SubjectRow row;
  row.fields = domain::PackSealedFields(sealed);
  return row;
}

TEST(BlocksReleased, OnlyFieldsNoBlockStillHolds) {
  ports::SubjectRow row = Holding({"email", "name", "surname"});
  // A rectification's hold of the surname stays after staff lift theirs.
  auto some = Blocks::Released(row, {"email", "surname"}, {false, {"surname"}});
  ASSERT_TRUE(some);
  EXPECT_EQ(*some, (std::vector<std::string>{"email"}));
  // "*": every field held, less what stays blocked.
  auto all = Blocks::Released(row, {"*"}, {false, {"name"}});
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, (std::vector<std::string>{"email", "surname"}));
  // Nothing is released while the whole subject stays blocked.
  auto none = Blocks::Released(row, {"email"}, {true, {}});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace konfid::app
