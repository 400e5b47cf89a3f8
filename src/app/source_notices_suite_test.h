// The notice of data received from a third party (152-FZ Art. 18(3)) on a real vault
// (source_notices_test.cc: SQLite, source_notices_pgtest.cc: PostgreSQL) and a real SMTP
// server on loopback: queued with the write that first stores such a field,
// not again when the value changes, and audited as denied when the address is disputed.
#pragma once

#include "app/source_notices.h"

#include <gtest/gtest.h>

#include <functional>
#include <future>

#include "adapters/mail/smtp_mailer.h"
#include "app/outbox.h"
#include "app/registrations.h"
#include "demo_tenant.h"
#include "mail_text.h"
#include "step_clock.h"
#include "test_support.h"

namespace konfid::app::source_notices_suite {

constexpr UnixMicros kWednesday = 1'796'194'800'000'000;  // 2026-12-02 07:00 UTC

// The example policy, with the city received from a partner.
inline std::string CityFromPartner(std::string policy) {
  const std::string city = "name = \"city\"\n";
  size_t at = policy.find(city);
  EXPECT_NE(at, std::string::npos);
  if (at == std::string::npos) return policy;
  policy.insert(at + city.size(),
                "source = \"third_party\"\n"
                "source_name = { ru = \"ООО «Партнёр»\", en = \"Partner LLC\" }\n");
  return policy;
}

class SourceNoticesTest : public ::testing::TestWithParam<fakes::DbFactory> {
 protected:
  virtual std::function<std::string(std::string)> PolicyEdit() const { return CityFromPartner; }

  void SetUp() override {
    auto st = demo_.Open(dir_.path(), clock_, PolicyEdit(), GetParam()());
    ASSERT_TRUE(st) << st.error().message();
  }

  template <typename T>
  Result<T> Call(const std::function<void(Callback<T>)>& call) {
    std::promise<Result<T>> p;
    call([&p](Result<T> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }

  Result<SubjectView> Create(const domain::FieldInput& fields) {
    return Call<SubjectView>([&](auto cb) { demo_.uc->subjects.Create(admin_, fields, cb); });
  }
  Result<SubjectView> Update(const std::string& id, const domain::FieldInput& fields) {
    return Call<SubjectView>([&](auto cb) { demo_.uc->subjects.Update(admin_, id, fields, cb); });
  }

  // The outcome and reason of each source_notice use, in order.
  std::vector<std::string> Uses() {
    std::vector<std::string> out;
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    if (!txn) return out;
    EXPECT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
      if (e.operation == "use" && e.reason.starts_with("source_notice"))
        out.push_back(e.subject_id + " " + e.outcome + " " + e.reason);
      return Ok();
    }));
    return out;
  }

  size_t Queued() {
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    if (!txn) return 0;
    auto due = (*txn)->DueOutbox(clock_.Now() + 1'000'000, 100);
    EXPECT_TRUE(due);
    return due ? std::count_if(due->begin(), due->end(),
                               [](const auto& m) { return m.kind == "source_notice"; })
               : 0;
  }

  konfid::testing::TempDir dir_;
  fakes::StepClock clock_{kWednesday, 1};
  fakes::DemoTenant demo_;
  Actor admin_{"demo", "apikey:test", Role::kAdmin};
};

TEST_P(SourceNoticesTest, TheFirstWriteOfAReceivedFieldTellsTheSubjectItsSource) {
  auto anna = Create(
      {{"surname", "Иванова"}, {"name", "Анна"}, {"email", "anna@example.com"}, {"city", "Тверь"}});
  ASSERT_TRUE(anna) << anna.error().message();
  auto boris = Create({{"surname", "Петров"}, {"name", "Борис"}, {"email", "boris@example.com"}});
  ASSERT_TRUE(boris);
  EXPECT_EQ(Queued(), 1u);  // Boris gave everything himself
  ASSERT_TRUE(Update(boris->id, {{"city", "Псков"}}));
  ASSERT_TRUE(Update(boris->id, {{"city", "Пермь"}}));  // held already: not new to him
  EXPECT_EQ(Queued(), 2u);
  EXPECT_EQ(Uses(), (std::vector<std::string>{anna->id + " ok source_notice",
                                              boris->id + " ok source_notice"}));

  konfid::testing::SmtpServer smtp;
  adapters::SmtpMailer mailer({smtp.url()});
  OutboxSender sender(*demo_.storage, *demo_.committer, *demo_.keyring, *demo_.crypto, mailer,
                      clock_, *demo_.policies);
  auto stats = sender.RunOnce(clock_.Now());
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->sent, 2u);
  auto mail = smtp.WaitFor(2);
  ASSERT_EQ(mail.size(), 2u);
  for (const auto& m : mail) {
    std::string body = fakes::DecodedReceivedMail(m);
    EXPECT_NE(body.find("от ООО «Партнёр»: город"), std::string::npos) << body;
    EXPECT_NE(body.find("частью 3 статьи 18"), std::string::npos) << body;
    // No value of personal data: the label, not the city.
    for (const char* city : {"Тверь", "Псков", "Пермь"})
      EXPECT_EQ(body.find(city), std::string::npos) << city;
  }
}

