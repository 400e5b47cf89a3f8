// Depersonalized exports on a real vault (requests_test.cc: SQLite, requests_pgtest.cc:
// PostgreSQL): the population a purpose may use, no direct identifier in the dataset, no class
// below k, the lone row suppressed and counted, pseudonyms that only the sealed mapping turns
// back into subjects, and an audit event for the export and for each refusal.
#pragma once

#include "app/depersonalized_exports.h"
#include "app/stats.h"

#include <map>
#include <set>

#include "app/requests_suite_test.h"

namespace konfid::app::requests_suite {

// 20 subjects who consented to `statistics` (birth date and city): 7 in Moscow aged 32, 6 in
// Moscow aged 37, 6 in Kazan aged 63 and one in Tver aged 76; beside them, two in Moscow who
// did not consent, one who withdrew, and one whose city is blocked. k = 5.
class ExportsTest : public RequestsTest {
 protected:
  void SetUp() override {
    RequestsTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(Seed());
  }
  void Seed() {
    auto group = [&](int n, const std::string& born, const std::string& city, bool consent) {
      for (int i = 0; i < n; ++i) ASSERT_NO_FATAL_FAILURE(Add(born, city, consent));
    };
    ASSERT_NO_FATAL_FAILURE(group(7, "1994-01-01", "Москва", true));
    ASSERT_NO_FATAL_FAILURE(group(6, "1989-01-01", "Москва", true));
    ASSERT_NO_FATAL_FAILURE(group(6, "1963-01-01", "Казань", true));
    ASSERT_NO_FATAL_FAILURE(group(1, "1950-01-01", "Тверь", true));
    ASSERT_NO_FATAL_FAILURE(group(2, "1994-01-01", "Москва", false));
    ASSERT_NO_FATAL_FAILURE(Add("1994-01-01", "Москва", true));
    withdrawn_ = last_;
    ConsentInput withdraw{"statistics", domain::ConsentKind::kWithdrawn};
    ASSERT_TRUE(Call<ports::ConsentEventRow>(
        [&](auto cb) { uc_->consents.Record(admin_, withdrawn_, withdraw, cb); }));
    ASSERT_NO_FATAL_FAILURE(Add("1994-01-01", "Москва", true));
    blocked_ = last_;
    ASSERT_TRUE(
        Call<domain::Blocked>([&](auto cb) { uc_->blocks.Block(admin_, blocked_, {"city"}, cb); }));
  }
  void Add(const std::string& born, const std::string& city, bool consent) {
    std::string email = "person" + std::to_string(city_of_.size()) + "@example.com";
    auto s = Call<SubjectView>([&](auto cb) {
      uc_->subjects.Create(admin_,
                           {{"surname", "Сидорова"},
                            {"name", "Мария"},
                            {"email", email},
                            {"birth_date", born},
                            {"city", city}},
                           cb);
    });
    ASSERT_TRUE(s) << s.error().message();
    last_ = s->id;
    city_of_[s->id] = city;
    if (!consent) return;
    ConsentInput given;
    given.purpose = "statistics";
    ASSERT_TRUE(Call<ports::ConsentEventRow>(
        [&](auto cb) { uc_->consents.Record(admin_, s->id, given, cb); }));
  }
  DepersonalizedExports Exports() {
    return DepersonalizedExports(uc_->kernel, *demo_.storage, uc_->zones);
  }

  std::map<std::string, std::string> city_of_;  // of every subject seeded
  std::string last_, withdrawn_, blocked_;
  const Actor analyst_{"demo", "apikey:a", Role::kAnalyst};
};

TEST_P(ExportsTest, TheDatasetHasNoDirectIdentifierAndNoClassBelowK) {
  auto exports = Exports();
  auto d = exports.Export(analyst_, "statistics");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->k, 5);
  EXPECT_EQ(d->population, 20);  // neither those without consent, the withdrawn, the blocked
  EXPECT_EQ(d->suppressed, 1);   // the one in Tver: one of 20 may go, so nothing is widened
  EXPECT_EQ(d->smallest_class, 6);
  ASSERT_EQ(d->rows.size(), 19u);
  ASSERT_EQ(d->columns.size(), 2u);
  EXPECT_EQ(d->columns[0].field, "birth_date");
  EXPECT_EQ(d->columns[0].generalization, "age_band_5");
  EXPECT_EQ(d->columns[1].field, "city");
  EXPECT_EQ(d->columns[1].generalization, "value");

