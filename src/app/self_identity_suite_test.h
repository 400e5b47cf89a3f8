// One-time codes and self sessions on a real vault (self_identity_test.cc: SQLite,
// self_identity_pgtest.cc: PostgreSQL): who gets a code, the limits of a
// code and of an address, and the session's life. The code is read back the only way it
// leaves Konfid: from its sealed outbox message.
#pragma once

#include "app/self_identity.h"

#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <regex>

#include "adapters/mail/smtp_mailer.h"
#include "app/outbox.h"
#include "app/self_service.h"
#include "demo_tenant.h"
#include "mail_text.h"
#include "step_clock.h"
#include "test_support.h"

namespace konfid::app::self_identity_suite {
namespace {

constexpr UnixMicros kMinute = 60'000'000;
constexpr UnixMicros kWednesday = 1'796'194'800'000'000;  // 2026-12-02T07:00:00Z

// lp(from) lp(to) lp(message), the outbox payload's layout.
std::vector<std::string> Parts(std::string_view in) {
  std::vector<std::string> out;
  while (in.size() >= 4) {
    uint32_t n = uint8_t(in[0]) << 24 | uint8_t(in[1]) << 16 | uint8_t(in[2]) << 8 | uint8_t(in[3]);
    out.emplace_back(in.substr(4, n));
    in.remove_prefix(4 + n);
  }
  return out;
}

class SelfIdentityTest : public ::testing::TestWithParam<fakes::DbFactory> {
 protected:
  void SetUp() override {
    auto st = demo_.Open(dir_.path(), clock_, nullptr, GetParam()());
    ASSERT_TRUE(st) << st.error().message();
    uc_ = demo_.uc.get();
    subject_ = NewSubject("lena@example.com", /*confirmed=*/true);
  }

  template <typename T>
  Result<T> Call(const std::function<void(Callback<T>)>& call) {
    std::promise<Result<T>> p;
    call([&p](Result<T> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }

  size_t AuditEvents() {
    size_t n = 0;
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    EXPECT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent&) -> Status {
      ++n;
      return Ok();
    }));
    return n;
  }

  std::string NewSubject(const std::string& email, bool confirmed) {
    auto created = Call<SubjectView>([&](auto cb) {
      uc_->subjects.Create(admin_, {{"surname", "Орлова"}, {"name", "Елена"}, {"email", email}},
                           cb);
    });
    EXPECT_TRUE(created) << created.error().message();
    if (confirmed) {
      auto txn = demo_.storage->Begin(true);
      EXPECT_TRUE(txn && (*txn)->SetEmailVerified("demo", created->id, clock_.Peek()));
      EXPECT_TRUE((*txn)->Commit());
    }
    return created->id;
  }

  Result<CodeChallenge> Ask(const std::string& email) {
    return Call<CodeChallenge>(
        [&](auto cb) { uc_->identity.SendCode("demo", "email", email, cb); });
  }
  Result<SelfSessionGrant> Open(const std::string& challenge, const std::string& code) {
    return Call<SelfSessionGrant>(
        [&](auto cb) { uc_->identity.OpenSession("demo", challenge, code, cb); });
  }

  // The codes in the outbox so far, oldest first, each opened with its subject's key.
  std::vector<std::string> Codes() {
    std::vector<std::string> codes;
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    auto due = (*txn)->DueOutbox(clock_.Peek() + 1000 * kMinute, 1000);
    EXPECT_TRUE(due);
    for (const auto& m : *due) {
      if (m.kind != "code") continue;
      auto row = **(*txn)->FindSubject("demo", m.subject);
      auto key = demo_.keyring->UnwrapSubjectKey(row.wrapped_key, "demo", m.subject, 0);
      auto plain = demo_.crypto->Open(*key, m.payload, OutboxPayloadAd("demo", m.subject, m.id));
      EXPECT_TRUE(plain);
      std::string text = fakes::DecodedMail(Parts(*plain).at(2));
      std::smatch match;
      EXPECT_TRUE(std::regex_search(text, match, std::regex("\\n(\\d{6})\\r?\\n"))) << text;
      codes.push_back(match[1].str());
    }
    return codes;
  }

  konfid::testing::TempDir dir_;
  fakes::StepClock clock_{kWednesday, 1};
  fakes::DemoTenant demo_;
  fakes::UseCases* uc_ = nullptr;
  Actor admin_{"demo", "apikey:test", Role::kAdmin};
  std::string subject_;
};

TEST_P(SelfIdentityTest, ARightCodeOpensASessionOnItsSubjectOnce) {
  auto challenge = Ask("Lena@Example.com");
  ASSERT_TRUE(challenge) << challenge.error().message();
  EXPECT_EQ(challenge->expires_at - clock_.Peek() > 9 * kMinute, true);
  auto codes = Codes();
  ASSERT_EQ(codes.size(), 1u);
  auto grant = Open(challenge->id, codes[0]);
  ASSERT_TRUE(grant) << grant.error().message();
  EXPECT_TRUE(grant->token.starts_with("demo."));
  {
    auto txn = demo_.storage->Begin(false);
    auto self = uc_->identity.Resolve(**txn, grant->token, clock_.Peek());
    ASSERT_TRUE(self) << self.error().message();
    EXPECT_EQ(self->row.id, subject_);
    EXPECT_TRUE(self->actor.id.starts_with("self:"));
  }
  auto again = Open(challenge->id, codes[0]);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().reason(), "invalid_code");

