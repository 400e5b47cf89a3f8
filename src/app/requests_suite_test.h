// The request workflow on a real vault (requests_test.cc: SQLite, requests_pgtest.cc:
// PostgreSQL): terms from the deadline library, the moves a
// request may make, what filing does at once (blocks, withdrawals), the queue and its pages,
// and what is audited. Times are fixed by a stepped clock in Moscow's time zone.
#pragma once

#include "app/requests.h"

#include "app/request_digest.h"

#include <gtest/gtest.h>

#include <functional>
#include <future>

#include "adapters/mail/smtp_mailer.h"
#include "app/outbox.h"
#include "demo_tenant.h"
#include "mail_text.h"
#include "step_clock.h"
#include "test_support.h"

namespace konfid::app::requests_suite {

using domain::RequestKind;
using domain::RequestState;

constexpr UnixMicros kSecond = 1'000'000;
constexpr UnixMicros kDay = 86'400 * kSecond;
// Wednesday 2026-12-02, 10:00 in Moscow (07:00 UTC).
constexpr UnixMicros kWednesday = 1'796'194'800 * kSecond;

class RequestsTest : public ::testing::TestWithParam<fakes::DbFactory> {
 protected:
  // How a fixture changes the example policy before it is published (none: as it is).
  virtual std::function<std::string(std::string)> PolicyEdit() const { return nullptr; }

  void SetUp() override {
    auto st = demo_.Open(dir_.path(), clock_, PolicyEdit(), GetParam()());
    ASSERT_TRUE(st) << st.error().message();
    uc_ = demo_.uc.get();
    auto created = Call<SubjectView>([&](auto cb) {
      uc_->subjects.Create(
          admin_, {{"surname", "Иванова"}, {"name", "Анна"}, {"email", "anna@example.com"}}, cb);
    });
    ASSERT_TRUE(created) << created.error().message();
    subject_ = created->id;
  }

