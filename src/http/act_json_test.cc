#include "http/act_json.h"

#include <gtest/gtest.h>

namespace konfid::http {
namespace {

domain::DestructionAct SampleAct() {
  domain::DestructionAct act;
  act.id = "0123456789abcdef0123456789abcdef";
  act.tenant = "demo";
  act.destroyed_at = 1'800'000'000'123'456;
  act.op = {
      "", {"ООО «Пример»", "Example LLC"}, {"Москва", "Moscow"}, "7701234567", "1027700000000", ""};
  act.processors.push_back({"mailer", {"Рассыльщик", "Mailer"}, {"Тверь", "Tver"}, "", "", "RU"});
  act.subject = "fedcba9876543210fedcba9876543210";
  act.destroyed.push_back({"email", "contact", {"Эл. почта", "Email"}, {"Контакты", "Contacts"}});
  act.kept.push_back({"inn", "tax_certificates", "2031-12-02"});
  act.information_system = "Konfid (demo)";
  act.method = domain::DestructionMethod::kDeletion;
  act.reason = domain::DestructionReason::kSubjectRequest;
  act.reason_detail = "00000000000000000000000000000001";
  act.actor = "apikey:k1";
  act.actor_role = "admin";
  domain::AuditEvent e;
  e.tenant = "demo";
  e.seq = 7;
  e.time = act.destroyed_at;
  e.actor = "apikey:k1";
  e.operation = "destroy";
  e.subject_id = act.subject;
  e.fields = {"email"};
  e.outcome = "ok";
  e.reason = "request:00000000000000000000000000000001";
  e.prev_hash = Bytes(32, 0xab);
  e.hash = Bytes(32, 0xcd);
  act.audit.push_back(e);
  return act;
}

TEST(ActJson, ClaimsReadBackToTheSameAct) {
  std::string claims = domain::DestructionActClaims(SampleAct());
  auto act = ParseDestructionActClaims(claims);
  ASSERT_TRUE(act) << act.error().message();
  EXPECT_EQ(domain::DestructionActClaims(*act), claims);
  EXPECT_EQ(act->audit.at(0).tenant, "demo");  // not written per event: the act's
  EXPECT_EQ(act->destroyed_at, 1'800'000'000'123'456);
  EXPECT_EQ(act->method, domain::DestructionMethod::kDeletion);
  EXPECT_EQ(act->processors.at(0).country, "RU");
  EXPECT_EQ(act->kept.at(0).until, "2031-12-02");
  EXPECT_TRUE(domain::CheckActExtract(*act));
}

// A retention act's purposes read back; an empty list, or one that is not the detail's, is
// refused.
TEST(ActJson, ARetentionActsPurposesReadBackAndMustBeItsDetails) {
  domain::DestructionAct sample = SampleAct();
  sample.reason = domain::DestructionReason::kConsentWithdrawn;
  sample.reason_detail = "statistics,reviews";
  sample.purposes = {{"statistics", {"Статистика", "Statistics"}}, {"reviews", {}}};
  std::string claims = domain::DestructionActClaims(sample);
  auto act = ParseDestructionActClaims(claims);
  ASSERT_TRUE(act) << act.error().message();
  ASSERT_EQ(act->purposes.size(), 2u);
  EXPECT_EQ(act->purposes[0].name.en, "Statistics");
  EXPECT_EQ(act->purposes[1].id, "reviews");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = claims;
    auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? s : s.replace(at, from.size(), to);
  };
  for (const std::string& text :
       {with("\"reason_detail\":\"statistics,reviews\"",
             "\"reason_detail\":\"reviews,statistics\""),
        with("\"reason\":\"consent_withdrawn\"", "\"reason\":\"staff_erasure\""),
        with(claims.substr(claims.find(",\"purposes\":["),
                           claims.find(",\"destroyed_by\"") - claims.find(",\"purposes\":[")),
             ",\"purposes\":[]")}) {
    auto bad = ParseDestructionActClaims(text);
    ASSERT_FALSE(bad) << text;
    EXPECT_EQ(bad.error().reason(), "invalid_act");
  }
}

// Claims Konfid did not write so are refused, each with reason invalid_act.
TEST(ActJson, AnythingButTheCanonicalClaimsIsRefused) {
  std::string claims = domain::DestructionActClaims(SampleAct());
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string s = claims;
    auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? s : s.replace(at, from.size(), to);
  };
  const std::vector<std::string> bad = {
      "",
      "[]",
      claims.substr(0, claims.size() - 1),
      replaced("{\"typ\"", "{ \"typ\""),                                  // whitespace
      replaced("\"typ\":\"konfid-destruction-act/1\"", "\"typ\":\"x\""),  // another format
      replaced("\"method\":\"deletion\"", "\"method\":\"burning\""),
      replaced("\"reason\":\"subject_request\"", "\"reason\":\"whim\""),
      replaced("\"destroyed_at\":\"", "\"destroyed_at\":\"yesterday"),
      replaced("\"seq\":7", "\"seq\":\"7\""),
      replaced("cdcdcdcd", "CDCDCDCD"),                                      // hex case
      replaced("\"subject\":\"fedcba", "\"extra\":1,\"subject\":\"fedcba"),  // unknown member
      replaced("\"tenant\":\"demo\",", ""),                                  // missing member
      replaced("\"tenant\":\"demo\",", "\"tenant\":\"demo\",\"tenant\":\"demo\","),  // twice
  };
  for (const auto& text : bad) {
    auto act = ParseDestructionActClaims(text);
    ASSERT_FALSE(act) << text;
    EXPECT_EQ(act.error().reason(), "invalid_act") << text;
    EXPECT_EQ(act.error().code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace konfid::http
