// Group commit and the subjects use case over a real SQLite file, with a forwarding storage wrapper
// that injects commit failures.
#include "app/group_committer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <thread>

#include "adapters/crypto/sodium_crypto.h"
#include "adapters/phone/libphonenumber_normalizer.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "app/key_rotation.h"
#include "app/maintenance.h"
#include "faulty_storage.h"
#include "step_clock.h"
#include "test_support.h"
#include "use_cases.h"

namespace konfid::app {
namespace {

class SubjectsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_ = std::move(*adapters::SodiumCrypto::Create());
    sqlite_ = std::move(*adapters::SqliteStorage::Open(
        {dir_.path() + "/k.db", true, 5000, &konfid::testing::RealClock()}));
    ASSERT_TRUE(sqlite_->Migrate());
    storage_ = std::make_unique<fakes::FaultyStorage>(*sqlite_);
    keyring_ = std::move(*Keyring::Open(*crypto_, *storage_, crypto_->NewKey(), true));
    ASSERT_TRUE(keyring_->EnsureTenant("demo", clock_.Now()));
    committer_ = std::make_unique<GroupCommitter>(*storage_, *crypto_, *keyring_, clock_);
    domain::TenantPolicy policy;
    policy.tenant = "demo";
    policy.catalogue =
        domain::FieldCatalogue({{"name", domain::FieldType::kString, true, 50, false, {}},
                                {"email", domain::FieldType::kEmail, true, 254, true, {}},
                                {"phone", domain::FieldType::kPhone, false, 32, true, {}}});
    domain::Purpose registration;
    registration.id = "registration";
    registration.ground = "contract";
    registration.fields = {"name", "email", "phone"};
    policy.purposes.push_back(registration);
    domain::Purpose newsletter;
    newsletter.id = "newsletter";
    newsletter.ground = "legitimate_interest";  // no consent needed in these tests
    newsletter.fields = {"email"};
    policy.purposes.push_back(newsletter);
    policies_ = std::make_unique<FixedPolicies>(std::vector{policy});
    uc_ = std::make_unique<fakes::UseCases>(*policies_, *keyring_, *committer_, *crypto_, phones_,
                                            clock_);
  }

