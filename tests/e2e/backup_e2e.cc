// Backups (docs/operations.md, "Backups"): `konfid backup` copies the data and, apart, the key
// store while the server runs; a subject erased after the data backup was taken stays
// unreadable when that backup is restored beside the current key store, because its key was
// destroyed in the one place a key lives. Key-store backups past the erasure term are pruned.
#include "backup_e2e.h"

#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "e2e_support.h"

namespace konfid::e2e {
namespace {

std::string Hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// A wrapped key read from the SQLite key store on a connection of the test's own.
std::string SqliteWrappedKey(const std::string& key_store, const std::string& id) {
  std::string out;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(key_store.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(h, "SELECT wrapped_key FROM subject_keys WHERE subject_id = ?", -1, &s,
                       nullptr);
    sqlite3_bind_text(s, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW)
      out.assign(static_cast<const char*>(sqlite3_column_blob(s, 0)), sqlite3_column_bytes(s, 0));
    sqlite3_finalize(s);
  }
  sqlite3_close(h);
  return out;
}

// The path printed after `label` on a line of `output`.
std::string PathAfter(const std::string& output, const std::string& label) {
  size_t at = output.find(label);
  if (at == std::string::npos) return "";
  at += label.size();
  return output.substr(at, output.find('\n', at) - at);
}

// Every file under `dirs` that holds `needle`, raw or in hex (PostgreSQL dumps write bytea as
// hex text).
std::vector<std::string> Holding(const std::vector<std::string>& dirs, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& dir : dirs)
    for (const auto& [path, bytes] : Files(dir))
      if (bytes.find(needle) != std::string::npos || bytes.find(Hex(needle)) != std::string::npos)
        out.push_back(path);
  return out;
}

TEST_P(BackupE2E, ASubjectErasedAfterTheDataBackupStaysUnreadableWhenItIsRestored) {
  Instance& konfid = *konfid_;
  std::string key = konfid.CreateKey("demo", "admin");
  konfid.Start();
  auto create = [&](const std::string& surname, const std::string& email) {
    auto r = konfid.Request(
        "POST", "/v1/subjects",
        R"({"fields":{"surname":")" + surname + R"(","name":"Инна","email":")" + email + "\"}}",
        key);
    EXPECT_EQ(r.status, 201u) << r.body;
    return JsonString(r.body, "id");
  };
  std::string erased = create("Забываемова", "forget.me@mail.example");
  std::string kept = create("Помнящева", "remember.me@mail.example");
  std::string wrapped = Unhex(WrappedKeyHex(erased));
  ASSERT_EQ(wrapped.size(), 72u);

  konfid::testing::TempDir elsewhere;  // backups live outside the data directory
  std::string backups = elsewhere.path() + "/data", key_backups = elsewhere.path() + "/keys";
  auto taken = Konfid("backup", {"--to", backups, "--keys-to", key_backups});
  ASSERT_EQ(taken.exit_code, 0) << taken.output;  // online: the server is running
  std::string data_backup = PathAfter(taken.output, "Data backup: ");
  ASSERT_TRUE(std::filesystem::is_regular_file(data_backup)) << taken.output;
  // The data backup holds the subject's sealed row but never a key; the key-store backup has it.
  EXPECT_TRUE(Holding({backups}, wrapped).empty());
  EXPECT_FALSE(Holding({key_backups}, wrapped).empty());

  ASSERT_EQ(konfid.Request("DELETE", "/v1/subjects/" + erased, "", key).status, 204u);
  auto refused = Konfid("restore", {"--from", data_backup});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("stop every konfid using it first"), std::string::npos)
      << refused.output;
  ASSERT_EQ(konfid.Stop(), 0);

  auto restored = Konfid("restore", {"--from", data_backup});
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  EXPECT_NE(restored.output.find("  demo/" + erased + "\n"), std::string::npos) << restored.output;
  EXPECT_EQ(restored.output.find(kept), std::string::npos) << restored.output;
  // No file of the data directory or of the data backup holds the destroyed key, nor any
  // value in plaintext.
  for (const std::string& needle :
       {wrapped, std::string("Забываемова"), std::string("forget.me@mail.example")})
    EXPECT_TRUE(Holding({konfid.data_dir(), backups}, needle).empty()) << needle.size();

  konfid.Start();
  auto read = konfid.Request("GET", "/v1/subjects/" + erased + "?purpose=registration", "", key);
  EXPECT_EQ(read.status, 409u) << read.body;
  EXPECT_EQ(JsonString(read.body, "code"), "erased");
  auto looked_up = konfid.Request(
      "GET", "/v1/subjects?email=forget.me%40mail.example&purpose=registration", "", key);
  EXPECT_EQ(looked_up.status, 409u) << looked_up.body;
  auto other = konfid.Request("GET", "/v1/subjects/" + kept + "?purpose=registration", "", key);
  ASSERT_EQ(other.status, 200u) << other.body;
  EXPECT_EQ(JsonField(other.body, "surname"), "Помнящева");
  // What is left of the erased subject goes with a DELETE.
  EXPECT_EQ(konfid.Request("DELETE", "/v1/subjects/" + erased, "", key).status, 204u);
  EXPECT_EQ(
      konfid.Request("GET", "/v1/subjects/" + erased + "?purpose=registration", "", key).status,
      404u);
  EXPECT_EQ(konfid.Stop(), 0);
}

