#include "domain/retention.h"

#include <gtest/gtest.h>

namespace konfid::domain {
namespace {

constexpr UnixMicros kDay = kMicrosPerDay;
constexpr UnixMicros kCollected = 1000 * kDay;
constexpr UnixMicros kGrace = kGraceDays * kDay;

Purpose MakePurpose(std::string id, std::string ground, std::vector<std::string> fields,
                    std::string retention, std::string on_expiry = "destroy") {
  Purpose p;
  p.id = std::move(id);
  p.ground = std::move(ground);
  p.fields = std::move(fields);
  p.retention_text = std::move(retention);
  p.retention = ParseRetention(p.retention_text);
  p.on_expiry = std::move(on_expiry);
  return p;
}

// news (consent, 30 days) holds email and city; stats (consent, 1 year, depersonalize) holds
// city; orders (contract) holds email; tax (legal obligation, 5 years from collection) holds
// inn.
TenantPolicy Policy() {
  TenantPolicy p;
  p.purposes = {MakePurpose("news", "consent", {"email", "city"}, "30 days"),
                MakePurpose("stats", "consent", {"city"}, "1 year", "depersonalize"),
                MakePurpose("orders", "contract", {"email"}, "3 years"),
                MakePurpose("tax", "legal_obligation", {"inn"}, "5 years")};
  return p;
}

ConsentState State(std::string purpose, std::optional<ConsentKind> last, UnixMicros since,
                   UnixMicros expires_at = 0) {
  ConsentState s;
  s.purpose = std::move(purpose);
  s.last = last;
  s.since = since;
  s.expires_at = expires_at;
  return s;
}

UnixMicros Until(const RetentionFacts& facts, const std::string& field) {
  auto plans = PlanRetention(Policy(), {field}, facts);
  return plans.at(0).until;
}

TEST(Retention, EachStateOfAConsentHoldsItsFieldsAsLongAsTheRuleSays) {
  struct Case {
    const char* name;
    std::optional<ConsentKind> last;
    UnixMicros since, expires_at, until;
  };
  const Case cases[] = {
      {"never asked: the grace from collection", std::nullopt, 0, 0, kCollected + kGrace},
      {"given: its term", ConsentKind::kGiven, kCollected, kCollected + 30 * kDay,
       kCollected + 30 * kDay},
      {"renewed: its new term", ConsentKind::kRenewed, kCollected + 20 * kDay,
       kCollected + 50 * kDay, kCollected + 50 * kDay},
      {"expired: at the expiry", ConsentKind::kExpired, kCollected + 30 * kDay, 0,
       kCollected + 30 * kDay},
      {"withdrawn: the grace from the withdrawal", ConsentKind::kWithdrawn, kCollected + 5 * kDay,
       0, kCollected + 5 * kDay + kGrace},
      {"refused: the grace from the refusal", ConsentKind::kRefused, kCollected + 1 * kDay, 0,
       kCollected + 1 * kDay + kGrace},
  };
  for (const auto& c : cases) {
    RetentionFacts facts{kCollected, {{"stats", State("stats", c.last, c.since, c.expires_at)}}};
    // city: news never asked (collection + grace) and stats as the case says; the later wins.
    UnixMicros expected = std::max(c.until, kCollected + kGrace);
    EXPECT_EQ(Until(facts, "city"), expected) << c.name;
  }
}

TEST(Retention, TheLatestPurposeWinsAndNamesWhatHappensThen) {
  RetentionFacts facts{
      kCollected,
      {{"news", State("news", ConsentKind::kWithdrawn, kCollected + kDay)},
       {"stats", State("stats", ConsentKind::kGiven, kCollected, kCollected + 365 * kDay)}}};
  auto plans = PlanRetention(Policy(), {"city", "email", "inn", "gone"}, facts);
  ASSERT_EQ(plans.size(), 4u);
  EXPECT_EQ(plans[0].purpose, "stats");
  EXPECT_EQ(plans[0].on_expiry, "depersonalize");
  EXPECT_EQ(plans[0].until, kCollected + 365 * kDay);
  // email: the contract has no known end, so it outlasts the withdrawn newsletter.
  EXPECT_EQ(plans[1].purpose, "orders");
  EXPECT_EQ(plans[1].until, kHeldIndefinitely);
  EXPECT_FALSE(plans[1].DueAt(kHeldIndefinitely - 1));
  // inn: five calendar years from collection (Civil Code Art. 192), not 5 × 365 days.
  EXPECT_EQ(plans[2].purpose, "tax");
  EXPECT_EQ(plans[2].until, AddCalendarMonths(kCollected, 60));
  EXPECT_NE(plans[2].until, kCollected + 5 * 365 * kDay);
  // A field no purpose lists any more: the grace from collection, then destroyed.
  EXPECT_EQ(plans[3].purpose, "");
  EXPECT_EQ(plans[3].on_expiry, "destroy");
  EXPECT_EQ(plans[3].until, kCollected + kGrace);
  EXPECT_TRUE(plans[3].DueAt(kCollected + kGrace));
  EXPECT_FALSE(plans[3].DueAt(kCollected + kGrace - 1));
}

TEST(Retention, TheTermStartsWhereThePolicySays) {
  Purpose contract = MakePurpose("orders", "contract", {"email"}, "1 year");
  EXPECT_EQ(RetentionStart(contract), "contract_end");
  RetentionFacts facts{kCollected, {}};
  EXPECT_EQ(HeldUntil(contract, facts), kHeldIndefinitely);  // the contract goes on
  facts.contract_ends["orders"] = kCollected + 100 * kDay;
  EXPECT_EQ(HeldUntil(contract, facts), AddCalendarMonths(kCollected + 100 * kDay, 12));
  contract.retention_from = "collection";
  EXPECT_EQ(RetentionStart(contract), "collection");
  EXPECT_EQ(HeldUntil(contract, facts), AddCalendarMonths(kCollected, 12));
  EXPECT_EQ(RetentionStart(MakePurpose("n", "consent", {}, "1 day")), "consent");
  EXPECT_EQ(RetentionStart(MakePurpose("i", "legitimate_interest", {}, "1 day")), "collection");
}

// A purpose stopped for the subject holds nothing: its fields go unless another purpose holds
// them, as a field no purpose lists.
TEST(Retention, AStoppedPurposeHoldsNothing) {
  TenantPolicy policy;
  policy.purposes = {MakePurpose("fraud", "legitimate_interest", {"phone", "email"}, "3 years"),
                     MakePurpose("orders", "contract", {"email"}, "1 year")};
  RetentionFacts facts{kCollected, {}};
  facts.contract_ends["orders"] = kCollected;
  auto before = PlanRetention(policy, {"phone", "email"}, facts);
  EXPECT_EQ(before[0].until, AddCalendarMonths(kCollected, 36));
  EXPECT_EQ(before[0].purpose, "fraud");
  facts.stopped = {"fraud"};
  auto after = PlanRetention(policy, {"phone", "email"}, facts);
  EXPECT_EQ(after[0].until, kCollected + kGrace);
  EXPECT_EQ(after[0].purpose, "");
  EXPECT_EQ(after[1].until, AddCalendarMonths(kCollected, 12));  // the contract still holds it
  EXPECT_EQ(after[1].purpose, "orders");
}

// An erasure keeps only what a legal obligation still holds; once erased, no other purpose
// holds what is left, so the obligation's term alone decides when it goes.
TEST(Retention, AnErasureKeepsWhatALegalObligationHoldsAndNothingElse) {
  TenantPolicy policy = Policy();
  policy.purposes.push_back(MakePurpose("audit", "legal_obligation", {"inn", "email"}, "1 year"));
  RetentionFacts facts{kCollected, {}};
  facts.consents["news"] = State("news", ConsentKind::kGiven, kCollected, kCollected + 30 * kDay);
  const std::vector<std::string> held = {"city", "email", "inn"};
  auto kept = KeptAtErasure(policy, held, facts, kCollected + kDay);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].field, "email");
  EXPECT_EQ(kept[0].purpose, "audit");
  EXPECT_EQ(kept[0].until, AddCalendarMonths(kCollected, 12));
  EXPECT_EQ(kept[1].field, "inn");
  EXPECT_EQ(kept[1].purpose, "tax");  // the longer of the two obligations
  EXPECT_EQ(kept[1].until, AddCalendarMonths(kCollected, 60));
  // Past the audit term only tax keeps anything; past both, nothing is kept.
  auto later = KeptAtErasure(policy, held, facts, AddCalendarMonths(kCollected, 13));
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].field, "inn");
  EXPECT_TRUE(KeptAtErasure(policy, held, facts, AddCalendarMonths(kCollected, 61)).empty());
  // An obligation whose record was never made (no INN held) keeps nothing, nor holds it.
  EXPECT_TRUE(KeptAtErasure(policy, {"city", "email"}, facts, kCollected + kDay).empty());
  EXPECT_NE(PlanRetention(policy, {"email"}, facts)[0].purpose, "audit");
  // A stopped obligation keeps nothing (none is stopped by a request, but the rule is one).
  facts.stopped = {"tax", "audit"};
  EXPECT_TRUE(KeptAtErasure(policy, held, facts, kCollected + kDay).empty());
  // Erased and kept for tax: the live news consent no longer holds email, tax holds inn.
  facts.stopped.clear();
  facts.kept = {"tax"};
  auto plans = PlanRetention(policy, {"email", "inn"}, facts);
  EXPECT_EQ(plans[0].purpose, "");
  EXPECT_EQ(plans[0].until, kCollected + kGrace);
  EXPECT_EQ(plans[1].purpose, "tax");
  EXPECT_EQ(plans[1].until, AddCalendarMonths(kCollected, 60));
}

}  // namespace
}  // namespace konfid::domain
