// The consent expiry job on a real SQLite database with the example policy published: a
// consent past its purpose's term gets one `expired` event with a receipt, and nothing else
// does.
#include "app/expiry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <sstream>

#include "adapters/config/toml_config.h"
#include "adapters/crypto/sodium_crypto.h"
#include "adapters/phone/libphonenumber_normalizer.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "app/maintenance.h"
#include "test_support.h"

namespace konfid::app {
namespace {

constexpr int64_t kDay = 86'400'000'000LL;

class SteppedClock : public ports::Clock {
 public:
  UnixMicros Now() override { return now += 1; }
  int64_t MonotonicMicros() override { return now; }
  std::atomic<UnixMicros> now{1'800'000'000'000'000};
};

class ExpiryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_ = std::move(*adapters::SodiumCrypto::Create());
    storage_ = std::move(*adapters::SqliteStorage::Open({dir_.path() + "/k.db", true, 5000}));
    ASSERT_TRUE(storage_->Migrate());
    keyring_ = std::move(*Keyring::Open(*crypto_, *storage_, crypto_->NewKey(), true));
    ASSERT_TRUE(keyring_->EnsureTenant("demo", clock_.Now()));
    std::ifstream in(konfid::testing::SourceDir() + "/examples/policy.toml");
    std::stringstream text;
    text << in.rdbuf();
    auto policy = reader_.Read(text.str(), "policy.toml");
    ASSERT_TRUE(policy) << policy.error().message();
    policies_ = std::make_unique<PolicyStore>(*storage_, *crypto_, clock_, reader_);
    ASSERT_TRUE(policies_->Start({*policy}));
    committer_ = std::make_unique<GroupCommitter>(*storage_, *crypto_, *keyring_, clock_);
    vault_ = std::make_unique<Vault>(*policies_, *keyring_, *committer_, *crypto_, phones_, clock_);
    job_ = std::make_unique<ExpiryJob>(*storage_, *policies_, *vault_, clock_, /*page=*/2);
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
    return Sync<SubjectView>([&](auto cb) { vault_->Create(admin_, in, cb); }).id;
  }
  void Consent(const std::string& subject, const std::string& purpose, domain::ConsentKind kind) {
    ConsentInput in;
    in.purpose = purpose;
    in.kind = kind;
    Sync<ports::ConsentEventRow>([&](auto cb) { vault_->RecordConsent(admin_, subject, in, cb); });
  }
  ConsentLedger Ledger(const std::string& subject) {
    return Sync<ConsentLedger>([&](auto cb) { vault_->Consents(admin_, subject, cb); });
  }

  konfid::testing::TempDir dir_;
  SteppedClock clock_;
  adapters::TomlPolicyReader reader_;
  adapters::LibPhoneNumberNormalizer phones_;
  std::unique_ptr<adapters::SodiumCrypto> crypto_;
  std::unique_ptr<adapters::SqliteStorage> storage_;
  std::unique_ptr<Keyring> keyring_;
  std::unique_ptr<PolicyStore> policies_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<ExpiryJob> job_;
  Actor admin_{"demo", "apikey:test", Role::kAdmin};
};

TEST_F(ExpiryTest, AConsentPastItsTermGetsOneExpiredEventWithAReceipt) {
  // The newsletter's consent lasts 3 years, statistics' 1 year.
  std::string anna = Subject("anna@example.com");
  std::string boris = Subject("boris@example.com");
  std::string vera = Subject("vera@example.com");
  Consent(anna, "newsletter", domain::ConsentKind::kGiven);
  Consent(anna, "statistics", domain::ConsentKind::kGiven);
  Consent(boris, "statistics", domain::ConsentKind::kGiven);
  Consent(boris, "statistics", domain::ConsentKind::kWithdrawn);
  Consent(vera, "statistics", domain::ConsentKind::kRefused);
  UnixMicros given_at = clock_.now;

  EXPECT_EQ(*job_->RunOnce(), 0u);  // nothing is due yet

  clock_.now += 366 * kDay;  // past the statistics term, not the newsletter's
  auto appended = job_->RunOnce();
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
      Sync<ports::ConsentEventRow>([&](auto cb) { vault_->Receipt(admin_, expired.id, cb); });
  EXPECT_FALSE(receipt.receipt.empty());
  EXPECT_EQ(Ledger(boris).events.size(), 2u);
  EXPECT_EQ(Ledger(vera).events.size(), 1u);

  // Once recorded, never again; a fresh consent starts a new term.
  EXPECT_EQ(*job_->RunOnce(), 0u);
  Consent(anna, "statistics", domain::ConsentKind::kGiven);
  EXPECT_EQ(*job_->RunOnce(), 0u);
  EXPECT_TRUE(Ledger(anna).states.at("statistics").live);

  // Every event is in the audit chain, which still verifies.
  auto reports = VerifyAuditChains(*storage_, *crypto_, *keyring_);
  ASSERT_TRUE(reports);
  for (const auto& r : *reports) EXPECT_FALSE(r.broken) << r.tenant;
}

TEST_F(ExpiryTest, EventsWithinOneMillisecondKeepTheirOrder) {
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

}  // namespace
}  // namespace konfid::app