  template <typename T>
  Result<T> Call(const std::function<void(Callback<T>)>& call) {
    std::promise<Result<T>> p;
    call([&p](Result<T> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }

  Result<RequestView> File(RequestKind kind, RequestDetails details = {},
                           const Actor* who = nullptr) {
    NewRequest r{subject_, kind, domain::RequestChannel::kLetter, std::move(details)};
    if (r.details.document.empty()) r.details.document = "passport seen at the office";
    return Call<RequestView>([&](auto cb) { uc_->requests.File(who ? *who : admin_, r, cb); });
  }

  // A refusal names its ground unless `ground` says otherwise.
  Result<RequestView> Move(const std::string& id, RequestState to, std::string reason = {},
                           std::optional<std::string> ground = std::nullopt) {
    std::string refusal_ground = "part 8 of Article 14 of Federal Law No. 152-FZ";
    if (!ground) ground = to == RequestState::kRefused ? refusal_ground : "";
    RequestMove move{to, std::move(reason), *ground};
    return Call<RequestView>([&](auto cb) { uc_->requests.Move(admin_, id, move, cb); });
  }

  Result<SealedSubject> Read(const std::string& purpose) {
    return Call<SealedSubject>([&](auto cb) { uc_->subjects.Get(admin_, subject_, purpose, cb); });
  }

  // The operations of the tenant's audit events, in order.
  std::vector<std::string> AuditOperations() {
    std::vector<std::string> ops;
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    auto st = (*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) -> Status {
      ops.push_back(e.operation + (e.outcome == "ok" ? "" : ":" + e.outcome));
      return Ok();
    });
    EXPECT_TRUE(st);
    return ops;
  }

  konfid::testing::TempDir dir_;
  fakes::StepClock clock_{kWednesday, 1};
  fakes::DemoTenant demo_;
  fakes::UseCases* uc_ = nullptr;
  Actor admin_{"demo", "apikey:test", Role::kAdmin};
  std::string subject_;
};

TEST_P(RequestsTest, AnAccessRequestIsDueInTenWorkingDaysAndExtendsOnceByFive) {
  auto r =
      File(RequestKind::kAccess, {.text = "Прошу сообщить, какие мои данные вы обрабатываете"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->state, RequestState::kReceived);
  EXPECT_EQ(r->received_on, "2026-12-02");
  EXPECT_EQ(r->due_on, "2026-12-16");  // 10 working days from Thursday the 3rd
  EXPECT_TRUE(r->extendable);
  ASSERT_TRUE(r->details);
  EXPECT_EQ(r->details->document, "passport seen at the office");

  ASSERT_TRUE(Move(r->id, RequestState::kInProgress));
  auto extended = Move(r->id, RequestState::kExtended, "the archive must be searched");
  ASSERT_TRUE(extended) << extended.error().message();
  EXPECT_EQ(extended->due_on, "2026-12-23");  // five more working days
  EXPECT_FALSE(extended->extendable);
  EXPECT_EQ(extended->details->reason, "the archive must be searched");
  auto done = Move(r->id, RequestState::kDone);
  ASSERT_TRUE(done);
  ASSERT_EQ(done->history.size(), 4u);
  EXPECT_EQ(done->history[0].state, RequestState::kReceived);
  EXPECT_EQ(done->history[2].state, RequestState::kExtended);
  EXPECT_EQ(done->history[3].state, RequestState::kDone);

  auto ops = AuditOperations();
  for (const char* op :
       {"request_received", "request_in_progress", "request_extended", "request_done"})
    EXPECT_NE(std::find(ops.begin(), ops.end(), op), ops.end()) << op;
}

TEST_P(RequestsTest, TheWorkflowRefusesMovesItDoesNotAllow) {
  auto r = File(RequestKind::kAccess);
  ASSERT_TRUE(r);
  auto no_reason = Move(r->id, RequestState::kRefused);
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().reason(), "reason_required");
  ASSERT_TRUE(Move(r->id, RequestState::kExtended, "a reason"));
  auto twice = Move(r->id, RequestState::kExtended, "again");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().reason(), "invalid_transition");
  // A refusal names the provision of law it rests on (152-FZ Art. 20(2)); no other move has one.
  for (const char* blank : {"", "  "}) {
    auto no_ground = Move(r->id, RequestState::kRefused, "a reason", blank);
    ASSERT_FALSE(no_ground);
    EXPECT_EQ(no_ground.error().reason(), "ground_required");
  }
  auto stray = Move(r->id, RequestState::kDone, "", "part 8 of Article 14");
  ASSERT_FALSE(stray);
  EXPECT_EQ(stray.error().reason(), "invalid_value");
  auto refused = Move(r->id, RequestState::kRefused, "the request repeats one answered in full",
                      "part 8 of Article 14");
  ASSERT_TRUE(refused) << refused.error().message();
  ASSERT_TRUE(refused->details);
  EXPECT_EQ(refused->details->ground, "part 8 of Article 14");
  EXPECT_EQ(refused->details->reason, "the request repeats one answered in full");
  // An extension comes within the first term, not after it.
  auto late = File(RequestKind::kAccess);
  ASSERT_TRUE(late);
  clock_.Set(kWednesday + 15 * kDay);  // 2026-12-17: the 16th has passed
  auto too_late = Move(late->id, RequestState::kExtended, "a reason");
  ASSERT_FALSE(too_late);
  EXPECT_EQ(too_late.error().reason(), "not_extendable");
  clock_.Set(kWednesday);
  auto reopened = Move(r->id, RequestState::kInProgress);
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().reason(), "invalid_transition");
  EXPECT_EQ(reopened.error().code(), ErrorCode::kConflict);

  // Rectification has no extension in 152-FZ.
  auto fix = File(RequestKind::kRectification, {.fields = {"surname"}});
  ASSERT_TRUE(fix) << fix.error().message();
  EXPECT_FALSE(fix->extendable);
  auto extend = Move(fix->id, RequestState::kExtended, "a reason");
  ASSERT_FALSE(extend);
  EXPECT_EQ(extend.error().reason(), "not_extendable");
}

TEST_P(RequestsTest, ARectificationBlocksItsFieldsUntilItIsClosed) {
  ASSERT_TRUE(Read("registration"));
  auto fix =
      File(RequestKind::kRectification, {.text = "фамилия указана неверно", .fields = {"surname"}});
  ASSERT_TRUE(fix) << fix.error().message();
  EXPECT_EQ(fix->due_on, "2026-12-11");  // 7 working days
  auto read = Read("registration");      // uses surname
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().reason(), "blocked");
  EXPECT_NE(read.error().message().find("surname"), std::string::npos);
  auto fixed = Call<SubjectView>([&](auto cb) {
    uc_->subjects.Update(admin_, subject_, {{"surname", "Иванова-Петрова"}}, cb);
  });
  ASSERT_TRUE(fixed) << fixed.error().message();
  ASSERT_TRUE(Move(fix->id, RequestState::kDone));
  EXPECT_TRUE(Read("registration"));
  auto ops = AuditOperations();
  EXPECT_NE(std::find(ops.begin(), ops.end(), "block"), ops.end());
  EXPECT_NE(std::find(ops.begin(), ops.end(), "unblock"), ops.end());
  EXPECT_NE(std::find(ops.begin(), ops.end(), "extract:denied"), ops.end());
}

