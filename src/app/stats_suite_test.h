// Statistics of requests, subjects and consents on a real vault (requests_test.cc: SQLite,
// requests_pgtest.cc: PostgreSQL): cells keyed by kind, month and timeliness, distinct
// subjects as the persons, and the small cells suppressed with the total.
#pragma once

#include "app/stats.h"

#include "app/requests_suite_test.h"

namespace konfid::app::requests_suite {

using Counts = std::vector<std::pair<std::string, int64_t>>;

// Six subjects, each with a newsletter consent and an access request in December 2026; in
// January 2027, five more accesses and one objection (done at once; it withdraws the consent).
class StatsTest : public RequestsTest {
 protected:
  void SetUp() override {
    RequestsTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(Seed());
  }
  void Seed() {
    std::vector<std::string> subjects{subject_};
    for (int i = 1; i < 6; ++i) {
      auto s = Call<SubjectView>([&](auto cb) {
        uc_->subjects.Create(admin_,
                             {{"surname", "Петров"},
                              {"name", "Иван"},
                              {"email", "ivan" + std::to_string(i) + "@example.com"}},
                             cb);
      });
      ASSERT_TRUE(s) << s.error().message();
      subjects.push_back(s->id);
    }
    for (const auto& s : subjects) {
      ConsentInput given;
      given.purpose = "newsletter";
      ASSERT_TRUE(Call<ports::ConsentEventRow>(
          [&](auto cb) { uc_->consents.Record(admin_, s, given, cb); }));
      ASSERT_NO_FATAL_FAILURE(
          FileFor(s, RequestKind::kAccess));  // December, due in 10 working days
    }
    clock_.Advance(31 * kDay);  // 2027-01-02
    for (size_t i = 1; i < subjects.size(); ++i)
      ASSERT_NO_FATAL_FAILURE(FileFor(subjects[i], RequestKind::kAccess));
    ASSERT_NO_FATAL_FAILURE(FileFor(subject_, RequestKind::kObjection));  // done at once; withdraws
  }
  void FileFor(const std::string& subject, RequestKind kind) {
    NewRequest r{subject, kind, domain::RequestChannel::kLetter, {}};
    r.details.document = "passport seen at the office";
    auto filed = Call<RequestView>([&](auto cb) { uc_->requests.File(admin_, r, cb); });
    ASSERT_TRUE(filed) << filed.error().message();
  }

  const Actor analyst{"demo", "apikey:a", Role::kAnalyst};
};

TEST_P(StatsTest, RequestsAreCountedByKindMonthAndTimeliness) {
  Stats stats(uc_->kernel, *demo_.storage, uc_->zones);
  auto by_kind = stats.Count(analyst, {"demo", "requests", {"kind", "month"}});
  ASSERT_TRUE(by_kind) << by_kind.error().message();
  ASSERT_EQ(by_kind->cells.size(), 3u);
  EXPECT_EQ(by_kind->cells[0].key, (std::vector<std::string>{"access", "2026-12"}));
  EXPECT_FALSE(by_kind->cells[0].suppressed);
  EXPECT_EQ(by_kind->cells[0].counts, (Counts{{"requests", 6}}));
  // The objection is one person's: hidden, and the total with it (12 less the 11 published
  // accesses would give it).
  EXPECT_EQ(by_kind->cells[1].key, (std::vector<std::string>{"access", "2027-01"}));
  EXPECT_FALSE(by_kind->cells[1].suppressed);
  EXPECT_EQ(by_kind->cells[1].counts, (Counts{{"requests", 5}}));
  EXPECT_EQ(by_kind->cells[2].key, (std::vector<std::string>{"objection", "2027-01"}));
  EXPECT_TRUE(by_kind->cells[2].suppressed);
  EXPECT_TRUE(by_kind->cells[2].counts.empty());
  EXPECT_EQ(by_kind->suppressed, 1);
  EXPECT_EQ(by_kind->total, std::nullopt);

  // December's accesses are past their term; January's have none yet (the test's calendars
  // end with 2026); the objection was answered at once.
  auto timely = stats.Count(analyst, {"demo", "requests", {"timeliness"}});
  ASSERT_TRUE(timely) << timely.error().message();
  ASSERT_EQ(timely->cells.size(), 3u);
  EXPECT_EQ(timely->cells[0].key, std::vector<std::string>{"no_term"});
  EXPECT_EQ(timely->cells[0].counts, (Counts{{"requests", 5}}));
  EXPECT_EQ(timely->cells[1].key, std::vector<std::string>{"on_time"});
  EXPECT_TRUE(timely->cells[1].suppressed);
  EXPECT_EQ(timely->cells[2].key, std::vector<std::string>{"overdue"});
  EXPECT_EQ(timely->cells[2].counts, (Counts{{"requests", 6}}));
}

TEST_P(StatsTest, SubjectsAreCountedBySignUpMonth) {
  Stats stats(uc_->kernel, *demo_.storage, uc_->zones);
  auto signed_up = stats.Count(analyst, {"demo", "subjects", {"month"}});
  ASSERT_TRUE(signed_up) << signed_up.error().message();
  ASSERT_EQ(signed_up->cells.size(), 1u);
  EXPECT_EQ(signed_up->cells[0].key, std::vector<std::string>{"2026-12"});
  EXPECT_EQ(signed_up->cells[0].counts, (Counts{{"subjects", 6}}));
  auto in_january = stats.Count(analyst, {"demo", "subjects", {}, "2027-01-01", ""});
  ASSERT_TRUE(in_january);
  EXPECT_TRUE(in_january->cells.empty());
  EXPECT_EQ(in_january->total, 0);
}

TEST_P(StatsTest, ConsentsAreCountedByPurposeAndState) {
  Stats stats(uc_->kernel, *demo_.storage, uc_->zones);
  auto consents = stats.Count(analyst, {"demo", "consents", {"purpose"}});
  ASSERT_TRUE(consents) << consents.error().message();
  ASSERT_EQ(consents->cells.size(), 1u);
  EXPECT_EQ(consents->cells[0].key, std::vector<std::string>{"newsletter"});
  EXPECT_EQ(consents->cells[0].counts, (Counts{{"subjects", 6}}));
  EXPECT_EQ(consents->total, 6);
  // By state: five given, one withdrawn by the objection: that one is hidden, with the total.
  auto states = stats.Count(analyst, {"demo", "consents", {"purpose", "state"}});
  ASSERT_TRUE(states);
  ASSERT_EQ(states->cells.size(), 2u);
  EXPECT_EQ(states->cells[0].counts, (Counts{{"subjects", 5}}));
  EXPECT_EQ(states->cells[1].key, (std::vector<std::string>{"newsletter", "withdrawn"}));
  EXPECT_TRUE(states->cells[1].suppressed);
  EXPECT_EQ(states->suppressed, 1);
  EXPECT_EQ(states->total, std::nullopt);
}

TEST_P(StatsTest, QueriesTheyCannotAnswerAreRefused) {
  Stats stats(uc_->kernel, *demo_.storage, uc_->zones);
  for (const StatsQuery& bad :
       {StatsQuery{"demo", "consents", {"state"}},
        StatsQuery{"demo", "consents", {"purpose"}, "2026-12-01"},
        StatsQuery{"demo", "subjects", {"day"}}, StatsQuery{"demo", "requests", {"kind", "kind"}},
        StatsQuery{"demo", "people"}}) {
    auto r = stats.Count(analyst, bad);
    ASSERT_FALSE(r) << bad.of;
    EXPECT_EQ(r.error().reason(), "invalid_query") << bad.of;
  }
}

}  // namespace konfid::app::requests_suite
