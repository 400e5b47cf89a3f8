// An erasure that keeps what a legal obligation holds, on the request suite's vault
// (requests_test.cc: SQLite, requests_pgtest.cc: PostgreSQL): the example's tax_certificates
// purpose (surname, name, INN; 5 years from collection) keeps those fields of a buyer who gave
// an INN; everything else is destroyed, what is kept is read for that purpose alone, and the
// retention job destroys it when the term ends.
#pragma once

#include "app/requests_suite_test.h"

#include "app/checks.h"
#include "app/rekey.h"
#include "app/retention.h"
#include "app/sealed_ads.h"
#include "domain/sealed_fields.h"

namespace konfid::app::requests_suite {

class ErasureKeptTest : public RequestsTest {
 protected:
  void SetUp() override {
    RequestsTest::SetUp();
    if (HasFatalFailure()) return;
    auto buyer = Call<SubjectView>([&](auto cb) {
      uc_->subjects.Create(admin_,
                           {{"surname", "Петров"},
                            {"name", "Пётр"},
                            {"email", "petr@example.com"},
                            {"phone", "+79001112233"},
                            {"inn", "500100732259"}},
                           cb);
    });
    ASSERT_TRUE(buyer) << buyer.error().message();
    subject_ = buyer->id;
    auto w = demo_.storage->Begin(true);
    ASSERT_TRUE(w && (*w)->SetEmailVerified("demo", subject_, clock_.Now()) && (*w)->Commit());
  }

  std::optional<ports::SubjectRow> Row() {
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    auto row = (*txn)->FindSubject("demo", subject_);
    EXPECT_TRUE(row);
    return row ? *row : std::nullopt;
  }

  // After the erasure request `request` was done: its news mailed (the second message, after
  // the request's receipt) says what is kept and until when, and the act says what went, what
  // is kept, by whose decision on which request, with the extract, and no value.
  // The request's news that waited (request_news_) was closed unsent by the destruction,
  // its payload gone, and audited as a denied use; nothing else of the subject waits.
  void ExpectTheNewsClosed(ports::Transaction& txn) {
    auto pending = txn.ListSubjectOutbox("demo", subject_);
    ASSERT_TRUE(pending);
    EXPECT_TRUE(pending->empty());
    auto news = txn.FindOutbox("demo", request_news_);
    ASSERT_TRUE(news && *news);
    EXPECT_EQ((*news)->status, "failed");
    EXPECT_EQ((*news)->last_error, kClosedByDestruction);
    EXPECT_TRUE((*news)->payload.empty());
    auto uses = Events("use");
    EXPECT_NE(std::find(uses.begin(), uses.end(), "denied  email cancelled:" + (*news)->kind),
              uses.end());
  }

  std::string request_news_;  // a message's id

  void ExpectTheNewsAndTheAct(OutboxSender& sender, konfid::testing::SmtpServer& smtp,
                              const std::string& request) {
    auto sent = sender.RunOnce(clock_.Now());
    ASSERT_TRUE(sent) << sent.error().message();
    EXPECT_EQ(sent->failed, 0u);
    auto mail = smtp.WaitFor(2);
    ASSERT_EQ(mail.size(), 2u);
    std::string done;  // the news of the erasure done, whichever arrived first
    for (const auto& m : mail)
      if (std::string body = fakes::DecodedReceivedMail(m);
          body.find("уничтожены") != std::string::npos)
        done = body;
    EXPECT_NE(done.find("за исключением тех, которые оператор обязан хранить в силу закона"),
              std::string::npos)
        << done;
    EXPECT_NE(done.find("— ИНН: Справки для социального налогового вычета, до 02.12.2031"),
              std::string::npos)
        << done;
    EXPECT_EQ(done.find("ключ, которым они были зашифрованы, уничтожен"), std::string::npos);

    // The act: what went, what is kept and until when, by whose decision on which request, and
    // the extract from the first kept field's block to the destroy event. No value is in it.
    auto acts = demo_.ActClaims(subject_);
    ASSERT_EQ(acts.size(), 1u);
    EXPECT_TRUE(fakes::ActSays(
        acts[0], {"\"subject\":\"" + subject_ + "\"", "\"field\":\"email\"", "\"field\":\"phone\"",
                  "\"kept\":[{\"field\":\"inn\",\"purpose\":\"tax_certificates\",\"until\":"
                  "\"2031-12-02\",\"label\":{\"ru\":\"ИНН\",",
                  "\"purpose_name\":{\"ru\":\"Справки для социального налогового вычета\",",
                  "\"method\":\"deletion\"", "\"reason\":\"subject_request\"",
                  "\"reason_detail\":\"" + request + "\"",
                  "\"destroyed_by\":{\"actor\":\"" + admin_.id + "\",\"role\":\"admin\"}",
                  "\"operation\":\"block\"", "\"operation\":\"destroy\""}));
    for (const char* value : {"Петров", "petr@example.com", "79001112233", "500100732259"})
      EXPECT_EQ(acts[0].find(value), std::string::npos) << value;
  }

