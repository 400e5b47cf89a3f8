// The storage contract of technical events and cookie choices (app/tech_events.h).
#include <algorithm>
#include <string>
#include <tuple>

#include "storage_contract.h"

namespace konfid::contract {
namespace {

std::unique_ptr<ports::Transaction> Begin(ports::Storage& s, bool write = true) {
  auto t = s.Begin(write);
  EXPECT_TRUE(t) << (t ? "" : t.error().detail());
  return t ? std::move(*t) : nullptr;
}

ports::TechEventRow Event(std::string tenant, std::string id, Bytes visitor) {
  return {std::move(tenant),
          std::move(id),
          100,
          "page_view",
          "analytics",
          std::move(visitor),
          "https://demo.example/",
          "https://ya.ru",
          "Mozilla/5.0",
          1500,
          "203.0.113.0/24"};
}

std::vector<std::string> Ids(const std::vector<ports::TechEventRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

}  // namespace

TEST_P(StorageContract, TechEventsReadBackPageAndGoOldestFirst) {
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertTechEvent(Event("demo", "e3", Bytes{1, 2})));
  ASSERT_TRUE(t->InsertTechEvent(Event("demo", "e1", Bytes{})));  // a necessary event: no visitor
  ASSERT_TRUE(t->InsertTechEvent(Event("demo", "e2", Bytes{3})));
  ASSERT_TRUE(t->InsertTechEvent(Event("other", "e0", Bytes{3})));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  auto all = *t->ListTechEvents("demo", "", 10);
  EXPECT_EQ(Ids(all), (std::vector<std::string>{"e1", "e2", "e3"}));
  const ports::TechEventRow& e3 = all[2];
  EXPECT_EQ(e3.tenant, "demo");
  EXPECT_EQ(e3.at, 100);
  EXPECT_EQ(e3.kind, "page_view");
  EXPECT_EQ(e3.category, "analytics");
  EXPECT_EQ(e3.visitor, (Bytes{1, 2}));
  EXPECT_EQ(e3.page, "https://demo.example/");
  EXPECT_EQ(e3.referrer, "https://ya.ru");
  EXPECT_EQ(e3.user_agent, "Mozilla/5.0");
  EXPECT_EQ(e3.duration_ms, 1500);
  EXPECT_EQ(e3.ip, "203.0.113.0/24");
  EXPECT_TRUE(all[0].visitor.empty());
  EXPECT_EQ(Ids(*t->ListTechEvents("demo", "e1", 1)), (std::vector<std::string>{"e2"}));

  // The oldest ids go first, a bounded batch at a time, and only the tenant's own.
  EXPECT_EQ(*t->DeleteTechEventsBefore("demo", "e3", 1), 1u);  // e1
  EXPECT_EQ(*t->DeleteTechEventsBefore("demo", "e3", 5), 1u);  // e2; e3 is not before itself
  EXPECT_EQ(*t->DeleteTechEventsBefore("demo", "e3", 5), 0u);
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  EXPECT_EQ(Ids(*t->ListTechEvents("demo", "", 10)), (std::vector<std::string>{"e3"}));
  EXPECT_EQ(Ids(*t->ListTechEvents("other", "", 10)), (std::vector<std::string>{"e0"}));
}

TEST_P(StorageContract, AVisitorsLatestCookieChoiceIsFoundAndOldOnesGo) {
  const Bytes v1{1, 1}, v2{2, 2};
  auto t = Begin(*storage_);
  ASSERT_TRUE(t->InsertCookieChoice(
      {"demo", v1, "c1", 100, 3, "functional,analytics", false, "198.51.100.0/24"}));
  ASSERT_TRUE(t->InsertCookieChoice({"demo", v1, "c2", 200, 4, "", true, "2001:db8:1::/48"}));
  ASSERT_TRUE(t->InsertCookieChoice({"demo", v2, "c3", 150, 4, "analytics", false, ""}));
  ASSERT_TRUE(t->InsertCookieChoice({"other", v1, "c4", 300, 1, "marketing", false, ""}));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_);
  auto latest = *t->FindCookieChoice("demo", v1);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->id, "c2");
  EXPECT_EQ(latest->tenant, "demo");
  EXPECT_EQ(latest->visitor, v1);
  EXPECT_EQ(latest->at, 200);
  EXPECT_EQ(latest->policy_version, 4);
  EXPECT_EQ(latest->granted, "");
  EXPECT_TRUE(latest->gpc);
  EXPECT_EQ(latest->ip, "2001:db8:1::/48");
  auto other = *t->FindCookieChoice("demo", v2);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->granted, "analytics");
  EXPECT_FALSE(other->gpc);
  EXPECT_FALSE(t->FindCookieChoice("demo", Bytes{9})->has_value());
  EXPECT_EQ(t->FindCookieChoice("other", v1)->value().id, "c4");

  EXPECT_EQ(*t->DeleteCookieChoicesBefore("demo", 200, 1), 1u);  // c1, the oldest
  EXPECT_EQ(*t->DeleteCookieChoicesBefore("demo", 200, 5), 1u);  // c3
  EXPECT_EQ(*t->DeleteCookieChoicesBefore("demo", 200, 5), 0u);
  ASSERT_TRUE(t->Commit());
  t = Begin(*storage_, false);
  EXPECT_EQ(t->FindCookieChoice("demo", v1)->value().id, "c2");
  EXPECT_FALSE(t->FindCookieChoice("demo", v2)->has_value());
  EXPECT_TRUE(t->FindCookieChoice("other", v1)->has_value());
}

}  // namespace konfid::contract

