// Statistics end to end, on both backends, over real HTTP: visitors' page views are counted
// by page, a page only one visitor saw is suppressed, so is the total that would give it
// back, and only the roles that may read statistics get them.
#include <boost/json.hpp>

#include "api_e2e.h"

namespace konfid::e2e {
namespace {

namespace json = boost::json;

// A visitor who allows analytics and opens `page`: the event is kept.
void Visit(const Instance& konfid, const std::string& visitor, const std::string& page) {
  auto send = [&](const std::string& body) {
    return Http(konfid.port(), "POST", "/v1/events", body, "", "text/plain", {});
  };
  auto chose = send(R"({"tenant":"demo","kind":"cookie_choice","visitor":")" + visitor +
                    R"(","categories":{"functional":false,"analytics":true,"marketing":false}})");
  ASSERT_EQ(chose.status, 201u) << chose.body;
  auto viewed = send(R"({"tenant":"demo","kind":"page_view","visitor":")" + visitor +
                     R"(","page":"https://demo.example)" + page + R"("})");
  ASSERT_EQ(viewed.status, 204u) << viewed.body;
}

std::string VisitorId(int i) { return "visitor-of-the-stats-test-" + std::to_string(i); }

}  // namespace

TEST_P(ApiE2E, AStatsCellThatWouldSingleOutOneVisitorIsSuppressed) {
  Instance konfid(GetParam()());
  std::string analyst = konfid.CreateKey("demo", "analyst");
  std::string support = konfid.CreateKey("demo", "support");
  konfid.Start();
  // /popular: 6 visitors; /courses: 5; /lonely: 1. k = 5 (the example policy).
  int n = 0;
  for (int i = 0; i < 6; ++i) ASSERT_NO_FATAL_FAILURE(Visit(konfid, VisitorId(n++), "/popular"));
  for (int i = 0; i < 5; ++i) ASSERT_NO_FATAL_FAILURE(Visit(konfid, VisitorId(n++), "/courses"));
  ASSERT_NO_FATAL_FAILURE(Visit(konfid, VisitorId(n++), "/lonely"));
  // Five of /popular's visitors leave it after 10 s (and 20 s): five are enough for an average.
  for (int i = 0; i < 5; ++i) {
    auto left = Http(konfid.port(), "POST", "/v1/events",
                     R"({"tenant":"demo","kind":"page_leave","visitor":")" + VisitorId(i) +
                         R"(","page":"https://demo.example/popular","duration_ms":)" +
                         (i == 0 ? "20000" : "10000") + "}",
                     "", "text/plain", {});
    ASSERT_EQ(left.status, 204u) << left.body;
  }
  // A necessary event is kept without a choice, and not counted: it is no analytics.
  auto necessary = Http(konfid.port(), "POST", "/v1/events",
                        R"({"tenant":"demo","kind":"page_view","category":"necessary",)"
                        R"("page":"https://demo.example/lonely"})",
                        "", "text/plain", {});
  ASSERT_EQ(necessary.status, 204u) << necessary.body;

  auto r = konfid.Request("GET", "/v1/stats?of=events&by=page", "", analyst);
  ASSERT_EQ(r.status, 200u) << r.body;
  json::object body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("k").as_int64(), 5);
  json::array cells = body.at("cells").as_array();
  ASSERT_EQ(cells.size(), 3u) << r.body;
  std::map<std::string, json::object> by_page;
  for (auto& c : cells) by_page[std::string(c.at("page").as_string())] = c.as_object();
  // The lonely page is hidden, and the total with it: 12 views less the published 11 would
  // give it back.
  EXPECT_TRUE(by_page["https://demo.example/lonely"].contains("suppressed"));
  EXPECT_FALSE(by_page["https://demo.example/lonely"].contains("views"));
  EXPECT_EQ(by_page["https://demo.example/courses"].at("visitors").as_int64(), 5);
  EXPECT_EQ(by_page["https://demo.example/popular"].at("views").as_int64(), 6);
  EXPECT_EQ(by_page["https://demo.example/popular"].at("visitors").as_int64(), 6);
  EXPECT_DOUBLE_EQ(by_page["https://demo.example/popular"].at("average_seconds").as_double(), 12.0);
  // Five visitors of /courses, none of whom left it: no average.
  EXPECT_TRUE(by_page["https://demo.example/courses"].at("average_seconds").is_null());
  EXPECT_EQ(body.at("suppressed").as_int64(), 1);
  EXPECT_TRUE(body.at("total").is_null());

  // By day, all twelve are one cell of today's.
  auto days = konfid.Request("GET", "/v1/stats?by=day", "", analyst);
  ASSERT_EQ(days.status, 200u) << days.body;
  json::array day_cells = json::parse(days.body).at("cells").as_array();
  ASSERT_EQ(day_cells.size(), 1u) << days.body;
  EXPECT_EQ(day_cells[0].at("visitors").as_int64(), 12);
  EXPECT_EQ(json::parse(days.body).at("total").at("views").as_int64(), 12);  // nothing hidden

  // A support key answers subjects; it reads no statistics. Bad queries are named.
  auto refused = konfid.Request("GET", "/v1/stats", "", support);
  EXPECT_EQ(refused.status, 403u) << refused.body;
  for (const char* bad : {"/v1/stats?by=visitor", "/v1/stats?by=page,page", "/v1/stats?of=people",
                          "/v1/stats?from=2026-12-10&to=2026-12-01", "/v1/stats?to=2026-13-01",
                          "/v1/stats?from=2024-01-01&to=2026-01-01", "/v1/stats?by=day&by=page",
                          "/v1/stats?limit=3"}) {
    auto b = konfid.Request("GET", bad, "", analyst);
    EXPECT_EQ(b.status, 400u) << bad << " " << b.body;
    EXPECT_EQ(JsonString(b.body, "code"), "invalid_query") << bad;
  }
  EXPECT_EQ(konfid.Stop(), 0);
}

}  // namespace konfid::e2e