  // The audit events of the subject with `operation`: "<outcome> <purpose> <fields> <reason>".
  std::vector<std::string> Events(const std::string& operation) {
    std::vector<std::string> out;
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    EXPECT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
      if (e.subject_id == subject_ && e.operation == operation)
        out.push_back(e.outcome + " " + e.purpose + " " + JoinFieldNames(e.fields) + " " +
                      e.reason);
      return Ok();
    }));
    return out;
  }
};

// The erasure request done: email and phone are destroyed with every lookup hash, surname,
// name and INN are kept for the tax purpose alone, and the subject is told what is kept, for
// which purpose and until when.
TEST_P(ErasureKeptTest, AnErasureKeepsWhatTheTaxObligationHoldsAndSaysSo) {
  konfid::testing::SmtpServer smtp;
  adapters::SmtpMailer mailer({smtp.url()});
  OutboxSender sender(*demo_.storage, *demo_.committer, *demo_.keyring, *demo_.crypto, mailer,
                      clock_, *demo_.policies);
  auto erasure = File(RequestKind::kErasure, {.text = "удалите мои данные"});
  ASSERT_TRUE(erasure) << erasure.error().message();
  auto received = sender.RunOnce(clock_.Now());
  ASSERT_TRUE(received && received->sent == 1u);
  ASSERT_TRUE(Move(erasure->id, RequestState::kDone));

  auto row = Row();
  ASSERT_TRUE(row);
  EXPECT_EQ(*internal::SealedFieldNames(row->fields),
            (std::vector<std::string>{"inn", "name", "surname"}));
  EXPECT_EQ(row->blocked, "kept=tax_certificates");
  EXPECT_EQ(row->email_verified_at, 0);
  auto by_email = Call<SealedSubject>([&](auto cb) {
    uc_->subjects.Find(admin_, "email", "petr@example.com", "tax_certificates", cb);
  });
  ASSERT_FALSE(by_email);
  EXPECT_EQ(by_email.error().code(), ErrorCode::kNotFound);

  auto kept = Read("tax_certificates");
  ASSERT_TRUE(kept) << kept.error().message();
  auto view = uc_->subjects.Open(*kept);
  ASSERT_TRUE(view) << view.error().message();
  EXPECT_EQ(view->fields, (domain::FieldValues{
                              {"inn", "500100732259"}, {"name", "Пётр"}, {"surname", "Петров"}}));
  auto other = Read("registration");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().reason(), "kept_for_obligation");
  Actor support{"demo", "apikey:support", Role::kSupport};
  auto by_support = Call<SealedSubject>(
      [&](auto cb) { uc_->subjects.Get(support, subject_, "tax_certificates", cb); });
  ASSERT_FALSE(by_support);
  EXPECT_EQ(by_support.error().reason(), "role");
  auto update = Call<SubjectView>([&](auto cb) {
    uc_->subjects.Update(admin_, subject_, {{"name", "Павел"}}, cb);
  });
  ASSERT_FALSE(update);
  EXPECT_EQ(update.error().reason(), "erased");

  // What else is sealed under the subject's key still opens: the request's details.
  auto request = Call<RequestView>([&](auto cb) { uc_->requests.Get(admin_, erasure->id, cb); });
  ASSERT_TRUE(request) << request.error().message();
  ASSERT_TRUE(request->details);
  EXPECT_EQ(request->details->text, "удалите мои данные");

  const std::string reason = "request:" + erasure->id;
  EXPECT_EQ(Events("destroy"), std::vector<std::string>{"ok  email,phone " + reason});
  EXPECT_EQ(Events("block"),
            (std::vector<std::string>{"ok tax_certificates inn kept:" + reason,
                                      "ok tax_certificates name kept:" + reason,
                                      "ok tax_certificates surname kept:" + reason}));

  ASSERT_NO_FATAL_FAILURE(ExpectTheNewsAndTheAct(sender, smtp, erasure->id));
}

