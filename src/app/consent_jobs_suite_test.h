// The jobs that follow the consent ledger, on a real database (consent_jobs_test.cc: SQLite,
// consent_jobs_pgtest.cc: PostgreSQL) with the example policy published: expiry (a consent
// past its purpose's term gets one `expired` event with a receipt) and the outbox (marketing
// mail goes out only while its consent is live; sent through a real SMTP server on loopback).
#pragma once

#include "app/expiry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>

#include "adapters/config/toml_config.h"
#include "adapters/crypto/sodium_crypto.h"
#include "adapters/mail/smtp_mailer.h"
#include "adapters/phone/libphonenumber_normalizer.h"
#include "app/maintenance.h"
#include "app/notices.h"
#include "app/outbox.h"
#include "demo_tenant.h"
#include "step_clock.h"
#include "test_support.h"

namespace konfid::app::consent_jobs_suite {

constexpr int64_t kDay = 86'400'000'000LL;

class ConsentJobsTest : public ::testing::TestWithParam<fakes::DbFactory> {
 protected:
  void SetUp() override {
    auto st = demo_.Open(dir_.path(), clock_, nullptr, GetParam()());
    ASSERT_TRUE(st) << st.error().message();
    uc_ = demo_.uc.get();
    job_ = std::make_unique<ExpiryJob>(*demo_.storage, *demo_.policies, uc_->expiry, /*page=*/2);
  }

