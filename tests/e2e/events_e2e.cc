// Technical events end to end, on both backends, over real HTTP behind a trusted proxy: a
// visitor's cookie choice gates the analytics events of their pages, Global Privacy Control
// refuses them, a necessary event needs no consent, the beacon answers an image, and neither
// the full IP address, the visitor's id, nor a page's query is in any file Konfid writes (nor,
// on PostgreSQL, in a dump of its database).
#include "api_e2e.h"

namespace konfid::e2e {
namespace {

std::string Code(const HttpResult& r) { return JsonString(r.body, "code"); }

constexpr char kVisitor[] = "v1sit0r-0f-the-demo-site";
constexpr char kIpv4[] = "203.0.113.77";
constexpr char kIpv6[] = "2001:db8:abcd:12::77";

class Site {
 public:
  explicit Site(const std::string& db) : konfid(db) {
    konfid.AddServerSettings(R"(trusted_proxies = ["127.0.0.0/8"])");
    konfid.AddConfig(kJobsOnTrigger);
    admin = konfid.CreateKey("demo", "admin");
    konfid.Start();
  }
  // POST /v1/events as a browser's sendBeacon sends it: text/plain, from `ip`.
  HttpResult Send(const std::string& body, const std::string& ip = kIpv4, bool gpc = false) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"X-Forwarded-For", ip}, {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Test/1.0"}};
    if (gpc) headers.emplace_back("Sec-GPC", "1");
    return Http(konfid.port(), "POST", "/v1/events", body, "", "text/plain;charset=UTF-8", headers);
  }
  HttpResult View(const std::string& page, bool gpc = false) {
    return Send(R"({"tenant":"demo","kind":"page_view","visitor":")" + std::string(kVisitor) +
                    R"(","page":")" + page +
                    R"(","referrer":"https://yandex.ru/search/?text=secret-search"})",
                kIpv4, gpc);
  }
  HttpResult Choose(bool analytics, bool gpc = false, const std::string& ip = kIpv6) {
    return Send(R"({"tenant":"demo","kind":"cookie_choice","visitor":")" + std::string(kVisitor) +
                    R"(","categories":{"functional":true,"analytics":)" +
                    (analytics ? "true" : "false") + R"(,"marketing":true}})",
                ip, gpc);
  }

  Instance konfid;
  std::string admin;
};

}  // namespace

TEST_P(ApiE2E, AnalyticsEventsWaitForTheVisitorsChoiceAndGpcRefusesThem) {
  Site site(GetParam()());
  // No choice yet: refused, and said so to whoever reads the answer, from any origin.
  auto before = site.View("https://demo.example/courses?email=anna%40example.com");
  EXPECT_EQ(before.status, 403u) << before.body;
  EXPECT_EQ(Code(before), "consent_required");
  EXPECT_EQ(before.headers["access-control-allow-origin"], "*");

  auto refused = site.Choose(false);
  ASSERT_EQ(refused.status, 201u) << refused.body;
  EXPECT_NE(refused.body.find(R"("analytics":false)"), std::string::npos) << refused.body;
  EXPECT_EQ(Code(site.View("https://demo.example/courses")), "consent_required");

  auto allowed = site.Choose(true);
  ASSERT_EQ(allowed.status, 201u) << allowed.body;
  EXPECT_NE(allowed.body.find(R"("granted":{"functional":true,"analytics":true,"marketing":true})"),
            std::string::npos)
      << allowed.body;
  auto kept = site.View("https://demo.example/courses?email=anna%40example.com#top");
  EXPECT_EQ(kept.status, 204u) << kept.body;
  auto left = site.Send(R"({"tenant":"demo","kind":"page_leave","visitor":")" +
                        std::string(kVisitor) + R"(","page":"/courses","duration_ms":41000})");
  EXPECT_EQ(left.status, 204u) << left.body;

  // Global Privacy Control refuses analytics, whatever the banner was told.
  auto gpc = site.View("https://demo.example/courses", /*gpc=*/true);
  EXPECT_EQ(gpc.status, 403u);
  EXPECT_EQ(Code(gpc), "global_privacy_control");
  auto under_gpc = site.Choose(true, /*gpc=*/true);
  ASSERT_EQ(under_gpc.status, 201u);
  EXPECT_NE(
      under_gpc.body.find(R"("granted":{"functional":true,"analytics":false,"marketing":false})"),
      std::string::npos)
      << under_gpc.body;
  // The choice made under it is the latest: analytics stays refused without the signal too.
  EXPECT_EQ(Code(site.View("https://demo.example/courses")), "consent_required");
  // The purge runs on demand and deletes nothing within the terms: the rows just kept stay.
  auto purge = site.konfid.RunJob("events", site.admin);
  ASSERT_EQ(purge.status, 200u) << purge.body;
  EXPECT_EQ(JsonString(purge.body, "events_deleted"), "0") << purge.body;
  EXPECT_EQ(JsonString(purge.body, "choices_deleted"), "0") << purge.body;
  EXPECT_EQ(site.konfid.Stop(), 0);
}