namespace konfid::contract {

// Counts of analytics events (a necessary one, which has no visitor, is left out), grouped by
// the UTC day of arrival and the page, over a range of ids and one tenant only.
TEST_P(StorageContract, TechEventsAreCountedByDayAndPage) {
  constexpr int64_t kDay = 86'400'000'000;
  auto at = [](std::string tenant, std::string id, int64_t when, std::string kind, Bytes visitor,
               std::string page, int64_t duration) {
    ports::TechEventRow r = Event(std::move(tenant), std::move(id), std::move(visitor));
    r.at = when;
    r.kind = std::move(kind);
    r.category = r.visitor.empty() ? "necessary" : "analytics";
    r.page = std::move(page);
    r.duration_ms = duration;
    return r;
  };
  auto t = Begin(*storage_);
  const int64_t d0 = 20'000 * kDay;  // 2024-10-04
  for (const auto& r : {at("demo", "a1", d0 + 5, "page_view", Bytes{1}, "/a", 0),
                        at("demo", "a2", d0 + 6, "page_view", Bytes{1}, "/a", 0),
                        at("demo", "a3", d0 + 7, "page_leave", Bytes{1}, "/a", 3000),
                        at("demo", "a4", d0 + 8, "page_view", Bytes{2}, "/b", 0),
                        at("demo", "a5", d0 + 9, "page_view", Bytes{}, "/a", 0),
                        at("demo", "b1", d0 + kDay, "page_view", Bytes{2}, "/a", 0),
                        at("demo", "b2", d0 + kDay + 1, "page_leave", Bytes{2}, "/a", 1000),
                        at("demo", "c1", d0 + 2 * kDay, "page_view", Bytes{3}, "/a", 0),
                        at("other", "a9", d0, "page_view", Bytes{4}, "/a", 0)})
    ASSERT_TRUE(t->InsertTechEvent(r));
  ASSERT_TRUE(t->Commit());

  t = Begin(*storage_, false);
  auto sorted = [&](bool by_day, bool by_page, std::string from, std::string to) {
    auto rows = t->CountTechEvents("demo", {by_day, by_page, std::move(from), std::move(to)});
    EXPECT_TRUE(rows) << (rows ? "" : rows.error().detail());
    auto out = rows ? *rows : std::vector<ports::TechEventCount>{};
    std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
      return std::tie(x.day, x.page) < std::tie(y.day, y.page);
    });
    return out;
  };
  auto all = sorted(false, false, "", "z");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].day, 0);
  EXPECT_EQ(all[0].page, "");
  EXPECT_EQ(all[0].views, 5);  // a5, a necessary event, is not counted
  EXPECT_EQ(all[0].leaves, 2);
  EXPECT_EQ(all[0].duration_ms, 4000);
  EXPECT_EQ(all[0].visitors, 3);        // 1, 2, 3
  EXPECT_EQ(all[0].leave_visitors, 2);  // 1 and 2 left a page

  auto by_day_page = sorted(true, true, "a", "c");  // c1 is past the range
  ASSERT_EQ(by_day_page.size(), 3u);
  EXPECT_EQ(by_day_page[0].day, 20'000);
  EXPECT_EQ(by_day_page[0].page, "/a");
  EXPECT_EQ(by_day_page[0].views, 2);
  EXPECT_EQ(by_day_page[0].leaves, 1);
  EXPECT_EQ(by_day_page[0].duration_ms, 3000);
  EXPECT_EQ(by_day_page[0].visitors, 1);
  EXPECT_EQ(by_day_page[0].leave_visitors, 1);
  EXPECT_EQ(by_day_page[1].page, "/b");
  EXPECT_EQ(by_day_page[1].visitors, 1);
  EXPECT_EQ(by_day_page[1].leave_visitors, 0);
  EXPECT_EQ(by_day_page[2].day, 20'001);
  EXPECT_EQ(by_day_page[2].views, 1);

  auto by_page = sorted(false, true, "", "z");
  ASSERT_EQ(by_page.size(), 2u);
  EXPECT_EQ(by_page[0].page, "/a");
  EXPECT_EQ(by_page[0].visitors, 3);  // 1, 2 and 3, each counted once
  auto by_day = sorted(true, false, "", "z");
  ASSERT_EQ(by_day.size(), 3u);
  EXPECT_EQ(by_day[0].visitors, 2);
  EXPECT_TRUE(sorted(true, true, "x", "z").empty());
}

}  // namespace konfid::contract