  template <typename T, typename F>
  T Sync(F f) {
    std::promise<Result<T>> p;
    f([&p](Result<T> r) { p.set_value(std::move(r)); });
    auto r = p.get_future().get();
    EXPECT_TRUE(r) << r.error().message();
    return r ? std::move(*r) : T{};
  }
  std::string Subject(const std::string& email) {
    domain::FieldInput in = {{"surname", "Тестова"}, {"name", "Анна"}, {"email", email}};
    return Sync<SubjectView>([&](auto cb) { uc_->subjects.Create(admin_, in, cb); }).id;
  }
  void Consent(const std::string& subject, const std::string& purpose, domain::ConsentKind kind) {
    ConsentInput in;
    in.purpose = purpose;
    in.kind = kind;
    Sync<ports::ConsentEventRow>([&](auto cb) { uc_->consents.Record(admin_, subject, in, cb); });
  }
  // A subject whose owner confirmed the email address (as POST /v1/confirmations does).
  std::string ConfirmedSubject(const std::string& email) {
    std::string id = Subject(email);
    auto txn = demo_.storage->Begin(true);
    EXPECT_TRUE(txn && (*txn)->SetEmailVerified("demo", id, clock_.Now()) && (*txn)->Commit());
    return id;
  }
  Result<std::string> SendNewsletter(const std::string& subject) {
    std::promise<Result<std::string>> p;
    uc_->marketing.Send(admin_, subject, "newsletter", "Новости", "Текст письма",
                        [&p](Result<std::string> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }
  ConsentLedger Ledger(const std::string& subject) {
    return Sync<ConsentLedger>([&](auto cb) { uc_->consents.Ledger(admin_, subject, cb); });
  }

  konfid::testing::TempDir dir_;
  fakes::StepClock clock_{1'800'000'000'000'001, 1};
  fakes::DemoTenant demo_;
  fakes::UseCases* uc_ = nullptr;
  std::unique_ptr<ExpiryJob> job_;
  Actor admin_{"demo", "apikey:test", Role::kAdmin};
};

TEST_P(ConsentJobsTest, AConsentPastItsTermGetsOneExpiredEventWithAReceipt) {
  // The newsletter's consent lasts 3 years, statistics' 1 year.
  std::string anna = Subject("anna@example.com");
  std::string boris = Subject("boris@example.com");
  std::string vera = Subject("vera@example.com");
  Consent(anna, "newsletter", domain::ConsentKind::kGiven);
  Consent(anna, "statistics", domain::ConsentKind::kGiven);
  Consent(boris, "statistics", domain::ConsentKind::kGiven);
  Consent(boris, "statistics", domain::ConsentKind::kWithdrawn);
  Consent(vera, "statistics", domain::ConsentKind::kRefused);
  UnixMicros given_at = clock_.Peek();

  EXPECT_EQ(*job_->RunOnce(clock_.Now()), 0u);  // nothing is due yet

  clock_.Advance(366 * kDay);  // past the statistics term, not the newsletter's
  auto appended = job_->RunOnce(clock_.Now());
  ASSERT_TRUE(appended) << appended.error().message();
  EXPECT_EQ(*appended, 1u);  // Anna's statistics only: Boris withdrew, Vera refused
  auto ledger = Ledger(anna);
  ASSERT_EQ(ledger.events.size(), 3u);
  const domain::ConsentEvent& expired = ledger.events.back();
  EXPECT_EQ(expired.kind, domain::ConsentKind::kExpired);
  EXPECT_EQ(expired.purpose, "statistics");
  EXPECT_EQ(expired.method, "retention");
  EXPECT_EQ(expired.text_hash, ledger.events[1].text_hash);  // the consent that ended
  EXPECT_GT(expired.time, given_at + 364 * kDay);            // when the term ran out
  EXPECT_LT(expired.time, given_at + 367 * kDay);
  EXPECT_FALSE(ledger.states.at("statistics").live);
  EXPECT_TRUE(ledger.states.at("newsletter").live);
  auto receipt =
      Sync<ports::ConsentEventRow>([&](auto cb) { uc_->consents.Receipt(admin_, expired.id, cb); });
  EXPECT_FALSE(receipt.receipt.empty());
  EXPECT_EQ(Ledger(boris).events.size(), 2u);
  EXPECT_EQ(Ledger(vera).events.size(), 1u);

  // Once recorded, never again; a fresh consent starts a new term.
  EXPECT_EQ(*job_->RunOnce(clock_.Now()), 0u);
  Consent(anna, "statistics", domain::ConsentKind::kGiven);
  EXPECT_EQ(*job_->RunOnce(clock_.Now()), 0u);
  EXPECT_TRUE(Ledger(anna).states.at("statistics").live);

  // Every event is in the audit chain, which still verifies.
  auto reports = VerifyAuditChains(*demo_.storage, *demo_.crypto, *demo_.keyring);
  ASSERT_TRUE(reports);
  for (const auto& r : *reports) EXPECT_FALSE(r.broken) << r.tenant;
}

TEST_P(ConsentJobsTest, EventsWithinOneMillisecondKeepTheirOrder) {
  // The clock moves a microsecond a call: all of this happens within a few milliseconds.
  std::string anna = Subject("anna@example.com");
  for (int i = 0; i < 20; ++i)
    Consent(anna, "newsletter",
            i % 2 == 0 ? domain::ConsentKind::kGiven : domain::ConsentKind::kWithdrawn);
  Consent(anna, "newsletter", domain::ConsentKind::kGiven);
  auto ledger = Ledger(anna);
  ASSERT_EQ(ledger.events.size(), 21u);
  for (size_t i = 1; i < ledger.events.size(); ++i) {
    EXPECT_LT(ledger.events[i - 1].id, ledger.events[i].id);
    EXPECT_EQ(ledger.events[i].kind,
              i % 2 == 0 ? domain::ConsentKind::kGiven : domain::ConsentKind::kWithdrawn);
  }
  EXPECT_TRUE(ledger.states.at("newsletter").live);
}

TEST_P(ConsentJobsTest, MarketingMailWithdrawnWhileWaitingIsNeverSent) {
  konfid::testing::SmtpServer smtp;
  adapters::SmtpMailer mailer({smtp.url()});
  OutboxSender sender(*demo_.storage, *demo_.committer, *demo_.keyring, *demo_.crypto, mailer,
                      clock_, *demo_.policies);
  std::string anna = ConfirmedSubject("anna@example.com");
  std::string boris = ConfirmedSubject("boris@example.com");
  Consent(anna, "newsletter", domain::ConsentKind::kGiven);
  Consent(boris, "newsletter", domain::ConsentKind::kGiven);
  std::string to_anna = SendNewsletter(anna).value_or(""),
              to_boris = SendNewsletter(boris).value_or("");
  ASSERT_FALSE(to_anna.empty() || to_boris.empty());
  // Anna unsubscribes while her message waits in the outbox.
  Consent(anna, "newsletter", domain::ConsentKind::kWithdrawn);

  auto stats = sender.RunOnce(clock_.Now());
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->sent, 1u);
  EXPECT_EQ(stats->failed, 1u);
  EXPECT_TRUE(stats->failures.empty());  // a suppression is a decision, not a failed delivery
  EXPECT_EQ(stats->retried, 0u);         // not retried later either
  auto mail = smtp.WaitFor(1);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_NE(mail[0].find("To: <boris@example.com>"), std::string::npos);
  clock_.Advance(OutboxSender::BackoffMicros(8));     // past any retry there could be
  EXPECT_EQ(sender.RunOnce(clock_.Now())->sent, 0u);  // nothing left to send
  EXPECT_EQ(smtp.Received().size(), 1u);

  // The suppression is audited as a denied use.
  bool denied = false;
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
    if (e.actor == "system:outbox" && e.subject_id == anna)
      denied = e.outcome == "denied" && e.reason == "consent_required";
    return Ok();
  }));
  EXPECT_TRUE(denied);
}

