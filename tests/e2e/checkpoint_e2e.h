// End-to-end tests of signed audit checkpoints, on both backends: the real binary writes the
// checkpoint file on shutdown, and `audit verify --checkpoint FILE` catches a chain whose end
// was cut off (or that was wiped) with its head rewound to match.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "api_e2e.h"

namespace konfid::e2e {

class CheckpointE2E : public ::testing::TestWithParam<DbFactory> {
 protected:
  void SetUp() override;
  // `konfid audit verify` on the instance's database, with `extra` arguments.
  CommandResult Verify(const std::vector<std::string>& extra = {});
  // SQL behind the service's back, on whichever database the instance uses.
  void Tamper(const std::string& sql);
  std::string checkpoint_file() const { return konfid_->data_dir() + "/checkpoints.jws"; }
  std::unique_ptr<Instance> konfid_;
  std::string db_;
};

}  // namespace konfid::e2e
