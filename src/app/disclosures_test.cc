// Disclosures driven without HTTP on the example policy: what a recipient's key may read and
// how it is audited; an order refused on its second subject names that subject and leaves no
// row; a recipient the policy gives no notice address is named in the audit log.
#include "app/disclosures.h"

#include <gtest/gtest.h>

#include <future>

#include "demo_tenant.h"
#include "step_clock.h"

namespace konfid::app {
namespace {

class DisclosuresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto st = demo_.Open(dir_.path(), clock_);
    ASSERT_TRUE(st) << st.error().message();
    uc_ = demo_.uc.get();
  }

  template <typename T>
  Result<T> Call(const std::function<void(Callback<T>)>& call) {
    std::promise<Result<T>> p;
    call([&p](Result<T> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }

  std::string Create(const std::string& email) {
    domain::FieldInput in{{"surname", std::string("Орлова")},
                          {"name", std::string("Вера")},
                          {"email", email},
                          {"phone", "+7 912 000-00-" + std::to_string(10 + ++created_)}};
    auto r = Call<SubjectView>([&](auto cb) { uc_->subjects.Create(admin_, in, cb); });
    EXPECT_TRUE(r) << (r ? "" : r.error().message());
    return r ? r->id : "";
  }

  Result<SealedSubject> Read(const Actor& who, const std::string& id, const std::string& purpose) {
    return Call<SealedSubject>([&](auto cb) { uc_->subjects.Get(who, id, purpose, cb); });
  }

  std::vector<domain::AuditEvent> Events() {
    std::vector<domain::AuditEvent> out;
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    EXPECT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
      out.push_back(e);
      return Ok();
    }));
    return out;
  }

  size_t Rows(const std::string& subject) {
    auto txn = demo_.storage->Begin(false);
    auto rows = SubjectDisclosures(**txn, "demo", subject);
    EXPECT_TRUE(rows);
    return rows ? rows->size() : 0;
  }

  konfid::testing::TempDir dir_;
  fakes::StepClock clock_{1'800'000'000'000'001, 1};
  fakes::DemoTenant demo_;
  fakes::UseCases* uc_ = nullptr;
  Actor admin_{"demo", "apikey:admin", Role::kAdmin};
  int created_ = 0;
};

TEST_F(DisclosuresTest, ARecipientsKeyReadsItsProjectionAndTheReadIsATransfer) {
  std::string id = Create("vera@example.com");
  Actor payments{"demo", "apikey:pay", Role::kProcessor, "payments"};
  auto read = Read(payments, id, "registration");
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(read->fields, (std::vector<std::string>{"email", "name", "surname"}));
  EXPECT_EQ(Rows(id), 1u);

  // A key bound to no recipient (made before keys were bound), or to one the policy dropped.
  Actor unbound{"demo", "apikey:old", Role::kProcessor};
  EXPECT_EQ(Read(unbound, id, "registration").error().reason(), "recipient_required");
  Actor dropped{"demo", "apikey:gone", Role::kProcessor, "printer"};
  EXPECT_EQ(Read(dropped, id, "registration").error().reason(), "recipient_unknown");
  EXPECT_EQ(Rows(id), 1u);

  // The read is a transfer to the recipient; the refusals are audited as denied, the unbound
  // key's as an extract (it names no recipient).
  std::vector<domain::AuditEvent> reads;
  for (const auto& e : Events())
    if (e.operation == "transfer" || e.operation == "extract") reads.push_back(e);
  ASSERT_EQ(reads.size(), 3u);
  EXPECT_EQ(reads[0].operation, "transfer");
  EXPECT_EQ(reads[0].outcome, "ok");
  EXPECT_EQ(reads[0].reason, "recipient:payments");
  EXPECT_EQ(reads[0].purpose, "registration");
  EXPECT_EQ(reads[0].fields, (std::vector<std::string>{"email", "name", "surname"}));
  EXPECT_EQ(reads[1].outcome, "denied");
  EXPECT_EQ(reads[1].reason, "recipient_required");
  EXPECT_EQ(reads[2].operation, "transfer");
  EXPECT_EQ(reads[2].outcome, "denied");
  EXPECT_EQ(reads[2].reason, "recipient_unknown");
}

TEST_F(DisclosuresTest, ARefusalOnTheSecondSubjectNamesItAndDisclosesNothing) {
  std::string first = Create("a@example.com"), second = Create("b@example.com");
  for (const auto& id : {first}) {
    ConsentInput give;
    give.purpose = "newsletter";
    give.kind = domain::ConsentKind::kGiven;
    ASSERT_TRUE(
        Call<ports::ConsentEventRow>([&](auto cb) { uc_->consents.Record(admin_, id, give, cb); }));
  }
  DisclosureOrder order{"mailer", "newsletter", {first, second}, "consent", {}, std::nullopt};
  auto made =
      Call<SealedDisclosure>([&](auto cb) { uc_->disclosures.Disclose(admin_, order, cb); });
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code(), ErrorCode::kConsentRequired);
  EXPECT_EQ(Rows(first), 0u);
  EXPECT_EQ(Rows(second), 0u);
  auto events = Events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().operation, "transfer");
  EXPECT_EQ(events.back().outcome, "denied");
  EXPECT_EQ(events.back().subject_id, second);
  for (const auto& e : events)
    EXPECT_FALSE(e.operation == "transfer" && e.outcome == "ok") << "no disclosure was made";
}

TEST_F(DisclosuresTest, ARecipientWithoutANoticeAddressIsNamedInTheAuditLog) {
  domain::TenantPolicy policy = *uc_->kernel.Policy("demo");
  for (auto& r : policy.recipients)
    if (r.id == "payments") r.notify_email.clear();
  FixedPolicies policies({policy});
  fakes::UseCases uc(policies, *demo_.keyring, *demo_.committer, *demo_.crypto, demo_.phones,
                     clock_);
  uc_ = &uc;
  std::string id = Create("c@example.com");
  Actor payments{"demo", "apikey:pay", Role::kProcessor, "payments"};
  ASSERT_TRUE(Read(payments, id, "registration"));
  domain::FieldInput change{{"surname", std::string("Орлова-Ким")}};
  ASSERT_TRUE(Call<SubjectView>([&](auto cb) { uc_->subjects.Update(admin_, id, change, cb); }));
  bool named = false;
  for (const auto& e : Events())
    named = named || (e.operation == "use" && e.outcome == "failed" && e.subject_id == id &&
                      e.reason == "recipient_notice:payments:corrected:no_notify_email");
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace konfid::app
