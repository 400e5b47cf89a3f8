// Each use case on personal data checks the one permission of the table it stands for
// (Kernel::Permit): a role without it is refused with that permission's message (reason
// `role`), a role with it gets past the check. The roles of kConsentsRead and kReceiptsRead
// are alike, so the message is what tells a mix-up.
#include <gtest/gtest.h>

#include <functional>
#include <future>

#include "demo_tenant.h"
#include "step_clock.h"

namespace konfid::app {
namespace {

using enum Role;
constexpr Role kAll[] = {kAdmin, kOperator, kSupport, kMarketing, kAnalyst, kProcessor};

class UseCasePermissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto st = demo_.Open(dir_.path(), clock_);
    ASSERT_TRUE(st) << st.error().message();
    uc_ = demo_.uc.get();
  }

  // The error of a call that reports through a callback; Ok when it succeeded.
  template <typename T>
  Status Outcome(const std::function<void(Callback<T>)>& call) {
    std::promise<Status> p;
    call([&p](Result<T> r) { p.set_value(r ? Ok() : Status(Fail(r.error()))); });
    return p.get_future().get();
  }

  // Every role through `call`: refused for its role exactly when the table says so.
  void ExpectChecks(Permission permission, const std::string& what,
                    const std::function<Status(const Actor&)>& call) {
    for (Role role : kAll) {
      Actor actor{"demo", "apikey:test", role};
      Status st = call(actor);
      bool refused = !st && st.error().reason() == "role";
      EXPECT_EQ(refused, !RoleMay(role, permission)) << what << " as " << RoleName(role);
      if (refused) {
        EXPECT_EQ(st.error().message(), RefusalMessage(permission)) << what;
      }
    }
  }

