// Retention that destroys, on a real database (SQLite: retention_test.cc; PostgreSQL:
// retention_pgtest.cc) with the example policy published and a stepped clock: a field goes
// when the last purpose that holds it lets it go, and not before; a block keeps it; a subject
// left with nothing is erased; a pass resumes where one stopped and finds nothing more to do
// the second time.
#pragma once

#include "app/retention.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "app/checks.h"
#include "core/encoding.h"
#include "core/time.h"
#include "demo_tenant.h"
#include "domain/sealed_fields.h"
#include "step_clock.h"
#include "test_support.h"

namespace konfid::app::retention_suite {

inline constexpr int64_t kDay = 86'400'000'000LL;

// The example's contracts counted from collection instead of their end, so that a subject can
// be left with nothing.
inline std::string FromCollection(std::string text) {
  for (const char* term : {"retention = \"3 years\"       # after the contract ends\n",
                           "retention = \"1 year\"\non_expiry = \"destroy\"\n"}) {
    auto at = text.find(term);
    if (at != std::string::npos)
      text.insert(at + std::string(term).size(), "retention_from = \"collection\"\n");
  }
  return text;
}

using fakes::DbFactory;

class RetentionTest : public ::testing::TestWithParam<DbFactory> {
 protected:
  // In a directory of its own: a second Open makes a new master key.
  void Open(const std::function<std::string(std::string)>& edit = nullptr,
            const std::string& sub = "") {
    std::filesystem::create_directories(dir_.path() + sub);
    auto st = demo_.Open(dir_.path() + sub, clock_, edit, GetParam()());
    ASSERT_TRUE(st) << st.error().message();
    uc_ = demo_.uc.get();
    job_ = std::make_unique<RetentionJob>(*demo_.storage, *demo_.policies, uc_->retention,
                                          /*page=*/2);
  }
  void SetUp() override {
    if (!::testing::Test::HasFatalFailure()) Open();
  }

  template <typename T, typename F>
  T Sync(F f) {
    std::promise<Result<T>> p;
    f([&p](Result<T> r) { p.set_value(std::move(r)); });
    auto r = p.get_future().get();
    EXPECT_TRUE(r) << r.error().message();
    return r ? std::move(*r) : T{};
  }
  std::string Subject(const std::string& email, domain::FieldInput more = {}) {
    domain::FieldInput in = {{"surname", "Тестова"}, {"name", "Анна"}, {"email", email}};
    in.insert(in.end(), more.begin(), more.end());
    return Sync<SubjectView>([&](auto cb) { uc_->subjects.Create(admin_, in, cb); }).id;
  }
  void Consent(const std::string& subject, const std::string& purpose, domain::ConsentKind kind) {
    ConsentInput in;
    in.purpose = purpose;
    in.kind = kind;
    Sync<ports::ConsentEventRow>([&](auto cb) { uc_->consents.Record(admin_, subject, in, cb); });
  }
  // The names of the fields the subject's row holds; nullopt when the row is gone.
  std::optional<std::vector<std::string>> Held(const std::string& subject) {
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    auto row = (*txn)->FindSubject("demo", subject);
    EXPECT_TRUE(row);
    if (!*row) return std::nullopt;
    return *internal::SealedFieldNames((**row).fields);
  }
  std::optional<ports::SubjectRow> Row(const std::string& subject) {
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    auto row = (*txn)->FindSubject("demo", subject);
    EXPECT_TRUE(row);
    return row ? *row : std::nullopt;
  }
  // The generation of the key the subject's fields are sealed under (app/rekey.h).
  uint32_t KeyGeneration(const std::string& subject) {
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    auto row = (*txn)->FindSubject("demo", subject);
    EXPECT_TRUE(row && *row);
    return row && *row ? *domain::SealedFieldsKeyGeneration((**row).fields) : 0;
  }
  // The ends of the subject's contracts recorded, by purpose.
  std::vector<std::pair<std::string, UnixMicros>> ContractEnds(const std::string& subject) {
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    if (!txn) return {};
    auto ends = (*txn)->ListContractEnds("demo", subject);
    EXPECT_TRUE(ends);
    return ends ? *ends : std::vector<std::pair<std::string, UnixMicros>>{};
  }
  RetentionReport Run() {
    auto r = job_->RunOnce(clock_.Now());
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : RetentionReport{};
  }
  // The audit events of system:retention for `subject`: their fields.
  std::vector<std::vector<std::string>> RetentionEvents(const std::string& subject) {
    std::vector<std::vector<std::string>> out;
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    EXPECT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
      if (e.actor == "system:retention" && e.subject_id == subject) {
        EXPECT_EQ(e.operation, "destroy");
        EXPECT_EQ(e.reason, "retention");
        out.push_back(e.fields);
      }
      return Ok();
    }));
    return out;
  }

  // The hash of the subject's last audit event by system:retention, as an act writes it.
  std::string LastRetentionHash(const std::string& subject) {
    std::string hash;
    auto txn = demo_.storage->Begin(false);
    EXPECT_TRUE(txn);
    EXPECT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
      if (e.actor == "system:retention" && e.subject_id == subject) hash = HexEncode(e.hash);
      return Ok();
    }));
    return "\"hash\":\"" + hash + "\"}]}";
  }

  using Fields = std::vector<std::string>;
  konfid::testing::TempDir dir_;
  fakes::StepClock clock_{1'800'000'000'000'001, 1};
  fakes::DemoTenant demo_;
  fakes::UseCases* uc_ = nullptr;
  std::unique_ptr<RetentionJob> job_;
  Actor admin_{"demo", "apikey:test", Role::kAdmin};
};

