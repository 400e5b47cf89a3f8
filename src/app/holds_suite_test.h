// Legal holds on the retention suite's vault (retention_test.cc: SQLite, retention_pgtest.cc:
// PostgreSQL): staff place one with its document and last day, it stops an erasure and keeps
// the fields it names from the retention job until it ends or is lifted, and each step is
// audited.
#pragma once

#include "app/holds.h"
#include "app/retention_suite_test.h"

namespace konfid::app::retention_suite {

class HoldsTest : public RetentionTest {
 protected:
  // The day `days` from the clock's, YYYY-MM-DD.
  std::string DayAhead(int64_t days) {
    return domain::FormatIsoDate(domain::DateFromDays(clock_.Peek() / kDay + days));
  }
  HoldOrder Order(std::vector<std::string> fields, int64_t days) {
    return {"dispute",
            domain::DisclosureDocument{"Арбитражный суд г. Москвы", "А40-1234/2026",
                                       *domain::ParseIsoDate("2027-01-10")},
            DayAhead(days), std::move(fields)};
  }
  Result<HoldView> Place(const std::string& subject, HoldOrder order, const Actor* who = nullptr) {
    std::promise<Result<HoldView>> p;
    uc_->holds.Place(who ? *who : admin_, subject, std::move(order),
                     [&p](Result<HoldView> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }
  Result<void> Erase(const std::string& subject) {
    std::promise<Result<void>> p;
    uc_->subjects.Destroy(admin_, subject, [&p](Result<void> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }
  // The subject's audit events of `operation`: "<outcome> <fields> <reason>".
  std::vector<std::string> Events(const std::string& subject, const std::string& operation) {
    std::vector<std::string> out;
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    EXPECT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
      if (e.subject_id == subject && e.operation == operation)
        out.push_back(e.outcome + " " + JoinFieldNames(e.fields) + " " + e.reason);
      return Ok();
    }));
    return out;
  }
};

TEST_P(HoldsTest, AHoldIsPlacedWithItsDocumentListedAndLiftedOnce) {
  std::string anna = Subject("anna@example.com");
  auto placed = Place(anna, Order({}, 30));
  ASSERT_TRUE(placed) << placed.error().message();
  EXPECT_EQ(placed->fields, std::vector<std::string>{"*"});
  EXPECT_EQ(placed->reason, "dispute");
  ASSERT_TRUE(placed->document);
  EXPECT_EQ(placed->document->number, "А40-1234/2026");
  EXPECT_TRUE(placed->LiveAt(clock_.Now()));

  auto listed = Sync<std::vector<HoldView>>([&](auto cb) { uc_->holds.List(admin_, anna, cb); });
  ASSERT_EQ(listed.size(), 1u);
  ASSERT_TRUE(listed[0].document);
  EXPECT_EQ(listed[0].document->authority, "Арбитражный суд г. Москвы");
  EXPECT_EQ(listed[0].until, placed->until);

  auto lift = [&] {
    std::promise<Result<HoldView>> p;
    uc_->holds.Lift(admin_, anna, placed->id,
                    [&p](Result<HoldView> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  };
  auto lifted = lift();
  ASSERT_TRUE(lifted) << lifted.error().message();
  EXPECT_EQ(lifted->lifted_by, "apikey:test");
  EXPECT_FALSE(lifted->LiveAt(clock_.Now()));
  auto again = lift();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().reason(), "no_such_hold");
  EXPECT_EQ(Events(anna, "hold_placed"), std::vector<std::string>{"ok * hold:" + placed->id});
  EXPECT_EQ(Events(anna, "hold_lifted"),
            (std::vector<std::string>{"ok * hold:" + placed->id, "failed  no_such_hold"}));
}

TEST_P(HoldsTest, AHoldThatIsNotOneIsRefusedAndAudited) {
  std::string anna = Subject("anna@example.com");
  auto reason = Order({}, 30);
  reason.reason = "curiosity";
  auto no_document = Order({}, 30);
  no_document.document.reset();
  auto future_document = Order({}, 30);
  future_document.document->date = domain::DateFromDays(clock_.Peek() / kDay + 5);
  const HoldOrder invalid[] = {reason, no_document, future_document, Order({}, -1),
                               Order({}, 11 * 366)};
  for (const auto& order : invalid) {
    auto r = Place(anna, order);
    ASSERT_FALSE(r) << order.reason << " " << order.until;
    EXPECT_EQ(r.error().reason(), "invalid_value") << r.error().message();
  }
  auto unknown = Place(anna, Order({"shoe_size"}, 30));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().reason(), "unknown_field");
  Actor support{"demo", "apikey:support", Role::kSupport};
  auto denied = Place(anna, Order({}, 30), &support);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), ErrorCode::kPermissionDenied);
  auto nobody = Place(std::string(32, 'a'), Order({}, 30));
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(Events(anna, "hold_placed").size(), 7u);  // each refusal, none ok
  for (const auto& e : Events(anna, "hold_placed")) EXPECT_NE(e.substr(0, 3), "ok ");
}