  std::map<std::vector<std::string>, int> classes;
  std::set<std::string> pseudonyms;
  for (const auto& row : d->rows) {
    ++classes[row.values];
    EXPECT_TRUE(pseudonyms.insert(row.pseudonym).second);
    EXPECT_EQ(row.pseudonym.size(), 32u);
    EXPECT_FALSE(city_of_.contains(row.pseudonym));  // not a subject's id
    for (const auto& v : row.values)
      for (const char* direct : {"Сидорова", "Мария", "@example.com", "1994", "1989", "1963"})
        EXPECT_EQ(v.find(direct), std::string::npos) << v;
  }
  EXPECT_EQ(classes,
            (std::map<std::vector<std::string>, int>{
                {{"30-34", "Москва"}, 7}, {{"35-39", "Москва"}, 6}, {{"60-64", "Казань"}, 6}}));
  EXPECT_EQ(d->Summary(),
            "purpose=statistics k=5 columns=birth_date:age_band_5,city:value population=20 "
            "released=19 suppressed=1 smallest_class=6");
  // The export is one audit event with its parameters, by the analyst.
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  std::vector<domain::AuditEvent> events;
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) -> Status {
    if (e.operation == "depersonalize") events.push_back(e);
    return Ok();
  }));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "apikey:a");
  EXPECT_EQ(events[0].outcome, "ok");
  EXPECT_EQ(events[0].purpose, "statistics");
  EXPECT_EQ(events[0].fields, (std::vector<std::string>{"birth_date", "city"}));
  EXPECT_EQ(events[0].reason, "export=" + d->id + " " + d->Summary());
}

TEST_P(ExportsTest, OnlyTheSealedMappingTurnsAPseudonymBackIntoItsSubject) {
  auto exports = Exports();
  auto d = exports.Export(analyst_, "statistics");
  ASSERT_TRUE(d) << d.error().message();
  std::set<std::string> subjects;
  for (const auto& row : d->rows) {
    auto subject = exports.SubjectOf(admin_, d->id, row.pseudonym);
    ASSERT_TRUE(subject) << subject.error().message();
    EXPECT_EQ(city_of_.at(*subject), row.values[1]);
    EXPECT_NE(*subject, withdrawn_);
    EXPECT_NE(*subject, blocked_);
    subjects.insert(*subject);
  }
  EXPECT_EQ(subjects.size(), 19u);
  // The stored mapping is sealed: no subject's id is in its bytes.
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  auto row = (*txn)->FindDepersonalizedExport("demo", d->id);
  ASSERT_TRUE(row && row->has_value());
  std::string stored((*row)->mapping.begin(), (*row)->mapping.end());
  for (const auto& s : subjects) EXPECT_EQ(stored.find(s), std::string::npos);
  EXPECT_EQ(stored.find(d->rows[0].pseudonym), std::string::npos);
  txn->reset();
  // A second export gives the same subjects other pseudonyms: two exports do not join.
  std::set<std::string> first;
  for (const auto& r : d->rows) first.insert(r.pseudonym);
  auto again = exports.Export(analyst_, "statistics");
  ASSERT_TRUE(again);
  ASSERT_EQ(again->rows.size(), 19u);
  for (const auto& r : again->rows) EXPECT_FALSE(first.contains(r.pseudonym));
  EXPECT_EQ(exports.SubjectOf(admin_, again->id, d->rows[0].pseudonym).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(exports.SubjectOf(admin_, std::string(32, '0'), d->rows[0].pseudonym).error().code(),
            ErrorCode::kNotFound);  // no such export
  // Each re-identification is an extract naming the subject it found.
  txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  size_t extracts = 0;
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) -> Status {
    if (e.operation == "extract" && e.outcome == "ok") {
      ++extracts;
      EXPECT_TRUE(subjects.contains(e.subject_id));
      EXPECT_EQ(e.reason, "reidentify:export=" + d->id);
    }
    return Ok();
  }));
  EXPECT_EQ(extracts, 19u);
}

TEST_P(ExportsTest, RefusalsAreClearAndAudited) {
  auto exports = Exports();
  const Actor support{"demo", "apikey:s", Role::kSupport};
  auto denied = exports.Export(support, "statistics");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(denied.error().reason(), "role");
  auto not_declared = exports.Export(analyst_, "newsletter");
  ASSERT_FALSE(not_declared);
  EXPECT_EQ(not_declared.error().reason(), "depersonalize_not_declared");
  EXPECT_EQ(exports.Export(analyst_, "nothing").error().reason(), "unknown_purpose");
  EXPECT_EQ(exports.Export(analyst_, "").error().reason(), "purpose_required");
  auto too_large = exports.Export(analyst_, "statistics", 10);
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().reason(), "export_too_large");
  EXPECT_EQ(exports.SubjectOf(support, "0123", "ab").error().code(), ErrorCode::kPermissionDenied);
  // The analyst who receives a dataset may not undo its pseudonyms.
  EXPECT_EQ(exports.SubjectOf(analyst_, "0123", "ab").error().code(), ErrorCode::kPermissionDenied);
  auto ops = AuditOperations();
  std::vector<std::string> refusals;
  for (const auto& op : ops)
    if (op.starts_with("depersonalize") || op.starts_with("extract")) refusals.push_back(op);
  EXPECT_EQ(refusals, (std::vector<std::string>{"depersonalize:denied", "depersonalize:denied",
                                                "depersonalize:failed", "depersonalize:failed",
                                                "depersonalize:failed", "extract:denied",
                                                "extract:denied"}));  // nothing exported
  // Each refusal of an export names the purpose asked for.
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  std::vector<std::string> purposes;
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) -> Status {
    if (e.operation == "depersonalize") purposes.push_back(e.purpose);
    return Ok();
  }));
  EXPECT_EQ(purposes,
            (std::vector<std::string>{"statistics", "newsletter", "nothing", "", "statistics"}));
}