// A staff DELETE keeps the same; the retention job leaves what is kept while the term runs,
// although no other purpose holds it any more, and erases the subject when it ends.
TEST_P(ErasureKeptTest, WhatIsKeptIsDestroyedWhenTheObligationsTermEnds) {
  ASSERT_TRUE(Call<void>([&](auto cb) { uc_->subjects.Destroy(admin_, subject_, cb); }));
  EXPECT_EQ(Row()->blocked, "kept=tax_certificates");
  // Again: nothing more is destroyed, and the kept fields are not audited twice.
  ASSERT_TRUE(Call<void>([&](auto cb) { uc_->subjects.Destroy(admin_, subject_, cb); }));
  EXPECT_EQ(Events("block").size(), 3u);
  EXPECT_EQ(internal::SealedFieldNames(Row()->fields)->size(), 3u);
  // One act: the first DELETE's; the second destroyed nothing, so made none.
  auto deleted = demo_.ActClaims(subject_);
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_TRUE(fakes::ActSays(deleted[0], {"\"method\":\"deletion\"", "\"reason\":\"staff_erasure\"",
                                          "\"reason_detail\":\"\""}));
  RetentionJob job(*demo_.storage, *demo_.policies, uc_->retention, /*page=*/10);
  clock_.Set(kWednesday + 4 * 365 * kDay);
  auto early = job.RunOnce(clock_.Now());
  ASSERT_TRUE(early) << early.error().message();
  EXPECT_EQ(early->acts_pruned, 1u);
  ASSERT_TRUE(Row());
  EXPECT_EQ(internal::SealedFieldNames(Row()->fields)->size(), 3u);
  clock_.Set(kWednesday + 5 * 366 * kDay);
  auto late = job.RunOnce(clock_.Now());
  ASSERT_TRUE(late) << late.error().message();
  EXPECT_GE(late->subjects_erased, 1u);
  EXPECT_FALSE(Row());
  EXPECT_EQ(Events("destroy").back(), "ok  inn,name,surname retention");
  // The job's act: it shredded the key with what was kept. The DELETE's (above) went at the
  // early pass, past its three years.
  auto acts = demo_.ActClaims(subject_);
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_TRUE(fakes::ActSays(
      acts[0], {"\"field\":\"inn\"", "\"kept\":[]", "\"method\":\"crypto_shredding\"",
                "\"reason\":\"retention_expired\"", "\"reason_detail\":\"tax_certificates\""}));
}