  template <typename T, typename F>
  Result<T> Sync(F f) {
    std::promise<Result<T>> p;
    f([&p](Result<T> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }
  Result<SubjectView> Create(const std::string& email, const std::string& phone = "") {
    domain::FieldInput in = {{"name", "Anna"}, {"email", email}};
    if (!phone.empty()) in.emplace_back("phone", phone);
    return Sync<SubjectView>([&](auto cb) { uc_->subjects.Create(admin_, in, cb); });
  }
  Result<SubjectView> Find(const std::string& field, const std::string& value,
                           const std::string& purpose = "registration") {
    auto sealed = Sync<SealedSubject>(
        [&](auto cb) { uc_->subjects.Find(admin_, field, value, purpose, cb); });
    if (!sealed) return Fail(sealed.error());
    return uc_->subjects.Open(*sealed);
  }
  std::vector<TenantAuditReport> Verify() {
    return *VerifyAuditChains(*storage_, *crypto_, *keyring_);
  }

  konfid::testing::TempDir dir_;
  fakes::StepClock clock_{1'800'000'001'000'000, 1000};
  adapters::LibPhoneNumberNormalizer phones_;
  std::unique_ptr<adapters::SodiumCrypto> crypto_;
  std::unique_ptr<adapters::SqliteStorage> sqlite_;
  std::unique_ptr<fakes::FaultyStorage> storage_;
  std::unique_ptr<Keyring> keyring_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<FixedPolicies> policies_;
  std::unique_ptr<fakes::UseCases> uc_;
  Actor admin_{"demo", "apikey:test", Role::kAdmin};
};

TEST_F(SubjectsTest, FailedCommitAcknowledgesNothingAndLeavesNothing) {
  storage_->fail_commits = true;
  auto r = Create("anna@example.com");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  storage_->fail_commits = false;
  EXPECT_EQ(Find("email", "anna@example.com").error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(Create("anna@example.com"));  // the address was never taken
  auto reports = Verify();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(reports[0].broken);
  EXPECT_EQ(reports[0].events, 2u);  // the failed lookup and the create; the lost batch left none
}

// The committer moves on to the next batch while the last one syncs, but nobody hears of a
// change before the disk has it.
// A destruction and its act commit together or not at all: an act that cannot be stored
// fails the DELETE, the subject stays whole and readable, and the failure is audited.
TEST_F(SubjectsTest, AnErasureWhoseActCannotBeStoredDestroysNothing) {
  auto anna = Create("anna@example.com", "+7 912 345-67-89");
  ASSERT_TRUE(anna) << anna.error().message();
  storage_->fail_acts = true;
  auto erased = Sync<bool>([&](auto cb) {
    uc_->subjects.Destroy(admin_, anna->id, [cb](Status st) {
      if (!st) return cb(Fail(st.error()));
      cb(true);
    });
  });
  ASSERT_FALSE(erased);
  EXPECT_EQ(erased.error().code(), ErrorCode::kUnavailable);
  auto found = Find("email", "anna@example.com");
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_EQ(found->fields.at("phone"), "+79123456789");
  std::vector<std::string> destroys;
  auto txn = storage_->Begin(false);
  ASSERT_TRUE(txn);
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
    if (e.operation == "destroy") destroys.push_back(e.outcome);
    return Ok();
  }));
  EXPECT_EQ(destroys, std::vector<std::string>{"failed"});
  EXPECT_TRUE((*txn)->ListDestructionActs("demo", {})->empty());
  txn->reset();

  storage_->fail_acts = false;
  ASSERT_TRUE(Sync<bool>([&](auto cb) {
    uc_->subjects.Destroy(admin_, anna->id, [cb](Status st) {
      if (!st) return cb(Fail(st.error()));
      cb(true);
    });
  }));
  EXPECT_FALSE(Find("email", "anna@example.com"));
}

TEST_F(SubjectsTest, ACommitIsAcknowledgedOnlyAfterItsSync) {
  ASSERT_TRUE(storage_->syncs_separately());
  storage_->HoldSyncs(true);
  std::promise<Result<SubjectView>> created;
  uc_->subjects.Create(admin_, {{"name", "Anna"}, {"email", "held@example.com"}},
                       [&created](Result<SubjectView> r) { created.set_value(std::move(r)); });
  auto future = created.get_future();
  bool committed = false;  // visible to other transactions: the commit itself is done
  for (int i = 0; i < 500 && !committed; ++i) {
    auto t = sqlite_->Begin(false);
    ASSERT_TRUE(t);
    committed = *(*t)->CountSubjects("demo") == 1;
    if (!committed) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(committed);
  EXPECT_EQ(future.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  storage_->HoldSyncs(false);
  auto r = future.get();
  ASSERT_TRUE(r);
  EXPECT_GE(committer_->stats().syncs, 1u);
}

TEST_F(SubjectsTest, AFailedSyncFailsTheRequestsItCovered) {
  storage_->fail_syncs = true;
  auto r = Create("anna@example.com");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().message(), "the change may not have been saved");
  storage_->fail_syncs = false;
  EXPECT_TRUE(Create("bob@example.com"));  // the committer goes on
}

TEST_F(SubjectsTest, OneFailingRequestDoesNotSinkItsBatch) {
  ASSERT_TRUE(Create("taken@example.com"));
  // Many creates in flight at once land in shared batches; the duplicates among them fail
  // alone, with their failure audited, and the rest commit.
  constexpr int kCreates = 200;
  std::vector<std::promise<Result<SubjectView>>> results(kCreates);
  for (int i = 0; i < kCreates; ++i) {
    std::string email =
        i % 10 == 0 ? "taken@example.com" : "u" + std::to_string(i) + "@example.com";
    uc_->subjects.Create(
        admin_, {{"name", "N"}, {"email", email}},
        [&results, i](Result<SubjectView> r) { results[i].set_value(std::move(r)); });
  }
  int ok = 0, duplicate = 0;
  for (auto& p : results) {
    auto r = p.get_future().get();
    if (r) {
      ++ok;
    } else if (r.error().reason() == "duplicate_email") {
      ++duplicate;
    }
  }
  EXPECT_EQ(ok, kCreates - kCreates / 10);
  EXPECT_EQ(duplicate, kCreates / 10);
  EXPECT_LT(committer_->stats().batches, static_cast<uint64_t>(kCreates));  // they were grouped
  auto reports = Verify();
  EXPECT_FALSE(reports[0].broken);
  EXPECT_EQ(reports[0].events, 1u + kCreates);
}

TEST_F(SubjectsTest, AnySpellingOfAPhoneFindsTheSubject) {
  auto created = Create("p@example.com", "8 (912) 345-67-89");
  ASSERT_TRUE(created);
  for (const char* spelling : {"+79123456789", "+7 912 345 67 89", "89123456789"}) {
    auto found = Find("phone", spelling);
    ASSERT_TRUE(found) << spelling;
    EXPECT_EQ(found->id, created->id);
    EXPECT_EQ(found->fields.at("phone"), "+79123456789");
  }
  EXPECT_EQ(Create("q@example.com", "+7 912 345-67-89").error().reason(), "duplicate_phone");
}

TEST_F(SubjectsTest, SubjectIdsFollowCreationOrder) {
  auto a = Create("a@example.com");
  auto b = Create("b@example.com");
  ASSERT_TRUE(a && b);
  EXPECT_LT(a->id, b->id);
  EXPECT_TRUE(Kernel::IsValidId(a->id));
}

TEST_F(SubjectsTest, KeyRotationKeepsDataReadable) {
  ASSERT_TRUE(Create("r@example.com"));
  SecretBytes next = crypto_->NewKey();
  ASSERT_TRUE(BeginRotation(*storage_, *crypto_, *keyring_, next));
  auto n = RewrapSubjectKeys(*storage_, *crypto_, keyring_->master(), next);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1u);
  ASSERT_TRUE(FinishRotation(*storage_, *crypto_, *keyring_, clock_, "system:test"));
  EXPECT_EQ(Keyring::Open(*crypto_, *storage_, keyring_->master().Clone(), false).error().code(),
            ErrorCode::kPermissionDenied);  // the old key is no longer accepted
  auto reopened = Keyring::Open(*crypto_, *storage_, next.Clone(), false);
  ASSERT_TRUE(reopened);
  ASSERT_TRUE((*reopened)->LoadAllTenants());
  GroupCommitter committer(*storage_, *crypto_, **reopened, clock_);
  FixedPolicies policies({*uc_->kernel.Policy("demo")});
  fakes::UseCases uc(policies, **reopened, committer, *crypto_, phones_, clock_);
  auto sealed = Sync<SealedSubject>(
      [&](auto cb) { uc.subjects.Find(admin_, "email", "R@example.com", "registration", cb); });
  ASSERT_TRUE(sealed);
  auto found = uc.subjects.Open(*sealed);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->fields.at("name"), "Anna");
}

