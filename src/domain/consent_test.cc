#include "domain/consent.h"

#include <gtest/gtest.h>

namespace konfid::domain {
namespace {

constexpr UnixMicros kDay = 86'400'000'000LL;

TenantPolicy Policy() {
  TenantPolicy p;
  Purpose news;
  news.id = "news";
  news.ground = "consent";
  news.retention = ParseRetention("30 days");
  Purpose orders;
  orders.id = "orders";
  orders.ground = "contract";
  p.purposes = {news, orders};
  return p;
}

ConsentEvent Event(ConsentKind kind, UnixMicros time, int64_t version = 1) {
  ConsentEvent e;
  e.purpose = "news";
  e.kind = kind;
  e.time = time;
  e.policy_version = version;
  return e;
}

TEST(Consent, StateFollowsTheLastEvent) {
  auto none = DeriveConsents({}, Policy(), 0);
  ASSERT_EQ(none.size(), 1u);  // only consent-based purposes have a state
  EXPECT_FALSE(none.at("news").live);
  EXPECT_FALSE(none.at("news").last);

  auto given = DeriveConsents({Event(ConsentKind::kGiven, kDay, 2)}, Policy(), 2 * kDay);
  EXPECT_TRUE(given.at("news").live);
  EXPECT_EQ(given.at("news").policy_version, 2);
  EXPECT_EQ(given.at("news").expires_at, 31 * kDay);

  auto withdrawn =
      DeriveConsents({Event(ConsentKind::kGiven, kDay), Event(ConsentKind::kWithdrawn, 2 * kDay)},
                     Policy(), 3 * kDay);
  EXPECT_FALSE(withdrawn.at("news").live);
  EXPECT_EQ(*withdrawn.at("news").last, ConsentKind::kWithdrawn);

  auto again =
      DeriveConsents({Event(ConsentKind::kGiven, kDay), Event(ConsentKind::kWithdrawn, 2 * kDay),
                      Event(ConsentKind::kGiven, 3 * kDay)},
                     Policy(), 4 * kDay);
  EXPECT_TRUE(again.at("news").live);
  EXPECT_FALSE(
      DeriveConsents({Event(ConsentKind::kRefused, kDay)}, Policy(), 2 * kDay).at("news").live);
}

// A term in months or years is counted by the calendar (Civil Code Art. 192): "3 years"
// given on 2026-12-01 lasts to 2029-12-01, not to 2029-11-30 (3 × 365 days).
TEST(Consent, TermsInMonthsAndYearsEndOnTheCorrespondingDay) {
  auto at = [](const char* t) { return *ParseRfc3339(t); };
  auto expiry = [&](const char* retention, const char* given, const char* now) {
    TenantPolicy p = Policy();
    p.purposes[0].retention = ParseRetention(retention);
    ConsentEvent e = Event(ConsentKind::kGiven, at(given));
    return DeriveConsents({e}, p, at(now)).at("news");
  };
  auto three = expiry("3 years", "2026-12-01T09:00:00Z", "2029-12-01T08:59:59Z");
  EXPECT_EQ(FormatRfc3339(three.expires_at), "2029-12-01T09:00:00.000000Z");
  EXPECT_TRUE(three.live);  // on 2029-11-30 and on the morning of 2029-12-01 still live
  EXPECT_FALSE(expiry("3 years", "2026-12-01T09:00:00Z", "2029-12-01T09:00:00Z").live);
  EXPECT_EQ(FormatRfc3339(expiry("1 year", "2028-02-29", "2028-03-01").expires_at),
            "2029-02-28T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(expiry("1 month", "2027-01-31", "2027-02-01").expires_at),
            "2027-02-28T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(expiry("6 months", "2026-12-01", "2027-01-01").expires_at),
            "2027-06-01T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(expiry("30 days", "2027-01-31", "2027-02-01").expires_at),
            "2027-03-02T00:00:00.000000Z");  // days stay days
}

TEST(Consent, ExpiresWhenThePurposesTermHasPassed) {
  auto s = DeriveConsents({Event(ConsentKind::kGiven, kDay)}, Policy(), 31 * kDay);
  EXPECT_FALSE(s.at("news").live);
  EXPECT_EQ(*s.at("news").last, ConsentKind::kExpired);
  EXPECT_EQ(s.at("news").since, 31 * kDay);
  auto renewed =
      DeriveConsents({Event(ConsentKind::kGiven, kDay), Event(ConsentKind::kRenewed, 20 * kDay)},
                     Policy(), 31 * kDay);
  EXPECT_TRUE(renewed.at("news").live);
}

TEST(Consent, IpAddressesAreTruncated) {
  EXPECT_EQ(*TruncateIp("203.0.113.77"), "203.0.113.0/24");
  EXPECT_EQ(*TruncateIp("2001:db8:abcd:12:1:2:3:4"), "2001:db8:abcd::/48");
  EXPECT_FALSE(TruncateIp("example.com"));
  EXPECT_FALSE(TruncateIp("300.1.1.1"));
  EXPECT_FALSE(TruncateIp(""));
}

TEST(Consent, MaterialChangesMoveTheEpochOfWhatTheyWiden) {
  TenantPolicy v1 = Policy();
  TenantPolicy v2 = v1;
  v2.purposes[0].fields.push_back("email");  // news widened
  TenantPolicy v3 = v2;
  Purpose survey = v3.purposes[0];
  survey.id = "survey";
  v3.purposes.push_back(survey);  // a new purpose
  v3.purposes[0].fields.clear();  // news narrowed: no new epoch
  auto epochs = ConsentEpochs({{1, &v1}, {2, &v2}, {3, &v3}});
  EXPECT_EQ(epochs.at("news"), 2);
  EXPECT_EQ(epochs.at("orders"), 1);
  EXPECT_EQ(epochs.at("survey"), 3);

  auto old = DeriveConsents({Event(ConsentKind::kGiven, kDay, 1)}, v3, 2 * kDay, epochs);
  EXPECT_FALSE(old.at("news").live);
  EXPECT_TRUE(old.at("news").renewal_needed);
  auto fresh = DeriveConsents({Event(ConsentKind::kGiven, kDay, 2)}, v3, 2 * kDay, epochs);
  EXPECT_TRUE(fresh.at("news").live);
}

TEST(Consent, ANoticeConcernsOnlyConsentsTheChangeOutdated) {
  TenantPolicy v1 = Policy();
  Purpose survey = v1.purposes[0];
  survey.id = "survey";
  v1.purposes.push_back(survey);
  TenantPolicy v2 = v1;
  v2.purposes[0].fields.push_back("email");  // news widened
  Purpose promo = v1.purposes[0];
  promo.id = "promo";
  v2.purposes.push_back(promo);  // new: nobody consented to it
  auto before = ConsentEpochs({{1, &v1}});
  auto after = ConsentEpochs({{1, &v1}, {2, &v2}});
  auto outdated = OutdatedPurposes(v1, v2, after, 2);
  EXPECT_EQ(outdated, std::vector<std::string>{"news"});  // not survey, not promo
  // A non-material version outdates nothing.
  EXPECT_TRUE(OutdatedPurposes(v1, v1, ConsentEpochs({{1, &v1}, {2, &v1}}), 2).empty());

  auto lost = [&](std::vector<ConsentEvent> events, UnixMicros now = 2 * kDay) {
    return LostConsents(events, outdated, v1, before, v2, after, now);
  };
  EXPECT_EQ(lost({Event(ConsentKind::kGiven, kDay)}), std::vector<std::string>{"news"});
  // Withdrawn, refused, never given, expired, or already given under version 2: no notice.
  EXPECT_TRUE(
      lost({Event(ConsentKind::kGiven, kDay), Event(ConsentKind::kWithdrawn, kDay + 1)}).empty());
  EXPECT_TRUE(lost({Event(ConsentKind::kRefused, kDay)}).empty());
  EXPECT_TRUE(lost({}).empty());
  EXPECT_TRUE(lost({Event(ConsentKind::kGiven, kDay)}, 40 * kDay).empty());
  EXPECT_TRUE(
      lost({Event(ConsentKind::kGiven, kDay), Event(ConsentKind::kRenewed, kDay + 1, 2)}).empty());
  // A consent to a purpose the change left alone is not the notice's business.
  ConsentEvent s = Event(ConsentKind::kGiven, kDay);
  s.purpose = "survey";
  EXPECT_TRUE(lost({s}).empty());
}

}  // namespace
}  // namespace konfid::domain