// Statistics (birth_date, city) withdrawn, reviews (city) still given: birth_date goes on the
// 29th day after the withdrawal, city stays while reviews holds it and goes 29 days after that
// consent is withdrawn too; the contract's fields stay.
TEST_P(RetentionTest, AFieldGoesWhenTheLastPurposeThatHoldsItLetsItGo) {
  std::string anna = Subject("anna@example.com", {{"birth_date", "1990-05-01"}, {"city", "Тула"}});
  Consent(anna, "statistics", domain::ConsentKind::kGiven);
  Consent(anna, "reviews", domain::ConsentKind::kGiven);
  Consent(anna, "statistics", domain::ConsentKind::kWithdrawn);
  EXPECT_EQ(Run().fields_destroyed, 0u);

  clock_.Advance(28 * kDay);
  EXPECT_EQ(Run().fields_destroyed, 0u);  // within the grace
  EXPECT_EQ(*Held(anna), (Fields{"birth_date", "city", "email", "name", "surname"}));

  clock_.Advance(1 * kDay);
  std::optional<ports::SubjectRow> copy = Row(anna);  // as a backup taken now would hold it
  ASSERT_TRUE(copy);
  RetentionReport r = Run();
  EXPECT_EQ(r.fields_destroyed, 1u);
  EXPECT_EQ(r.subjects_erased, 0u);
  {  // that copy opens no more: the current key is of another generation, and does not open
     // its values either
    std::optional<ports::SubjectRow> now = Row(anna);
    ASSERT_TRUE(now);
    auto stale = demo_.keyring->UnwrapSubjectKey(now->wrapped_key, "demo", anna, 0);
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().reason(), "erased");
    auto key = demo_.keyring->UnwrapSubjectKey(now->wrapped_key, "demo", anna, 1);
    ASSERT_TRUE(key);
    auto values = domain::UnpackSealedFields(copy->fields);
    ASSERT_TRUE(values);
    for (const auto& [name, ct] : *values)
      EXPECT_FALSE(demo_.crypto->Open(*key, ct, domain::FieldAssociatedData("demo", anna, name)))
          << name;
    copy->wrapped_key = now->wrapped_key;  // the copy beside the key store of after
    auto read = uc_->subjects.Open(SealedSubject{*copy, {"birth_date", "city"}});
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().reason(), "erased");
  }
  EXPECT_EQ(*Held(anna), (Fields{"city", "email", "name", "surname"}));
  EXPECT_EQ(RetentionEvents(anna), (std::vector<Fields>{{"birth_date"}}));
  EXPECT_EQ(KeyGeneration(anna), 1u);     // what is left is sealed under a new key
  EXPECT_EQ(Run().fields_destroyed, 0u);  // idempotent
  EXPECT_EQ(KeyGeneration(anna), 1u);
  // The act says what went, why and how, and ends its extract with the destroy event.
  auto acts = demo_.ActClaims(anna);
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_TRUE(fakes::ActSays(
      acts[0], {"\"subject\":\"" + anna + "\"", "\"field\":\"birth_date\"", "\"kept\":[]",
                "\"method\":\"deletion\"", "\"reason\":\"consent_withdrawn\"",
                "\"reason_detail\":\"statistics\"",
                "\"purposes\":[{\"id\":\"statistics\",\"name\":{\"ru\":\"Статистика посещаемости "
                "и продаж\",",
                "\"destroyed_by\":{\"actor\":\"system:retention\",\"role\":\"\"}",
                LastRetentionHash(anna)}));
  EXPECT_EQ(acts[0].find("\"field\":\"city\""), std::string::npos);

  Consent(anna, "reviews", domain::ConsentKind::kWithdrawn);
  clock_.Advance(29 * kDay);
  EXPECT_EQ(Run().fields_destroyed, 1u);
  EXPECT_EQ(*Held(anna), (Fields{"email", "name", "surname"}));  // the contract holds these
  EXPECT_EQ(KeyGeneration(anna), 2u);
  // What remains still reads, for the contract's purpose.
  auto sealed =
      Sync<SealedSubject>([&](auto cb) { uc_->subjects.Get(admin_, anna, "registration", cb); });
  auto view = uc_->subjects.Open(sealed);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->fields.at("email"), "anna@example.com");
  EXPECT_EQ(RetentionEvents(anna).size(), 2u);
}