// Double opt-in cannot be bypassed by changing the address: marketing mail goes only to an
// address its owner confirmed, a new address gets a confirmation email in the same
// transaction, and a message queued before the change is not sent to either address.
// A mail server that cannot be reached: the attempt is reported as a failure to retry, and
// the report names the message, never the address.
TEST_P(ConsentJobsTest, AFailedDeliveryIsReportedWithoutTheAddress) {
  adapters::SmtpMailer mailer({"smtp://127.0.0.1:" + std::to_string(konfid::testing::FreePort())});
  OutboxSender sender(*demo_.storage, *demo_.committer, *demo_.keyring, *demo_.crypto, mailer,
                      clock_, *demo_.policies);
  std::string anna = ConfirmedSubject("anna@example.com");
  Consent(anna, "newsletter", domain::ConsentKind::kGiven);
  std::string id = Sync<std::string>([&](auto cb) {
    uc_->marketing.Send(admin_, anna, "newsletter", "Новости", "Текст письма", cb);
  });
  ASSERT_FALSE(id.empty());
  auto stats = sender.RunOnce(clock_.Now());
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->retried, 1u);
  ASSERT_EQ(stats->failures.size(), 1u);
  const MailFailure& f = stats->failures[0];
  EXPECT_EQ(f.message_id, id);
  EXPECT_EQ(f.kind, "marketing:newsletter");
  EXPECT_FALSE(f.final);
  EXPECT_EQ(f.error.code(), ErrorCode::kUnavailable);
  for (const std::string& text : {f.error.message(), f.error.detail()})
    EXPECT_EQ(text.find("anna"), std::string::npos) << text;
}

