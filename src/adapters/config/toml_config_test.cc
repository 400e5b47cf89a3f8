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
  EXPECT_NE(msg(LoadServiceConfig(Write(dir, "k2.toml", "[server]\n"))).find("no [[tenant]]"),
            std::string::npos);
  EXPECT_NE(msg(LoadServiceConfig(
                    Write(dir, "k3.toml",
                          "[[tenant]]\npolicy = \"p.toml\"\n[[tenant]]\npolicy = \"p.toml\"\n")))
                .find("configured twice"),
            std::string::npos);
}

}  // namespace
}  // namespace konfid::adapters