// Two more in Naberezhnye Chelny, a city of Tatarstan as Kazan is (the example policy's
// regions): the cities too few share go to their regions, and Kazan's and Chelny's meet.
TEST_P(ExportsTest, CitiesTooFewShareGoToTheirRegions) {
  for (int i = 0; i < 2; ++i) ASSERT_NO_FATAL_FAILURE(Add("1963-01-01", "Набережные Челны", true));
  auto d = Exports().Export(analyst_, "statistics");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->population, 22);
  ASSERT_EQ(d->columns.size(), 2u);
  EXPECT_EQ(d->columns[0].generalization, "age_band_10");
  EXPECT_EQ(d->columns[1].generalization, "region");
  EXPECT_EQ(d->suppressed, 1);  // Tver's one, still alone in Tverskaya oblast
  std::map<std::vector<std::string>, int> classes;
  for (const auto& row : d->rows) ++classes[row.values];
  EXPECT_EQ(classes, (std::map<std::vector<std::string>, int>{
                         {{"30-39", "г. Москва"}, 13}, {{"60-69", "Республика Татарстан"}, 8}}));
}

// An erased subject is not in the export.
TEST_P(ExportsTest, AnErasedSubjectIsLeftOut) {
  auto exports = Exports();
  std::string erased;
  for (const auto& [id, city] : city_of_)
    if (city == "Казань" && erased.empty()) erased = id;
  ASSERT_TRUE(Call<void>([&](auto cb) { uc_->subjects.Destroy(admin_, erased, cb); }));
  auto d = exports.Export(analyst_, "statistics");
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->population, 19);
  for (const auto& row : d->rows) {
    auto subject = exports.SubjectOf(admin_, d->id, row.pseudonym);
    ASSERT_TRUE(subject) << subject.error().message();
    EXPECT_NE(*subject, erased);
  }
}

// The same population counted by GET /v1/stats?of=profiles: each cell of fewer than k subjects
// goes, with its key.
TEST_P(ExportsTest, ProfilesAreCountedByAgeBandAndCityWithoutTheSmallCellsKey) {
  Stats stats(uc_->kernel, *demo_.storage, uc_->zones);
  using Cells = std::vector<std::pair<std::vector<std::string>, int64_t>>;
  auto cells = [](const StatsAnswer& a) {
    Cells out;
    for (const auto& c : a.cells) {
      EXPECT_FALSE(c.suppressed);
      out.emplace_back(c.key, c.counts.at(0).second);
    }
    return out;
  };
  auto both =
      stats.Count(analyst_, {"demo", "profiles", {"birth_date", "city"}, "", "", "statistics"});
  ASSERT_TRUE(both) << both.error().message();
  EXPECT_EQ(cells(*both),
            (Cells{{{"30-34", "Москва"}, 7}, {{"35-39", "Москва"}, 6}, {{"60-64", "Казань"}, 6}}));
  EXPECT_EQ(both->suppressed, 1);  // Tver's, and its key with it
  EXPECT_EQ(both->total, std::nullopt);
  auto by_city = stats.Count(analyst_, {"demo", "profiles", {"city"}, "", "", "statistics"});
  ASSERT_TRUE(by_city);
  EXPECT_EQ(cells(*by_city), (Cells{{{"Казань"}, 6}, {{"Москва"}, 13}}));
  EXPECT_EQ(by_city->suppressed, 1);
  EXPECT_EQ(by_city->total, std::nullopt);
  auto all = stats.Count(analyst_, {"demo", "profiles", {}, "", "", "statistics"});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->total, 20);

  auto reason = [&](StatsQuery q) {
    auto r = stats.Count(analyst_, q);
    return r ? std::string("ok") : r.error().reason();
  };
  EXPECT_EQ(reason({"demo", "profiles", {"email"}, "", "", "statistics"}), "invalid_query");
  EXPECT_EQ(reason({"demo", "profiles", {"city"}}), "invalid_query");  // no purpose
  EXPECT_EQ(reason({"demo", "events", {}, "", "", "statistics"}), "invalid_query");
  EXPECT_EQ(reason({"demo", "profiles", {}, "2026-01-01", "", "statistics"}), "invalid_query");
  EXPECT_EQ(reason({"demo", "profiles", {}, "", "", "newsletter"}), "depersonalize_not_declared");
  // Each count is audited with the fields it opened (only those it counts by), and so is each
  // refusal.
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  std::vector<std::string> events;
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) -> Status {
    if (e.operation != "depersonalize") return Ok();
    std::string fields;
    for (const auto& f : e.fields) fields += (fields.empty() ? "" : ",") + f;
    events.push_back(e.outcome + " " + e.purpose + " " + fields + " " + e.reason);
    return Ok();
  }));
  EXPECT_EQ(events,
            (std::vector<std::string>{
                "ok statistics birth_date,city stats", "ok statistics city stats",
                "ok statistics birth_date,city stats", "failed statistics email invalid_query",
                "denied newsletter  depersonalize_not_declared"}));
}

}  // namespace konfid::app::requests_suite