TEST_P(ConsentJobsTest, MarketingMailGoesOnlyToAConfirmedAddress) {
  konfid::testing::SmtpServer smtp;
  adapters::SmtpMailer mailer({smtp.url()});
  OutboxSender sender(*demo_.storage, *demo_.committer, *demo_.keyring, *demo_.crypto, mailer,
                      clock_, *demo_.policies);
  // A consent recorded through the API for an address nobody confirmed sends nothing.
  std::string vera = Subject("vera@example.com");
  Consent(vera, "newsletter", domain::ConsentKind::kGiven);
  auto unconfirmed = SendNewsletter(vera);
  ASSERT_FALSE(unconfirmed);
  EXPECT_EQ(unconfirmed.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(unconfirmed.error().reason(), "email_unconfirmed");

  std::string anna = ConfirmedSubject("anna@example.com");
  Consent(anna, "newsletter", domain::ConsentKind::kGiven);
  ASSERT_TRUE(SendNewsletter(anna));  // waits in the outbox
  domain::FieldInput change = {{"email", "anna.new@example.com"}};
  auto updated =
      Sync<SubjectView>([&](auto cb) { uc_->subjects.Update(admin_, anna, change, cb); });
  ASSERT_EQ(updated.id, anna);
  auto again = SendNewsletter(anna);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().reason(), "email_unconfirmed");

  auto stats = sender.RunOnce(clock_.Now());
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->sent, 1u);    // the confirmation email to the new address
  EXPECT_EQ(stats->failed, 1u);  // the newsletter written to the old one
  auto mail = smtp.WaitFor(1);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_NE(mail[0].find("To: <anna.new@example.com>"), std::string::npos) << mail[0];
  EXPECT_EQ(mail[0].find("List-Unsubscribe"), std::string::npos);  // not marketing
  clock_.Advance(OutboxSender::BackoffMicros(8));
  EXPECT_EQ(sender.RunOnce(clock_.Now())->sent, 0u);  // the old address's newsletter: never
  EXPECT_EQ(smtp.Received().size(), 1u);
  bool denied = false;
  {
    auto txn = demo_.storage->Begin(false);
    ASSERT_TRUE(txn);
    ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
      if (e.actor == "system:outbox" && e.subject_id == anna && e.outcome == "denied")
        denied = e.reason == "email_unconfirmed";
      return Ok();
    }));
  }
  EXPECT_TRUE(denied);

  // Once the new address is confirmed, marketing goes to it, and only to it.
  {
    auto txn = demo_.storage->Begin(true);
    ASSERT_TRUE(txn && (*txn)->SetEmailVerified("demo", anna, clock_.Now()) && (*txn)->Commit());
  }
  ASSERT_TRUE(SendNewsletter(anna));
  EXPECT_EQ(sender.RunOnce(clock_.Now())->sent, 1u);
  mail = smtp.WaitFor(2);
  ASSERT_EQ(mail.size(), 2u);
  std::string newsletter =
      mail[0].find("List-Unsubscribe") != std::string::npos ? mail[0] : mail[1];
  EXPECT_NE(newsletter.find("To: <anna.new@example.com>"), std::string::npos) << newsletter;
}

// A material version published for later is announced at once and noticed once in force; an
// announcement not sent by then is dropped, since the notice says it all.
TEST_P(ConsentJobsTest, AChangeAheadIsAnnouncedThenNoticedAndALateAnnouncementIsDropped) {
  std::string anna = Subject("anna@example.com");
  Consent(anna, "newsletter", domain::ConsentKind::kGiven);
  NoticeJob notices(*demo_.storage, *demo_.policies, uc_->notices);
  auto kinds = [&] {
    std::multiset<std::string> out;
    auto txn = demo_.storage->Begin(false);
    auto due = (*txn)->DueOutbox(clock_.Peek() + 400 * kDay, 100);
    EXPECT_TRUE(due);
    if (due)
      for (const auto& m : *due) out.insert(m.kind);
    return out;
  };
  auto publish = [&](const std::string& from, const std::string& to, UnixMicros at) {
    std::ifstream in(konfid::testing::SourceDir() + "/examples/policy.toml");
    std::stringstream text;
    text << in.rdbuf();
    std::string source = text.str();
    size_t pos = source.find(from);
    EXPECT_NE(pos, std::string::npos);
    source.replace(pos, from.size(), to);
    auto policy = demo_.reader.Read(source, "wider.toml");
    EXPECT_TRUE(policy) << policy.error().message();
    auto row = demo_.policies->Publish(*policy, at);
    EXPECT_TRUE(row) << row.error().message();
  };
  const std::string fields = "fields = [\"name\", \"email\", \"phone\"]\nactions";
  publish(fields, "fields = [\"name\", \"email\", \"phone\", \"city\"]\nactions",
          clock_.Peek() + 11 * kDay);
  EXPECT_EQ(*notices.RunOnce(), 1u);  // the announcement, at once
  EXPECT_EQ(*notices.RunOnce(), 0u);  // and once
  EXPECT_EQ(kinds(), (std::multiset<std::string>{"policy_announcement"}));
  clock_.Advance(12 * kDay);
  ASSERT_TRUE(demo_.policies->Refresh(clock_.Now()));
  EXPECT_EQ(*notices.RunOnce(), 1u);  // in force: the notice with its link
  EXPECT_EQ(kinds(), (std::multiset<std::string>{"policy_announcement", "policy_notice"}));

  // Anna consents again; version 3 widens the newsletter again, and no job runs before it is
  // in force.
  Consent(anna, "newsletter", domain::ConsentKind::kGiven);
  publish(fields, "fields = [\"name\", \"email\", \"phone\", \"city\", \"birth_date\"]\nactions",
          clock_.Peek() + 11 * kDay);
  clock_.Advance(12 * kDay);
  ASSERT_TRUE(demo_.policies->Refresh(clock_.Now()));
  EXPECT_EQ(*notices.RunOnce(), 1u);  // only the notice
  EXPECT_EQ(kinds(),
            (std::multiset<std::string>{"policy_announcement", "policy_notice", "policy_notice"}));
  auto txn = demo_.storage->Begin(false);
  EXPECT_TRUE((*txn)->ListNoticeRuns("demo")->empty());  // both runs of version 3 are done
}