  ASSERT_TRUE(Call<void>([&](auto cb) { uc_->identity.CloseSession(grant->token, cb); }));
  auto txn = demo_.storage->Begin(false);
  auto closed = uc_->identity.Resolve(**txn, grant->token, clock_.Peek());
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().reason(), "invalid_session");
}

// An SMS gateway that keeps what it is given (the HTTP adapter has its own test against a
// local gateway: adapters/sms).
class KeptSms : public ports::SmsSender {
 public:
  Status Send(const ports::SmsMessage& m) override {
    sent.push_back(m);
    return Ok();
  }
  std::vector<ports::SmsMessage> sent;
};

// With a gateway configured a code goes to the subject's phone, in any spelling of the number,
// through the outbox (kind code_sms) to the gateway, and opens a session; without one the
// channel is refused, and a code_sms the outbox holds fails for good.
TEST_P(SelfIdentityTest, ACodeByTextMessageGoesThroughTheGatewayAndSignsIn) {
  auto created = Call<SubjectView>([&](auto cb) {
    uc_->subjects.Create(admin_,
                         {{"surname", "Орлова"},
                          {"name", "Вера"},
                          {"email", "vera@example.com"},
                          {"phone", "+7 916 123-45-67"}},
                         cb);
  });
  ASSERT_TRUE(created) << created.error().message();
  auto refused = Call<CodeChallenge>(
      [&](auto cb) { uc_->identity.SendCode("demo", "phone", "89161234567", cb); });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason(), "unknown_channel");

  SelfSettings with_sms;
  with_sms.sms = true;
  SelfIdentity identity(uc_->kernel, uc_->mail, with_sms);
  auto challenge =
      Call<CodeChallenge>([&](auto cb) { identity.SendCode("demo", "phone", "89161234567", cb); });
  ASSERT_TRUE(challenge) << challenge.error().message();

  konfid::testing::SmtpServer smtp;
  adapters::SmtpMailer mailer({smtp.url()});
  OutboxSender no_gateway(*demo_.storage, *demo_.committer, *demo_.keyring, *demo_.crypto, mailer,
                          clock_, *demo_.policies);
  KeptSms gateway;
  OutboxSender sender(*demo_.storage, *demo_.committer, *demo_.keyring, *demo_.crypto, mailer,
                      clock_, *demo_.policies);
  sender.UseSms(&gateway);
  auto stats = sender.RunOnce(clock_.Peek());
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->sent, 1u);
  ASSERT_EQ(gateway.sent.size(), 1u);
  EXPECT_EQ(gateway.sent[0].to, "+79161234567");
  std::smatch code;
  ASSERT_TRUE(std::regex_search(gateway.sent[0].text, code, std::regex("(\\d{6})")))
      << gateway.sent[0].text;
  auto grant = Call<SelfSessionGrant>(
      [&](auto cb) { identity.OpenSession("demo", challenge->id, code[1].str(), cb); });
  ASSERT_TRUE(grant) << grant.error().message();
  {
    auto txn = demo_.storage->Begin(false);
    auto self = identity.Resolve(**txn, grant->token, clock_.Peek());
    ASSERT_TRUE(self) << self.error().message();
    EXPECT_EQ(self->row.id, created->id);
  }

  // A second code, and an outbox with no gateway: it fails for good, sms_unavailable.
  ASSERT_TRUE(Call<CodeChallenge>(
      [&](auto cb) { identity.SendCode("demo", "phone", "+79161234567", cb); }));
  auto failed = no_gateway.RunOnce(clock_.Peek());
  ASSERT_TRUE(failed) << failed.error().message();
  EXPECT_EQ(failed->failed, 1u);
  ASSERT_EQ(failed->failures.size(), 1u);
  EXPECT_EQ(failed->failures[0].error.reason(), "sms_unavailable");
  EXPECT_TRUE(failed->failures[0].final);
  EXPECT_EQ(smtp.WaitFor(0).size(), 0u);  // nothing went by mail
}

