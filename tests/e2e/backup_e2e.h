// End-to-end tests of backups on both backends (docs/operations.md, "Backups"): `konfid backup`
// while the server runs, an erasure, `konfid restore` of the older data backup beside the
// current key store; the erased subject stays unreadable.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "api_e2e.h"

namespace konfid::e2e {

class BackupE2E : public ::testing::TestWithParam<DbFactory> {
 protected:
  void SetUp() override;
  // `konfid <command>` on the instance's database, with `extra` arguments.
  CommandResult Konfid(const std::string& command, const std::vector<std::string>& extra);
  // The subject's wrapped data key as stored in the key store, in hex.
  std::string WrappedKeyHex(const std::string& id);
  std::unique_ptr<Instance> konfid_;
  std::string db_;  // empty for SQLite
};

}  // namespace konfid::e2e