TEST_P(RequestsTest, AnObjectionWithdrawsMarketingConsentAtOnce) {
  ConsentInput given;
  given.purpose = "newsletter";
  auto consent = Call<ports::ConsentEventRow>(
      [&](auto cb) { uc_->consents.Record(admin_, subject_, given, cb); });
  ASSERT_TRUE(consent) << consent.error().message();
  auto objection = File(RequestKind::kObjection);
  ASSERT_TRUE(objection) << objection.error().message();
  EXPECT_EQ(objection->state, RequestState::kDone);
  EXPECT_EQ(objection->due_on, "2026-12-02");  // at once
  auto ledger = Call<ConsentLedger>([&](auto cb) { uc_->consents.Ledger(admin_, subject_, cb); });
  ASSERT_TRUE(ledger);
  EXPECT_FALSE(ledger->states.at("newsletter").live);
  ASSERT_FALSE(ledger->events.empty());
  EXPECT_EQ(ledger->events.back().kind, domain::ConsentKind::kWithdrawn);
  EXPECT_EQ(ledger->events.back().method, "request");
}

// A consent given on the English text is withdrawn on the English text: the withdrawal's
// receipt names the text in the language the visitor read, not always the Russian one.
TEST_P(RequestsTest, AWithdrawalKeepsTheLanguageTheConsentWasGivenIn) {
  ConsentInput given;
  given.purpose = "newsletter";
  given.lang = "en";
  auto consent = Call<ports::ConsentEventRow>(
      [&](auto cb) { uc_->consents.Record(admin_, subject_, given, cb); });
  ASSERT_TRUE(consent) << consent.error().message();
  ASSERT_TRUE(File(RequestKind::kWithdrawal, {.purposes = {"newsletter"}}));
  auto ledger = Call<ConsentLedger>([&](auto cb) { uc_->consents.Ledger(admin_, subject_, cb); });
  ASSERT_TRUE(ledger);
  ASSERT_EQ(ledger->events.back().kind, domain::ConsentKind::kWithdrawn);
  EXPECT_EQ(ledger->events.back().text_hash, consent->event.text_hash);

  ConsentInput russian = given;
  russian.lang = "ru";
  auto again = Call<ports::ConsentEventRow>(
      [&](auto cb) { uc_->consents.Record(admin_, subject_, russian, cb); });
  ASSERT_TRUE(again);
  ASSERT_NE(again->event.text_hash, consent->event.text_hash);  // the two texts differ
  ASSERT_TRUE(File(RequestKind::kWithdrawal, {.purposes = {"newsletter"}}));
  ledger = Call<ConsentLedger>([&](auto cb) { uc_->consents.Ledger(admin_, subject_, cb); });
  ASSERT_TRUE(ledger);
  EXPECT_EQ(ledger->events.back().text_hash, again->event.text_hash);
}

// A demand to stop processing is weighed by staff (10 working days); done, it withdraws every
// live consent with receipts, and a refused one leaves them as they are.
TEST_P(RequestsTest, StopProcessingWithdrawsEveryLiveConsentWhenDone) {
  ConsentInput given;
  given.purpose = "newsletter";
  ASSERT_TRUE(Call<ports::ConsentEventRow>(
      [&](auto cb) { uc_->consents.Record(admin_, subject_, given, cb); }));
  auto live = [&] {
    auto ledger = Call<ConsentLedger>([&](auto cb) { uc_->consents.Ledger(admin_, subject_, cb); });
    EXPECT_TRUE(ledger);
    return ledger && ledger->states.at("newsletter").live;
  };
  auto refused = File(RequestKind::kStopProcessing);
  ASSERT_TRUE(refused);
  ASSERT_TRUE(Move(refused->id, RequestState::kRefused, "the contract is still performed"));
  EXPECT_TRUE(live());

  auto stop = File(RequestKind::kStopProcessing);
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->state, RequestState::kReceived);
  EXPECT_EQ(stop->due_on, "2026-12-16");  // 10 working days
  EXPECT_TRUE(live());                    // weighed first
  ASSERT_TRUE(Move(stop->id, RequestState::kDone));
  EXPECT_FALSE(live());
  auto ledger = Call<ConsentLedger>([&](auto cb) { uc_->consents.Ledger(admin_, subject_, cb); });
  ASSERT_TRUE(ledger);
  EXPECT_EQ(ledger->events.back().kind, domain::ConsentKind::kWithdrawn);
  EXPECT_EQ(ledger->events.back().method, "request");
}