// What the subject's old key sealed besides the fields is sealed anew under the new one
// (app/rekey.h): a request's details, a lifted hold's document and an authority disclosure's
// document open under the new key and no longer under the old, which is destroyed; the
// staff's views read them as before. A pending message, which may hold what was destroyed,
// is closed unsent, its payload gone.
TEST_P(ErasureKeptTest, EverythingTheOldKeySealedOpensUnderTheNewOneAlone) {
  auto request = File(RequestKind::kAccess, {.text = "что вы обо мне храните"});
  ASSERT_TRUE(request) << request.error().message();
  {  // its news waits in the outbox
    auto txn = demo_.storage->Begin(false);
    ASSERT_TRUE(txn);
    auto waiting = (*txn)->ListSubjectOutbox("demo", subject_);
    ASSERT_TRUE(waiting && waiting->size() == 1u);
    request_news_ = (*waiting)[0].id;
  }
  domain::DisclosureDocument court{"Арбитражный суд г. Москвы", "А40-1234/2026",
                                   *domain::ParseIsoDate("2026-01-10")};
  auto hold = Call<HoldView>([&](auto cb) {
    uc_->holds.Place(admin_, subject_, {"dispute", court, "2030-01-01", {}}, cb);
  });
  ASSERT_TRUE(hold) << hold.error().message();
  ASSERT_TRUE(Call<HoldView>([&](auto cb) { uc_->holds.Lift(admin_, subject_, hold->id, cb); }));
  DisclosureOrder order{.subjects = {subject_},
                        .ground = "authority_request",
                        .fields = {"surname"},
                        .document = court};
  ASSERT_TRUE(Call<SealedDisclosure>(
      [&](auto cb) { uc_->disclosures.Disclose(admin_, std::move(order), cb); }));
  auto before = Row();
  ASSERT_TRUE(before);
  auto old_key = demo_.keyring->UnwrapSubjectKey(before->wrapped_key, "demo", subject_, 0);
  ASSERT_TRUE(old_key);

  ASSERT_TRUE(Call<void>([&](auto cb) { uc_->subjects.Destroy(admin_, subject_, cb); }));
  auto after = Row();
  ASSERT_TRUE(after);
  EXPECT_EQ(*domain::SealedFieldsKeyGeneration(after->fields), 1u);
  auto stale = demo_.keyring->UnwrapSubjectKey(after->wrapped_key, "demo", subject_, 0);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().reason(), "erased");
  auto new_key = demo_.keyring->UnwrapSubjectKey(after->wrapped_key, "demo", subject_, 1);
  ASSERT_TRUE(new_key) << new_key.error().message();

  std::vector<std::pair<Bytes, std::string>> sealed;  // each blob with its associated data
  auto fields = domain::UnpackSealedFields(after->fields);
  ASSERT_TRUE(fields);
  for (const auto& [name, ct] : *fields)
    sealed.emplace_back(ct, domain::FieldAssociatedData("demo", subject_, name));
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  auto requests = (*txn)->ListSubjectRequests("demo", subject_);
  auto holds_stored = (*txn)->ListSubjectHolds("demo", subject_);
  auto disclosures = (*txn)->ListDisclosures("demo", {.subject = subject_});
  ASSERT_TRUE(requests && holds_stored && disclosures);
  ASSERT_NO_FATAL_FAILURE(ExpectTheNewsClosed(**txn));
  for (const auto& r : *requests) sealed.emplace_back(r.sealed, RequestDetailsAd("demo", r.id));
  for (const auto& h : *holds_stored)
    sealed.emplace_back(h.document, HoldDocumentAd("demo", subject_, h.id));
  for (const auto& d : *disclosures)
    sealed.emplace_back(d.sealed, DisclosureDocumentAd("demo", subject_, d.id));
  ASSERT_EQ(sealed.size(), 3u + 1u + 1u + 1u);
  for (const auto& [blob, ad] : sealed) {
    EXPECT_TRUE(demo_.crypto->Open(*new_key, blob, ad)) << ad;
    EXPECT_FALSE(demo_.crypto->Open(*old_key, blob, ad)) << ad;
  }

  auto details = Call<RequestView>([&](auto cb) { uc_->requests.Get(admin_, request->id, cb); });
  ASSERT_TRUE(details && details->details);
  EXPECT_EQ(details->details->text, "что вы обо мне храните");
  auto holds = Call<std::vector<HoldView>>([&](auto cb) { uc_->holds.List(admin_, subject_, cb); });
  ASSERT_TRUE(holds && holds->size() == 1u && (*holds)[0].document);
  EXPECT_EQ((*holds)[0].document->number, "А40-1234/2026");
  auto disclosed = Call<std::vector<DisclosureView>>(
      [&](auto cb) { uc_->disclosures.List(admin_, {.subject = subject_}, cb); });
  ASSERT_TRUE(disclosed && disclosed->size() == 1u && (*disclosed)[0].document);
  EXPECT_EQ((*disclosed)[0].document->authority, "Арбитражный суд г. Москвы");
}

}  // namespace konfid::app::requests_suite
