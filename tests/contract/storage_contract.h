// The storage contract: what every ports::Storage backend must do. Instantiated for SQLite
// (storage_contract_test.cc) and for a real PostgreSQL (storage_contract_pgtest.cc).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "ports/storage.h"

namespace konfid::contract {

// Opens a fresh, empty database of the backend under test (not migrated).
using StorageFactory = std::function<std::unique_ptr<ports::Storage>()>;

class StorageContract : public ::testing::TestWithParam<StorageFactory> {
 protected:
  void SetUp() override;
  std::unique_ptr<ports::Storage> storage_;
};

}  // namespace konfid::contract
