// Konfid's scale path: two `konfid serve` nodes on one PostgreSQL, under a concurrent load of
// creates, consents, registrations, confirmations and marketing sends through both, then a
// material policy change. Each node has a data directory of its own (a copy of the master key)
// as a second machine would. Needs the throwaway cluster and a real SMTP server on loopback.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "e2e_support.h"

namespace konfid::e2e {
namespace {

constexpr int kRegistrants = 16;  // visitors who register, confirm and get marketing mail
constexpr int kSendsEach = 3;     // marketing messages to each of them
constexpr int kCreators = 4;      // threads creating subjects through alternate nodes
constexpr int kCreatesEach = 40;

// Runs `fn(i)` for i in [0, n) on `threads` threads.
template <typename Fn>
void Parallel(int n, int threads, Fn fn) {
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = next++; i < n; i = next++) fn(i);
    });
  for (auto& th : pool) th.join();
}

// One number a SQL query returns, through Debian's psql.
long long SqlCount(const std::string& url, const std::string& sql) {
  auto r = RunProgram({"psql", url, "-tAc", sql});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.exit_code == 0 ? std::stoll(r.output) : -1;
}

// Polls `done` until it holds or `seconds` pass.
template <typename Pred>
bool WaitUntil(Pred done, int seconds = 30) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

std::string Header(const std::string& message, const std::string& name) {
  size_t at = message.find("\n" + name + ": ");
  if (at == std::string::npos) return "";
  at += name.size() + 3;
  return message.substr(at, message.find_first_of("\r\n", at) - at);
}

std::string Recipient(const std::string& message) { return Header(message, "To"); }

class TwoNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = konfid::testing::FreshPostgresDatabase();
    ASSERT_FALSE(url_.empty()) << "run under ctest: no test cluster";
    a_ = std::make_unique<Instance>(url_, smtp_.url());
    admin_ = a_->CreateKey("demo", "admin");
    support_ = a_->CreateKey("demo", "support");
    b_ = Instance::AnotherNode(*a_);
    a_->Start();
    b_->Start();
  }
  // Node i % 2.
  Instance& Node(int i) { return i % 2 == 0 ? *a_ : *b_; }
  long long Pending() {
    return SqlCount(url_, "SELECT count(*) FROM outbox WHERE status = 'pending'");
  }

  konfid::testing::SmtpServer smtp_;
  std::string url_, admin_, support_;
  std::unique_ptr<Instance> a_, b_;
};

