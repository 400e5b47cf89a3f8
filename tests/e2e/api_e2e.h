// End-to-end tests of the API shared by both backends: each test gets a fresh instance.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "e2e_support.h"

namespace konfid::e2e {

// Returns "" for SQLite or a fresh postgres:// database URL.
using DbFactory = std::function<std::string()>;

class ApiE2E : public ::testing::TestWithParam<DbFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;
  HttpResult Post(const std::string& body, const std::string& key = "") {
    return konfid_->Request("POST", "/v1/subjects", body, key.empty() ? admin_ : key);
  }
  HttpResult Get(const std::string& target, const std::string& key = "") {
    return konfid_->Request("GET", target, "", key.empty() ? admin_ : key);
  }
  std::unique_ptr<Instance> konfid_;
  std::string admin_, support_, analyst_, other_admin_;
};

}  // namespace konfid::e2e