// A block stops the policy's mail too: a blocked subject is not told of a change (a denied
// `use`, reason blocked, says so), and a notice queued before the block is not sent.
TEST_P(ConsentJobsTest, APolicyNoticeGoesToNoBlockedSubject) {
  konfid::testing::SmtpServer smtp;
  adapters::SmtpMailer mailer({smtp.url()});
  OutboxSender sender(*demo_.storage, *demo_.committer, *demo_.keyring, *demo_.crypto, mailer,
                      clock_, *demo_.policies);
  std::string anna = Subject("anna@example.com"), boris = Subject("boris@example.com"),
              carol = Subject("carol@example.com"), dasha = Subject("dasha@example.com");
  for (const auto& s : {anna, boris, carol, dasha})
    Consent(s, "newsletter", domain::ConsentKind::kGiven);
  auto block = [&](const std::string& s, std::vector<std::string> fields = {"*"}) {
    Sync<domain::Blocked>([&](auto cb) { uc_->blocks.Block(admin_, s, fields, cb); });
  };
  block(boris);
  block(dasha, {"surname"});  // her surname is disputed, not the address the notice goes to

  std::ifstream in(konfid::testing::SourceDir() + "/examples/policy.toml");
  std::stringstream text;
  text << in.rdbuf();
  std::string source = text.str();
  const std::string fields = "fields = [\"name\", \"email\", \"phone\"]\nactions";
  size_t pos = source.find(fields);
  ASSERT_NE(pos, std::string::npos);
  source.replace(pos, fields.size(),
                 "fields = [\"name\", \"email\", \"phone\", \"city\"]\nactions");
  auto policy = demo_.reader.Read(source, "wider.toml");
  ASSERT_TRUE(policy) << policy.error().message();
  ASSERT_TRUE(demo_.policies->Publish(*policy, clock_.Peek() + 11 * kDay));
  NoticeJob notices(*demo_.storage, *demo_.policies, uc_->notices);
  EXPECT_EQ(*notices.RunOnce(), 3u);  // to Anna, Carol and Dasha, none to Boris
  block(carol);                       // Carol is blocked while hers waits

  auto stats = sender.RunOnce(clock_.Now());
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->sent, 2u);
  EXPECT_EQ(stats->failed, 1u);
  auto mail = smtp.WaitFor(2);
  ASSERT_EQ(mail.size(), 2u);
  std::string to = mail[0] + mail[1];
  EXPECT_NE(to.find("To: <anna@example.com>"), std::string::npos);
  EXPECT_NE(to.find("To: <dasha@example.com>"), std::string::npos);
  EXPECT_EQ(to.find("carol@example.com"), std::string::npos);

  std::map<std::string, std::string> denied;  // subject -> actor of its denied use
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
    if (e.operation == "use" && e.outcome == "denied" && e.reason == "blocked")
      denied[e.subject_id] = e.actor;
    return Ok();
  }));
  EXPECT_EQ(denied, (std::map<std::string, std::string>{{boris, "system:notices"},
                                                        {carol, "system:outbox"}}));
}

}  // namespace konfid::app::consent_jobs_suite