// An erasure that keeps a tax record (surname, name, INN) seals what it keeps under a new key
// and destroys the old one (app/rekey.h): a data backup taken before it, restored beside the
// key store of after, no longer opens, so the destroyed address cannot come back from it. The
// copy answers `erased`, not a failure to decrypt, and a DELETE takes what is left of it.
TEST_P(BackupE2E, AnErasureThatKeepsATaxRecordReachesTheDataBackupToo) {
  Instance& konfid = *konfid_;
  std::string key = konfid.CreateKey("demo", "admin");
  konfid.Start();
  auto r = konfid.Request("POST", "/v1/subjects",
                          R"({"fields":{"surname":"Сохранова","name":"Ада",)"
                          R"("email":"kept.tax@mail.example","inn":"500100732259"}})",
                          key);
  ASSERT_EQ(r.status, 201u) << r.body;
  std::string id = JsonString(r.body, "id");
  std::string before = Unhex(WrappedKeyHex(id));
  ASSERT_EQ(before.size(), 72u);
  konfid::testing::TempDir elsewhere;
  std::string backups = elsewhere.path() + "/data", key_backups = elsewhere.path() + "/keys";
  auto taken = Konfid("backup", {"--to", backups, "--keys-to", key_backups});
  ASSERT_EQ(taken.exit_code, 0) << taken.output;
  std::string data_backup = PathAfter(taken.output, "Data backup: ");

  ASSERT_EQ(konfid.Request("DELETE", "/v1/subjects/" + id, "", key).status, 204u);
  std::string after = Unhex(WrappedKeyHex(id));
  EXPECT_EQ(after.size(), 76u);  // a new key, of generation 1
  auto kept = konfid.Request("GET", "/v1/subjects/" + id + "?purpose=tax_certificates", "", key);
  ASSERT_EQ(kept.status, 200u) << kept.body;
  EXPECT_EQ(JsonField(kept.body, "inn"), "500100732259");
  ASSERT_EQ(konfid.Stop(), 0);
  // The old key is in no file of the data directory nor of the data backup; the key-store
  // backup taken before still has it, until it is pruned after the erasure term.
  EXPECT_TRUE(Holding({konfid.data_dir(), backups}, before).empty());
  EXPECT_FALSE(Holding({key_backups}, before).empty());

  auto restored = Konfid("restore", {"--from", data_backup});
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  konfid.Start();
  for (const char* purpose : {"tax_certificates", "registration"}) {
    auto read = konfid.Request("GET", "/v1/subjects/" + id + "?purpose=" + purpose, "", key);
    EXPECT_EQ(read.status, 409u) << read.body;
    EXPECT_EQ(JsonString(read.body, "code"), "erased") << purpose;
    EXPECT_NE(read.body.find("destroyed after one of them was copied"), std::string::npos)
        << read.body;
  }
  EXPECT_EQ(konfid.Request("DELETE", "/v1/subjects/" + id, "", key).status, 204u);
  EXPECT_EQ(
      konfid.Request("GET", "/v1/subjects/" + id + "?purpose=tax_certificates", "", key).status,
      404u);
  EXPECT_EQ(konfid.Stop(), 0);
}