// A row restored from before a partial destruction, beside the key store of after, has no key
// it opens under: the next pass destroys what is due in it all the same, writing what is left
// as it was (there is no key to seal it anew under), and fails nothing.
TEST_P(RetentionTest, ARowOfAReplacedKeyIsDestroyedWithoutOne) {
  std::string anna = Subject("anna@example.com", {{"birth_date", "1990-05-01"}, {"city", "Тула"}});
  Consent(anna, "statistics", domain::ConsentKind::kGiven);
  Consent(anna, "reviews", domain::ConsentKind::kGiven);
  Consent(anna, "statistics", domain::ConsentKind::kWithdrawn);
  clock_.Advance(29 * kDay);
  std::optional<ports::SubjectRow> copy = Row(anna);
  ASSERT_TRUE(copy);
  EXPECT_EQ(Run().fields_destroyed, 1u);  // birth_date, and a new key
  {
    auto w = demo_.storage->Begin(true);
    ASSERT_TRUE(w && (*w)->EraseSubjectFields("demo", anna, copy->fields) && (*w)->Commit());
  }
  Consent(anna, "reviews", domain::ConsentKind::kWithdrawn);
  clock_.Advance(29 * kDay);
  RetentionReport r = Run();
  EXPECT_EQ(r.failed, 0u);
  EXPECT_EQ(r.fields_destroyed, 2u);  // the copy's birth_date again, and city
  EXPECT_EQ(*Held(anna), (Fields{"email", "name", "surname"}));
  EXPECT_EQ(KeyGeneration(anna), 0u);
  auto read =
      Sync<SealedSubject>([&](auto cb) { uc_->subjects.Get(admin_, anna, "registration", cb); });
  auto view = uc_->subjects.Open(read);
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error().reason(), "erased");
}

// A field collected for a consent that was never given is held for the grace from collection.
TEST_P(RetentionTest, AFieldWhoseConsentNeverCameGoesAfterTheGrace) {
  std::string boris = Subject("boris@example.com", {{"city", "Омск"}});
  clock_.Advance(28 * kDay);
  EXPECT_EQ(Run().fields_destroyed, 0u);
  clock_.Advance(1 * kDay + 1);
  EXPECT_EQ(Run().fields_destroyed, 1u);
  EXPECT_EQ(*Held(boris), (Fields{"email", "name", "surname"}));
  // No consent was withdrawn: the city's term ran out.
  auto acts = demo_.ActClaims(boris);
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_TRUE(fakes::ActSays(acts[0], {"\"field\":\"city\"", "\"reason\":\"retention_expired\""}));
}