// A visitor's reads of their own requests are reads of their data: audited as staff's are.
TEST_P(SelfIdentityTest, AVisitorsReadsOfTheirRequestsAreAudited) {
  auto challenge = Ask("lena@example.com");
  ASSERT_TRUE(challenge);
  auto grant = Open(challenge->id, Codes()[0]);
  ASSERT_TRUE(grant) << grant.error().message();
  NewRequest access{subject_, domain::RequestKind::kAccess, domain::RequestChannel::kSelf, {}};
  auto filed = Call<RequestView>([&](auto cb) { uc_->self.File(grant->token, access, cb); });
  ASSERT_TRUE(filed) << filed.error().message();

  auto extracts = [&](const std::string& reason) {
    size_t n = 0;
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) -> Status {
      n += e.operation == "extract" && e.reason == reason && e.subject_id == subject_ &&
           e.actor.starts_with("self:");
      return Ok();
    }));
    return n;
  };
  auto list =
      Call<std::vector<RequestView>>([&](auto cb) { uc_->self.ListRequests(grant->token, cb); });
  ASSERT_TRUE(list) << list.error().message();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(extracts("requests"), 1u);
  auto one = Call<RequestView>([&](auto cb) { uc_->self.GetRequest(grant->token, filed->id, cb); });
  ASSERT_TRUE(one) << one.error().message();
  EXPECT_EQ(extracts("request:" + filed->id), 1u);
  // Another's request id is not found, and reads nothing.
  auto none = Call<RequestView>(
      [&](auto cb) { uc_->self.GetRequest(grant->token, std::string(32, 'a'), cb); });
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().reason(), "not_found");
}

TEST_P(SelfIdentityTest, ACodeAndASessionExpire) {
  auto challenge = Ask("lena@example.com");
  ASSERT_TRUE(challenge);
  std::string code = Codes().at(0);
  clock_.Advance(11 * kMinute);
  auto late = Open(challenge->id, code);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().reason(), "invalid_code");

  auto fresh = Ask("lena@example.com");
  auto grant = Open(fresh->id, Codes().at(1));
  ASSERT_TRUE(grant) << grant.error().message();
  clock_.Advance(31 * kMinute);
  auto txn = demo_.storage->Begin(false);
  auto expired = uc_->identity.Resolve(**txn, grant->token, clock_.Peek());
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code(), ErrorCode::kUnauthenticated);
}

TEST_P(SelfIdentityTest, UnknownAndUnconfirmedAddressesAreAnsweredAlikeAndGetNothing) {
  NewSubject("unconfirmed@example.com", /*confirmed=*/false);
  size_t before = AuditEvents();
  auto known = Ask("lena@example.com");
  size_t after_known = AuditEvents();
  auto unknown = Ask("nobody@example.com");
  size_t after_unknown = AuditEvents();
  auto unconfirmed = Ask("unconfirmed@example.com");
  ASSERT_TRUE(known && unknown && unconfirmed);
  // One event each: the audit's length does not tell a known address apart.
  EXPECT_EQ(after_known - before, 1u);
  EXPECT_EQ(after_unknown - after_known, 1u);
  EXPECT_EQ(AuditEvents() - after_unknown, 1u);
  EXPECT_EQ(unknown->id.size(), known->id.size());
  EXPECT_EQ(unknown->expires_at - known->expires_at < kMinute, true);
  EXPECT_EQ(Codes().size(), 1u);  // only the known, confirmed address got one
  for (const std::string& code : {std::string("000000"), Codes()[0]}) {
    size_t events = AuditEvents();
    EXPECT_EQ(Open(unknown->id, code).error().reason(), "invalid_code");
    EXPECT_EQ(Open(unconfirmed->id, code).error().reason(), "invalid_code");
    EXPECT_EQ(AuditEvents() - events, 2u);  // a failed try is an event, known or not
  }
  auto malformed = Ask("not an address");
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(malformed.error().message().find("not an address"), std::string::npos);
}

TEST_P(SelfIdentityTest, AnAddressClaimedWrongSignsNoOneIn) {
  std::string masha = NewSubject("masha@example.com", /*confirmed=*/true);
  NewRequest claim{masha,
                   domain::RequestKind::kRectification,
                   domain::RequestChannel::kLetter,
                   {.text = "адрес не мой", .document = "письмо № 5", .fields = {"email"}}};
  ASSERT_TRUE(Call<RequestView>([&](auto cb) { uc_->requests.File(admin_, claim, cb); }));
  auto asked = Ask("masha@example.com");
  ASSERT_TRUE(asked);  // answered as any address is
  EXPECT_TRUE(Codes().empty());
  bool denied = false;
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
    denied |= e.operation == "code_sent" && e.outcome == "denied" && e.reason == "disputed" &&
              e.subject_id == masha;
    return Ok();
  }));
  EXPECT_TRUE(denied);
}

TEST_P(SelfIdentityTest, AnAddressGetsFiveCodesAnHourAndACodeFiveWrongTries) {
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(Ask("lena@example.com"));
  EXPECT_EQ(Codes().size(), 5u);  // the sixth challenge was answered, and sent nothing
  clock_.Advance(61 * kMinute);
  auto later = Ask("lena@example.com");
  ASSERT_TRUE(later);
  auto codes = Codes();
  ASSERT_EQ(codes.size(), 6u);
  std::string right = codes.back(), wrong = right == "000000" ? "999999" : "000000";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Open(later->id, wrong).error().reason(), "invalid_code");
  auto sixth = Open(later->id, right);
  ASSERT_FALSE(sixth);
  EXPECT_EQ(sixth.error().reason(), "invalid_code");
  auto txn = demo_.storage->Begin(false);
  EXPECT_EQ((**(*txn)->FindOtpCode("demo", later->id)).tries, 6);
}

}  // namespace
}  // namespace konfid::app::self_identity_suite
