// Technical events on a real vault (tech_events_test.cc: SQLite, tech_events_pgtest.cc:
// PostgreSQL) with a stepped clock: what a row keeps of an event, a cookie choice that counts
// only within its term, and the purge that deletes events and choices past theirs, in batches.
#pragma once

#include "app/tech_events.h"

#include "app/stats.h"

#include <gtest/gtest.h>

#include <future>

#include "demo_tenant.h"
#include "step_clock.h"
#include "test_support.h"

namespace konfid::app::tech_events_suite {

inline constexpr int64_t kDay = 86'400'000'000LL;
inline constexpr char kVisitor[] = "Xq7-visitor_of_demo";

class TechEventsTest : public ::testing::TestWithParam<fakes::DbFactory> {
 protected:
  void SetUp() override {
    auto st = demo_.Open(dir_.path(), clock_, nullptr, GetParam()());
    ASSERT_TRUE(st) << st.error().message();
    uc_ = demo_.uc.get();
  }
  Result<TechEventOutcome> Record(TechEventInput in) {
    std::promise<Result<TechEventOutcome>> p;
    uc_->events.Record(std::move(in), [&p](Result<TechEventOutcome> r) { p.set_value(r); });
    return p.get_future().get();
  }
  static TechEventInput View(std::string page = "https://demo.example/a?x=1") {
    TechEventInput in;
    in.tenant = "demo";
    in.kind = "page_view";
    in.visitor = kVisitor;
    in.page = std::move(page);
    in.ip = "198.51.100.23";
    in.user_agent =
        "Mozilla/5.0\n(inj\xff"
        "ected)";
    return in;
  }
  static TechEventInput Choice(bool analytics, bool gpc = false) {
    TechEventInput in;
    in.tenant = "demo";
    in.kind = "cookie_choice";
    in.visitor = kVisitor;
    in.choice = domain::CookieChoice{false, analytics, true};
    in.ip = "2001:db8:7:8::1";
    in.gpc = gpc;
    return in;
  }
  std::vector<ports::TechEventRow> Events() {
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    auto rows = (*txn)->ListTechEvents("demo", "", 1000);
    EXPECT_TRUE(rows);
    return rows ? *rows : std::vector<ports::TechEventRow>{};
  }
  std::optional<ports::CookieChoiceRow> LatestChoice() {
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    auto hash = demo_.keyring->BlindIndex("demo", "visitor", kVisitor);
    EXPECT_TRUE(hash);
    auto row = (*txn)->FindCookieChoice("demo", *hash);
    EXPECT_TRUE(row);
    return row ? *row : std::nullopt;
  }

  konfid::testing::TempDir dir_;
  fakes::StepClock clock_{1'800'000'000'000'001, 1};
  fakes::DemoTenant demo_;
  fakes::UseCases* uc_ = nullptr;
};

TEST_P(TechEventsTest, AnAnalyticsEventIsKeptOnlyUnderAChoiceThatAllowsIt) {
  auto none = Record(View());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().reason(), "consent_required");
  ASSERT_TRUE(Record(Choice(false)));
  auto refused = Record(View());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason(), "consent_required");
  EXPECT_TRUE(Events().empty());

  ASSERT_TRUE(Record(Choice(true)));
  auto kept = Record(View());
  ASSERT_TRUE(kept) << kept.error().message();
  auto gpc = View();
  gpc.gpc = true;
  auto under_gpc = Record(gpc);
  ASSERT_FALSE(under_gpc);
  EXPECT_EQ(under_gpc.error().reason(), "global_privacy_control");

  auto rows = Events();
  ASSERT_EQ(rows.size(), 1u);
  const auto& e = rows[0];
  EXPECT_EQ(e.id, kept->id);
  EXPECT_EQ(e.kind, "page_view");
  EXPECT_EQ(e.category, "analytics");
  EXPECT_EQ(e.page, "https://demo.example/a");
  EXPECT_EQ(e.ip, "198.51.100.0/24");
  EXPECT_EQ(e.user_agent, "Mozilla/5.0(injected)");
  EXPECT_EQ(e.visitor, *demo_.keyring->BlindIndex("demo", "visitor", kVisitor));
  EXPECT_EQ(std::string(e.visitor.begin(), e.visitor.end()).find(kVisitor), std::string::npos);
}