// A block keeps what is due until staff lift it; then the next pass destroys it.
TEST_P(RetentionTest, ABlockKeepsADueFieldUntilItIsLifted) {
  std::string vera = Subject("vera@example.com", {{"city", "Псков"}});
  Sync<domain::Blocked>([&](auto cb) { uc_->blocks.Block(admin_, vera, {"city"}, cb); });
  clock_.Advance(30 * kDay);
  RetentionReport r = Run();
  EXPECT_EQ(r.fields_destroyed, 0u);
  EXPECT_EQ(r.kept_blocked, 1u);
  EXPECT_EQ(*Held(vera), (Fields{"city", "email", "name", "surname"}));
  Sync<domain::Blocked>([&](auto cb) { uc_->blocks.Unblock(admin_, vera, {"city"}, cb); });
  EXPECT_EQ(Run().fields_destroyed, 1u);
  EXPECT_EQ(*Held(vera), (Fields{"email", "name", "surname"}));
}

// With contracts counted from collection, a subject whose every term ran out is erased as
// DELETE erases: the row, its key and its lookup entries. A subject whose consent is live
// keeps what it holds.
TEST_P(RetentionTest, ASubjectLeftWithNothingIsErased) {
  demo_ = {};
  Open(FromCollection, "/collection");
  std::string gleb = Subject("gleb@example.com", {{"phone", "+7 912 000-00-01"}});
  std::string dina = Subject("dina@example.com");
  clock_.Advance(2 * 365 * kDay);
  Consent(dina, "newsletter", domain::ConsentKind::kGiven);  // runs 3 years from here
  clock_.Advance(367 * kDay);  // past both contracts' terms, 3 and 1 years from collection
  RetentionReport r = Run();
  EXPECT_EQ(r.subjects_erased, 1u);
  EXPECT_EQ(Held(gleb), std::nullopt);
  EXPECT_EQ(RetentionEvents(gleb).size(), 1u);
  // Erased: the key went with the row.
  auto acts = demo_.ActClaims(gleb);
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_TRUE(fakes::ActSays(
      acts[0], {"\"field\":\"phone\"", "\"field\":\"surname\"", "\"method\":\"crypto_shredding\"",
                "\"reason\":\"retention_expired\"", LastRetentionHash(gleb)}));
  // Nothing is found by its email any more, and the address is free for someone else.
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  auto count = (*txn)->CountSubjects("demo");
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1u);
  txn->reset();
  std::string again = Subject("gleb@example.com");
  EXPECT_FALSE(again.empty());
  // Dina's newsletter keeps name and email; surname, which only the contracts held, is gone.
  EXPECT_EQ(*Held(dina), (Fields{"email", "name"}));
}