TEST_P(BackupE2E, KeyStoreBackupsPastTheTermArePrunedAndDataBackupsAreNot) {
  konfid::testing::TempDir elsewhere;
  std::string dir = elsewhere.path();
  std::filesystem::create_directories(dir + "/keys");
  std::filesystem::create_directories(dir + "/data");
  for (const char* name : {"keys/konfid-keys-20200101T000000Z.db", "keys/unrelated.txt",
                           "data/konfid-data-20200101T000000Z.db"})
    std::ofstream(dir + "/" + name) << "old";
  auto taken = Konfid("backup", {"--to", dir + "/data", "--keys-to", dir + "/keys"});
  ASSERT_EQ(taken.exit_code, 0) << taken.output;
  EXPECT_NE(taken.output.find("Removed key-store backup " + dir +
                              "/keys/konfid-keys-20200101T000000Z.db (older than 30 days)"),
            std::string::npos)
      << taken.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/keys/konfid-keys-20200101T000000Z.db"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/keys/unrelated.txt"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/data/konfid-data-20200101T000000Z.db"));
  EXPECT_TRUE(std::filesystem::is_regular_file(PathAfter(taken.output, "Key-store backup: ")));
  auto bad = Konfid("restore", {"--from", dir + "/keys/unrelated.txt"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("is not a Konfid data backup"), std::string::npos) << bad.output;
}

// A copy of the data that still holds keys (a whole-database dump, a file from before the key
// store) is refused: restored, it would bring back the keys of every subject erased since.
TEST_P(BackupE2E, ACopyThatStillHoldsKeysIsNotRestored) {
  konfid::testing::TempDir elsewhere;
  std::string copy = elsewhere.path() + "/whole";
  if (db_.empty()) {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(copy.c_str(), &h), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(h,
                           "CREATE TABLE subjects (tenant_id TEXT, subject_id TEXT,"
                           " wrapped_key BLOB, fields BLOB)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(h);
  } else {
    auto dumped = RunProgram({"pg_dump", "--format=custom", "--file=" + copy, db_});
    ASSERT_EQ(dumped.exit_code, 0) << dumped.output;
  }
  auto refused = Konfid("restore", {"--from", copy});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("holds the subjects' keys"), std::string::npos) << refused.output;
}

// A lost key store is refused at start, not replaced by an empty one; restoring it with the
// data backup taken beside it brings back the state of that moment (docs/operations.md: an
// erasure made since must be repeated).
TEST(BackupSqlite, ALostKeyStoreIsRefusedAndComesBackOnlyFromItsBackup) {
  Instance konfid;
  std::string key = konfid.CreateKey("demo", "admin");
  konfid.Start();
  auto r = konfid.Request(
      "POST", "/v1/subjects",
      R"({"fields":{"surname":"Потерянова","name":"Ия","email":"lost@x.example"}})", key);
  ASSERT_EQ(r.status, 201u) << r.body;
  std::string id = JsonString(r.body, "id");
  konfid::testing::TempDir elsewhere;
  auto taken = RunKonfid({"backup", "--data", konfid.data_dir(), "--config", konfid.config_path(),
                          "--to", elsewhere.path(), "--keys-to", elsewhere.path()});
  ASSERT_EQ(taken.exit_code, 0) << taken.output;
  ASSERT_EQ(konfid.Stop(), 0);
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(konfid.data_dir() + "/konfid-keys.db" + suffix);
  auto refused =
      RunKonfid({"serve", "--data", konfid.data_dir(), "--config", konfid.config_path()});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("konfid-keys.db is missing"), std::string::npos) << refused.output;
  EXPECT_FALSE(std::filesystem::exists(konfid.data_dir() + "/konfid-keys.db"));

  auto restored =
      RunKonfid({"restore", "--data", konfid.data_dir(), "--config", konfid.config_path(), "--from",
                 PathAfter(taken.output, "Data backup: "), "--keys-from",
                 PathAfter(taken.output, "Key-store backup: ")});
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  konfid.Start();
  auto read = konfid.Request("GET", "/v1/subjects/" + id + "?purpose=registration", "", key);
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(JsonField(read.body, "surname"), "Потерянова");
  EXPECT_EQ(konfid.Stop(), 0);
}

}  // namespace

void BackupE2E::SetUp() {
  db_ = GetParam()();
  konfid_ = std::make_unique<Instance>(db_);
}

CommandResult BackupE2E::Konfid(const std::string& command, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {command, "--data", konfid_->data_dir(), "--config",
                                   konfid_->config_path()};
  for (const auto& a : konfid_->DbArgs()) args.push_back(a);
  for (const auto& a : extra) args.push_back(a);
  return RunKonfid(args);
}

std::string BackupE2E::WrappedKeyHex(const std::string& id) {
  if (db_.empty()) return Hex(SqliteWrappedKey(konfid_->data_dir() + "/konfid-keys.db", id));
  // RunSql answers only errors: the key comes back as one.
  std::string error = konfid::testing::RunSql(
      db_,
      "DO $$ BEGIN RAISE EXCEPTION 'key=%', (SELECT encode(wrapped_key, 'hex') FROM"
      " konfid_keys.subject_keys WHERE subject_id = '" +
          id + "'); END $$");
  size_t at = error.find("key=");
  if (at == std::string::npos) return "";
  size_t end = error.find_first_not_of("0123456789abcdef", at + 4);
  return error.substr(at + 4, end == std::string::npos ? std::string::npos : end - at - 4);
}

}  // namespace konfid::e2e
