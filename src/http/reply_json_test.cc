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

}  // namespace
}  // namespace konfid::http