// A contract's end starts its purpose's term: the fields go when the last contract's term
// from its end has run; a contract that goes on again holds them with no end; only a purpose
// counted from a contract's end takes one.
TEST_P(RetentionTest, AContractsEndStartsItsTerm) {
  std::string gleb = Subject("gleb@example.com", {{"phone", "+7 912 000-00-02"}});
  auto end = [&](const std::string& purpose, bool ended) {
    std::promise<Result<UnixMicros>> p;
    uc_->retention.EndContract(admin_, gleb, purpose, ended,
                               [&p](Result<UnixMicros> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  };
  auto first = end("support", true);
  ASSERT_TRUE(first);
  ASSERT_TRUE(end("registration", true));
  clock_.Advance(100 * kDay);
  EXPECT_EQ(end("support", true).value_or(0), *first);  // said again: the first end stays
  clock_.Advance(266 * kDay);  // support's year has run; registration's three have not
  EXPECT_EQ(Run().fields_destroyed, 0u);
  EXPECT_EQ(Held(gleb)->size(), 4u);

  ASSERT_TRUE(end("registration", false));  // the visitor bought another course
  clock_.Advance(3 * 366 * kDay);
  EXPECT_EQ(Run().subjects_erased, 0u);
  ASSERT_TRUE(end("registration", true));
  clock_.Advance(3 * 365 * kDay + 2 * kDay);  // three calendar years, a 29 February among them
  EXPECT_EQ(Run().subjects_erased, 1u);
  EXPECT_EQ(Held(gleb), std::nullopt);
  EXPECT_TRUE(ContractEnds(gleb).empty());  // erased with the subject

  // So they are by a DELETE.
  std::string ivan = Subject("ivan@example.com");
  ASSERT_TRUE(Sync<UnixMicros>(
      [&](auto cb) { uc_->retention.EndContract(admin_, ivan, "registration", true, cb); }));
  ASSERT_EQ(ContractEnds(ivan).size(), 1u);
  ASSERT_TRUE(Sync<bool>([&](auto cb) {
    uc_->subjects.Destroy(admin_, ivan, [cb](Status st) {
      if (!st) return cb(Fail(st.error()));
      cb(true);
    });
  }));
  EXPECT_TRUE(ContractEnds(ivan).empty());

  gleb = Subject("dina@example.com");
  auto refused = end("newsletter", true);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason(), "not_contract_purpose");
  EXPECT_EQ(end("nosuch", true).error().reason(), "unknown_purpose");
}

// A subject with an open request keeps what is due until the request is answered.
TEST_P(RetentionTest, AnOpenRequestKeepsWhatIsDueUntilItIsAnswered) {
  std::string zoya = Subject("zoya@example.com", {{"city", "Калуга"}});
  NewRequest req;
  req.subject = zoya;
  req.kind = domain::RequestKind::kAccess;
  req.channel = domain::RequestChannel::kEmail;
  req.details.document = "письмо";
  auto filed = Sync<RequestView>([&](auto cb) { uc_->requests.File(admin_, req, cb); });
  clock_.Advance(30 * kDay);
  RetentionReport r = Run();
  EXPECT_EQ(r.fields_destroyed, 0u);
  EXPECT_EQ(r.kept_for_requests, 1u);
  EXPECT_EQ(*Held(zoya), (Fields{"city", "email", "name", "surname"}));
  Sync<RequestView>(
      [&](auto cb) { uc_->requests.Move(admin_, filed.id, {domain::RequestState::kDone}, cb); });
  EXPECT_EQ(Run().fields_destroyed, 1u);
  EXPECT_EQ(*Held(zoya), (Fields{"email", "name", "surname"}));
}

// A pass keeps its place: one that starts from a saved place looks only at what follows, and
// a finished pass leaves the place at the beginning.
// A subject whose row cannot be read is skipped, audited and reported: the pass goes on past
// it to the others (one page holds it and the next), and tries it again the next time.
TEST_P(RetentionTest, ABadRowFailsItselfNotThePass) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(Subject("s" + std::to_string(i) + "@example.com", {{"city", "Омск"}}));
  {
    auto txn = demo_.storage->Begin(true);
    ASSERT_TRUE(txn);
    ASSERT_TRUE((*txn)->UpdateSubjectFields("demo", ids[1], Bytes{9, 9, 9}, clock_.Now()));
    ASSERT_TRUE((*txn)->Commit());
  }
  std::vector<RetentionFailure> heard;
  job_->OnFailure([&](const RetentionFailure& f) { heard.push_back(f); });
  clock_.Advance(29 * kDay + 1);
  RetentionReport first = Run();
  EXPECT_EQ(first.subjects, 5u);
  EXPECT_EQ(first.failed, 1u);
  EXPECT_EQ(first.fields_destroyed, 4u);  // every other subject's city
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].tenant, "demo");
  EXPECT_EQ(heard[0].error.code(), ErrorCode::kDataLoss);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i == 1) continue;
    EXPECT_EQ(*Held(ids[i]), (Fields{"email", "name", "surname"})) << i;
  }
  RetentionReport again = Run();
  EXPECT_EQ(again.failed, 1u);
  EXPECT_EQ(again.fields_destroyed, 0u);
  std::vector<std::string> failed;
  auto txn = demo_.storage->Begin(false);
  ASSERT_TRUE(txn);
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
    if (e.actor == "system:retention" && e.outcome == "failed")
      failed.push_back(e.subject_id + " " + e.operation + " " + e.reason);
    return Ok();
  }));
  std::string one = ids[1] + " destroy data_loss";
  EXPECT_EQ(failed, (std::vector<std::string>{one, one}));
}

