#include "adapters/config/toml_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_support.h"

namespace konfid::adapters {
namespace {

std::string Write(const konfid::testing::TempDir& dir, const std::string& name,
                  const std::string& text) {
  std::string path = dir.path() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(TomlConfig, ExampleConfigLoads) {
  auto config = LoadServiceConfig(konfid::testing::SourceDir() + "/examples/konfid.toml");
  ASSERT_TRUE(config) << config.error().message();
  ASSERT_EQ(config->tenants.size(), 1u);
  const auto& policy = config->tenants[0];
  EXPECT_EQ(policy.tenant, "demo");
  for (const char* f : {"surname", "name", "patronymic", "birth_date", "email", "phone"})
    EXPECT_NE(policy.catalogue.Find(f), nullptr) << f;
  EXPECT_TRUE(policy.catalogue.Find("email")->lookup);
  EXPECT_TRUE(policy.catalogue.Find("phone")->lookup);
  EXPECT_EQ(config->body_limit, 65536u);
}

TEST(TomlConfig, RejectsBadServiceSettings) {
  konfid::testing::TempDir dir;
  auto msg = [](auto r) { return r ? std::string("ok") : r.error().message(); };
  std::ifstream example(konfid::testing::SourceDir() + "/examples/policy.toml");
  std::stringstream policy;
  policy << example.rdbuf();
  Write(dir, "p.toml", policy.str());
  EXPECT_NE(msg(LoadServiceConfig(Write(
                    dir, "k.toml", "[server]\nbody_limit = 5\n[[tenant]]\npolicy = \"p.toml\"\n")))
                .find("body_limit"),
            std::string::npos);
  // A float where an integer belongs is refused, however large (toml++ would cast it
  // unchecked: undefined behaviour the fuzzer found for 10e24).
  for (const char* value : {"10e24", "65536.0", "-1e300", "nan", "inf"})
    EXPECT_NE(msg(LoadServiceConfig(Write(dir, "kf.toml",
                                          std::string("[server]\nbody_limit = ") + value +
                                              "\n[[tenant]]\npolicy = \"p.toml\"\n")))
                  .find("body_limit must be"),
              std::string::npos)
        << value;
  EXPECT_NE(msg(LoadServiceConfig(Write(dir, "k2.toml", "[server]\n"))).find("no [[tenant]]"),
            std::string::npos);
  EXPECT_NE(msg(LoadServiceConfig(
                    Write(dir, "k3.toml",
                          "[[tenant]]\npolicy = \"p.toml\"\n[[tenant]]\npolicy = \"p.toml\"\n")))
                .find("configured twice"),
            std::string::npos);
}

TEST(TomlConfig, MailSettingsAreReadAndChecked) {
  konfid::testing::TempDir dir;
  std::ifstream example(konfid::testing::SourceDir() + "/examples/policy.toml");
  std::stringstream policy;
  policy << example.rdbuf();
  Write(dir, "p.toml", policy.str());
  auto load = [&](const std::string& mail) {
    return LoadServiceConfig(
        Write(dir, "k.toml", "[[tenant]]\npolicy = \"p.toml\"\n[mail]\n" + mail));
  };
  auto config =
      load("token_hours = 12\nnotice_days = 14\nunsubscribe_base = \"https://k.example\"\n");
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->mail.token_hours, 12);
  EXPECT_EQ(config->mail.notice_days, 14);
  EXPECT_EQ(config->mail.unsubscribe_base, "https://k.example");
  EXPECT_EQ(load("")->mail.notice_days, 30);  // the default
  for (const char* bad : {"notice_days = 0\n", "notice_days = 400\n", "notice_days = \"x\"\n"}) {
    auto r = load(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message().find("notice_days must be 1..365"), std::string::npos)
        << r.error().message();
  }
  EXPECT_FALSE(load("notice_dayz = 3\n"));  // unknown keys are refused
}

TEST(TomlConfig, AuditCheckpointSettingsAreReadAndChecked) {
  konfid::testing::TempDir dir;
  std::ifstream example(konfid::testing::SourceDir() + "/examples/policy.toml");
  std::stringstream policy;
  policy << example.rdbuf();
  Write(dir, "p.toml", policy.str());
  auto load = [&](const std::string& audit) {
    return LoadServiceConfig(
        Write(dir, "k.toml", "[[tenant]]\npolicy = \"p.toml\"\n[audit]\n" + audit));
  };
  auto config = load("checkpoint_file = \"ckpt/demo.jws\"\ncheckpoint_interval = 60\n");
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->audit.checkpoint_file, dir.path() + "/ckpt/demo.jws");  // beside the config
  EXPECT_EQ(config->audit.checkpoint_interval, 60);
  EXPECT_EQ(load("")->audit.checkpoint_interval, 300);  // the default
  EXPECT_EQ(load("")->audit.checkpoint_file, "");
  EXPECT_EQ(load("checkpoint_file = \"/var/k.jws\"\n")->audit.checkpoint_file, "/var/k.jws");
  for (const char* bad : {"checkpoint_interval = 0\n", "checkpoint_interval = \"5m\"\n"}) {
    auto r = load(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message().find("checkpoint_interval must be"), std::string::npos)
        << r.error().message();
  }
  EXPECT_FALSE(load("checkpoint_fil = \"x\"\n"));
}

TEST(TomlConfig, SmsSettingsAreReadAndChecked) {
  konfid::testing::TempDir dir;
  std::ifstream example(konfid::testing::SourceDir() + "/examples/policy.toml");
  std::stringstream policy;
  policy << example.rdbuf();
  Write(dir, "p.toml", policy.str());
  auto load = [&](const std::string& sms) {
    return LoadServiceConfig(
        Write(dir, "k.toml", "[[tenant]]\npolicy = \"p.toml\"\n[sms]\n" + sms));
  };
  const std::string gateway =
      "gateway_url = \"https://sms.example/v1/send\"\ntoken_file = \"sms.token\"\n"
      "sender = \"Konfid\"\n";
  auto config = load(gateway + "timeout_ms = 3000\nconnect_timeout_ms = 1000\n");
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->sms.gateway_url, "https://sms.example/v1/send");
  EXPECT_EQ(config->sms.token_file, dir.path() + "/sms.token");  // beside the config
  EXPECT_EQ(config->sms.sender, "Konfid");
  EXPECT_EQ(config->sms.timeout_ms, 3000);
  EXPECT_EQ(config->sms.connect_timeout_ms, 1000);
  auto defaults = load(gateway);
  ASSERT_TRUE(defaults) << defaults.error().message();
  EXPECT_EQ(defaults->sms.timeout_ms, 10000);
  EXPECT_EQ(defaults->sms.connect_timeout_ms, 5000);
  EXPECT_EQ(load("token_file = \"/etc/konfid/sms.token\"\n"
                 "gateway_url = \"http://127.0.0.1:9000/\"\nsender = \"K\"\n")
                ->sms.token_file,
            "/etc/konfid/sms.token");
  // No [sms], or one without gateway_url: nothing is sent, nothing else is required.
  auto none = LoadServiceConfig(Write(dir, "k0.toml", "[[tenant]]\npolicy = \"p.toml\"\n"));
  ASSERT_TRUE(none) << none.error().message();
  EXPECT_EQ(none->sms.gateway_url, "");
  ASSERT_TRUE(load("sender = \"Konfid\"\n"));
  EXPECT_EQ(load("")->sms.gateway_url, "");
  auto fails = [&](const std::string& sms, const std::string& what) {
    auto r = load(sms);
    ASSERT_FALSE(r) << sms;
    EXPECT_NE(r.error().message().find(what), std::string::npos) << r.error().message();
    EXPECT_NE(r.error().message().find("k.toml:"), std::string::npos) << r.error().message();
  };
  fails(gateway + "timout_ms = 3000\n", "unknown key 'timout_ms' in [sms]");
  fails(gateway + "password = \"x\"\n", "unknown key 'password' in [sms]");  // no token here
  fails("gateway_url = \"ftp://sms.example/\"\ntoken_file = \"t\"\nsender = \"K\"\n",
        "gateway_url must start with http:// or https://");
  fails("gateway_url = \"sms.example/send\"\ntoken_file = \"t\"\nsender = \"K\"\n",
        "gateway_url must start with http:// or https://");
  fails("gateway_url = 8080\n", "'gateway_url' must be a string");
  fails(gateway + "timeout_ms = \"10s\"\n", "timeout_ms must be 100..120000");
  fails(gateway + "timeout_ms = 10000.0\n", "timeout_ms must be 100..120000");
  fails(gateway + "timeout_ms = 50\n", "timeout_ms must be 100..120000");
  fails(gateway + "connect_timeout_ms = 0\n", "connect_timeout_ms must be 100..60000");
  fails("gateway_url = \"https://sms.example/\"\nsender = \"K\"\n", "missing 'token_file'");
  fails("gateway_url = \"https://sms.example/\"\ntoken_file = \"t\"\n", "missing 'sender'");
  fails("gateway_url = \"https://sms.example/\"\ntoken_file = \"t\"\nsender = \"\"\n",
        "sender must not be empty");
  fails("gateway_url = \"https://sms.example/\"\ntoken_file = [\"t\"]\nsender = \"K\"\n",
        "'token_file' must be a string");
  auto not_table = LoadServiceConfig(
      Write(dir, "k4.toml", "sms = \"https://sms.example/\"\n[[tenant]]\npolicy = \"p.toml\"\n"));
  ASSERT_FALSE(not_table);
  EXPECT_NE(not_table.error().message().find("sms must be a table"), std::string::npos)
      << not_table.error().message();
}