// The subject hears of their request at their confirmed address: received with its term,
// extended with the reasons, refused with them, done; work in progress is not news. A subject
// without a confirmed address is answered through the request's own channel, and the audit
// says that no mail went.
TEST_P(RequestsTest, TheSubjectIsToldOfEachFilingExtensionAndClosing) {
  auto quiet = File(RequestKind::kAccess);
  ASSERT_TRUE(quiet);
  std::vector<std::string> reasons;
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
    if (e.operation == "use") reasons.push_back(e.outcome + " " + e.reason);
    return Ok();
  }));
  EXPECT_EQ(reasons, std::vector<std::string>{"denied request_update:unconfirmed"});
  txn->reset();
  {
    auto w = demo_.storage->Begin(true);
    ASSERT_TRUE(w && (*w)->SetEmailVerified("demo", subject_, clock_.Now()) && (*w)->Commit());
  }

  auto r = File(RequestKind::kAccess);
  ASSERT_TRUE(r);
  ASSERT_TRUE(Move(r->id, RequestState::kInProgress));
  ASSERT_TRUE(Move(r->id, RequestState::kExtended, "the archive must be searched"));
  ASSERT_TRUE(Move(r->id, RequestState::kDone));
  auto erasure = File(RequestKind::kErasure);
  ASSERT_TRUE(erasure);
  ASSERT_TRUE(Move(erasure->id, RequestState::kRefused, "the contract is still performed"));

  konfid::testing::SmtpServer smtp;
  adapters::SmtpMailer mailer({smtp.url()});
  OutboxSender sender(*demo_.storage, *demo_.committer, *demo_.keyring, *demo_.crypto, mailer,
                      clock_, *demo_.policies);
  auto stats = sender.RunOnce(clock_.Now());
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->sent, 5u);  // received, extended, done; received, refused
  auto mail = smtp.WaitFor(5);
  ASSERT_EQ(mail.size(), 5u);
  std::vector<std::string> bodies;
  for (const auto& m : mail) {
    EXPECT_NE(m.find("To: <anna@example.com>"), std::string::npos);
    bodies.push_back(fakes::DecodedReceivedMail(m));
  }
  // Each part in one of the messages (the outbox sends them in no promised order).
  auto has = [&](const std::vector<std::string>& parts) {
    bool found = std::any_of(bodies.begin(), bodies.end(), [&](const std::string& b) {
      return std::all_of(parts.begin(), parts.end(),
                         [&](const std::string& p) { return b.find(p) != std::string::npos; });
    });
    EXPECT_TRUE(found) << parts.front();
  };
  has({"получил ваше обращение", "не позднее 16.12.2026", r->id});
  has({"Причины продления срока: the archive must be searched", "не позднее 23.12.2026"});
  has({"удовлетворено 02.12.2026", r->id});
  has({"Причины отказа: the contract is still performed",
       "Правовое основание отказа: part 8 of Article 14 of Federal Law No. 152-FZ", "Роскомнадзор",
       erasure->id});
  // The access reply's news says where the reply is: by post, as the request came.
  has({"удовлетворено 02.12.2026", r->id, "направляются вам письмом"});
}