// Acts are kept three calendar years from the destruction, then deleted in batches; a pass of
// the job does it after its subjects.
TEST_P(RetentionTest, ActsGoWhenTheirThreeYearsAreOver) {
  for (int i = 0; i < 3; ++i) Subject("a" + std::to_string(i) + "@example.com", {{"city", "Омск"}});
  clock_.Advance(30 * kDay);
  EXPECT_EQ(Run().fields_destroyed, 3u);
  const UnixMicros first = clock_.Peek();
  clock_.Advance(365 * kDay);
  std::string later = Subject("later@example.com", {{"city", "Тула"}});
  clock_.Advance(30 * kDay);
  EXPECT_EQ(Run().fields_destroyed, 1u);
  ASSERT_EQ(demo_.ActClaims().size(), 4u);
  // Staff page through them by id; an act changed in the database does not verify.
  auto page = Sync<std::vector<ports::DestructionActRow>>([&](auto cb) {
    uc_->acts.List(admin_, {"", "", 3}, cb);
  });
  ASSERT_EQ(page.size(), 3u);
  auto rest = Sync<std::vector<ports::DestructionActRow>>([&](auto cb) {
    uc_->acts.List(admin_, {"", page.back().id, 3}, cb);
  });
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_GT(rest[0].id, page.back().id);
  auto mine = Sync<std::vector<ports::DestructionActRow>>([&](auto cb) {
    uc_->acts.List(admin_, {later, "", 50}, cb);
  });
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, rest[0].id);
  auto one =
      Sync<ports::DestructionActRow>([&](auto cb) { uc_->acts.Find(admin_, mine[0].id, cb); });
  EXPECT_EQ(one.jws, mine[0].jws);
  ports::DestructionActRow changed = one;
  size_t at = changed.jws.find('.') + 10;
  changed.jws[at] = changed.jws[at] == 'A' ? 'B' : 'A';
  ASSERT_TRUE(uc_->acts.Claims(one));
  auto refused = uc_->acts.Claims(changed);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kDataLoss);

  clock_.Set(AddCalendarMonths(first, kActMonths) - kDay);
  EXPECT_EQ(Run().acts_pruned, 0u);  // a day short of three years
  clock_.Set(AddCalendarMonths(first, kActMonths) + kDay);
  auto pruned = uc_->retention.PruneActs(clock_.Peek(), /*batch=*/2);
  ASSERT_TRUE(pruned) << pruned.error().message();
  EXPECT_EQ(*pruned, 3u);  // in two batches
  auto left = demo_.ActClaims();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_NE(left[0].find("\"subject\":\"" + later + "\""), std::string::npos);
  clock_.Advance(400 * kDay);  // past the later act's three years too
  EXPECT_EQ(Run().acts_pruned, 1u);
  EXPECT_TRUE(demo_.ActClaims().empty());
}

TEST_P(RetentionTest, APassResumesWhereItStopped) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Subject("s" + std::to_string(i) + "@example.com"));
  EXPECT_EQ(Run().subjects, 5u);
  auto txn = demo_.storage->Begin(true);
  ASSERT_TRUE(txn);
  EXPECT_EQ(*(*txn)->GetMeta("retention_cursor"), std::optional<std::string>(""));
  ASSERT_TRUE((*txn)->SetMeta("retention_cursor", "demo\t" + ids[2]));  // cut short after 3
  ASSERT_TRUE((*txn)->Commit());
  txn->reset();
  EXPECT_EQ(Run().subjects, 2u);
  EXPECT_EQ(Run().subjects, 5u);
}

}  // namespace konfid::app::retention_suite
