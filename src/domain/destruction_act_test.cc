#include "domain/destruction_act.h"

#include <gtest/gtest.h>

namespace konfid::domain {
namespace {

TenantPolicy Policy() {
  TenantPolicy p;
  p.tenant = "demo";
  p.op.legal_name = {"ООО «Демо»", "Demo LLC"};
  p.op.address = {"Москва", "Moscow"};
  p.op.inn = "7700000000";
  FieldSpec email{"email", FieldType::kEmail};
  email.label = {"Адрес электронной почты", "Email address"};
  email.category = "contact";
  FieldSpec inn{"inn", FieldType::kString};
  inn.category = "tax";
  p.catalogue = FieldCatalogue({email, inn});
  p.categories = {{"contact", {"Контактные данные", "Contact details"}, false, 0}};
  Recipient mailer;
  mailer.id = "mailer";
  mailer.role = "processor";
  mailer.fields = {"email"};
  mailer.country = "RU";
  Recipient bank;
  bank.id = "bank";
  bank.role = "processor";
  bank.fields = {"inn"};
  Recipient partner;
  partner.id = "partner";
  partner.role = "third_party";
  partner.fields = {"email"};
  p.recipients = {mailer, bank, partner};
  return p;
}

AuditEvent Event(uint64_t seq, std::string op, uint8_t prev, uint8_t hash) {
  AuditEvent e;
  e.tenant = "demo";
  e.seq = seq;
  e.subject_id = "s1";
  e.operation = std::move(op);
  e.outcome = "ok";
  e.prev_hash = Bytes(kAuditHashSize, prev);
  e.hash = Bytes(kAuditHashSize, hash);
  return e;
}

DestructionFacts Facts() {
  DestructionFacts f;
  f.id = std::string(32, 'a');
  f.subject = "s1";
  f.destroyed_at = 1'800'000'000'000'000;
  f.destroyed = {"email"};
  f.kept = {{"inn", "tax_certificates", "2031-12-07"}};
  f.reason = DestructionReason::kSubjectRequest;
  f.reason_detail = "request:r1";
  f.actor = "apikey:k1";
  f.actor_role = "operator";
  f.audit = {Event(7, "block", 1, 2), Event(8, "destroy", 2, 3)};
  return f;
}

TEST(DestructionAct, NamesTheProcessorsOfTheDestroyedFieldsAndTheirCategories) {
  DestructionAct act = MakeDestructionAct(Policy(), Facts());
  ASSERT_EQ(act.processors.size(), 1u);  // bank holds only the kept inn; partner is no processor
  EXPECT_EQ(act.processors[0].id, "mailer");
  ASSERT_EQ(act.destroyed.size(), 1u);
  EXPECT_EQ(act.destroyed[0].name.en, "Contact details");
  EXPECT_EQ(act.destroyed[0].label.ru, "Адрес электронной почты");
  EXPECT_EQ(act.information_system, "Konfid (demo)");
  EXPECT_EQ(act.op.inn, "7700000000");
  TenantPolicy named = Policy();
  named.information_system = "CRM";
  EXPECT_EQ(MakeDestructionAct(named, Facts()).information_system, "CRM");
}

TEST(DestructionAct, ClaimsAreTheSameBytesForTheSameAct) {
  std::string claims = DestructionActClaims(MakeDestructionAct(Policy(), Facts()));
  EXPECT_EQ(claims, DestructionActClaims(MakeDestructionAct(Policy(), Facts())));
  for (const char* part :
       {R"("typ":"konfid-destruction-act/1")", R"("subject":"s1")",
        R"("method":"crypto_shredding")", R"("reason":"subject_request")",
        R"("reason_detail":"request:r1")", R"("kept":[{"field":"inn","purpose":"tax_certificates")",
        R"("destroyed_by":{"actor":"apikey:k1","role":"operator"})", R"("seq":8)",
        R"("destroyed_at":"2027-01-15T08:00:00.000000Z")"})
    EXPECT_NE(claims.find(part), std::string::npos) << part << "\n" << claims;
}

TEST(DestructionAct, TheExtractMustChainAndEndInTheDestruction) {
  DestructionAct act = MakeDestructionAct(Policy(), Facts());
  EXPECT_TRUE(CheckActExtract(act));
  DestructionAct gap = act;
  gap.audit[1].seq = 9;
  EXPECT_FALSE(CheckActExtract(gap));
  DestructionAct unchained = act;
  unchained.audit[1].prev_hash = Bytes(kAuditHashSize, 9);
  EXPECT_FALSE(CheckActExtract(unchained));
  DestructionAct other = act;
  other.audit[0].subject_id = "s2";
  EXPECT_FALSE(CheckActExtract(other));
  DestructionAct no_destroy = act;
  no_destroy.audit.pop_back();
  EXPECT_FALSE(CheckActExtract(no_destroy));
  DestructionAct empty = act;
  empty.audit.clear();
  EXPECT_FALSE(CheckActExtract(empty));
}

}  // namespace
}  // namespace konfid::domain
