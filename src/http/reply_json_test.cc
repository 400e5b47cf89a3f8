#include "http/reply_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace konfid::http {
namespace {

namespace json = boost::json;

// Every value held is in the reply: those of the catalogue with the source the policy
// declares, and one of a field the policy no longer has under its stored name.
TEST(AccessReplyJson, EveryValueHeldWithItsSource) {
  auto policy = std::make_shared<domain::TenantPolicy>();
  domain::FieldSpec name;
  name.name = "name";
  name.label = {"имя", "first name"};
  name.source = "third_party";
  name.source_name = {"АО «Банк»", "Bank JSC"};
  policy->catalogue = domain::FieldCatalogue({name});
  app::AccessReply reply;
  reply.policy = policy;
  reply.data = {{"name", "Анна"}, {"legacy", "старое"}};
  reply.blocked = "legacy";
  json::object out = AccessReplyJson(reply);
  const json::array& data = out.at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0].at("field").as_string(), "name");
  EXPECT_EQ(data[0].at("source").as_string(), "third_party");
  EXPECT_EQ(data[0].at("source_name").at("ru").as_string(), "АО «Банк»");
  EXPECT_FALSE(data[0].at("blocked").as_bool());
  EXPECT_EQ(data[1].at("field").as_string(), "legacy");
  EXPECT_EQ(data[1].at("value").as_string(), "старое");
  EXPECT_EQ(data[1].at("source").as_string(), "subject");
  EXPECT_FALSE(data[1].as_object().contains("source_name"));
  EXPECT_TRUE(data[1].at("blocked").as_bool());
}

// A purpose the subject's objection stopped says so; the others do not.
TEST(AccessReplyJson, AStoppedPurposeIsMarked) {
  auto policy = std::make_shared<domain::TenantPolicy>();
  domain::FieldSpec email;
  email.name = "email";
  email.label = {"адрес", "address"};
  policy->catalogue = domain::FieldCatalogue({email});
  for (const char* id : {"fraud_checks", "registration"}) {
    domain::Purpose p;
    p.id = id;
    p.ground = std::string(id) == "fraud_checks" ? "legitimate_interest" : "contract";
    p.fields = {"email"};
    policy->purposes.push_back(p);
  }
  app::AccessReply reply;
  reply.policy = policy;
  reply.data = {{"email", "anna@example.com"}};
  reply.blocked = "stopped=fraud_checks";
  json::object out = AccessReplyJson(reply);
  const json::array& purposes = out.at("purposes").as_array();
  ASSERT_EQ(purposes.size(), 2u);
  for (const auto& p : purposes)
    EXPECT_EQ(p.at("stopped").as_bool(), p.at("id").as_string() == "fraud_checks") << p;
  EXPECT_FALSE(out.at("data").as_array()[0].at("blocked").as_bool());  // no field is blocked
}

}  // namespace
}  // namespace konfid::http
