// The example policy (examples/policy.toml), for the tests of this folder. Test-only.
#pragma once

#include <gtest/gtest.h>

#include "adapters/config/toml_config.h"
#include "test_support.h"

namespace konfid::text {

inline domain::TenantPolicy Example() {
  auto p = adapters::LoadPolicyFile(konfid::testing::SourceDir() + "/examples/policy.toml");
  EXPECT_TRUE(p) << p.error().message();
  return *p;
}

}  // namespace konfid::text