TEST_P(RequestsTest, AnAddressClaimedWrongIsNotMailedWhileTheClaimIsOpen) {
  {
    auto w = demo_.storage->Begin(true);
    ASSERT_TRUE(w && (*w)->SetEmailVerified("demo", subject_, clock_.Now()) && (*w)->Commit());
  }
  auto claim = File(RequestKind::kRectification, {.text = "это не мой адрес", .fields = {"email"}});
  ASSERT_TRUE(claim) << claim.error().message();
  auto other = File(RequestKind::kAccess);
  ASSERT_TRUE(other);
  ASSERT_TRUE(Move(claim->id, RequestState::kRefused, "the address was confirmed by its owner"));
  std::vector<std::string> reasons;
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
    if (e.operation == "use" && e.reason.starts_with("request_update:"))
      reasons.push_back(e.outcome + " " + e.reason);
    return Ok();
  }));
  // The claim's own news and the access request's go by the request's channel; once the
  // claim is closed, the refusal is mailed again.
  EXPECT_EQ(reasons, (std::vector<std::string>{"denied request_update:disputed",
                                               "denied request_update:disputed",
                                               "ok request_update:refused"}));
  auto due = (*txn)->DueOutbox(clock_.Now() + kDay, 100);
  ASSERT_TRUE(due);
  EXPECT_EQ(std::count_if(due->begin(), due->end(),
                          [](const ports::OutboxRow& m) { return m.kind == "request_update"; }),
            1);
}

TEST_P(RequestsTest, AnErasureIsClosedAfterTheDeleteThatFulfilsIt) {
  auto erasure = File(RequestKind::kErasure, {.text = "удалите мои данные"});
  ASSERT_TRUE(erasure) << erasure.error().message();
  auto destroyed = Call<void>([&](auto cb) { uc_->subjects.Destroy(admin_, subject_, cb); });
  ASSERT_TRUE(destroyed) << destroyed.error().message();
  auto done = Move(erasure->id, RequestState::kDone);
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->state, RequestState::kDone);
  EXPECT_FALSE(done->details);  // sealed under the destroyed key: gone with it
  auto read = Call<RequestView>([&](auto cb) { uc_->requests.Get(admin_, erasure->id, cb); });
  ASSERT_TRUE(read) << read.error().message();
  EXPECT_EQ(read->state, RequestState::kDone);
  EXPECT_EQ(read->history.size(), 2u);
}

// Closing an erasure as done carries it out, in the same transaction and audited as its
// fulfilment; a role that may work requests but not destroy subjects cannot close it so.
TEST_P(RequestsTest, ClosingAnErasureAsDoneErasesTheSubject) {
  {
    auto w = demo_.storage->Begin(true);
    ASSERT_TRUE(w && (*w)->SetEmailVerified("demo", subject_, clock_.Now()) && (*w)->Commit());
  }
  konfid::testing::SmtpServer smtp;
  adapters::SmtpMailer mailer({smtp.url()});
  OutboxSender sender(*demo_.storage, *demo_.committer, *demo_.keyring, *demo_.crypto, mailer,
                      clock_, *demo_.policies);
  auto erasure = File(RequestKind::kErasure, {.text = "удалите мои данные"});
  ASSERT_TRUE(erasure) << erasure.error().message();
  auto received = sender.RunOnce(clock_.Now());
  ASSERT_TRUE(received) << received.error().message();
  EXPECT_EQ(received->sent, 1u);

  Actor support{"demo", "apikey:support", Role::kSupport};
  auto denied = Call<RequestView>([&](auto cb) {
    uc_->requests.Move(support, erasure->id, {RequestState::kDone, "", ""}, cb);
  });
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), ErrorCode::kPermissionDenied);
  ASSERT_TRUE(Read("registration"));  // still there
  {
    std::vector<std::string> refusals;
    auto log = demo_.storage->Begin(false);
    ASSERT_TRUE(log);
    ASSERT_TRUE((*log)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
      if (e.operation == "request_done") refusals.push_back(e.subject_id + " " + e.outcome);
      return Ok();
    }));
    EXPECT_EQ(refusals, std::vector<std::string>{subject_ + " denied"});
  }

  auto done = Move(erasure->id, RequestState::kDone);
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->state, RequestState::kDone);
  auto gone = Read("registration");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
  std::vector<std::string> destroyed;
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
    if (e.operation == "destroy") destroyed.push_back(e.outcome + " " + e.reason);
    return Ok();
  }));
  EXPECT_EQ(destroyed, std::vector<std::string>{"ok request:" + erasure->id});
  txn->reset();

  // The news goes after the key is destroyed: sealed under the tenant's outbox key.
  auto stats = sender.RunOnce(clock_.Now());
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->sent, 1u);
  EXPECT_EQ(stats->failed, 0u);
  auto mail = smtp.WaitFor(2);
  ASSERT_EQ(mail.size(), 2u);
  bool confirmed = false;
  for (const auto& m : mail) {
    EXPECT_NE(m.find("To: <anna@example.com>"), std::string::npos);
    std::string body = fakes::DecodedReceivedMail(m);
    confirmed |= body.find("удовлетворено 02.12.2026") != std::string::npos &&
                 body.find(erasure->id) != std::string::npos &&
                 body.find("Ваши персональные данные уничтожены") != std::string::npos;
  }
  EXPECT_TRUE(confirmed);
}