TEST_P(SourceNoticesTest, AnAddressClaimedWrongIsNotMailedAndStaffSeeWhom) {
  auto vera = Create({{"surname", "Сидорова"}, {"name", "Вера"}, {"email", "vera@example.com"}});
  ASSERT_TRUE(vera) << vera.error().message();
  NewRequest claim{vera->id,
                   domain::RequestKind::kRectification,
                   domain::RequestChannel::kLetter,
                   {.text = "адрес не мой", .document = "письмо № 3", .fields = {"email"}}};
  ASSERT_TRUE(Call<RequestView>([&](auto cb) { demo_.uc->requests.File(admin_, claim, cb); }));
  ASSERT_TRUE(Update(vera->id, {{"city", "Тверь"}}));
  EXPECT_EQ(Queued(), 0u);
  EXPECT_EQ(Uses(), std::vector<std::string>{vera->id + " denied source_notice:disputed"});
}

TEST_P(SourceNoticesTest, ARegistrationFormCannotGiveWhatComesFromAThirdParty) {
  RegistrationInput form;
  form.fields = {
      {"surname", "Ким"}, {"name", "Ольга"}, {"email", "olga@example.com"}, {"city", "Тверь"}};
  for (const domain::Purpose& p : demo_.policies->Policy("demo")->purposes)
    if (p.ground == "consent") form.choices[p.id] = false;
  auto r = Call<RegistrationResult>(
      [&](auto cb) { demo_.uc->registrations.Register(admin_, form, cb); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason(), "third_party_field");
  EXPECT_EQ(r.error().message().find("Тверь"), std::string::npos);
  form.fields.pop_back();
  EXPECT_TRUE(Call<RegistrationResult>(
      [&](auto cb) { demo_.uc->registrations.Register(admin_, form, cb); }));
}

// The partner's city came under the subject's contract with it (152-FZ Art. 18(4)(2)): the
// policy says so, and nobody is told.
class ExemptSourceNoticesTest : public SourceNoticesTest {
 protected:
  std::function<std::string(std::string)> PolicyEdit() const override {
    return [](std::string policy) {
      policy = CityFromPartner(std::move(policy));
      const std::string named = "en = \"Partner LLC\" }\n";
      policy.insert(policy.find(named) + named.size(), "notice_exempt = \"law_or_contract\"\n");
      return policy;
    };
  }
};

TEST_P(ExemptSourceNoticesTest, AFieldTheLawExemptsIsNotNoticed) {
  auto anna = Create(
      {{"surname", "Иванова"}, {"name", "Анна"}, {"email", "anna@example.com"}, {"city", "Тверь"}});
  ASSERT_TRUE(anna) << anna.error().message();
  auto boris = Create({{"surname", "Петров"}, {"name", "Борис"}, {"email", "boris@example.com"}});
  ASSERT_TRUE(boris);
  ASSERT_TRUE(Update(boris->id, {{"city", "Псков"}}));
  EXPECT_EQ(Queued(), 0u);
  EXPECT_TRUE(Uses().empty());
  const domain::FieldSpec* city = demo_.policies->Policy("demo")->catalogue.Find("city");
  ASSERT_NE(city, nullptr);
  EXPECT_EQ(city->notice_exempt, "law_or_contract");
}

}  // namespace konfid::app::source_notices_suite
