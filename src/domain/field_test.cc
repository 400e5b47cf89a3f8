#include "domain/field.h"

#include <gtest/gtest.h>

namespace konfid::domain {
namespace {

FieldCatalogue Catalogue() {
  return FieldCatalogue({
      {"surname", FieldType::kString, true, 10, false, {}},
      {"email", FieldType::kEmail, true, 254, true, {}},
      {"phone", FieldType::kPhone, false, 32, true, {}},
      {"birth_date", FieldType::kDate, false, 10, false, {}},
      {"budget", FieldType::kEnum, false, 20, false, {"small", "large"}},
  });
}

std::string ReasonOf(const Result<ValidatedInput>& r) { return r ? "" : r.error().reason(); }

TEST(NormalizeEmail, CaseFoldsAndTrims) {
  EXPECT_EQ(NormalizeEmail("  Ivan.Petrov@Example.COM "), "ivan.petrov@example.com");
  EXPECT_EQ(NormalizeEmail("a+tag@x.ru"), "a+tag@x.ru");
}

TEST(NormalizeEmail, RejectsWhatIsNotAnAddress) {
  for (const char* bad : {"", "plain", "@x.ru", "a@", "a@b", "a@@b.ru", "a b@x.ru", "a@x..ru",
                          ".a@x.ru", "a.@x.ru", "a@-x.ru", "a@x_y.ru", "a<b@x.ru"})
    EXPECT_FALSE(NormalizeEmail(bad)) << bad;
}

TEST(IsValidDate, ChecksTheCalendar) {
  EXPECT_TRUE(IsValidDate("1990-02-28"));
  EXPECT_TRUE(IsValidDate("2000-02-29"));
  EXPECT_FALSE(IsValidDate("1900-02-29"));
  EXPECT_FALSE(IsValidDate("1990-13-01"));
  EXPECT_FALSE(IsValidDate("1990-04-31"));
  EXPECT_FALSE(IsValidDate("90-04-01"));
  EXPECT_FALSE(IsValidDate("1990/04/01"));
}

TEST(Utf8Length, CountsCodePointsAndRejectsInvalid) {
  EXPECT_EQ(Utf8Length("Иванов"), 6u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_FALSE(Utf8Length("\xc3"));
  EXPECT_FALSE(Utf8Length("\xc0\xaf"));  // overlong
}

TEST(ValidateFields, CreateNormalizesAndChecksRequired) {
  auto r = ValidateFields(Catalogue(), {{"surname", " Иванов "}, {"email", "A@B.RU"}},
                          ValidationMode::kCreate);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->set.at("surname"), "Иванов");
  EXPECT_EQ(r->set.at("email"), "a@b.ru");
  EXPECT_EQ(ReasonOf(ValidateFields(Catalogue(), {{"surname", "X"}}, ValidationMode::kCreate)),
            "required_field");
}

TEST(ValidateFields, ErrorsNameTheFieldNeverTheValue) {
  auto r = ValidateFields(Catalogue(), {{"surname", "X"}, {"email", "secret-value"}},
                          ValidationMode::kCreate);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason(), "invalid_email");
  EXPECT_NE(r.error().message().find("'email'"), std::string::npos);
  EXPECT_EQ(r.error().message().find("secret-value"), std::string::npos);
}

TEST(ValidateFields, EachRule) {
  auto check = [](FieldInput in) {
    return ReasonOf(ValidateFields(Catalogue(), in, ValidationMode::kUpdate));
  };
  EXPECT_EQ(check({{"nickname", "x"}}), "unknown_field");
  EXPECT_EQ(check({{"surname", "ABCDEFGHIJK"}}), "too_long");
  EXPECT_EQ(check({{"surname", "ЖЖЖЖЖЖЖЖЖЖ"}}), "");  // 10 code points, 20 bytes: fits
  EXPECT_EQ(check({{"surname", "a\nb"}}), "invalid_value");
  EXPECT_EQ(check({{"surname", "   "}}), "invalid_value");
  EXPECT_EQ(check({{"phone", "call me"}}), "invalid_phone");
  EXPECT_EQ(check({{"phone", "+7 (912) 345-67-89"}}), "");
  EXPECT_EQ(check({{"birth_date", "1990-02-30"}}), "invalid_date");
  EXPECT_EQ(check({{"budget", "huge"}}), "invalid_value");
  EXPECT_EQ(check({{"budget", "small"}}), "");
  EXPECT_EQ(check({{"surname", "a"}, {"surname", "b"}}), "duplicate_field");
  EXPECT_EQ(check({{"surname", "\xff"}}), "invalid_value");
}

TEST(ValidateFields, NullRemovesOnlyOptionalFieldsOnUpdate) {
  auto r = ValidateFields(Catalogue(), {{"phone", std::nullopt}}, ValidationMode::kUpdate);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->remove, std::vector<std::string>{"phone"});
  EXPECT_EQ(
      ReasonOf(ValidateFields(Catalogue(), {{"email", std::nullopt}}, ValidationMode::kUpdate)),
      "required_field");
  EXPECT_EQ(
      ReasonOf(ValidateFields(Catalogue(), {{"phone", std::nullopt}}, ValidationMode::kCreate)),
      "invalid_value");
}

}  // namespace
}  // namespace konfid::domain
