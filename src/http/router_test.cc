#include "http/router.h"

#include <gtest/gtest.h>

#include "http/api.h"

namespace konfid::http {
namespace {

namespace verb = boost::beast::http;
using V = verb::verb;

// A small table in the shapes Konfid uses: literal paths, {name}, a trailing {name...}, a
// path for every method, several methods on one path.
const std::string_view kPatterns[] = {
    "/healthz",                                 // 0
    "GET /v1/subjects",                         // 1
    "POST /v1/subjects",                        // 2
    "GET /v1/subjects/{id}",                    // 3
    "PATCH /v1/subjects/{id}",                  // 4
    "DELETE /v1/subjects/{id}",                 // 5
    "GET /v1/subjects/{id}/consents",           // 6
    "GET /v1/unsubscribe/{tenant}/{token...}",  // 7
};

Router Table() {
  auto r = Router::Create(kPatterns);
  EXPECT_TRUE(r) << r.error().message();
  return std::move(*r);
}

TEST(Router, MatchesLiteralPathsByMethod) {
  Router router = Table();
  PathParams params;
  auto get = router.Find(V::get, "/v1/subjects", params);
  EXPECT_EQ(get.outcome, RouteMatch::kFound);
  EXPECT_EQ(get.row, 1u);
  EXPECT_EQ(get.label, "/v1/subjects");
  EXPECT_EQ(router.Find(V::post, "/v1/subjects", params).row, 2u);
  EXPECT_EQ(params.size(), 0u);
}

TEST(Router, NamedParametersAreOneNonEmptySegment) {
  Router router = Table();
  PathParams params;
  auto m = router.Find(V::patch, "/v1/subjects/s_123", params);
  ASSERT_EQ(m.outcome, RouteMatch::kFound);
  EXPECT_EQ(m.row, 4u);
  EXPECT_EQ(m.label, "/v1/subjects/{id}");
  EXPECT_EQ(params.Get("id"), "s_123");
  EXPECT_EQ(params.Get("other"), "");

  auto c = router.Find(V::get, "/v1/subjects/s_1/consents", params);
  EXPECT_EQ(c.row, 6u);
  EXPECT_EQ(params.Get("id"), "s_1");

  EXPECT_EQ(router.Find(V::get, "/v1/subjects/", params).outcome, RouteMatch::kNotFound);
  EXPECT_EQ(router.Find(V::get, "/v1/subjects//consents", params).outcome, RouteMatch::kNotFound);
  EXPECT_EQ(router.Find(V::get, "/v1/subjects/a/b", params).outcome, RouteMatch::kNotFound);
  EXPECT_EQ(router.Find(V::get, "/v1/subjects/a/consents/x", params).outcome,
            RouteMatch::kNotFound);
}

TEST(Router, ATrailingParameterTakesTheRestOfThePath) {
  Router router = Table();
  PathParams params;
  auto m = router.Find(V::get, "/v1/unsubscribe/demo/tok/en", params);
  ASSERT_EQ(m.outcome, RouteMatch::kFound);
  EXPECT_EQ(m.label, "/v1/unsubscribe/{tenant}/{token}");
  EXPECT_EQ(params.Get("tenant"), "demo");
  EXPECT_EQ(params.Get("token"), "tok/en");
  ASSERT_EQ(router.Find(V::get, "/v1/unsubscribe/demo/", params).outcome, RouteMatch::kFound);
  EXPECT_EQ(params.Get("token"), "");
  EXPECT_EQ(router.Find(V::get, "/v1/unsubscribe/demo", params).outcome, RouteMatch::kNotFound);
}

TEST(Router, AWrongMethodListsEveryMethodOfThePath) {
  Router router = Table();
  PathParams params;
  auto m = router.Find(V::put, "/v1/subjects/s_1", params);
  EXPECT_EQ(m.outcome, RouteMatch::kMethodNotAllowed);
  EXPECT_EQ(m.label, "/v1/subjects/{id}");
  EXPECT_EQ(AllowHeader(m.allow), "GET, PATCH, DELETE");
  auto head = router.Find(V::head, "/v1/subjects", params);  // GET does not answer HEAD
  EXPECT_EQ(head.outcome, RouteMatch::kMethodNotAllowed);
  EXPECT_EQ(AllowHeader(head.allow), "GET, POST");
  EXPECT_EQ(AllowHeader(router.Find(V::unknown, "/v1/subjects", params).allow), "GET, POST");
}

TEST(Router, APathWithoutMethodAnswersEveryMethod) {
  Router router = Table();
  PathParams params;
  for (V v : {V::get, V::post, V::delete_, V::unknown})
    EXPECT_EQ(router.Find(v, "/healthz", params).outcome, RouteMatch::kFound);
}

TEST(Router, AnUnknownPathIsNotFound) {
  Router router = Table();
  PathParams params;
  for (std::string_view path : {"/", "/v1", "/v1/subject", "/v1/subjectsx", "/healthz/", "/v2/x"})
    EXPECT_EQ(router.Find(V::get, path, params).outcome, RouteMatch::kNotFound) << path;
}

TEST(Router, RefusesMalformedPatterns) {
  for (std::string_view bad : {"FETCH /x", "x", "GET x", "GET /a/{}", "GET /a/{id", "GET /a/b{id}",
                               "GET /a/{rest...}/b", "GET /{a}/{b}/{c}/{d}/{e}"}) {
    std::string_view one[] = {bad};
    EXPECT_FALSE(Router::Create(one)) << bad;
  }
  std::string_view twice[] = {"GET /a/{id}", "GET /a/{id}"};
  EXPECT_FALSE(Router::Create(twice));
}

// Konfid's own table: it compiles, public routes need no key, the data routes need one, and
// the labels are the ones /metrics has always shown.
TEST(RouteTable, CompilesAndSaysWhoMayCallEachRoute) {
  const Router& router = RouteTable();
  PathParams params;
  auto access = [&](V v, std::string_view path) {
    RouteMatch m = router.Find(v, path, params);
    EXPECT_EQ(m.outcome, RouteMatch::kFound) << path;
    return Routes()[m.row].access;
  };
  EXPECT_EQ(access(V::get, "/healthz"), Access::kPublic);
  EXPECT_EQ(access(V::post, "/v1/confirmations"), Access::kPublic);
  EXPECT_EQ(access(V::get, "/v1/keys/receipt"), Access::kPublic);
  EXPECT_EQ(access(V::post, "/v1/unsubscribe/demo/t"), Access::kPublic);
  EXPECT_EQ(access(V::get, "/v1/policy"), Access::kKeyOptional);
  EXPECT_EQ(access(V::post, "/v1/policy/versions"), Access::kKey);
  EXPECT_EQ(access(V::get, "/v1/subjects"), Access::kKey);
  EXPECT_EQ(access(V::delete_, "/v1/apikeys/k1"), Access::kKey);
  // A visitor's own routes take a self session, not a key; asking for a code takes nothing.
  EXPECT_EQ(access(V::get, "/v1/self"), Access::kSelf);
  EXPECT_EQ(access(V::post, "/v1/self/requests"), Access::kSelf);
  EXPECT_EQ(access(V::post, "/v1/self/codes"), Access::kPublic);
  EXPECT_EQ(access(V::get, "/v1/requests"), Access::kKey);
  EXPECT_EQ(Routes()[router.Find(V::post, "/v1/subjects", params).row].permission,
            app::Permission::kSubjectsCreate);
  for (const Route& r : Routes()) {
    if (r.access != Access::kKey) {
      EXPECT_EQ(r.permission, app::Permission::kNone) << r.pattern;
    }
  }
}

TEST(RouteTable, RateLimitsTheLinksWhoseTokenIsTheCredential) {
  const Router& router = RouteTable();
  PathParams params;
  auto limited = [&](V v, std::string_view path) {
    return Routes()[router.Find(v, path, params).row].rate_limited;
  };
  EXPECT_TRUE(limited(V::post, "/v1/confirmations"));
  EXPECT_TRUE(limited(V::get, "/v1/renewals/demo/t"));
  EXPECT_TRUE(limited(V::post, "/v1/renewals/demo/t"));
  EXPECT_TRUE(limited(V::post, "/v1/unsubscribe/demo/t"));
  // A code and its check count against the client's address, apart from the subject's limit.
  EXPECT_TRUE(limited(V::post, "/v1/self/codes"));
  EXPECT_TRUE(limited(V::post, "/v1/self/sessions"));
  EXPECT_FALSE(limited(V::get, "/v1/unsubscribe/demo/t"));  // the page changes nothing
  EXPECT_FALSE(limited(V::post, "/v1/subjects"));
}

TEST(RouteTable, KeepsTheMetricLabelsAndAllowHeaders) {
  std::vector<std::string> labels;
  for (const auto& p : RouteTable().Paths())
    labels.push_back(p.label + " " + AllowHeader(p.methods));
  const std::vector<std::string> expected = {
      "/healthz GET, HEAD, POST, PUT, PATCH, DELETE",
      "/readyz GET, HEAD, POST, PUT, PATCH, DELETE",
      "/metrics GET, HEAD, POST, PUT, PATCH, DELETE",
      "/v1/policy GET",
      "/v1/policy/versions GET, POST",
      "/v1/policy/versions/{n} GET",
      "/v1/apikeys GET",
      "/v1/apikeys/{id} DELETE",
      "/v1/jobs/{name}/run POST",
      "/v1/confirmations POST",
      "/v1/unsubscribe/{tenant}/{token} GET, POST",
      "/v1/renewals/{tenant}/{token} GET, POST",
      "/v1/self/codes POST",
      "/v1/self/sessions POST",
      "/v1/self/session DELETE",
      "/v1/self GET",
      "/v1/self/access-reply GET",
      "/v1/self/requests GET, POST",
      "/v1/self/requests/{id} GET",
      "/v1/events POST",
      "/v1/events/beacon GET",
      "/v1/audit/checkpoints GET",
      "/v1/keys/receipt GET",
      "/v1/registrations POST",
      "/v1/subjects GET, POST",
      "/v1/subjects/{id} GET, PATCH, DELETE",
      "/v1/subjects/{id}/consents GET, POST",
      "/v1/receipts/{id} GET",
      "/v1/subjects/{id}/messages POST",
      "/v1/subjects/{id}/unsubscribe-link GET",
      "/v1/subjects/{id}/blocks POST, DELETE",
      "/v1/subjects/{id}/retention GET",
      "/v1/subjects/{id}/holds GET, POST",
      "/v1/subjects/{id}/holds/{hold} DELETE",
      "/v1/subjects/{id}/contracts/{purpose}/end POST, DELETE",
      "/v1/requests GET, POST",
      "/v1/requests/{id} GET",
      "/v1/requests/{id}/transitions POST",
      "/v1/subjects/{id}/access-reply GET",
      "/v1/disclosures GET, POST",
      "/v1/destruction-acts GET",
      "/v1/destruction-acts/{id} GET",
      "/v1/stats GET",
      "/v1/exports/depersonalized POST",
  };
  EXPECT_EQ(labels, expected);
}

}  // namespace
}  // namespace konfid::http
