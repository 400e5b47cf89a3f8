#include "adapters/phone/libphonenumber_normalizer.h"

#include <gtest/gtest.h>

namespace konfid::adapters {
namespace {

TEST(LibPhoneNumberNormalizer, EverySpellingOfOneNumberIsOneE164) {
  LibPhoneNumberNormalizer n;
  for (const char* spelling : {"+79123456789", "8 (912) 345-67-89", "+7 912 345 67 89",
                               "89123456789", "9123456789", "+7-912-345-67-89"})
    EXPECT_EQ(*n.ToE164(spelling, "RU"), "+79123456789") << spelling;
}

TEST(LibPhoneNumberNormalizer, RegionMattersForNationalNumbers) {
  LibPhoneNumberNormalizer n;
  EXPECT_EQ(*n.ToE164("044 123 4567", "UA"), "+380441234567");
  EXPECT_EQ(*n.ToE164("+380441234567", "RU"), "+380441234567");
}

TEST(LibPhoneNumberNormalizer, RejectsInvalidNumbersWithoutQuotingThem) {
  LibPhoneNumberNormalizer n;
  auto r = n.ToE164("12345", "RU");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason(), "invalid_phone");
  EXPECT_EQ(r.error().message().find("12345"), std::string::npos);
  EXPECT_FALSE(n.ToE164("not a number", "RU"));
}

// A number valid only as dialled at home has no E.164 form that reads back: refused, so that no
// index entry is made that a lookup of the same number could never find.
TEST(LibPhoneNumberNormalizer, RefusesANumberWhoseE164FormIsNoNumber) {
  LibPhoneNumberNormalizer n;
  for (const char* raw : {"8 810 123 4567", "0810-123-4567", "+3758101234567"}) {
    auto r = n.ToE164(raw, "BY");
    ASSERT_FALSE(r) << raw << " -> " << *r;
    EXPECT_EQ(r.error().reason(), "invalid_phone");
  }
  EXPECT_EQ(*n.ToE164("8 017 123 4567", "BY"), "+375171234567");  // Minsk, as dialled at home
}

}  // namespace
}  // namespace konfid::adapters