  konfid::testing::TempDir dir_;
  fakes::StepClock clock_{1'800'000'000'000'001, 1};
  fakes::DemoTenant demo_;
  fakes::UseCases* uc_ = nullptr;
};

constexpr const char* kNobody = "0123456789abcdef0123456789abcdef";

TEST_F(UseCasePermissionsTest, SubjectsCheckTheirOwnPermissions) {
  ExpectChecks(Permission::kSubjectsCreate, "Create", [&](const Actor& a) {
    return Outcome<SubjectView>([&](auto cb) { uc_->subjects.Create(a, {}, cb); });
  });
  ExpectChecks(Permission::kSubjectsRead, "Get", [&](const Actor& a) {
    return Outcome<SealedSubject>(
        [&](auto cb) { uc_->subjects.Get(a, kNobody, "registration", cb); });
  });
  ExpectChecks(Permission::kSubjectsRead, "Find", [&](const Actor& a) {
    return Outcome<SealedSubject>(
        [&](auto cb) { uc_->subjects.Find(a, "email", "a@example.com", "registration", cb); });
  });
  ExpectChecks(Permission::kSubjectsUpdate, "Update", [&](const Actor& a) {
    return Outcome<SubjectView>([&](auto cb) {
      uc_->subjects.Update(a, kNobody, {{"name", "Анна"}}, cb);
    });
  });
  ExpectChecks(Permission::kSubjectsDelete, "Destroy", [&](const Actor& a) {
    return Outcome<void>([&](auto cb) { uc_->subjects.Destroy(a, kNobody, cb); });
  });
}

TEST_F(UseCasePermissionsTest, ConsentRegistrationAndMarketingCheckTheirOwnPermissions) {
  ExpectChecks(Permission::kRegister, "Register", [&](const Actor& a) {
    return Outcome<RegistrationResult>(
        [&](auto cb) { uc_->registrations.Register(a, RegistrationInput{}, cb); });
  });
  ExpectChecks(Permission::kConsentsRecord, "Record", [&](const Actor& a) {
    ConsentInput in;
    in.purpose = "newsletter";
    return Outcome<ports::ConsentEventRow>(
        [&](auto cb) { uc_->consents.Record(a, kNobody, in, cb); });
  });
  ExpectChecks(Permission::kConsentsRead, "Ledger", [&](const Actor& a) {
    return Outcome<ConsentLedger>([&](auto cb) { uc_->consents.Ledger(a, kNobody, cb); });
  });
  ExpectChecks(Permission::kReceiptsRead, "Receipt", [&](const Actor& a) {
    return Outcome<ports::ConsentEventRow>([&](auto cb) { uc_->consents.Receipt(a, kNobody, cb); });
  });
  ExpectChecks(Permission::kMarketingSend, "Send", [&](const Actor& a) {
    return Outcome<std::string>(
        [&](auto cb) { uc_->marketing.Send(a, kNobody, "newsletter", "Тема", "Текст", cb); });
  });
  ExpectChecks(Permission::kMarketingSend, "UnsubscribeToken", [&](const Actor& a) -> Status {
    auto token = uc_->marketing.UnsubscribeToken(a, kNobody, "newsletter");
    return token ? Ok() : Status(Fail(token.error()));
  });
}

TEST_F(UseCasePermissionsTest, RequestsBlocksAndAccessRepliesCheckTheirOwnPermissions) {
  ExpectChecks(Permission::kRequestsManage, "File", [&](const Actor& a) {
    NewRequest r{kNobody,
                 domain::RequestKind::kAccess,
                 domain::RequestChannel::kLetter,
                 {.document = "passport"}};
    return Outcome<RequestView>([&](auto cb) { uc_->requests.File(a, r, cb); });
  });
  ExpectChecks(Permission::kRequestsManage, "Move", [&](const Actor& a) {
    return Outcome<RequestView>(
        [&](auto cb) { uc_->requests.Move(a, kNobody, {domain::RequestState::kDone}, cb); });
  });
  ExpectChecks(Permission::kRequestsRead, "Get", [&](const Actor& a) {
    return Outcome<RequestView>([&](auto cb) { uc_->requests.Get(a, kNobody, cb); });
  });
  ExpectChecks(Permission::kRequestsRead, "Queue", [&](const Actor& a) {
    return Outcome<RequestPage>([&](auto cb) { uc_->requests.Queue(a, {}, cb); });
  });
  ExpectChecks(Permission::kSubjectsBlock, "Block", [&](const Actor& a) {
    return Outcome<domain::Blocked>([&](auto cb) { uc_->blocks.Block(a, kNobody, {"*"}, cb); });
  });
  ExpectChecks(Permission::kSubjectsBlock, "Unblock", [&](const Actor& a) {
    return Outcome<domain::Blocked>([&](auto cb) { uc_->blocks.Unblock(a, kNobody, {"*"}, cb); });
  });
  ExpectChecks(Permission::kRequestsManage, "AccessReply", [&](const Actor& a) {
    return Outcome<AccessReply>([&](auto cb) { uc_->replies.ForStaff(a, kNobody, cb); });
  });
  ExpectChecks(Permission::kDisclosuresMake, "Disclose", [&](const Actor& a) {
    DisclosureOrder order{"mailer", "newsletter", {kNobody}, "consent", {}, std::nullopt};
    return Outcome<SealedDisclosure>([&](auto cb) { uc_->disclosures.Disclose(a, order, cb); });
  });
  ExpectChecks(Permission::kDisclosuresRead, "List", [&](const Actor& a) {
    return Outcome<std::vector<DisclosureView>>([&](auto cb) { uc_->disclosures.List(a, {}, cb); });
  });
  ExpectChecks(Permission::kSubjectsHold, "Place", [&](const Actor& a) {
    return Outcome<HoldView>([&](auto cb) { uc_->holds.Place(a, kNobody, {}, cb); });
  });
  ExpectChecks(Permission::kSubjectsHold, "Lift", [&](const Actor& a) {
    return Outcome<HoldView>([&](auto cb) { uc_->holds.Lift(a, kNobody, kNobody, cb); });
  });
  ExpectChecks(Permission::kSubjectsHold, "HoldList", [&](const Actor& a) {
    return Outcome<std::vector<HoldView>>([&](auto cb) { uc_->holds.List(a, kNobody, cb); });
  });
  ExpectChecks(Permission::kActsRead, "ActList", [&](const Actor& a) {
    return Outcome<std::vector<ports::DestructionActRow>>(
        [&](auto cb) { uc_->acts.List(a, {}, cb); });
  });
  ExpectChecks(Permission::kActsRead, "ActFind", [&](const Actor& a) {
    return Outcome<ports::DestructionActRow>([&](auto cb) { uc_->acts.Find(a, kNobody, cb); });
  });
}

}  // namespace
}  // namespace konfid::app