TEST_P(ApiE2E, NecessaryEventsAndTheBeaconNeedNoChoiceAndBadOnesAreRefused) {
  Site site(GetParam()());
  auto necessary = site.Send(
      R"({"tenant":"demo","kind":"page_view","category":"necessary","page":"/login?next=%2Fme"})",
      kIpv4, /*gpc=*/true);
  EXPECT_EQ(necessary.status, 204u) << necessary.body;

  auto beacon = Http(site.konfid.port(), "GET", "/v1/events/beacon?tenant=demo&category=necessary",
                     "", "", "", {{"Referer", "https://demo.example/noscript?q=1"}});
  EXPECT_EQ(beacon.status, 200u) << beacon.body;
  EXPECT_EQ(beacon.headers["content-type"], "image/gif");
  EXPECT_EQ(beacon.body.substr(0, 6), "GIF89a");
  auto analytics_beacon =
      Http(site.konfid.port(), "GET",
           "/v1/events/beacon?tenant=demo&page=%2Fa&visitor=" + std::string(kVisitor));
  EXPECT_EQ(analytics_beacon.status, 403u);
  EXPECT_EQ(Code(analytics_beacon), "consent_required");

  struct Bad {
    std::string body, code;
  } bad[] = {
      {R"({"tenant":"demo","kind":"click","page":"/"})", "unknown_kind"},
      {R"({"tenant":"demo","kind":"page_view","category":"necessary","page":"javascript:x"})",
       "invalid_page"},
      {R"({"tenant":"demo","kind":"page_view","visitor":"ivan@mail.ru","page":"/"})",
       "invalid_visitor"},
      {R"({"tenant":"demo","kind":"page_view","category":"necessary","page":"/","page":"/"})",
       "duplicate_field"},
      {R"({"tenant":"demo","kind":"page_view","page":"/","ip":"1.2.3.4"})", "unknown_field"},
      {R"({"tenant":"demo","kind":"cookie_choice","visitor":"v1sit0r-0f-the-demo-site",)"
       R"("categories":{"necessary":false}})",
       "unknown_field"},
      {R"({"tenant":"nobody","kind":"page_view","category":"necessary","page":"/"})",
       "tenant_not_configured"},
  };
  for (const auto& b : bad) EXPECT_EQ(Code(site.Send(b.body)), b.code) << b.body;
  // The beacon's query is bytes a URL carries: one that is no UTF-8 is refused before the
  // database sees it (PostgreSQL would refuse the whole batch it came in).
  for (auto [target, code] :
       {std::pair{"/v1/events/beacon?tenant=demo&category=necessary&page=%2F%FF", "invalid_page"},
        std::pair{"/v1/events/beacon?tenant=demo&tenant=demo&page=%2F", "invalid_query"},
        std::pair{"/v1/events/beacon?tenant=demo&pixel=1", "invalid_query"},
        std::pair{"/v1/events/beacon?tenant=demo&kind=cookie_choice&page=%2F", "invalid_value"}})
    EXPECT_EQ(Code(Http(site.konfid.port(), "GET", target)), code) << target;
  auto form = Http(site.konfid.port(), "POST", "/v1/events", "kind=page_view", "",
                   "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 415u);
  EXPECT_EQ(site.konfid.Stop(), 0);
}

TEST_P(ApiE2E, NoFullAddressVisitorIdOrQueryReachesAFile) {
  Site site(GetParam()());
  ASSERT_EQ(site.Choose(true).status, 201u);
  ASSERT_EQ(site.View("https://demo.example/courses?email=anna%40example.com").status, 204u);
  ASSERT_EQ(site.Send(R"({"tenant":"demo","kind":"page_view","category":"necessary",)"
                      R"("page":"/search?q=secret-query"})",
                      kIpv6)
                .status,
            204u);
  EXPECT_EQ(site.konfid.Stop(), 0);
  auto files = Files(site.konfid.data_dir());
  if (auto db = site.konfid.DbArgs(); !db.empty()) {
    auto dump = RunProgram({"pg_dump", "--data-only", db[1]});
    ASSERT_EQ(dump.exit_code, 0) << dump.output;
    files["pg_dump"] = dump.output;
    // What is kept is there: the truncated addresses and the page without its query.
    EXPECT_NE(dump.output.find("203.0.113.0/24"), std::string::npos);
    EXPECT_NE(dump.output.find("2001:db8:abcd::/48"), std::string::npos);
    EXPECT_NE(dump.output.find("https://demo.example/courses"), std::string::npos);
  }
  for (const auto& [path, bytes] : files)
    for (const char* secret : {kIpv4, kIpv6, "2001:db8:abcd:12", kVisitor, "anna%40example.com",
                               "secret-query", "secret-search"})
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " in " << path;
}

}  // namespace konfid::e2e