TEST(TomlConfig, JobPeriodsAreReadAndChecked) {
  konfid::testing::TempDir dir;
  std::ifstream example(konfid::testing::SourceDir() + "/examples/policy.toml");
  std::stringstream policy;
  policy << example.rdbuf();
  Write(dir, "p.toml", policy.str());
  auto load = [&](const std::string& jobs) {
    return LoadServiceConfig(
        Write(dir, "k.toml", "[[tenant]]\npolicy = \"p.toml\"\n[jobs]\n" + jobs));
  };
  auto config = load("outbox_period_ms = 3600000\nexpiry_period_ms = 10\n");
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->jobs.outbox_period_ms, 3'600'000);
  EXPECT_EQ(config->jobs.expiry_period_ms, 10);
  EXPECT_EQ(config->jobs.policy_period_ms, 1000);  // the defaults
  EXPECT_EQ(config->jobs.notices_period_ms, 1000);
  EXPECT_EQ(load("")->jobs.outbox_period_ms, 200);
  for (const char* bad : {"policy_period_ms = 0\n", "notices_period_ms = 86400001\n",
                          "outbox_period_ms = \"1s\"\n"}) {
    auto r = load(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message().find("_period_ms must be"), std::string::npos)
        << r.error().message();
  }
  EXPECT_FALSE(load("outbox_period = 5\n"));  // unknown keys are refused
  EXPECT_EQ(load("codes_period_ms = 60000\n")->jobs.codes_period_ms, 60'000);
  EXPECT_EQ(load("")->jobs.codes_period_ms, 3'600'000);
  EXPECT_EQ(load("events_period_ms = 60000\n")->jobs.events_period_ms, 60'000);
  EXPECT_EQ(load("")->jobs.events_period_ms, 3'600'000);
}

TEST(TomlConfig, InstalledCalendarsAreReadAndChecked) {
  konfid::testing::TempDir dir;
  std::ifstream example(konfid::testing::SourceDir() + "/examples/policy.toml");
  std::stringstream policy;
  policy << example.rdbuf();
  Write(dir, "p.toml", policy.str());
  Write(dir, "ru-2027.txt", "# a test year\n2027-01-01 off\n2027-01-04 off\n");
  Write(dir, "bad.txt", "2027-01-01 off\n2027-01-02 off\n");  // a Saturday listed off
  auto load = [&](const std::string& calendars) {
    return LoadServiceConfig(
        Write(dir, "k.toml", "[[tenant]]\npolicy = \"p.toml\"\n[calendars]\n" + calendars));
  };
  auto config = load("ru = [\"ru-2027.txt\"]\n");
  ASSERT_TRUE(config) << config.error().message();
  ASSERT_EQ(config->ru_calendar.size(), 1u);
  EXPECT_EQ(config->ru_calendar[0].year, 2027);
  EXPECT_EQ(config->ru_calendar[0].off.size(), 2u);
  EXPECT_TRUE(load("")->ru_calendar.empty());

  auto bad = load("ru = [\"bad.txt\"]\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason(), "invalid_calendar");
  EXPECT_NE(bad.error().message().find("bad.txt: calendar line 2"), std::string::npos)
      << bad.error().message();
  auto missing = load("ru = [\"ru-2028.txt\"]\n");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("cannot be read"), std::string::npos);
  EXPECT_FALSE(load("ru = \"ru-2027.txt\"\n"));  // a list, not a string
  EXPECT_FALSE(load("de = []\n"));               // only countries Konfid counts terms for
}

}  // namespace
}  // namespace konfid::adapters

