#include "adapters/config/toml_config.h"

#include <gtest/gtest.h>

#include <fstream>

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

TEST(TomlConfig, ErrorsNameFileAndLine) {
  konfid::testing::TempDir dir;
  auto path = Write(dir, "p.toml",
                    "[tenant]\nid = \"demo\"\n\n[[field]]\nname = \"email\"\ntype = \"emial\"\n");
  auto r = LoadPolicyFile(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find(path + ":4"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("unknown type 'emial'"), std::string::npos);
}

TEST(TomlConfig, RejectsUnknownKeysSyntaxErrorsAndBadValues) {
  konfid::testing::TempDir dir;
  auto msg = [](auto r) { return r ? std::string("ok") : r.error().message(); };
  EXPECT_NE(msg(LoadPolicyFile(Write(dir, "a.toml", "[tenant]\nid = \"demo\"\ncolour = 1\n")))
                .find("unknown key 'colour'"),
            std::string::npos);
  EXPECT_NE(msg(LoadPolicyFile(Write(dir, "b.toml", "[tenant\n"))).find("b.toml:1"),
            std::string::npos);
  EXPECT_NE(msg(LoadPolicyFile(
                    Write(dir, "c.toml",
                          "[tenant]\nid = \"demo\"\n[[purpose]]\nid = \"x\"\nground = \"whim\"\n")))
                .find("unknown ground"),
            std::string::npos);
  EXPECT_NE(msg(LoadPolicyFile(Write(dir, "d.toml",
                                     "[tenant]\nid = \"demo\"\n[[purpose]]\nid = \"x\"\nground = "
                                     "\"consent\"\nfields = [\"email\"]\n")))
                .find("unknown field 'email'"),
            std::string::npos);
  EXPECT_NE(msg(LoadPolicyFile(dir.path() + "/missing.toml")).find("does not exist"),
            std::string::npos);
  Write(dir, "p.toml", "[tenant]\nid = \"demo\"\n");
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
