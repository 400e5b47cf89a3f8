// Statistics end to end, on both backends, over real HTTP: visitors' page views are counted
// by page, a page only one visitor saw is suppressed, so is the total that would give it
// back, and only the roles that may read statistics get them.
#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

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

// A depersonalized export over HTTP and from the command line: 5 subjects aged 32 in Moscow,
// 5 aged 63 in Kazan and one of 71 in Tver (born on 1 January, this year's ages), each
// consenting to statistics. With no row to
// spare (5% of 11 is none), the ages widen to 20 years and the cities go, and then every class
// holds 5 or more.
TEST_P(ApiE2E, ADepersonalizedExportHasNoClassBelowKAndNoDirectIdentifier) {
  auto add = [&](int i, const std::string& born, const std::string& city) {
    auto made = Post(R"({"fields":{"surname":"Экспортова","name":"Вера","email":"export)" +
                     std::to_string(i) + R"(@mail.example","birth_date":")" + born +
                     R"(","city":")" + city + R"("}})");
    ASSERT_EQ(made.status, 201u) << made.body;
    std::string id = JsonString(made.body, "id");
    auto given = konfid_->Request("POST", "/v1/subjects/" + id + "/consents",
                                  R"({"purpose":"statistics","action":"give"})", admin_);
    ASSERT_EQ(given.status, 201u) << given.body;
  };
  const auto today = std::chrono::year_month_day(
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  auto born = [&](int age) {
    return std::to_string(static_cast<int>(today.year()) - age) + "-01-01";
  };
  int n = 0;
  for (int i = 0; i < 5; ++i) ASSERT_NO_FATAL_FAILURE(add(n++, born(32), "Москва"));
  for (int i = 0; i < 5; ++i) ASSERT_NO_FATAL_FAILURE(add(n++, born(63), "Казань"));
  ASSERT_NO_FATAL_FAILURE(add(n++, born(71), "Тверь"));

  const std::string path = "/v1/exports/depersonalized";
  EXPECT_EQ(konfid_->Request("POST", path, R"({"purpose":"statistics"})", support_).status, 403u);
  auto none = konfid_->Request("POST", path, "{}", analyst_);
  EXPECT_EQ(none.status, 400u) << none.body;
  EXPECT_EQ(JsonString(none.body, "code"), "purpose_required") << none.body;
  auto unknown = konfid_->Request("POST", path, R"({"purpose":"statistics","k":2})", analyst_);
  EXPECT_EQ(unknown.status, 400u) << unknown.body;
  EXPECT_EQ(JsonString(unknown.body, "code"), "unknown_field") << unknown.body;
  auto twice =
      konfid_->Request("POST", path, R"({"purpose":"x","purpose":"statistics"})", analyst_);
  EXPECT_EQ(twice.status, 400u) << twice.body;
  EXPECT_EQ(JsonString(twice.body, "code"), "duplicate_field") << twice.body;
  auto undeclared = konfid_->Request("POST", path, R"({"purpose":"newsletter"})", analyst_);
  EXPECT_EQ(undeclared.status, 403u) << undeclared.body;
  EXPECT_EQ(JsonString(undeclared.body, "code"), "depersonalize_not_declared");

  auto r = konfid_->Request("POST", path, R"({"purpose":"statistics"})", analyst_);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.body.find("mail.example"), std::string::npos);
  EXPECT_EQ(r.body.find("Экспортова"), std::string::npos);
  EXPECT_EQ(r.body.find("Вера"), std::string::npos);
  json::object body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("population").as_int64(), 11);
  EXPECT_EQ(body.at("released").as_int64(), 11);
  EXPECT_EQ(body.at("suppressed").as_int64(), 0);
  EXPECT_EQ(body.at("smallest_class").as_int64(), 5);
  json::array columns = body.at("columns").as_array();
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_EQ(columns[0].at("generalization").as_string(), "age_band_20");
  EXPECT_EQ(columns[1].at("generalization").as_string(), "suppressed");
  std::map<std::string, int> classes;
  for (const auto& row : body.at("rows").as_array()) {
    EXPECT_EQ(row.at("pseudonym").as_string().size(), 32u);
    EXPECT_EQ(row.at("city").as_string(), "*");
    ++classes[std::string(row.at("birth_date").as_string())];
  }
  EXPECT_EQ(classes, (std::map<std::string, int>{{"20-39", 5}, {"60-79", 6}}));

  // Counted by age band: Tver's one person is withheld, and so is the key that would say so.
  auto profiles = konfid_->Request("GET", "/v1/stats?of=profiles&purpose=statistics&by=birth_date",
                                   "", analyst_);
  ASSERT_EQ(profiles.status, 200u) << profiles.body;
  json::object counted = json::parse(profiles.body).as_object();
  EXPECT_EQ(counted.at("suppressed").as_int64(), 1);
  EXPECT_TRUE(counted.at("total").is_null());
  json::array profile_cells = counted.at("cells").as_array();
  ASSERT_EQ(profile_cells.size(), 2u) << profiles.body;
  EXPECT_EQ(profile_cells[0].at("birth_date").as_string(), "30-34");
  EXPECT_EQ(profile_cells[0].at("subjects").as_int64(), 5);
  EXPECT_EQ(profile_cells[1].at("birth_date").as_string(), "60-64");
  EXPECT_EQ(profile_cells[1].at("subjects").as_int64(), 5);
  EXPECT_EQ(profiles.body.find("70-74"), std::string::npos);

  // The command line writes the same kind of dataset as CSV, and never over a file.
  std::string out = konfid_->data_dir() + "/export.csv";
  std::vector<std::string> args = {
      "export",    "depersonalized",       "--data",   konfid_->data_dir(),
      "--config",  konfid_->config_path(), "--tenant", "demo",
      "--purpose", "statistics",           "--out",    out};
  for (auto& a : konfid_->DbArgs()) args.push_back(a);
  auto cli = RunKonfid(args);
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_EQ(std::filesystem::status(out).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_NE(cli.output.find("Exported 11 of 11 subjects of purpose statistics"), std::string::npos)
      << cli.output;
  std::ifstream file(out);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(file, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 12u);
  EXPECT_EQ(lines[0], "pseudonym,birth_date,city\r");
  std::map<std::string, int> csv_classes;
  for (size_t i = 1; i < lines.size(); ++i) {
    ASSERT_GT(lines[i].size(), 33u) << lines[i];
    EXPECT_EQ(lines[i].find_first_not_of("0123456789abcdef"), 32u) << lines[i];
    ++csv_classes[lines[i].substr(32)];
  }
  EXPECT_EQ(csv_classes, (std::map<std::string, int>{{",20-39,*\r", 5}, {",60-79,*\r", 6}}));
  auto again = RunKonfid(args);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("an export never writes over a file"), std::string::npos)
      << again.output;
  // An export that is refused leaves no file behind.
  std::string refused_out = konfid_->data_dir() + "/refused.csv";
  args[9] = "newsletter";  // after --purpose
  args[11] = refused_out;  // after --out
  auto refused = RunKonfid(args);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("depersonalize"), std::string::npos) << refused.output;
  EXPECT_FALSE(std::filesystem::exists(refused_out));
}

}  // namespace konfid::e2e