TEST_F(SubjectsTest, ReadsReturnOnlyThePurposesFieldsAndAuditIt) {
  ASSERT_TRUE(Create("p@example.com", "+7 912 345-67-89"));
  auto all = Find("email", "p@example.com");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->fields.size(), 3u);
  auto narrow = Find("email", "p@example.com", "newsletter");
  ASSERT_TRUE(narrow);
  ASSERT_EQ(narrow->fields.size(), 1u);
  EXPECT_EQ(narrow->fields.at("email"), "p@example.com");
  for (const char* bad : {"", "marketing"}) {
    auto r = Find("email", "p@example.com", bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().reason(), *bad ? "unknown_purpose" : "purpose_required");
  }
  // The audit log names purpose and ground of each read, and only the fields it returned.
  std::vector<domain::AuditEvent> reads;
  auto txn = storage_->Begin(false);
  ASSERT_TRUE(txn);
  ASSERT_TRUE((*txn)->ScanAudit("demo", [&](const domain::AuditEvent& e) {
    if (e.operation == "extract") reads.push_back(e);
    return Ok();
  }));
  ASSERT_EQ(reads.size(), 4u);
  EXPECT_EQ(reads[0].purpose, "registration");
  EXPECT_EQ(reads[0].ground, "contract");
  EXPECT_EQ(reads[0].fields.size(), 3u);
  EXPECT_EQ(reads[1].purpose, "newsletter");
  EXPECT_EQ(reads[1].ground, "legitimate_interest");
  EXPECT_EQ(reads[1].fields, std::vector<std::string>{"email"});
  EXPECT_EQ(reads[3].outcome, "failed");
  EXPECT_EQ(reads[3].reason, "unknown_purpose");
}

TEST_F(SubjectsTest, FieldsNoPurposeDeclaresAreRefusedAtWriteTime) {
  domain::TenantPolicy policy = *uc_->kernel.Policy("demo");
  policy.purposes[0].fields = {"name", "email"};  // nothing uses phone any more
  FixedPolicies policies({policy});
  fakes::UseCases uc(policies, *keyring_, *committer_, *crypto_, phones_, clock_);
  domain::FieldInput in = {{"name", "Anna"}, {"email", "w@example.com"}, {"phone", "+79123456789"}};
  auto r = Sync<SubjectView>([&](auto cb) { uc.subjects.Create(admin_, in, cb); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason(), "field_without_purpose");
  in.pop_back();
  EXPECT_TRUE(Sync<SubjectView>([&](auto cb) { uc.subjects.Create(admin_, in, cb); }));
}

}  // namespace
}  // namespace konfid::app