TEST_F(TwoNodes, ConcurrentLoadLosesNothingSendsOnceAndKeepsOneChain) {
  // Creates through both nodes; the same address raced through both gets exactly one subject.
  std::mutex mu;
  std::set<std::string> created;
  std::map<int, int> raced;  // race number -> subjects created for its address
  Parallel(kCreators * kCreatesEach, kCreators, [&](int i) {
    std::string email = "c" + std::to_string(i) + "@example.com";
    auto r = Node(i).Request(
        "POST", "/v1/subjects",
        R"({"fields":{"surname":"Нагрузкина","name":"Вера","email":")" + email + "\"}}", admin_);
    ASSERT_EQ(r.status, 201u) << r.body;
    auto consent =
        Node(i + 1).Request("POST", "/v1/subjects/" + JsonString(r.body, "id") + "/consents",
                            R"({"purpose":"statistics","action":"give"})", admin_);
    EXPECT_EQ(consent.status, 201u) << consent.body;
    std::lock_guard lock(mu);
    EXPECT_TRUE(created.insert(JsonString(r.body, "id")).second);
  });
  Parallel(20, 4, [&](int i) {
    std::string body = R"({"fields":{"surname":"Гонкина","name":"Ида","email":"race)" +
                       std::to_string(i / 2) + R"(@example.com"}})";
    auto r = Node(i).Request("POST", "/v1/subjects", body, admin_);
    EXPECT_TRUE(r.status == 201u || r.status == 409u) << r.body;
    std::lock_guard lock(mu);
    if (r.status == 201u) ++raced[i / 2];
  });
  for (int race = 0; race < 10; ++race) EXPECT_EQ(raced[race], 1) << "race " << race;

  // Registrations through both nodes; then each visitor confirms through the other node.
  std::vector<std::string> ids(kRegistrants);
  Parallel(kRegistrants, 4, [&](int i) {
    auto r = Node(i).Request(
        "POST", "/v1/registrations",
        R"({"fields":{"surname":"Регистрова","name":"Нина","email":"r)" + std::to_string(i) +
            R"(@example.com"},"consents":{"newsletter":true,"reviews":false,"statistics":false}})",
        admin_);
    EXPECT_EQ(r.status, 201u) << r.body;
    ids[i] = JsonString(r.body, "subject");
  });
  auto confirmations = smtp_.WaitFor(kRegistrants, 60);
  ASSERT_EQ(confirmations.size(), static_cast<size_t>(kRegistrants));
  std::set<std::string> confirmed;  // addresses
  Parallel(kRegistrants, 4, [&](int i) {
    std::string body = MailBody(confirmations[i]);
    size_t at = body.find("token=");
    ASSERT_NE(at, std::string::npos) << body;
    std::string token = body.substr(at + 6, body.find_first_of("\r\n ", at) - at - 6);
    auto ok = Node(i + 1).Request("POST", "/v1/confirmations",
                                  R"({"tenant":"demo","token":")" + token + "\"}", "");
    EXPECT_EQ(ok.status, 200u) << ok.body;
    std::lock_guard lock(mu);
    confirmed.insert(Recipient(confirmations[i]));
  });
  ASSERT_EQ(confirmed.size(), static_cast<size_t>(kRegistrants));

  // Marketing sends through both nodes: both nodes' outbox senders race for the same rows.
  Parallel(kRegistrants * kSendsEach, 4, [&](int i) {
    auto r = Node(i).Request(
        "POST", "/v1/subjects/" + ids[i % kRegistrants] + "/messages",
        R"({"purpose":"newsletter","subject":"Новости","body":"Текст )" + std::to_string(i) + "\"}",
        admin_);
    EXPECT_EQ(r.status, 202u) << r.body;
  });
  const size_t marketing = kRegistrants * kSendsEach;
  ASSERT_TRUE(WaitUntil([&] { return Pending() == 0; }, 60)) << Pending() << " still pending";
  auto mail = smtp_.WaitFor(kRegistrants + marketing, 30);
  EXPECT_EQ(mail.size(), kRegistrants + marketing);  // nothing twice, nothing missing
  std::set<std::string> message_ids;
  for (const auto& m : mail) EXPECT_TRUE(message_ids.insert(Header(m, "Message-ID")).second);

  // A material change: each newsletter subscriber gets exactly one notice, from one node.
  std::string wider = Replaced(SourceFile("examples/policy.toml"),
                               "fields = [\"name\", \"email\", \"phone\"]\nactions",
                               "fields = [\"name\", \"email\", \"phone\", \"city\"]\nactions");
  auto v2 = Http(b_->port(), "POST", "/v1/policy/versions?short_notice=true", wider, admin_,
                 "application/toml");
  ASSERT_EQ(v2.status, 201u) << v2.body;
  ASSERT_TRUE(WaitUntil(
      [&] {
        return SqlCount(url_, "SELECT count(*) FROM policy_notices WHERE done = 1") == 1 &&
               Pending() == 0;
      },
      60));
  mail = smtp_.WaitFor(2 * kRegistrants + marketing, 30);
  ASSERT_EQ(mail.size(), 2 * kRegistrants + marketing);
  std::map<std::string, int> notices;
  for (const auto& m : mail)
    if (MailBody(m).find("/v1/renewals/") != std::string::npos) ++notices[Recipient(m)];
  EXPECT_EQ(notices.size(), static_cast<size_t>(kRegistrants));
  for (const auto& [to, count] : notices) EXPECT_EQ(count, 1) << to;

  // A key revoked through one node is refused by both within a second.
  std::string probe = "/v1/subjects/" + *created.begin() + "?purpose=registration";
  ASSERT_EQ(b_->Request("GET", probe, "", support_).status, 200u);  // cached as valid on b
  auto revoked = a_->Request("DELETE", "/v1/apikeys/" + support_.substr(3, 16), "", admin_);
  ASSERT_EQ(revoked.status, 204u) << revoked.body;
  EXPECT_EQ(a_->Request("GET", probe, "", support_).status, 401u);
  EXPECT_TRUE(WaitUntil([&] { return b_->Request("GET", probe, "", support_).status == 401u; }, 1));

  // Every acknowledged subject reads back from either node; one unbroken chain per tenant.
  int i = 0;
  for (const auto& id : created)
    EXPECT_EQ(
        Node(i++).Request("GET", "/v1/subjects/" + id + "?purpose=registration", "", admin_).status,
        200u)
        << id;
  EXPECT_EQ(a_->Stop(), 0);
  EXPECT_EQ(b_->Stop(), 0);
  auto verify = RunKonfid({"audit", "verify", "--data", a_->data_dir(), "--db", url_});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("tenant demo: ok"), std::string::npos) << verify.output;
}

}  // namespace
}  // namespace konfid::e2e
