#include "domain/policy_diff.h"

#include <gtest/gtest.h>

namespace konfid::domain {
namespace {

TenantPolicy Base() {
  TenantPolicy p;
  p.tenant = "demo";
  p.catalogue = FieldCatalogue({{"name", FieldType::kString}, {"email", FieldType::kEmail}});
  Purpose news;
  news.id = "news";
  news.ground = "consent";
  news.fields = {"email"};
  news.retention_text = "1 year";
  news.retention = ParseRetention("1 year");
  p.purposes = {news};
  Recipient mailer;
  mailer.id = "mailer";
  mailer.country = "RU";
  mailer.purposes = {"news"};
  mailer.fields = {"email"};
  mailer.ground = "consent";
  p.recipients = {mailer};
  return p;
}

std::vector<std::string> Lines(const TenantPolicy& a, const TenantPolicy& b) {
  std::vector<std::string> out;
  for (const auto& c : DiffPolicies(a, b)) out.push_back(FormatChange(c));
  return out;
}

TEST(PolicyDiff, SamePolicyHasNoChanges) { EXPECT_TRUE(DiffPolicies(Base(), Base()).empty()); }

TEST(PolicyDiff, AddingOrWideningIsMaterial) {
  TenantPolicy after = Base();
  after.purposes[0].fields.push_back("name");
  after.purposes[0].retention_text = "3 years";
  after.purposes[0].retention = ParseRetention("3 years");
  Purpose extra = after.purposes[0];
  extra.id = "survey";
  after.purposes.push_back(extra);
  after.recipients[0].country = "KZ";
  after.recipients[0].cross_border = true;
  auto changes = DiffPolicies(Base(), after);
  EXPECT_TRUE(AnyMaterial(changes));
  EXPECT_EQ(Lines(Base(), after),
            (std::vector<std::string>{
                "widened  purpose 'news': fields: + name  [material]",
                "widened  purpose 'news': retention: 1 year -> 3 years  [material]",
                "added    purpose 'survey'  [material]",
                "changed  recipient 'mailer': country: RU -> KZ  [material]",
                "widened  recipient 'mailer': now a transfer abroad  [material]",
            }));
}

TEST(PolicyDiff, RemovingOrNarrowingIsNot) {
  TenantPolicy before = Base();
  before.purposes[0].fields.push_back("name");
  TenantPolicy after = Base();
  after.purposes[0].retention_text = "6 months";
  after.purposes[0].retention = ParseRetention("6 months");
  after.recipients.clear();
  auto changes = DiffPolicies(before, after);
  EXPECT_FALSE(AnyMaterial(changes));
  EXPECT_EQ(Lines(before, after),
            (std::vector<std::string>{"narrowed purpose 'news': fields: - name",
                                      "narrowed purpose 'news': retention: 1 year -> 6 months",
                                      "removed  recipient 'mailer'"}));
}

// Retention terms compare by the calendar (Civil Code Art. 192), not as 30-day months and
// 365-day years: the same term in other words is no widening, a year can be a day longer
// than 365 days.
TEST(PolicyDiff, WhatAnExportKeepsIsNotMaterial) {
  TenantPolicy after = Base();
  after.statistics.quasi_identifiers = {"city"};
  after.statistics.regions["city"] = {{"Казань", "Республика Татарстан"}};
  EXPECT_EQ(Lines(Base(), after),
            (std::vector<std::string>{
                "changed  statistics: quasi_identifiers: (none) -> city",
                "changed  statistics: regions: (none) -> city: Казань=Республика Татарстан"}));
}

TEST(PolicyDiff, RetentionTermsCompareByTheCalendar) {
  auto change = [](const char* from, const char* to) {
    TenantPolicy before = Base(), after = Base();
    before.purposes[0].retention_text = from;
    before.purposes[0].retention = ParseRetention(from);
    after.purposes[0].retention_text = to;
    after.purposes[0].retention = ParseRetention(to);
    auto changes = DiffPolicies(before, after);
    EXPECT_EQ(changes.size(), 1u) << from << " -> " << to;
    return changes.empty() ? PolicyChange{} : changes[0];
  };
  auto same = change("1 year", "12 months");
  EXPECT_EQ(same.kind, PolicyChange::Kind::kChanged);
  EXPECT_FALSE(same.material);
  auto shorter = change("1 year", "365 days");
  EXPECT_EQ(shorter.kind, PolicyChange::Kind::kNarrowed);
  EXPECT_FALSE(shorter.material);
  auto longer = change("365 days", "1 year");
  EXPECT_EQ(longer.kind, PolicyChange::Kind::kWidened);
  EXPECT_TRUE(longer.material);
  EXPECT_TRUE(change("12 months", "366 days").material);
  EXPECT_FALSE(change("12 months", "365 days").material);
  EXPECT_TRUE(change("30 days", "1 month").material);  // a 31-day month
  EXPECT_FALSE(change("31 days", "1 month").material);
}

TEST(PolicyDiff, NewFieldsAndGroundsAreMaterial) {
  TenantPolicy after = Base();
  auto fields = after.catalogue.fields();
  fields.push_back({"phone", FieldType::kPhone});
  after.catalogue = FieldCatalogue(fields);
  after.purposes[0].ground = "legitimate_interest";
  EXPECT_EQ(Lines(Base(), after),
            (std::vector<std::string>{
                "changed  purpose 'news': ground: consent -> legitimate_interest  [material]",
                "added    field 'phone'  [material]"}));
}

TEST(PolicyDiff, PublicationAndCookieChangesAreListed) {
  TenantPolicy after = Base();
  after.publication.notice_days = 14;
  after.cookies.push_back({"analytics", "stats", "demo.example", {"a", "b"}, "1 year"});
  EXPECT_EQ(Lines(Base(), after),
            (std::vector<std::string>{"added    cookie 'analytics:stats'  [material]",
                                      "changed  publication: notice days: 10 -> 14"}));
}

TEST(PolicyDiff, ATimeZoneChangeIsListedButNotMaterial) {
  TenantPolicy after = Base();
  after.time_zone = "Europe/Moscow";  // the ru-152fz default, written out: the same policy
  EXPECT_TRUE(DiffPolicies(Base(), after).empty());
  after.time_zone = "Asia/Vladivostok";
  EXPECT_EQ(
      Lines(Base(), after),
      (std::vector<std::string>{"changed  tenant: time zone: Europe/Moscow -> Asia/Vladivostok"}));
  EXPECT_FALSE(AnyMaterial(DiffPolicies(Base(), after)));
}

}  // namespace
}  // namespace konfid::domain
