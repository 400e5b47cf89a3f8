// Stop processing and legitimate interest, on the request suite's vault (requests_test.cc:
// SQLite, requests_pgtest.cc: PostgreSQL): under the GDPR a stop done stops the purposes on
// legitimate interest for the subject (Art. 21(1)); under 152-FZ it leaves them (Art. 21(5.1)).
#pragma once

#include "app/requests_suite_test.h"

namespace konfid::app::requests_suite {

// The example policy with a purpose on legitimate interest (fraud checks on the email), under
// the GDPR or, `gdpr` false, under 152-FZ as it is.
inline std::function<std::string(std::string)> WithFraudChecks(bool gdpr) {
  return [gdpr](std::string text) {
    if (gdpr) text.replace(text.find("\"ru-152fz\""), 10, "\"eu-gdpr\"");
    return text + R"(
[[purpose]]
id = "fraud_checks"
name = { ru = "Предотвращение мошенничества", en = "Fraud prevention" }
description = { ru = "Проверка заказов на признаки мошенничества.", en = "Checking orders for signs of fraud." }
ground = "legitimate_interest"
fields = ["email"]
actions = ["collect", "store", "use", "destroy"]
methods = "automated"
retention = "1 year"
on_expiry = "destroy"
)";
  };
}

class GdprRequestsTest : public RequestsTest {
 protected:
  std::function<std::string(std::string)> PolicyEdit() const override {
    return WithFraudChecks(true);
  }
};

class RuLegitimateInterestTest : public RequestsTest {
 protected:
  std::function<std::string(std::string)> PolicyEdit() const override {
    return WithFraudChecks(false);
  }
};

// 152-FZ Art. 21(5.1) exempts processing on legitimate interest (Art. 6(1)(7)) from a demand
// to stop: done, the request withdraws consents and leaves that purpose as it was.
TEST_P(RuLegitimateInterestTest, StopProcessingLeavesLegitimateInterestsUnderThe152Fz) {
  auto stop = File(RequestKind::kStopProcessing, {.text = "прошу прекратить обработку"});
  ASSERT_TRUE(stop) << stop.error().message();
  ASSERT_TRUE(Move(stop->id, RequestState::kDone));
  auto read = Read("fraud_checks");
  EXPECT_TRUE(read) << read.error().message();
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  auto row = (*txn)->FindSubject("demo", subject_);
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((**row).blocked, "");
}

// GDPR Art. 21(1): a stop_processing closed as done stops the purposes on legitimate interest
// for the subject, as well as withdrawing consents; the contract's purposes go on.
TEST_P(GdprRequestsTest, StopProcessingStopsLegitimateInterestsWhenDone) {
  ASSERT_TRUE(Read("fraud_checks"));
  auto stop = File(RequestKind::kStopProcessing, {.text = "прошу прекратить обработку"});
  ASSERT_TRUE(stop) << stop.error().message();
  ASSERT_TRUE(Read("fraud_checks"));  // staff weigh it first
  ASSERT_TRUE(Move(stop->id, RequestState::kDone));
  auto refused = Read("fraud_checks");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().reason(), "processing_stopped");
  EXPECT_TRUE(Read("registration"));  // a contract is another ground
  auto found = Call<SealedSubject>([&](auto cb) {
    uc_->subjects.Find(admin_, "email", "anna@example.com", "fraud_checks", cb);
  });
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().reason(), "processing_stopped");
  // Lifting every block of staff's lifts no objection.
  ASSERT_TRUE(
      Call<domain::Blocked>([&](auto cb) { uc_->blocks.Unblock(admin_, subject_, {"*"}, cb); }));
  EXPECT_EQ(Read("fraud_checks").error().reason(), "processing_stopped");
  std::vector<std::string> blocks;
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
    if (e.operation == "block") blocks.push_back(e.purpose + " " + e.ground + " " + e.reason);
    if (e.operation == "extract" && e.outcome != "ok") blocks.push_back("read " + e.reason);
    if (e.operation == "unblock") blocks.push_back("unblock");
    return Ok();
  }));
  EXPECT_EQ(blocks,
            (std::vector<std::string>{"fraud_checks legitimate_interest request:" + stop->id,
                                      "read processing_stopped", "read processing_stopped",
                                      "unblock", "read processing_stopped"}));
  // Retention no longer counts the stopped purpose's hold (domain/retention.h).
  auto schedule =
      Call<RetentionSchedule>([&](auto cb) { uc_->retention.Schedule(admin_, subject_, cb); });
  ASSERT_TRUE(schedule) << schedule.error().message();
  for (const auto& plan : schedule->fields) EXPECT_NE(plan.purpose, "fraud_checks") << plan.field;
}

}  // namespace konfid::app::requests_suite
