#include "http/json_body.h"

#include "http/bodies.h"

#include <gtest/gtest.h>

namespace konfid::http {
namespace {

std::string ReasonOf(std::string_view body) {
  auto r = ParseJsonBody(body);
  return r ? "ok" : r.error().reason();
}

TEST(ParseJsonBody, RefusesAMemberNamedTwiceAtAnyDepth) {
  EXPECT_EQ(ReasonOf(R"({"fields":{"surname":"A","surname":"B"}})"), "duplicate_field");
  EXPECT_EQ(ReasonOf(R"({"fields":{"surname":"A"},"fields":{"surname":"B"}})"), "duplicate_field");
  EXPECT_EQ(ReasonOf(R"({"a":[{"x":1,"y":2,"x":3}]})"), "duplicate_field");
  // An escape spells the same key: still a duplicate.
  EXPECT_EQ(ReasonOf(R"({"fields":{"name":"A","n\u0061me":"B"}})"), "duplicate_field");
  auto r = ParseJsonBody(R"({"fields":{"surname":"A","surname":"B"}})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("'surname'"), std::string::npos) << r.error().message();
  EXPECT_EQ(r.error().message().find("B"), std::string::npos);  // never a value
}

TEST(ParseJsonBody, SameKeyInSiblingOrNestedObjectsIsFine) {
  auto r = ParseJsonBody(R"({"a":{"k":1},"b":{"k":2},"k":{"k":{"k":3}},"l":[{"k":1},{"k":2}]})");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->size(), 4u);
  EXPECT_EQ(r->at("k").at("k").at("k").as_int64(), 3);
}

TEST(ParseJsonBody, LargeObjectsAreCheckedToo) {
  std::string distinct = "{", twice = "{";
  for (int i = 0; i < 500; ++i) {
    distinct += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
    twice += (i ? ",\"k" : "\"k") + std::to_string(i % 499) + "\":" + std::to_string(i);
  }
  distinct += "}";
  twice += "}";
  auto r = ParseJsonBody(distinct);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), 500u);
  EXPECT_EQ(ReasonOf(twice), "duplicate_field");
}

TEST(ParseJsonBody, RefusesWhatIsNotOneJsonObject) {
  EXPECT_EQ(ReasonOf(""), "invalid_json");
  EXPECT_EQ(ReasonOf("[1]"), "invalid_json");
  EXPECT_EQ(ReasonOf(R"({"a":1} {"b":2})"), "invalid_json");
  EXPECT_EQ(ReasonOf(R"({"a":1,})"), "invalid_json");
  EXPECT_EQ(ReasonOf(R"({"a":1 // comment
})"),
            "invalid_json");
  EXPECT_EQ(ReasonOf("{\"a\":\"\xff\"}"), "invalid_json");
  std::string deep = std::string(40, '[') + std::string(40, ']');  // deeper than 32
  EXPECT_EQ(ReasonOf("{\"a\":" + deep + "}"), "invalid_json");
}

TEST(ParseJsonBody, KeepsEveryValueAsParsed) {
  auto r = ParseJsonBody(
      R"({"s":"Иван","i":-3,"u":18446744073709551615,"d":1.5,"t":true,"n":null,"a":[1,"x"],"o":{}})");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->at("s").as_string(), "Иван");
  EXPECT_EQ(r->at("i").as_int64(), -3);
  EXPECT_EQ(r->at("u").as_uint64(), 18446744073709551615u);
  EXPECT_EQ(r->at("d").as_double(), 1.5);
  EXPECT_TRUE(r->at("t").as_bool());
  EXPECT_TRUE(r->at("n").is_null());
  EXPECT_EQ(r->at("a").as_array().size(), 2u);
  EXPECT_TRUE(r->at("o").as_object().empty());
}

TEST(IsMediaType, MatchesTheTypeExactlyWithParameters) {
  EXPECT_TRUE(IsMediaType("application/json", "application/json"));
  EXPECT_TRUE(IsMediaType("Application/JSON; charset=utf-8", "application/json"));
  EXPECT_TRUE(IsMediaType("application/json ;charset=UTF-8", "application/json"));
  EXPECT_FALSE(IsMediaType("application/json-evil", "application/json"));
  EXPECT_FALSE(IsMediaType("application/jsonx; charset=utf-8", "application/json"));
  EXPECT_FALSE(IsMediaType("text/plain", "application/json"));
  EXPECT_FALSE(IsMediaType("", "application/json"));
  EXPECT_FALSE(IsMediaType("application/", "application/json"));
}

}  // namespace
}  // namespace konfid::http

namespace konfid::http {
namespace {

// The renewal form (application/x-www-form-urlencoded) holds to the same rule: one answer a
// field, so `consent.newsletter=yes&consent.newsletter=no` cannot mean whichever came last.
TEST(ParseRenewalDecision, RefusesAFormFieldGivenTwice) {
  Request req{beast_http::verb::post, "/v1/renewals/demo/t", 11};
  req.set(beast_http::field::content_type, "application/x-www-form-urlencoded");
  req.body() = "version=2&consent.newsletter=yes&consent.newsletter=no";
  auto twice = ParseRenewalDecision(req);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().reason(), "duplicate_field");
  req.body() = "version=2&consent.newsletter=yes&consent.statistics=no";
  auto once = ParseRenewalDecision(req);
  ASSERT_TRUE(once) << once.error().message();
  EXPECT_TRUE(once->decisions.at("newsletter"));
  EXPECT_FALSE(once->decisions.at("statistics"));
}

}  // namespace
}  // namespace konfid::http