namespace konfid::adapters {
namespace {

TEST(TomlConfig, ServerLimitsAndProxiesAreReadAndChecked) {
  konfid::testing::TempDir dir;
  std::ifstream example(konfid::testing::SourceDir() + "/examples/policy.toml");
  std::stringstream policy;
  policy << example.rdbuf();
  Write(dir, "p.toml", policy.str());
  auto load = [&](const std::string& server) {
    return LoadServiceConfig(
        Write(dir, "k.toml", "[server]\n" + server + "\n[[tenant]]\npolicy = \"p.toml\"\n"));
  };
  auto config = load(
      "max_connections = 500\nheader_timeout = 5\nidle_timeout = 20\nevents_per_minute = 0\n"
      "trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\", \"::1\"]");
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->max_connections, 500u);
  EXPECT_EQ(config->header_timeout_seconds, 5);
  EXPECT_EQ(config->idle_timeout_seconds, 20);
  EXPECT_EQ(config->events_per_minute, 0);
  EXPECT_EQ(config->trusted_proxies, (std::vector<std::string>{"127.0.0.1", "10.0.0.0/8", "::1"}));
  auto defaults = load("");
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->max_connections, 0u);
  EXPECT_EQ(defaults->header_timeout_seconds, 10);
  EXPECT_EQ(defaults->idle_timeout_seconds, 30);
  EXPECT_EQ(defaults->events_per_minute, 600);
  EXPECT_TRUE(defaults->trusted_proxies.empty());
  for (const char* bad : {"header_timeout = 0", "idle_timeout = 7200", "max_connections = -1",
                          "trusted_proxies = \"127.0.0.1\"", "trusted_proxies = [\"proxy.lan\"]",
                          "trusted_proxies = [1]", "idle_timeut = 3", "events_per_minute = -1",
                          "events_per_minute = 1000001"}) {
    auto r = load(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message().find("k.toml:2"), std::string::npos) << r.error().message();
  }
}

}  // namespace
}  // namespace konfid::adapters
