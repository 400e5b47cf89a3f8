// The tenant "demo" of examples/policy.toml on a real SQLite file in `dir` (or a PostgreSQL
// database): its keys, the policy published and in force, the group committer and the use
// cases over them. What the app tests that drive use cases without HTTP share. Links the
// SQLite, PostgreSQL, libsodium, toml++ and libphonenumber adapters (the app module's test
// libraries). Not thread-safe to open.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <initializer_list>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/config/toml_config.h"
#include "adapters/crypto/sodium_crypto.h"
#include "adapters/phone/libphonenumber_normalizer.h"
#include "adapters/storage/postgres/pg_storage.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "app/destruction_acts.h"
#include "test_support.h"
#include "use_cases.h"

namespace konfid::fakes {

// The database a test opens: empty for an SQLite file in the test's directory, or a
// postgres:// URL (a fresh database each time): what a suite run on both is parameterized by.
using DbFactory = std::function<std::string()>;
inline DbFactory OnSqlite() {
  return [] { return std::string(); };
}
inline DbFactory OnPostgres() {
  return [] {
    std::string url = konfid::testing::FreshPostgresDatabase();
    EXPECT_FALSE(url.empty()) << "run under ctest: no test cluster";
    return url;
  };
}

// Whether an act's `claims` hold each of `parts` (canonical JSON: members as
// domain/destruction_act writes them); a part missing fails the test with the claims.
inline bool ActSays(const std::string& claims, std::initializer_list<std::string> parts) {
  for (const auto& part : parts)
    if (claims.find(part) == std::string::npos) {
      ADD_FAILURE() << "the act does not say " << part << ":\n" << claims;
      return false;
    }
  return true;
}

struct DemoTenant {
  // Opens everything in order; the first error stops it. `edit` changes the example policy's
  // text before it is published; `db`, a postgres:// URL, puts the tenant on PostgreSQL
  // instead of an SQLite file in `dir`.
  Status Open(const std::string& dir, ports::Clock& clock,
              const std::function<std::string(std::string)>& edit = nullptr,
              const std::string& db = "") {
    KONFID_ASSIGN_OR_RETURN(crypto, adapters::SodiumCrypto::Create());
    if (db.empty()) {
      KONFID_ASSIGN_OR_RETURN(storage,
                              adapters::SqliteStorage::Open(
                                  {dir + "/k.db", true, 5000, &konfid::testing::RealClock()}));
    } else {
      KONFID_ASSIGN_OR_RETURN(storage, adapters::PgStorage::Open(db));
    }
    KONFID_TRY(storage->Migrate());
    KONFID_ASSIGN_OR_RETURN(keyring, app::Keyring::Open(*crypto, *storage, crypto->NewKey(), true));
    KONFID_TRY(keyring->EnsureTenant("demo", clock.Now()));
    std::ifstream in(konfid::testing::SourceDir() + "/examples/policy.toml");
    std::stringstream text;
    text << in.rdbuf();
    KONFID_ASSIGN_OR_RETURN(auto policy,
                            reader.Read(edit ? edit(text.str()) : text.str(), "policy.toml"));
    policies = std::make_unique<app::PolicyStore>(*storage, *crypto, clock, reader);
    KONFID_TRY(policies->Start({policy}));
    committer = std::make_unique<app::GroupCommitter>(*storage, *crypto, *keyring, clock);
    uc = std::make_unique<UseCases>(*policies, *keyring, *committer, *crypto, phones, clock);
    return Ok();
  }

  // The claims of each act of destruction stored for `subject` (every subject's when empty),
  // oldest first, once its signature verified with the tenant's published key; a stored act
  // that does not verify fails the test.
  std::vector<std::string> ActClaims(const std::string& subject = "") {
    std::vector<std::string> out;
    auto txn = storage->Begin(false);
    EXPECT_TRUE(txn);
    if (!txn) return out;
    auto rows = (*txn)->ListDestructionActs("demo", {subject, "", 1000});
    EXPECT_TRUE(rows);
    auto keys = keyring->Tenant("demo");
    if (!rows || !keys) return out;
    for (const auto& row : *rows) {
      auto claims = app::VerifyDestructionAct(*crypto, (*keys)->receipt_public_key, row.jws);
      EXPECT_TRUE(claims) << claims.error().message();
      if (claims) out.push_back(*claims);
    }
    return out;
  }

  adapters::TomlPolicyReader reader;
  adapters::LibPhoneNumberNormalizer phones;
  std::unique_ptr<adapters::SodiumCrypto> crypto;
  std::unique_ptr<ports::Storage> storage;
  std::unique_ptr<app::Keyring> keyring;
  std::unique_ptr<app::PolicyStore> policies;
  std::unique_ptr<app::GroupCommitter> committer;
  std::unique_ptr<UseCases> uc;
};

}  // namespace konfid::fakes