// Without a confirmed address the erasure is carried out all the same, and nothing is mailed:
// staff answer by the request's channel, as the audit says.
TEST_P(RequestsTest, AnErasureIsCarriedOutWithoutAConfirmedAddress) {
  auto erasure = File(RequestKind::kErasure, {.text = "удалите мои данные"});
  ASSERT_TRUE(erasure) << erasure.error().message();
  ASSERT_TRUE(Move(erasure->id, RequestState::kDone));
  EXPECT_EQ(Read("registration").error().code(), ErrorCode::kNotFound);
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  auto due = (*txn)->DueOutbox(clock_.Now() + kDay, 100);
  ASSERT_TRUE(due);
  for (const auto& m : *due) EXPECT_NE(m.kind, "erasure_done");
  std::vector<std::string> uses;
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
    if (e.operation == "use") uses.push_back(e.outcome + " " + e.reason);
    return Ok();
  }));
  EXPECT_EQ(uses, (std::vector<std::string>{"denied request_update:unconfirmed",
                                            "denied request_update:unconfirmed"}));
}

TEST_P(RequestsTest, ABlockingRequestBlocksUntilStaffLiftIt) {
  auto block = File(RequestKind::kBlocking, {.fields = {"*"}});
  ASSERT_TRUE(block) << block.error().message();
  EXPECT_EQ(block->state, RequestState::kDone);  // the block is the answer, given at once
  EXPECT_FALSE(Read("support"));
  auto lifted =
      Call<domain::Blocked>([&](auto cb) { uc_->blocks.Unblock(admin_, subject_, {"*"}, cb); });
  ASSERT_TRUE(lifted) << lifted.error().message();
  EXPECT_TRUE(lifted->empty());
  EXPECT_TRUE(Read("support"));
}

// Each block has its holder: closing a rectification lifts its own hold of a field and not a
// block staff (or another rectification) still hold of it; a staff lift leaves a claim's hold.
TEST_P(RequestsTest, ClosingARectificationLiftsOnlyItsOwnBlock) {
  ASSERT_TRUE(File(RequestKind::kBlocking, {.fields = {"surname"}}));
  auto first = File(RequestKind::kRectification, {.fields = {"surname", "name"}});
  auto second = File(RequestKind::kRectification, {.fields = {"name"}});
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(Move(first->id, RequestState::kDone));
  auto read = Read("registration");  // surname: staff's block; name: the second claim's
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().reason(), "blocked");

  auto lifted = Call<domain::Blocked>(
      [&](auto cb) { uc_->blocks.Unblock(admin_, subject_, {"surname"}, cb); });
  ASSERT_TRUE(lifted) << lifted.error().message();
  EXPECT_EQ(lifted->fields, (std::set<std::string>{"name"}));  // the open claim's hold stays
  EXPECT_FALSE(Read("registration"));
  ASSERT_TRUE(Move(second->id, RequestState::kRefused, "the name is right"));
  EXPECT_TRUE(Read("registration"));
}

TEST_P(RequestsTest, TheQueueFiltersPagesAndShowsWhatIsOverdue) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(File(RequestKind::kAccess));
  ASSERT_TRUE(File(RequestKind::kErasure));
  auto page = Call<RequestPage>([&](auto cb) { uc_->requests.Queue(admin_, {.limit = 3}, cb); });
  ASSERT_TRUE(page);
  ASSERT_EQ(page->requests.size(), 3u);
  EXPECT_FALSE(page->requests[0].details);  // the queue shows no personal data
  EXPECT_FALSE(page->next.empty());
  auto rest = Call<RequestPage>(
      [&](auto cb) { uc_->requests.Queue(admin_, {.after = page->next, .limit = 3}, cb); });
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->requests.size(), 1u);
  EXPECT_TRUE(rest->next.empty());

  // Erasure is due in 7 working days (the 11th), access in 10 (the 16th).
  clock_.Set(kWednesday + 10 * kDay);  // Saturday the 12th
  auto overdue =
      Call<RequestPage>([&](auto cb) { uc_->requests.Queue(admin_, {.overdue_only = true}, cb); });
  ASSERT_TRUE(overdue);
  ASSERT_EQ(overdue->requests.size(), 1u);
  EXPECT_EQ(overdue->requests[0].kind, RequestKind::kErasure);
  EXPECT_TRUE(overdue->requests[0].overdue);
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  auto counts = uc_->requests.Overdue(**txn, "demo", clock_.Peek());
  ASSERT_TRUE(counts);
  EXPECT_EQ(*counts, (std::vector<std::pair<std::string, uint64_t>>{{"erasure", 1}}));
}

