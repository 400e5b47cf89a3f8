// Erasure on SQLite while the server keeps running: once a subject is deleted, no file of the
// data directory (database, WAL, shared memory, anything) holds its wrapped data key, its
// sealed values or its plaintext, within a bounded time and without a restart.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "e2e_support.h"

namespace konfid::e2e {
namespace {

struct StoredSubject {
  std::string wrapped_key;
  std::vector<std::string> ciphertexts;  // nonce || ciphertext || tag of each field
};

// The subject's row as stored, its key from the key store, read on a connection of the test's
// own (closed at once, so it holds no snapshot that would keep the WAL from being truncated).
StoredSubject ReadStored(const std::string& db, const std::string& id) {
  StoredSubject out;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return out;
  std::string attach = "ATTACH DATABASE '" + db.substr(0, db.size() - 3) + "-keys.db' AS k";
  sqlite3_exec(h, attach.c_str(), nullptr, nullptr, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(h,
                     "SELECT k.wrapped_key, s.fields FROM subjects s LEFT JOIN k.subject_keys k"
                     " USING (tenant_id, subject_id) WHERE subject_id = ?",
                     -1, &s, nullptr);
  sqlite3_bind_text(s, 1, id.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(s) == SQLITE_ROW) {
    auto blob = [&](int i) {
      return std::string(static_cast<const char*>(sqlite3_column_blob(s, i)),
                         sqlite3_column_bytes(s, i));
    };
    out.wrapped_key = blob(0);
    // (version:u8=1 | version:u8=2 generation:u32) count:u16 { name_len:u8 name ct_len:u32
    // ct } (docs/architecture.md)
    std::string fields = blob(1);
    size_t at = !fields.empty() && fields[0] == 2 ? 7 : 3;
    while (at < fields.size()) {
      at += 1 + static_cast<uint8_t>(fields[at]);
      uint32_t n = 0;
      for (int i = 0; i < 4; ++i) n = n << 8 | static_cast<uint8_t>(fields[at + i]);
      out.ciphertexts.push_back(fields.substr(at + 4, n));
      at += 4 + n;
    }
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}

// The files of `dir` that contain any of `needles`, with the needle's index.
std::vector<std::string> Holding(const std::string& dir, const std::vector<std::string>& needles) {
  std::vector<std::string> out;
  for (const auto& [path, bytes] : Files(dir))
    for (size_t i = 0; i < needles.size(); ++i)
      if (bytes.find(needles[i]) != std::string::npos)
        out.push_back(path + " holds needle " + std::to_string(i));
  return out;
}

// Holding, once no file holds any needle, or after 10 seconds: the server keeps running and
// writing, and an erasure's traces go within a bounded time.
std::vector<std::string> HoldingAfterAWhile(const std::string& dir,
                                            const std::vector<std::string>& needles) {
  std::vector<std::string> found = Holding(dir, needles);
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       !found.empty() && std::chrono::steady_clock::now() < deadline; found = Holding(dir, needles))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return found;
}

TEST(Erasure, NothingOfAnErasedSubjectStaysInAnyFileWhileTheServerRuns) {
  Instance konfid;
  std::string key = konfid.CreateKey("demo", "admin");
  konfid.Start();
  auto create = [&](const std::string& surname, const std::string& email) {
    auto r = konfid.Request(
        "POST", "/v1/subjects",
        R"({"fields":{"surname":")" + surname + R"(","name":"Анна","email":")" + email + "\"}}",
        key);
    EXPECT_EQ(r.status, 201u) << r.body;
    return JsonString(r.body, "id");
  };
  std::string erased = create("Стираемова", "erase.me@mail.example");
  ASSERT_FALSE(erased.empty());
  // Its address changes once (an older ciphertext), and the subjects created after it
  // rewrite the page that holds its row many times over: copies in many WAL frames.
  ASSERT_EQ(konfid
                .Request("PATCH", "/v1/subjects/" + erased,
                         R"({"fields":{"email":"erase.me.too@mail.example"}})", key)
                .status,
            200u);
  std::vector<std::string> kept;
  for (int i = 0; i < 30; ++i)
    kept.push_back(
        create("Остаётся" + std::to_string(i), "keep" + std::to_string(i) + "@x.example"));

  std::string db = konfid.data_dir() + "/konfid.db";
  StoredSubject stored = ReadStored(db, erased);
  ASSERT_EQ(stored.wrapped_key.size(), 72u);
  ASSERT_EQ(stored.ciphertexts.size(), 3u);
  std::vector<std::string> needles = {stored.wrapped_key, "Стираемова", "erase.me@mail.example",
                                      "erase.me.too@mail.example"};
  for (const auto& ct : stored.ciphertexts) needles.push_back(ct);
  ASSERT_FALSE(Holding(konfid.data_dir(), {stored.wrapped_key}).empty());  // the scan sees it
  // ... in the key store alone: the data database never holds a key.
  for (const auto& [path, bytes] : Files(konfid.data_dir())) {
    if (path.find("konfid-keys.db") == std::string::npos) {
      EXPECT_EQ(bytes.find(stored.wrapped_key), std::string::npos) << path;
    }
  }
  StoredSubject other = ReadStored(db, kept.back());
  ASSERT_FALSE(other.wrapped_key.empty());

  ASSERT_EQ(konfid.Request("DELETE", "/v1/subjects/" + erased, "", key).status, 204u);
  // The server keeps running and writing; the erasure's traces go within a bounded time.
  std::vector<std::string> found = HoldingAfterAWhile(konfid.data_dir(), needles);
  EXPECT_TRUE(found.empty()) << found.front();
  // Nothing else was lost: the others are still there, on disk and through the API.
  EXPECT_FALSE(Holding(konfid.data_dir(), {other.wrapped_key}).empty());
  for (const auto& id : kept)
    EXPECT_EQ(konfid.Request("GET", "/v1/subjects/" + id + "?purpose=registration", "", key).status,
              200u);
  EXPECT_EQ(
      konfid.Request("GET", "/v1/subjects/" + erased + "?purpose=registration", "", key).status,
      404u);
  EXPECT_EQ(konfid.Stop(), 0);
}

// An erasure that keeps what a law holds (the example's tax_certificates: surname, name, INN)
// leaves no copy of the destroyed address, plain or sealed, in any file; what is kept reads
// for its purpose alone.
TEST(Erasure, AnErasureThatKeepsATaxRecordLeavesNoCopyOfWhatItDestroyed) {
  Instance konfid;
  std::string key = konfid.CreateKey("demo", "admin");
  konfid.Start();
  auto r = konfid.Request("POST", "/v1/subjects",
                          R"({"fields":{"surname":"Налогова","name":"Вера",)"
                          R"("email":"tax.record@mail.example","inn":"500100732259"}})",
                          key);
  ASSERT_EQ(r.status, 201u) << r.body;
  std::string id = JsonString(r.body, "id");
  StoredSubject stored = ReadStored(konfid.data_dir() + "/konfid.db", id);
  ASSERT_EQ(stored.ciphertexts.size(), 4u);
  // What is kept is sealed anew under a new key (app/rekey.h): the old key and every value
  // sealed under it go, the kept ones' old ciphertexts too, so a copy made before cannot be
  // opened with the key store of after.
  std::vector<std::string> needles = {"tax.record@mail.example", stored.wrapped_key};
  for (const auto& ct : stored.ciphertexts) needles.push_back(ct);

  ASSERT_EQ(konfid.Request("DELETE", "/v1/subjects/" + id, "", key).status, 204u);
  std::vector<std::string> found = HoldingAfterAWhile(konfid.data_dir(), needles);
  EXPECT_TRUE(found.empty()) << found.front();
  StoredSubject after = ReadStored(konfid.data_dir() + "/konfid.db", id);
  EXPECT_EQ(after.ciphertexts.size(), 3u);  // inn, name, surname, under the new key
  EXPECT_NE(after.wrapped_key, stored.wrapped_key);
  EXPECT_FALSE(Holding(konfid.data_dir(), {after.ciphertexts[0]}).empty());
  auto kept = konfid.Request("GET", "/v1/subjects/" + id + "?purpose=tax_certificates", "", key);
  ASSERT_EQ(kept.status, 200u) << kept.body;
  EXPECT_EQ(JsonField(kept.body, "inn"), "500100732259");
  EXPECT_EQ(JsonField(kept.body, "surname"), "Налогова");
  auto schedule = konfid.Request("GET", "/v1/subjects/" + id + "/retention", "", key);
  EXPECT_NE(schedule.body.find(R"("kept":["tax_certificates"])"), std::string::npos)
      << schedule.body;
  auto other = konfid.Request("GET", "/v1/subjects/" + id + "?purpose=registration", "", key);
  EXPECT_EQ(other.status, 403u) << other.body;
  EXPECT_NE(other.body.find("kept_for_obligation"), std::string::npos) << other.body;
  auto patch = konfid.Request("PATCH", "/v1/subjects/" + id, R"({"fields":{"name":"Ия"}})", key);
  EXPECT_EQ(patch.status, 409u) << patch.body;
  EXPECT_NE(patch.body.find("\"erased\""), std::string::npos) << patch.body;
  EXPECT_EQ(
      konfid
          .Request("GET", "/v1/subjects?purpose=tax_certificates&email=tax.record@mail.example", "",
                   key)
          .status,
      404u);
  EXPECT_EQ(konfid.Stop(), 0);
}

}  // namespace
}  // namespace konfid::e2e
