#include "checkpoint_e2e.h"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

namespace konfid::e2e {

namespace json = boost::json;

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

// Creates a subject and reads it back: two events in the tenant's chain.
void TwoEvents(Instance& konfid, const std::string& key, int n) {
  auto r = konfid.Request("POST", "/v1/subjects",
                          R"({"fields":{"surname":"S","name":"N","email":"c)" + std::to_string(n) +
                              R"(@example.com"}})",
                          key);
  ASSERT_EQ(r.status, 201u) << r.body;
  r = konfid.Request("GET", "/v1/subjects/" + JsonString(r.body, "id") + "?purpose=registration",
                     "", key);
  ASSERT_EQ(r.status, 200u) << r.body;
}

}  // namespace

void CheckpointE2E::SetUp() {
  std::string db = GetParam()();
  konfid_ = std::make_unique<Instance>(db);
  db_ = db.empty() ? konfid_->data_dir() + "/konfid.db" : db;
  // A long interval: the checkpoints below come from the shutdown pass alone.
  std::ofstream(konfid_->config_path(), std::ios::app)
      << "[audit]\ncheckpoint_file = \"checkpoints.jws\"\ncheckpoint_interval = 3600\n";
  std::string key = konfid_->CreateKey("demo", "admin");
  konfid_->Start();
  for (int i = 0; i < 3; ++i) TwoEvents(*konfid_, key, i);
  // demo's chain: apikey_created, policy_published (at the first start), then six events.
  ASSERT_EQ(konfid_->Stop(), 0);  // checkpoint of event 8
  konfid_->Start();
  auto r = konfid_->Request("GET", "/v1/audit/checkpoints?tenant=demo", "", "");  // public
  ASSERT_EQ(r.status, 200u) << r.body;
  json::object body = json::parse(r.body).as_object();
  EXPECT_EQ(body["latest"].as_object()["seq"].to_number<int64_t>(), 8);
  std::vector<std::string> lines = Lines(ReadFile(checkpoint_file()));
  ASSERT_EQ(lines.size(), 2u);  // demo's, and other's (its policy_published)
  std::string latest(body["latest"].as_object()["checkpoint"].as_string());
  EXPECT_TRUE(latest == lines[0] || latest == lines[1]) << latest;
  EXPECT_TRUE(body["key"].as_object()["kid"].as_string().starts_with("demo-"));
  TwoEvents(*konfid_, key, 3);
  ASSERT_EQ(konfid_->Stop(), 0);  // checkpoint of event 10; other's head has not moved
  ASSERT_EQ(Lines(ReadFile(checkpoint_file())).size(), 3u);
}

CommandResult CheckpointE2E::Verify(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"audit", "verify", "--data", konfid_->data_dir()};
  for (auto& a : konfid_->DbArgs()) args.push_back(a);
  for (auto& a : extra) args.push_back(a);
  return RunKonfid(args);
}

void CheckpointE2E::Tamper(const std::string& sql) {
  std::string error = konfid::testing::RunSql(db_, sql);
  ASSERT_EQ(error, "") << sql;
}

TEST_P(CheckpointE2E, UntouchedChainHoldsEveryCheckpoint) {
  auto r = Verify({"--checkpoint", checkpoint_file()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("tenant demo: ok, 10 events"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("3 of 3 checkpoints hold"), std::string::npos) << r.output;
  r = Verify();  // the database's own copies
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("3 of 3 checkpoints hold (stored in the database"), std::string::npos)
      << r.output;
}

TEST_P(CheckpointE2E, CutEndWithRewoundHeadFails) {
  Tamper(
      "DELETE FROM audit_events WHERE tenant_id = 'demo' AND seq > 8;"
      "UPDATE audit_heads SET seq = 8, hash = (SELECT hash FROM audit_events"
      " WHERE tenant_id = 'demo' AND seq = 8) WHERE tenant_id = 'demo';"
      "DELETE FROM audit_checkpoints;");  // the intruder deletes the stored copies too
  auto r = Verify();                      // without a copy kept elsewhere, the cut goes unnoticed
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = Verify({"--checkpoint", checkpoint_file()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("tenant demo, event 10: missing; the chain now has 8 events"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("2 of 3 checkpoints hold"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("audit chains DO NOT verify"), std::string::npos) << r.output;
}

TEST_P(CheckpointE2E, WipedChainWithHeadAtZeroFails) {
  Tamper(
      "DELETE FROM audit_events WHERE tenant_id = 'demo';"
      "UPDATE audit_heads SET seq = 0, hash = (SELECT prev_hash FROM audit_events"
      " WHERE tenant_id = 'other' AND seq = 1) WHERE tenant_id = 'demo';");  // 32 zero bytes
  auto r = Verify({"--checkpoint", checkpoint_file()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("tenant demo: ok, 0 events"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("tenant demo, event 8: missing; the chain now has 0 events"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("event 10: missing"), std::string::npos) << r.output;
  r = Verify();  // the stored checkpoints were left: they catch it too
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

TEST_P(CheckpointE2E, TamperedCheckpointLineIsRejected) {
  std::vector<std::string> lines = Lines(ReadFile(checkpoint_file()));
  ASSERT_EQ(lines.size(), 3u);
  std::string& sig = lines[2];  // demo's second
  char& c = sig[sig.size() - 10];
  c = c == 'A' ? 'B' : 'A';
  {
    std::ofstream out(checkpoint_file(), std::ios::trunc);
    out << lines[0] << "\n" << lines[1] << "\n" << lines[2] << "\n";
  }
  auto r = Verify({"--checkpoint", checkpoint_file()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("checkpoint " + checkpoint_file() +
                          ":3: tenant demo, event 10: the signature does not verify"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("2 of 3 checkpoints hold"), std::string::npos) << r.output;
  std::ofstream(checkpoint_file(), std::ios::app) << "garbage\n";
  r = Verify({"--checkpoint", checkpoint_file()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(":4: not a checkpoint"), std::string::npos) << r.output;
}

TEST_P(CheckpointE2E, RouteNamesItsTenantAndChecksItsQuery) {
  konfid_->Start();
  unsigned short port = konfid_->port();
  EXPECT_EQ(Http(port, "GET", "/v1/audit/checkpoints").status, 400u);
  EXPECT_EQ(Http(port, "GET", "/v1/audit/checkpoints?tenant=nobody").status, 404u);
  EXPECT_EQ(Http(port, "GET", "/v1/audit/checkpoints?tenant=demo&limit=0").status, 400u);
  EXPECT_EQ(Http(port, "GET", "/v1/audit/checkpoints?tenant=demo&x=1").status, 400u);
  EXPECT_EQ(Http(port, "POST", "/v1/audit/checkpoints?tenant=demo").status, 405u);
  auto r = Http(port, "GET", "/v1/audit/checkpoints?tenant=demo&limit=1");
  ASSERT_EQ(r.status, 200u) << r.body;
  json::object body = json::parse(r.body).as_object();
  ASSERT_EQ(body["checkpoints"].as_array().size(), 1u);
  EXPECT_EQ(body["checkpoints"].as_array()[0].as_object()["seq"].to_number<int64_t>(), 10);
  r = Http(port, "GET", "/v1/audit/checkpoints?tenant=other");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::parse(r.body).as_object()["latest"].as_object()["seq"].to_number<int64_t>(), 1)
      << r.body;  // its policy_published
}

}  // namespace konfid::e2e