TEST_P(TechEventsTest, ANecessaryEventKeepsNoVisitorAndNeedsNoChoice) {
  auto in = View("/status");
  in.category = "necessary";
  in.gpc = true;
  ASSERT_TRUE(Record(in));
  auto rows = Events();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].visitor.empty());
  EXPECT_EQ(rows[0].category, "necessary");
  EXPECT_EQ(rows[0].page, "/status");
}

TEST_P(TechEventsTest, AChoiceUnderGpcRefusesAnalyticsAndMarketingAndNamesTheVersion) {
  auto made = Record(Choice(true, /*gpc=*/true));
  ASSERT_TRUE(made);
  ASSERT_TRUE(made->granted);
  EXPECT_EQ(*made->granted, (domain::CookieChoice{false, false, false}));
  auto row = LatestChoice();
  ASSERT_TRUE(row);
  EXPECT_EQ(row->id, made->id);
  EXPECT_EQ(row->granted, "");
  EXPECT_TRUE(row->gpc);
  EXPECT_EQ(row->policy_version, demo_.policies->Current("demo")->version);
  EXPECT_GE(row->policy_version, 1);
  EXPECT_EQ(row->ip, "2001:db8:7::/48");
}

TEST_P(TechEventsTest, AChoiceCountsOnlyWithinItsTerm) {
  ASSERT_TRUE(Record(Choice(true)));
  clock_.Advance(364 * kDay);  // the example's choice_retention: 12 months
  ASSERT_TRUE(Record(View()));
  clock_.Advance(3 * kDay);
  auto late = Record(View());
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().reason(), "consent_required");
}

TEST_P(TechEventsTest, ThePurgeDeletesWhatIsPastItsTermInBatches) {
  ASSERT_TRUE(Record(Choice(true)));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Record(View()));
  clock_.Advance(60 * kDay);
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(Record(View()));
  clock_.Advance(31 * kDay);  // the first five are 91 days old; the example keeps 90 days

  auto r = uc_->events.Purge(clock_.Peek(), /*batch=*/2);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->events_deleted, 5);
  EXPECT_EQ(r->choices_deleted, 0);
  EXPECT_EQ(Events().size(), 2u);
  auto again = uc_->events.Purge(clock_.Peek(), 2);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->events_deleted, 0);

  clock_.Advance(300 * kDay);  // day 391: past the choice's 12 months and the events' 90 days
  auto late = uc_->events.Purge(clock_.Peek(), 2);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->events_deleted, 2);
  // An event kept on the choice's last day may stay 90 days more: so does the choice's record,
  // the proof of the consent it was kept under.
  EXPECT_EQ(late->choices_deleted, 0);
  EXPECT_TRUE(LatestChoice());
  EXPECT_TRUE(Events().empty());
  clock_.Advance(70 * kDay);  // day 461: past 12 months and 90 days
  auto later = uc_->events.Purge(clock_.Peek(), 2);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->choices_deleted, 1);
  EXPECT_FALSE(LatestChoice());
}

TEST_P(TechEventsTest, MalformedEventsAreRefusedAndNothingIsKept) {
  ASSERT_TRUE(Record(Choice(true)));
  auto with = [](auto edit) {
    TechEventInput in = View();
    edit(in);
    return in;
  };
  struct Bad {
    TechEventInput in;
    std::string reason;
  } bad[] = {
      {with([](auto& in) { in.kind = "click"; }), "unknown_kind"},
      {with([](auto& in) { in.category = "marketing"; }), "invalid_value"},
      {with([](auto& in) { in.page = "ftp://demo.example/"; }), "invalid_page"},
      {with([](auto& in) { in.page = ""; }), "invalid_page"},
      {with([](auto& in) { in.page = "/\xff"; }),
       "invalid_page"},  // no UTF-8: PostgreSQL refuses it
      {with([](auto& in) { in.referrer = "https://a.example/\xc3"; }), "invalid_page"},
      {with([](auto& in) { in.referrer = "not a url"; }), "invalid_value"},
      {with([](auto& in) { in.visitor = "short"; }), "invalid_visitor"},
      {with([](auto& in) { in.duration_ms = 5; }), "invalid_value"},  // page_view
      {with([](auto& in) {
         in.kind = "page_leave";
         in.duration_ms = 86'400'001;
       }),
       "invalid_value"},
      {with([](auto& in) { in.tenant = "nobody"; }), "tenant_not_configured"},
      {with([](auto& in) {
         in.kind = "cookie_choice";
         in.choice.reset();
       }),
       "invalid_value"},
  };
  for (const auto& b : bad) {
    auto r = Record(b.in);
    ASSERT_FALSE(r) << b.reason;
    EXPECT_EQ(r.error().reason(), b.reason);
  }
  EXPECT_TRUE(Events().empty());
}

