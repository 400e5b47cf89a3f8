// Publishing policy versions on a real SQLite database: what is refused, what is material,
// and which version is in force as time passes.
#include "app/policy_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "adapters/config/toml_config.h"
#include "adapters/crypto/sodium_crypto.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "step_clock.h"
#include "test_support.h"

namespace konfid::app {
namespace {

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

class PolicyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_ = std::move(*adapters::SodiumCrypto::Create());
    storage_ = std::move(*adapters::SqliteStorage::Open(
        {dir_.path() + "/k.db", true, 5000, &konfid::testing::RealClock()}));
    ASSERT_TRUE(storage_->Migrate());
    std::ifstream in(konfid::testing::SourceDir() + "/examples/policy.toml");
    std::stringstream s;
    s << in.rdbuf();
    example_ = s.str();
    store_ = std::make_unique<PolicyStore>(*storage_, *crypto_, clock_, reader_);
  }
  domain::TenantPolicy Policy(const std::string& text) {
    auto p = reader_.Read(text, "test.toml");
    EXPECT_TRUE(p) << p.error().message();
    return *p;
  }

  konfid::testing::TempDir dir_;
  fakes::StepClock clock_;
  adapters::TomlPolicyReader reader_;
  std::unique_ptr<adapters::SodiumCrypto> crypto_;
  std::unique_ptr<adapters::SqliteStorage> storage_;
  std::string example_;
  std::unique_ptr<PolicyStore> store_;
};

TEST_F(PolicyStoreTest, FirstStartPublishesTheConfiguredFile) {
  auto notes = store_->Start({Policy(example_)});
  ASSERT_TRUE(notes);
  ASSERT_EQ(notes->size(), 1u);
  EXPECT_NE((*notes)[0].find("published the configured policy as version 1"), std::string::npos);
  ASSERT_TRUE(store_->Current("demo"));
  EXPECT_EQ(store_->Current("demo")->version, 1);
  EXPECT_EQ(store_->Current("other"), nullptr);

  // A second start publishes nothing; a file that differs is reported, not enforced.
  PolicyStore again(*storage_, *crypto_, clock_, reader_);
  auto changed = Policy(Replace(example_, "notice_days = 10", "notice_days = 14"));
  notes = again.Start({changed});
  ASSERT_TRUE(notes);
  ASSERT_EQ(notes->size(), 1u);
  EXPECT_NE((*notes)[0].find("differs from version 1"), std::string::npos);
  EXPECT_EQ(again.Current("demo")->policy->publication.notice_days, 10);
}

TEST_F(PolicyStoreTest, VersionsRecordWhatChangedAndRefuseNothingNew) {
  ASSERT_TRUE(store_->Start({Policy(example_)}));
  auto same = store_->Publish(Policy(example_), clock_.Now());
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().reason(), "policy_unchanged");
  // A comment is not a change either.
  EXPECT_FALSE(store_->Publish(Policy("# a comment\n" + example_), clock_.Now()));

  // Only the wording of a text changes: published, not material.
  auto wording = store_->Publish(
      Policy(Replace(example_, "страницы курсов на сайте", "страницы отзывов на сайте")),
      clock_.Now());
  ASSERT_TRUE(wording) << wording.error().message();
  EXPECT_EQ(wording->version, 2);
  EXPECT_FALSE(wording->material);
  EXPECT_EQ(wording->changes, "changed  texts: the wording of the generated texts\n");

  auto wider = store_->Publish(Policy(Replace(example_, "fields = [\"birth_date\", \"city\"]",
                                              "fields = [\"birth_date\", \"city\", \"name\"]")),
                               clock_.Now(), /*short_notice=*/true);
  ASSERT_TRUE(wider) << wider.error().message();
  EXPECT_TRUE(wider->material);
  EXPECT_NE(wider->changes.find("widened  purpose 'statistics': fields: + name  [material]"),
            std::string::npos)
      << wider->changes;
  EXPECT_EQ(wider->text_hash.size(), 64u);
  EXPECT_NE(wider->text_hash, wording->text_hash);
  EXPECT_EQ(store_->Current("demo")->version, 3);
  EXPECT_EQ(store_->Current("demo")->policy->FindPurpose("statistics")->fields.size(), 3u);
}