TEST_P(RequestsTest, ATermPastTheShippedCalendarsIsKeptWithoutAGuessedDay) {
  clock_.Set(kWednesday + 20 * kDay);  // 2026-12-22: ten working days end in 2027
  auto r = File(RequestKind::kAccess);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->due_on, "");
  EXPECT_EQ(r->deadline_error, "calendar_unknown");
  EXPECT_FALSE(r->overdue);
}

TEST_P(RequestsTest, StaffFilingNeedsADocumentAndKnownFields) {
  NewRequest r{subject_, RequestKind::kAccess, domain::RequestChannel::kLetter, {}};
  auto no_document = Call<RequestView>([&](auto cb) { uc_->requests.File(admin_, r, cb); });
  ASSERT_FALSE(no_document);
  EXPECT_EQ(no_document.error().reason(), "document_required");
  auto unknown = File(RequestKind::kRectification, {.fields = {"shoe_size"}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().reason(), "unknown_field");
  auto not_consent = File(RequestKind::kWithdrawal, {.purposes = {"registration"}});
  ASSERT_FALSE(not_consent);
  EXPECT_EQ(not_consent.error().reason(), "not_consent_purpose");
  Actor analyst{"demo", "apikey:a", Role::kAnalyst};
  auto role = File(RequestKind::kAccess, {}, &analyst);
  ASSERT_FALSE(role);
  EXPECT_EQ(role.error().reason(), "role");
  auto ops = AuditOperations();
  EXPECT_NE(std::find(ops.begin(), ops.end(), "request_received:denied"), ops.end());
}

// The daily digest: the overdue requests mailed to the operator's privacy contact, once a day.
TEST_P(RequestsTest, OverdueRequestsAreCountedAndMailedToStaffOnceADay) {
  ASSERT_TRUE(File(RequestKind::kErasure));  // due 2026-12-11
  ASSERT_TRUE(File(RequestKind::kAccess));   // due 2026-12-16
  RequestDigest digest(*demo_.storage, *demo_.committer, *demo_.policies, uc_->requests, uc_->mail,
                       *demo_.crypto);
  auto terms = digest.Terms(clock_.Peek());
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_FALSE(terms[0].error);
  // Every kind has its series, zeros included.
  ASSERT_EQ(terms[0].overdue.size(), std::size(domain::kRequestKinds));
  for (const auto& [kind, n] : terms[0].overdue) EXPECT_EQ(n, 0u) << kind;
  EXPECT_EQ(terms[0].without_term, 0u);
  EXPECT_EQ(digest.RunOnce(clock_.Peek())->queued, 0u);  // nothing overdue: no mail

  clock_.Set(kWednesday + 10 * kDay);  // Saturday the 12th
  terms = digest.Terms(clock_.Peek());
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_EQ(terms[0].tenant, "demo");
  for (const auto& [kind, n] : terms[0].overdue) EXPECT_EQ(n, kind == "erasure" ? 1u : 0u) << kind;
  EXPECT_EQ(digest.RunOnce(clock_.Peek())->queued, 1u);
  EXPECT_EQ(digest.RunOnce(clock_.Peek() + 3'600'000'000LL)->queued, 0u);  // once a day

  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  auto due = (*txn)->DueOutbox(clock_.Peek() + kDay, 10);
  ASSERT_TRUE(due);
  std::vector<ports::OutboxRow> staff;
  for (auto& m : *due)
    if (m.kind == "staff:digest") staff.push_back(m);
  ASSERT_EQ(staff.size(), 1u);
  EXPECT_EQ(staff[0].subject, "");
  std::string payload(staff[0].payload.begin(), staff[0].payload.end());
  EXPECT_NE(payload.find("privacy@demo.example"), std::string::npos);
  payload = fakes::DecodedMail(payload);  // the body as sent is base64
  EXPECT_NE(payload.find("2026-12-11"), std::string::npos);
  // The digest names requests, never their subjects' data.
  EXPECT_EQ(payload.find("anna@example.com"), std::string::npos);
  EXPECT_EQ(payload.find(subject_), std::string::npos);

  clock_.Set(kWednesday + 11 * kDay);  // the next day: a new digest
  EXPECT_EQ(digest.RunOnce(clock_.Peek())->queued, 1u);
}

// The staff digest's body for the day, decoded; "" when none was queued.
std::string DigestOn(ports::Storage& storage, UnixMicros now) {
  auto txn = storage.Begin(false);
  EXPECT_TRUE(txn);
  auto due = (*txn)->DueOutbox(now + 2 * kDay, 100);
  EXPECT_TRUE(due);
  std::string body;
  for (auto& m : *due)
    if (m.kind == "staff:digest")
      body = fakes::DecodedMail(std::string(m.payload.begin(), m.payload.end()));
  return body;
}

// A request whose term no calendar reaches is counted and named to staff every day, and gets
// its term once the operator installs the year: filed without it, it is never lost from view.
TEST_P(RequestsTest, ARequestWithoutATermIsReportedUntilTheYearIsInstalled) {
  clock_.Set(kWednesday + 20 * kDay);  // 2026-12-22: ten working days end in 2027
  auto filed = File(RequestKind::kAccess);
  ASSERT_TRUE(filed) << filed.error().message();
  ASSERT_EQ(filed->due_on, "");
  // Nor can it be extended: the notice would have no term to name.
  auto extended = Move(filed->id, RequestState::kExtended, "many records to gather");
  ASSERT_FALSE(extended);
  EXPECT_EQ(extended.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(extended.error().reason(), "calendar_unknown");

  RequestDigest shipped(*demo_.storage, *demo_.committer, *demo_.policies, uc_->requests, uc_->mail,
                        *demo_.crypto);
  EXPECT_EQ(shipped.Terms(clock_.Peek())[0].without_term, 1u);
  auto pass = shipped.RunOnce(clock_.Peek());
  ASSERT_TRUE(pass) << pass.error().message();
  EXPECT_EQ(pass->queued, 1u);  // no request is overdue, but this one needs staff's eyes
  EXPECT_EQ(pass->terms, 0u);
  std::string body = DigestOn(*demo_.storage, clock_.Peek());
  EXPECT_NE(body.find("(1)"), std::string::npos) << body;
  EXPECT_NE(body.find("[calendars]"), std::string::npos) << body;

  // The operator installs 2027 (here: no holidays but New Year's week) and restarts.
  auto y2027 = domain::ParseCalendarYear(
      "2027-01-01 off\n2027-01-04 off\n2027-01-05 off\n2027-01-06 off\n2027-01-07 off\n"
      "2027-01-08 off\n");
  ASSERT_TRUE(y2027);
  auto calendar = domain::WorkingCalendar::Shipped("ru", {*y2027});
  ASSERT_TRUE(calendar);
  fakes::FixedTimeZones zones;
  Requests installed(demo_.uc->kernel, demo_.uc->signer, uc_->mail, uc_->acts, *calendar, zones);
  RequestDigest digest(*demo_.storage, *demo_.committer, *demo_.policies, installed, uc_->mail,
                       *demo_.crypto);
  clock_.Set(kWednesday + 21 * kDay);
  pass = digest.RunOnce(clock_.Peek());
  ASSERT_TRUE(pass) << pass.error().message();
  EXPECT_EQ(pass->terms, 1u);
  EXPECT_EQ(pass->queued, 0u);  // nothing left to report
  EXPECT_EQ(digest.Terms(clock_.Peek())[0].without_term, 0u);
  auto view = Call<RequestView>([&](auto cb) { installed.Get(admin_, filed->id, cb); });
  ASSERT_TRUE(view) << view.error().message();
  // 23, 24, 25, 28, 29, 30 Dec (31 Dec is off), then 11..14 Jan 2027: the tenth is the 14th.
  EXPECT_EQ(view->due_on, "2027-01-14");
  EXPECT_EQ(view->deadline_error, "");
}

}  // namespace konfid::app::requests_suite