// Statistics of the events just kept: by day over the default 30 days, a day of one visitor
// hidden with the total, and a range that leaves that day out.
TEST_P(TechEventsTest, StatsCountVisitorsByDayAndHideADayOfOne) {
  for (int i = 0; i < 5; ++i) {
    auto id = std::string(kVisitor) + std::to_string(i);
    auto choice = Choice(true);
    choice.visitor = id;
    ASSERT_TRUE(Record(choice));
    auto view = View();
    view.visitor = id;
    ASSERT_TRUE(Record(view)) << i;
  }
  auto necessary = View();
  necessary.category = "necessary";
  necessary.visitor.clear();
  ASSERT_TRUE(Record(necessary));  // kept, but not counted: it is no analytics event
  auto first_day = domain::FormatIsoDate(domain::DateFromDays(clock_.Now() / kDay));
  clock_.Advance(2 * kDay);
  auto lonely = View("/b");
  lonely.visitor = std::string(kVisitor) + "0";
  ASSERT_TRUE(Record(lonely));

  Stats stats(uc_->kernel, *demo_.storage, uc_->zones);
  const Actor analyst{"demo", "apikey:a", Role::kAnalyst};
  auto by_day = stats.Count(analyst, {"demo", "events", {"day"}, "", ""});
  ASSERT_TRUE(by_day) << by_day.error().message();
  ASSERT_EQ(by_day->cells.size(), 2u);
  EXPECT_EQ(by_day->cells[0].key, std::vector<std::string>{first_day});
  // Day one's five visitors are kept; day three's one is hidden, and the total with it (the
  // total less day one's five views would give it).
  EXPECT_FALSE(by_day->cells[0].suppressed);
  EXPECT_EQ(by_day->cells[0].counts,
            (std::vector<std::pair<std::string, int64_t>>{{"views", 5}, {"visitors", 5}}));
  EXPECT_TRUE(by_day->cells[1].suppressed);
  EXPECT_TRUE(by_day->cells[1].counts.empty());
  EXPECT_EQ(by_day->suppressed, 1);
  EXPECT_EQ(by_day->total, std::nullopt);
  EXPECT_EQ(by_day->total_name, "views");
  EXPECT_EQ(domain::DaysSinceEpoch(*by_day->to) - domain::DaysSinceEpoch(*by_day->from), 29);

  auto first = stats.Count(analyst, {"demo", "events", {"day", "page"}, first_day, first_day});
  ASSERT_TRUE(first) << first.error().message();
  ASSERT_EQ(first->cells.size(), 1u);
  EXPECT_FALSE(first->cells[0].suppressed);
  EXPECT_EQ(first->cells[0].key, (std::vector<std::string>{first_day, "https://demo.example/a"}));
  EXPECT_EQ(first->cells[0].counts,
            (std::vector<std::pair<std::string, int64_t>>{{"views", 5}, {"visitors", 5}}));
  EXPECT_EQ(first->cells[0].average_seconds, std::nullopt);

  const Actor support{"demo", "apikey:s", Role::kSupport};
  EXPECT_EQ(stats.Count(support, {"demo"}).error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(stats.Count(analyst, {"nobody"}).error().reason(), "tenant_not_configured");
  EXPECT_EQ(stats.Count(analyst, {"demo", "events", {"hour"}}).error().reason(), "invalid_query");
}

}  // namespace konfid::app::tech_events_suite