// birth_date is due 29 days after the statistics consent is withdrawn; a hold on it keeps it
// past that and stops an erasure, until its last day is over; then both go ahead.
TEST_P(HoldsTest, AHoldStopsTheErasureAndKeepsWhatItNamesUntilItEnds) {
  std::string anna = Subject("anna@example.com", {{"birth_date", "1990-05-01"}});
  Consent(anna, "statistics", domain::ConsentKind::kGiven);
  Consent(anna, "statistics", domain::ConsentKind::kWithdrawn);
  auto placed = Place(anna, Order({"birth_date"}, 40));
  ASSERT_TRUE(placed) << placed.error().message();
  EXPECT_EQ(placed->fields, std::vector<std::string>{"birth_date"});

  clock_.Advance(30 * kDay);
  RetentionReport kept = Run();
  EXPECT_EQ(kept.fields_destroyed, 0u);
  EXPECT_GE(kept.kept_blocked, 1u);
  EXPECT_EQ(*Held(anna), (Fields{"birth_date", "email", "name", "surname"}));
  auto refused = Erase(anna);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason(), "legal_hold");
  EXPECT_NE(refused.error().message().find(DayAhead(10)), std::string::npos)
      << refused.error().message();
  EXPECT_TRUE(Held(anna));
  EXPECT_EQ(Events(anna, "destroy"), std::vector<std::string>{"failed  legal_hold"});
  EXPECT_TRUE(demo_.ActClaims(anna).empty());  // nothing destroyed, no act
  // An erasure request cannot be closed as done either: staff refuse it or wait.
  NewRequest request{anna, domain::RequestKind::kErasure, domain::RequestChannel::kLetter, {}};
  request.details.document = "letter no. 5";
  auto filed = Sync<RequestView>([&](auto cb) { uc_->requests.File(admin_, request, cb); });
  std::promise<Result<RequestView>> moved;
  uc_->requests.Move(admin_, filed.id, {domain::RequestState::kDone, "", ""},
                     [&moved](Result<RequestView> r) { moved.set_value(std::move(r)); });
  auto done = moved.get_future().get();
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().reason(), "legal_hold");
  EXPECT_TRUE(Held(anna));
  ASSERT_TRUE(Sync<RequestView>([&](auto cb) {
                uc_->requests.Move(
                    admin_, filed.id,
                    {domain::RequestState::kRefused, "a court dispute over the contract is open",
                     "GDPR Art. 17(3)(e)"},
                    cb);
              }).state == domain::RequestState::kRefused);

  clock_.Advance(11 * kDay);  // past the last day
  EXPECT_EQ(Run().fields_destroyed, 1u);
  EXPECT_EQ(*Held(anna), (Fields{"email", "name", "surname"}));
  // The hold's document still opens once a field is destroyed.
  auto listed = Sync<std::vector<HoldView>>([&](auto cb) { uc_->holds.List(admin_, anna, cb); });
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0].document);
  EXPECT_FALSE(listed[0].LiveAt(clock_.Now()));
  ASSERT_TRUE(Erase(anna));
  EXPECT_FALSE(Held(anna));
  // Two acts: retention's of birth_date once the hold ended, then the DELETE's, which took the
  // key with the rest.
  auto acts = demo_.ActClaims(anna);
  ASSERT_EQ(acts.size(), 2u);
  EXPECT_TRUE(fakes::ActSays(acts[0], {"\"field\":\"birth_date\"", "\"method\":\"deletion\"",
                                       "\"reason\":\"consent_withdrawn\""}));
  EXPECT_TRUE(
      fakes::ActSays(acts[1], {"\"field\":\"email\"", "\"field\":\"surname\"", "\"kept\":[]",
                               "\"method\":\"crypto_shredding\"", "\"reason\":\"staff_erasure\"",
                               "\"destroyed_by\":{\"actor\":\"apikey:test\",\"role\":\"admin\"}",
                               "\"processors\":[{\"id\":\"hosting\"", "{\"id\":\"mailer\""}));
  // Only hosting is given birth_date: the mailer is not named in its act.
  EXPECT_NE(acts[0].find("\"processors\":[{\"id\":\"hosting\""), std::string::npos);
  EXPECT_EQ(acts[0].find("\"id\":\"mailer\""), std::string::npos);
  EXPECT_EQ(acts[1].find("\"field\":\"birth_date\""), std::string::npos);
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  EXPECT_TRUE((*txn)->ListSubjectHolds("demo", anna)->empty());  // gone with the key
}

}  // namespace konfid::app::retention_suite