TEST_F(PolicyStoreTest, AScheduledVersionComesIntoForceAtItsTime) {
  ASSERT_TRUE(store_->Start({Policy(example_)}));
  UnixMicros in_ten_days = clock_.Peek() + 10LL * 86400 * 1'000'000;
  auto later = store_->Publish(Policy(Replace(example_, "notice_days = 10", "notice_days = 14")),
                               in_ten_days);
  ASSERT_TRUE(later) << later.error().message();
  EXPECT_EQ(store_->Current("demo")->version, 1);
  // Nothing may take effect before a version already scheduled, nor in the past.
  auto earlier = store_->Publish(Policy(Replace(example_, "notice_days = 10", "notice_days = 12")),
                                 in_ten_days - 1'000'000);
  ASSERT_FALSE(earlier);
  EXPECT_EQ(earlier.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(store_->Publish(Policy(Replace(example_, "notice_days = 10", "notice_days = 12")),
                               clock_.Peek() - 3'600'000'000LL));
  clock_.Set(in_ten_days);
  ASSERT_TRUE(store_->Refresh(clock_.Now()));
  EXPECT_EQ(store_->Current("demo")->version, 2);
  EXPECT_EQ(store_->Current("demo")->policy->publication.notice_days, 14);
}

// The example promises 10 days between the announcement of a change and its effect.
TEST_F(PolicyStoreTest, AMaterialChangeWaitsForTheNoticeThePolicyPromised) {
  ASSERT_TRUE(store_->Start({Policy(example_)}));
  std::string wider_text = Replace(example_, "fields = [\"birth_date\", \"city\"]",
                                   "fields = [\"birth_date\", \"city\", \"name\"]");
  constexpr int64_t kDay = 86'400'000'000LL;
  auto soon = store_->Publish(Policy(wider_text), clock_.Peek() + 9 * kDay);
  ASSERT_FALSE(soon);
  EXPECT_EQ(soon.error().reason(), "notice_too_short");
  EXPECT_NE(soon.error().message().find("promises 10 days' notice"), std::string::npos)
      << soon.error().message();
  EXPECT_EQ(store_->Current("demo")->version, 1);

  // A change that is not material needs no notice.
  auto wording = store_->Publish(
      Policy(Replace(example_, "страницы курсов на сайте", "страницы отзывов на сайте")),
      clock_.Now());
  ASSERT_TRUE(wording) << wording.error().message();

  // Ten days ahead is enough; sooner only when the operator says so, and it is on record.
  auto urgent = store_->Publish(Policy(wider_text), clock_.Now(), /*short_notice=*/true);
  ASSERT_TRUE(urgent) << urgent.error().message();
  EXPECT_TRUE(urgent->material);
  EXPECT_NE(urgent->changes.find("short notice: version 2 promised 10 days"), std::string::npos)
      << urgent->changes;
  auto later = store_->Publish(
      Policy(Replace(wider_text, "notice_days = 10", "notice_days = 0")),  // not material
      clock_.Now());
  ASSERT_TRUE(later) << later.error().message();
  auto no_promise =
      store_->Publish(Policy(Replace(Replace(wider_text, "notice_days = 10", "notice_days = 0"),
                                     "\"city\", \"name\"]", "\"city\", \"name\", \"surname\"]")),
                      clock_.Now());
  ASSERT_TRUE(no_promise) << no_promise.error().message();  // 0 days promised
  EXPECT_TRUE(no_promise->material);
  EXPECT_EQ(no_promise->changes.find("short notice"), std::string::npos);
}

TEST_F(PolicyStoreTest, APolicyThatFailsItsChecksIsNotPublished) {
  ASSERT_TRUE(store_->Start({Policy(example_)}));
  auto broken = adapters::ParsePolicy(Replace(example_, "inn = \"7701234567\"\n", ""), "b.toml");
  ASSERT_TRUE(broken);
  auto r = store_->Publish(*broken, clock_.Now());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("has no inn"), std::string::npos);
}

}  // namespace
}  // namespace konfid::app
