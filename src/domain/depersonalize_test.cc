#include "domain/depersonalize.h"

#include <gtest/gtest.h>

#include <map>

namespace konfid::domain {
namespace {

constexpr Date kToday{2026, 12, 7};

TEST(Depersonalize, ABirthDateBecomesAnAgeBandThatWidens) {
  EXPECT_EQ(Generalize(FieldType::kDate, "1990-12-07", 0, kToday), "35-39");  // 36 today
  EXPECT_EQ(Generalize(FieldType::kDate, "1990-12-08", 0, kToday), "35-39");  // 35 until tomorrow
  EXPECT_EQ(Generalize(FieldType::kDate, "1991-12-08", 0, kToday), "30-34");  // 34
  EXPECT_EQ(Generalize(FieldType::kDate, "1990-12-07", 1, kToday), "30-39");
  EXPECT_EQ(Generalize(FieldType::kDate, "1990-12-07", 2, kToday), "20-39");
  EXPECT_EQ(Generalize(FieldType::kDate, "1990-12-07", 3, kToday), "*");
  EXPECT_EQ(Generalize(FieldType::kDate, "1930-01-01", 0, kToday), "90+");
  EXPECT_EQ(Generalize(FieldType::kDate, "1940-01-01", 2, kToday), "80-89");  // 86: capped band
  EXPECT_EQ(Generalize(FieldType::kDate, "2030-01-01", 0, kToday), "*");      // not born yet
  EXPECT_EQ(Generalize(FieldType::kDate, "07.12.1990", 0, kToday), "*");
  EXPECT_EQ(Generalize(FieldType::kDate, "", 0, kToday), "*");
}

TEST(Depersonalize, EachLevelHasTheNameAnExportGivesIt) {
  EXPECT_EQ(GeneralizationName(FieldType::kDate, 0), "age_band_5");
  EXPECT_EQ(GeneralizationName(FieldType::kDate, 1), "age_band_10");
  EXPECT_EQ(GeneralizationName(FieldType::kDate, 2), "age_band_20");
  EXPECT_EQ(GeneralizationName(FieldType::kDate, 3), "suppressed");
  EXPECT_EQ(GeneralizationName(FieldType::kString, 0), "value");
  EXPECT_EQ(GeneralizationName(FieldType::kString, 1), "suppressed");
}

TEST(Depersonalize, OtherValuesStayUntilTheTopLevel) {
  EXPECT_EQ(GeneralizationLevels(FieldType::kString), 2);
  EXPECT_EQ(Generalize(FieldType::kString, "Казань", 0, kToday), "Казань");
  EXPECT_EQ(Generalize(FieldType::kString, "Казань", 1, kToday), "*");
  EXPECT_EQ(Generalize(FieldType::kEnum, "", 0, kToday), "*");
}

// Every class released holds k rows or more, whatever it took.
void ExpectKAnonymous(const Anonymized& a, int64_t k) {
  std::map<std::vector<std::string>, int64_t> classes;
  for (const auto& v : a.values) ++classes[v];
  for (const auto& [key, n] : classes) {
    EXPECT_GE(n, k) << key[0];
  }
  if (!a.values.empty()) {
    EXPECT_GE(a.smallest_class, k);
  }
}

TEST(Depersonalize, ALoneCityIsSuppressedWhenFewRowsAreAtStake) {
  QuasiTable t{{FieldType::kDate, FieldType::kString}, {}};
  for (int i = 0; i < 6; ++i) t.rows.push_back({"1990-01-0" + std::to_string(i + 1), "Москва"});
  for (int i = 0; i < 5; ++i) t.rows.push_back({"1991-02-0" + std::to_string(i + 1), "Казань"});
  t.rows.push_back({"1990-03-01", "Тверь"});  // one of a kind
  auto a = Anonymize(t, 5, 1, kToday);
  EXPECT_EQ(a.levels, (std::vector<int>{0, 0}));
  EXPECT_EQ(a.suppressed, 1);
  ASSERT_EQ(a.kept.size(), 11u);
  EXPECT_EQ(a.values[0], (std::vector<std::string>{"35-39", "Москва"}));
  EXPECT_EQ(a.values[6], (std::vector<std::string>{"35-39", "Казань"}));
  ExpectKAnonymous(a, 5);
}

TEST(Depersonalize, ManySmallClassesRaiseTheWidestColumnFirst) {
  QuasiTable t{{FieldType::kDate, FieldType::kString}, {}};
  // Ten cities of two each, all of one age band: the city column has the more values.
  for (int c = 0; c < 10; ++c)
    for (int i = 0; i < 2; ++i) t.rows.push_back({"1990-01-01", "city" + std::to_string(c)});
  auto a = Anonymize(t, 5, 2, kToday);
  EXPECT_EQ(a.levels, (std::vector<int>{0, 1}));
  EXPECT_EQ(a.suppressed, 0);
  EXPECT_EQ(a.values[0], (std::vector<std::string>{"35-39", "*"}));
  EXPECT_EQ(a.smallest_class, 20);
  ExpectKAnonymous(a, 5);
}

TEST(Depersonalize, ACityGoesToItsRegionBeforeItGoes) {
  const Regions regions{{"Казань", "Республика Татарстан"},
                        {"Набережные Челны", "Республика Татарстан"}};
  EXPECT_EQ(GeneralizationLevels(FieldType::kString, &regions), 3);
  EXPECT_EQ(Generalize(FieldType::kString, "Казань", 0, kToday, &regions), "Казань");
  EXPECT_EQ(Generalize(FieldType::kString, "Казань", 1, kToday, &regions), "Республика Татарстан");
  EXPECT_EQ(Generalize(FieldType::kString, "Урюпинск", 1, kToday, &regions), "*");  // unnamed
  EXPECT_EQ(Generalize(FieldType::kString, "Казань", 2, kToday, &regions), "*");
  EXPECT_EQ(GeneralizationName(FieldType::kString, 1, &regions), "region");
  EXPECT_EQ(GeneralizationName(FieldType::kString, 2, &regions), "suppressed");

  // Three from Kazan and three from Naberezhnye Chelny are one class of six in Tatarstan.
  QuasiTable t{{FieldType::kString}, {}, {&regions}};
  for (int i = 0; i < 3; ++i) t.rows.push_back({"Казань"});
  for (int i = 0; i < 3; ++i) t.rows.push_back({"Набережные Челны"});
  auto a = Anonymize(t, 5, 0, kToday);
  EXPECT_EQ(a.levels, (std::vector<int>{1}));
  EXPECT_EQ(a.suppressed, 0);
  EXPECT_EQ(a.values[0], (std::vector<std::string>{"Республика Татарстан"}));
  ExpectKAnonymous(a, 5);
}

TEST(Depersonalize, FewerRowsThanKAreAllSuppressed) {
  QuasiTable t{{FieldType::kDate}, {{"1990-01-01"}, {"1980-01-01"}, {"1970-01-01"}}};
  auto a = Anonymize(t, 5, 0, kToday);
  EXPECT_EQ(a.levels, (std::vector<int>{3}));  // raised to the top, and still too few
  EXPECT_EQ(a.suppressed, 3);
  EXPECT_TRUE(a.values.empty());
  EXPECT_EQ(a.smallest_class, 0);
}

TEST(Depersonalize, KBelowTwoReleasesTheFinestLevel) {
  QuasiTable t{{FieldType::kString}, {{"a"}, {"b"}}};
  auto a = Anonymize(t, 1, 0, kToday);
  EXPECT_EQ(a.levels, (std::vector<int>{0}));
  EXPECT_EQ(a.suppressed, 0);
  EXPECT_EQ(a.values.size(), 2u);
}

}  // namespace
}  // namespace konfid::domain
