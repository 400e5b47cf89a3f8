// Private to the SQLite adapter: the connection and its statement cache, the binding
// helpers, the storage's shared state and the transaction class. The transaction's
// statements live in sqlite_storage.cc (subjects, blind index, tenants, audit, keys) and
// sqlite_ledger.cc (policy versions, the consent ledger, notice runs, outbox, tokens).
#pragma once

#include <pthread.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "adapters/storage/rows.h"
#include "adapters/storage/sqlite/sqlite_storage.h"
#include "adapters/storage/sqlite/wal_sync.h"
#include "adapters/storage/statements.h"

namespace konfid::adapters {

namespace sqlite_internal {

inline Error SqlError(sqlite3* db, int rc, std::string_view what) {
  int ext = sqlite3_extended_errcode(db);
  std::string detail = std::string(what) + ": " + sqlite3_errmsg(db);
  if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE)
    return Error(ErrorCode::kConflict, "already exists", detail);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    return Error(ErrorCode::kUnavailable, "database is busy, try again", detail);
  if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
    return Error(ErrorCode::kDataLoss, "database is damaged", detail);
  return Error(ErrorCode::kUnavailable, "database error", detail);
}

// One connection and its statement cache. Used by one thread at a time.
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const SqliteOptions& o) {
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(o.path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    auto conn = std::unique_ptr<Connection>(new Connection(db));
    if (rc != SQLITE_OK)
      return Fail(ErrorCode::kUnavailable, "cannot open the database file",
                  std::string("sqlite3_open_v2: ") + sqlite3_errstr(rc));
    sqlite3_busy_timeout(db, o.busy_timeout_ms);
    KONFID_TRY(conn->AttachKeyStore(o));
    std::string sync = o.synchronous_full ? "FULL;" : "NORMAL;";
    std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
    // Deleted content is overwritten with zeros, in the pages written to the WAL and so in
    // the database file: set here rather than left to the library's build default (Debian
    // builds with SQLITE_SECURE_DELETE; others do not).
    for (const char* schema : {"main", "konfid_keys"}) {
      std::string p = std::string(" PRAGMA ") + schema + ".";
      pragmas += p + "journal_mode=WAL;" + p + "synchronous=" + sync + p +
                 "journal_size_limit=67108864;" + p + "secure_delete=ON;";
    }
    // Every read of a subject reads its key too: the key store gets a cache of its own.
    pragmas += " PRAGMA main.cache_size=-65536; PRAGMA konfid_keys.cache_size=-16384;";
    KONFID_TRY(conn->Exec(pragmas));
    return conn;
  }
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Status Exec(const std::string& sql) {
    char* msg = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
    std::string text = msg ? msg : "";
    sqlite3_free(msg);
    if (rc != SQLITE_OK) return Fail(SqlError(db_, rc, text));
    return Ok();
  }

  Result<sqlite3_stmt*> Prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return Fail(SqlError(db_, rc, "prepare"));
    cache_.emplace(sql, stmt);
    return stmt;
  }

  sqlite3* db() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  Status AttachKeyStore(const SqliteOptions& o) {
    std::string path = o.key_store_path.empty() ? KeyStorePathFor(o.path) : o.key_store_path;
    if (!o.create_key_store && ::access(path.c_str(), F_OK) != 0)
      return Fail(ErrorCode::kUnavailable, "the key store " + path + " is missing",
                  "run 'konfid init' if the database predates the key store (schema 14 or "
                  "older); else restore it from its backup (docs/operations.md)");
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v2(db_, "ATTACH DATABASE ?1 AS konfid_keys", -1, &s, nullptr);
    if (rc == SQLITE_OK) {
      sqlite3_bind_text(s, 1, path.c_str(), -1, SQLITE_TRANSIENT);
      rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_OK)
      return Fail(ErrorCode::kUnavailable, "cannot open the key store " + path,
                  std::string("ATTACH: ") + sqlite3_errmsg(db_));
    return Ok();
  }

  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;  // keyed by the literal's address
};

// Binds positional arguments: strings, byte vectors and integers. SQLITE_STATIC: the
// arguments must outlive the statement's step, so Write() binds and steps in one call.
inline void BindOne(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
inline void BindOne(sqlite3_stmt* s, int i, const Bytes& v) {
  // An empty vector's data() may be null, which SQLite would bind as NULL, not as X''.
  if (v.empty()) {
    sqlite3_bind_zeroblob(s, i, 0);
    return;
  }
  sqlite3_bind_blob(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
inline void BindOne(sqlite3_stmt* s, int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
inline void BindOne(sqlite3_stmt* s, int i, uint64_t v) {
  sqlite3_bind_int64(s, i, static_cast<int64_t>(v));
}

inline std::string ColText(sqlite3_stmt* s, int i) {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, sqlite3_column_bytes(s, i)) : std::string();
}
inline Bytes ColBlob(sqlite3_stmt* s, int i) {
  auto p = static_cast<const uint8_t*>(sqlite3_column_blob(s, i));
  return p ? Bytes(p, p + sqlite3_column_bytes(s, i)) : Bytes();
}

// The current row of a stepped statement, for the shared readers of adapters/storage/rows.h.
struct SqliteRow {
  sqlite3_stmt* s;
  std::string Text(int c) const { return ColText(s, c); }
  Bytes Blob(int c) const { return ColBlob(s, c); }
  int64_t Int(int c) const { return sqlite3_column_int64(s, c); }
};

// A shared statement's text in SQLite's spelling (statements.h).
inline const char* Sql(Stmt id) { return SqliteStatements()[id]; }

}  // namespace sqlite_internal

// Past this many WAL frames the writer finishes the checkpoint itself before its next
// transaction (16 MiB of 4 KiB pages).
constexpr int kWalCatchUpFrames = 4096;

struct SqliteStorage::Impl {
  SqliteOptions options;
  std::mutex write_mu;
  std::unique_ptr<sqlite_internal::Connection> writer;
  // Checkpoints run on their own connection and thread, so that copying the WAL back into
  // the database never stalls the writer's commits.
  std::unique_ptr<sqlite_internal::Connection> checkpointer;
  // WAL frames after the writer's last commit (sqlite3_wal_hook). Under steady writes the
  // background checkpoint never catches the writer, and the WAL is reset only when a
  // checkpoint has copied every frame; so when the WAL is long the writer runs a passive
  // checkpoint itself before its next transaction: it copies only what the background thread
  // has not, and the next commit starts the WAL from its beginning.
  std::atomic<int> wal_frames{0};
  // With durable commits the writer runs at synchronous=NORMAL and this syncs the WAL: inside
  // Commit(), or separately for CommitUnsynced() (group commit). Null otherwise.
  std::unique_ptr<sqlite_internal::WalSync> wal_sync;
  // The key store's WAL needs no sync of its own: the writer runs it at synchronous=FULL, so
  // a commit that wrote a key has synced it inside COMMIT, before WalSync syncs the data's.
  // No sync makes the two files' commits atomic: a crash in the middle of a commit may keep
  // one file's half (docs/operations.md, "The key store").
  Status SyncWals() { return wal_sync ? wal_sync->Sync() : Ok(); }
  // The database file's inode when it was opened (0: not a file). A file removed or replaced
  // under a running server still takes writes through the open descriptors, into a file no
  // one will read again: CheckSchema (/readyz) reports that.
  uint64_t db_inode = 0;
  std::string key_store_path;
  uint64_t key_store_inode = 0;  // the key store's, alike
  std::thread checkpoint_thread;
  std::mutex checkpoint_mu;
  std::condition_variable checkpoint_cv;
  bool stopping = false;
  // An erasure committed: the erased rows' earlier versions (wrapped data key, sealed values)
  // are still frames of the WAL until it is truncated. Secure delete zeroes the database's
  // pages, not the WAL's old frames, and a WAL restart only overwrites them from the start.
  std::atomic<bool> truncate_wanted{false};
  std::optional<int64_t> last_truncate_us;  // options.clock's MonotonicMicros() then

  void WantTruncate() {
    truncate_wanted.store(true, std::memory_order_relaxed);
    checkpoint_cv.notify_all();
  }

  void CheckpointLoop() {
    pthread_setname_np(pthread_self(), "kf-checkpoint");
    std::unique_lock lock(checkpoint_mu);
    while (!stopping) {
      checkpoint_cv.wait_for(lock, std::chrono::milliseconds(100));
      if (stopping) break;
      lock.unlock();
      if (!TruncateIfWanted()) {
        int log = 0, done = 0;
        sqlite3_wal_checkpoint_v2(checkpointer->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                                  &done);
      }
      lock.lock();
    }
  }

  // After an erasure, at most once a second: copies the whole WAL into the database (synced)
  // and truncates it to zero bytes, in place: the inode stays, so WalSync's descriptor does
  // too. The writer's mutex keeps the group committer waiting on it rather than retrying
  // against SQLite's lock; readers get a short while to finish, else the next pass retries.
  bool TruncateIfWanted() {
    if (!truncate_wanted.load(std::memory_order_relaxed)) return false;
    int64_t now_us = options.clock->MonotonicMicros();
    if (last_truncate_us && now_us - *last_truncate_us < 1'000'000) return false;
    truncate_wanted.store(false, std::memory_order_relaxed);
    last_truncate_us = now_us;
    int rc;
    {
      std::lock_guard writer(write_mu);
      sqlite3_busy_timeout(checkpointer->db(), 200);
      int log = 0, done = 0;
      rc = sqlite3_wal_checkpoint_v2(checkpointer->db(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log,
                                     &done);
      sqlite3_busy_timeout(checkpointer->db(), options.busy_timeout_ms);
    }
    if (rc != SQLITE_OK) truncate_wanted.store(true, std::memory_order_relaxed);  // a reader
    return true;
  }

  // A crash between the two files' commits of an erasure can keep the row's deletion and lose
  // the key's; the retried DELETE then finds no row and never reaches the key. After an
  // unclean stop, keys without a row are deleted, in one transaction, before anything else.
  Status SweepKeysWithoutRows(bool unclean) {
    if (!unclean) return Ok();
    KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * t,
                            writer->Prepare("SELECT (SELECT count(*) FROM konfid_keys.sqlite_master"
                                            " WHERE name = 'subject_keys') + (SELECT count(*)"
                                            " FROM main.sqlite_master WHERE name = 'subjects')"));
    int rc = sqlite3_step(t);
    int tables = rc == SQLITE_ROW ? sqlite3_column_int(t, 0) : 0;
    sqlite3_reset(t);
    if (rc != SQLITE_ROW) return Fail(sqlite_internal::SqlError(writer->db(), rc, "key sweep"));
    if (tables < 2) return Ok();  // not migrated yet: nothing to sweep
    KONFID_TRY(writer->Exec("BEGIN IMMEDIATE"));
    auto st = writer->Exec(
        "DELETE FROM konfid_keys.subject_keys WHERE NOT EXISTS (SELECT 1 FROM subjects s"
        " WHERE s.tenant_id = subject_keys.tenant_id AND s.subject_id = subject_keys.subject_id)");
    if (st) st = writer->Exec("COMMIT");
    if (!st) (void)writer->Exec("ROLLBACK");
    return st;
  }

  ~Impl() {
    {
      std::lock_guard lock(checkpoint_mu);
      stopping = true;
    }
    checkpoint_cv.notify_all();
    if (checkpoint_thread.joinable()) checkpoint_thread.join();
  }
  std::mutex pool_mu;
  std::vector<std::unique_ptr<sqlite_internal::Connection>> readers;

  Result<std::unique_ptr<sqlite_internal::Connection>> TakeReader() {
    {
      std::lock_guard lock(pool_mu);
      if (!readers.empty()) {
        auto c = std::move(readers.back());
        readers.pop_back();
        return c;
      }
    }
    return sqlite_internal::Connection::Open(options);
  }
  void ReturnReader(std::unique_ptr<sqlite_internal::Connection> c) {
    std::lock_guard lock(pool_mu);
    if (readers.size() < 16) readers.push_back(std::move(c));
  }
};

namespace sqlite_internal {

class SqliteTransaction final : public ports::Transaction {
 public:
  SqliteTransaction(SqliteStorage::Impl* impl, Connection* conn, std::unique_ptr<Connection> owned,
                    std::unique_lock<std::mutex> lock)
      : impl_(impl), conn_(conn), owned_(std::move(owned)), lock_(std::move(lock)) {}

  ~SqliteTransaction() override {
    if (!done_) (void)conn_->Exec("ROLLBACK");
    if (owned_) impl_->ReturnReader(std::move(owned_));
  }

  template <typename... Args>
  Result<sqlite3_stmt*> Run(const char* sql, const Args&... args) {
    KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(sql));
    int i = 0;
    (BindOne(s, ++i, args), ...);
    return s;
  }
  template <typename... Args>
  Result<sqlite3_stmt*> Run(Stmt id, const Args&... args) {
    return Run(Sql(id), args...);
  }

  // Steps a statement that returns no rows.
  template <typename... Args>
  Status Write(const char* sql, const Args&... args) {
    KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(sql, args...));
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) {
      Error e = SqlError(conn_->db(), rc, "step");
      sqlite3_reset(s);
      return Fail(std::move(e));
    }
    sqlite3_reset(s);
    return Ok();
  }

  template <typename... Args>
  Status Write(Stmt id, const Args&... args) {
    return Write(Sql(id), args...);
  }

  // SQLITE_ROW, SQLITE_DONE, or an error.
  Result<bool> Step(sqlite3_stmt* s) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Error e = SqlError(conn_->db(), rc, "step");
    sqlite3_reset(s);
    return Fail(std::move(e));
  }

  // The first row of a bound statement through read(SqliteRow), if there is one.
  template <typename Read>
  auto One(sqlite3_stmt* s, Read read) -> Result<std::optional<decltype(read(SqliteRow{s}))>> {
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    std::optional<decltype(read(SqliteRow{s}))> out;
    if (row) out = read(SqliteRow{s});
    sqlite3_reset(s);
    return out;
  }

  // Every row of a bound statement through read(SqliteRow).
  template <typename Read>
  auto All(sqlite3_stmt* s, Read read) -> Result<std::vector<decltype(read(SqliteRow{s}))>> {
    std::vector<decltype(read(SqliteRow{s}))> out;
    while (true) {
      KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
      if (!row) break;
      out.push_back(read(SqliteRow{s}));
    }
    sqlite3_reset(s);
    return out;
  }

  // Rows changed by the last statement.
  bool Changed() { return sqlite3_changes(conn_->db()) > 0; }
  uint64_t ChangedRows() { return static_cast<uint64_t>(sqlite3_changes64(conn_->db())); }

  Status InsertSubject(const ports::SubjectRow& r) override;

  Result<std::optional<ports::SubjectRow>> FindSubject(const std::string& tenant,
                                                       const std::string& id) override;

  Status SetEmailVerified(const std::string& tenant, const std::string& id, UnixMicros at) override;
  Status UpdateSubjectFields(const std::string& tenant, const std::string& id, const Bytes& fields,
                             UnixMicros updated_at) override;

  Result<bool> DeleteSubject(const std::string& tenant, const std::string& id) override;

  Result<std::vector<ports::SubjectKeyRow>> ListSubjectKeys(const std::string& after_tenant,
                                                            const std::string& after_id,
                                                            size_t limit) override;

  Status UpdateSubjectKey(const std::string& tenant, const std::string& id,
                          const Bytes& wrapped_key) override;
  Result<bool> RewrapSubjectKey(const std::string& tenant, const std::string& id, const Bytes& from,
                                const Bytes& to) override;
  Result<bool> EraseSubjectFields(const std::string& tenant, const std::string& id,
                                  const Bytes& fields) override;

  Result<uint64_t> CountSubjects(const std::string& tenant) override;

  Status InsertIndex(const std::string& tenant, const std::string& field, const Bytes& hash,
                     const std::string& subject) override;

  Result<std::optional<std::string>> LookupIndex(const std::string& tenant,
                                                 const std::string& field,
                                                 const Bytes& hash) override;

  Result<std::optional<ports::SubjectRow>> FindSubjectByIndex(const std::string& tenant,
                                                              const std::string& field,
                                                              const Bytes& hash) override;

  Status DeleteIndex(const std::string& tenant, const std::string& subject,
                     const std::string& field) override;

  Status InsertTenant(const ports::TenantRow& r) override;

  Result<std::optional<ports::TenantRow>> FindTenant(const std::string& tenant) override;

  Result<std::vector<ports::TenantRow>> ListTenants() override;

  Status UpdateTenantKeys(const ports::TenantRow& r) override;

  Result<ports::AuditHead> LockAuditHead(const std::string& tenant) override;

  Result<ports::AuditHead> ReadAuditHead(const std::string& tenant) override;

  Status SetAuditHead(const std::string& tenant, const ports::AuditHead& head) override;

  Status AppendAudit(const domain::AuditEvent& e) override;

  Status ScanAudit(const std::string& tenant,
                   const std::function<Status(const domain::AuditEvent&)>& fn) override;

  Status InsertAuditCheckpoint(const ports::AuditCheckpointRow& r) override;

  Result<std::vector<ports::AuditCheckpointRow>> ListAuditCheckpoints(const std::string& tenant,
                                                                      size_t limit) override;

  Status InsertPolicyVersion(const ports::PolicyVersionRow& r,
                             const std::vector<ports::PolicyTextRow>& texts) override;

  Result<std::vector<ports::PolicyVersionRow>> ListPolicyVersions(
      const std::string& tenant) override;

  Result<std::optional<ports::PolicyVersionRow>> FindPolicyVersion(const std::string& tenant,
                                                                   int64_t version) override;

  Result<std::optional<std::string>> FindPolicyText(const std::string& tenant, int64_t version,
                                                    const std::string& document,
                                                    const std::string& lang,
                                                    const std::string& format) override;

  Status InsertConsentEvent(const ports::ConsentEventRow& r) override;

  Result<std::vector<ports::ConsentEventRow>> ListConsentEvents(
      const std::string& tenant, const std::string& subject) override;

  Result<std::optional<ports::ConsentEventRow>> FindConsentEvent(
      const std::string& tenant, const std::string& event_id) override;

  Result<std::vector<std::string>> ListConsentSubjects(const std::string& tenant,
                                                       const std::string& after,
                                                       size_t limit) override;

  Status InsertNoticeRun(const ports::NoticeRunRow& r) override;

  Result<std::vector<ports::NoticeRunRow>> ListNoticeRuns(const std::string& tenant) override;

  Result<bool> AdvanceNoticeRun(const ports::NoticeRunRow& r, const std::string& expected) override;

  Status InsertOutbox(const ports::OutboxRow& r) override;

  Result<std::vector<ports::OutboxRow>> DueOutbox(UnixMicros now, size_t limit) override;

  Result<bool> ClaimOutbox(const std::string& tenant, const std::string& id, UnixMicros due,
                           UnixMicros until) override;

  Status UpdateOutbox(const ports::OutboxRow& r) override;
  Result<std::optional<ports::OutboxRow>> FindOutbox(const std::string& tenant,
                                                     const std::string& id) override;
  Result<std::vector<ports::OutboxRow>> ListSubjectOutbox(const std::string& tenant,
                                                          const std::string& subject) override;

  Status InsertToken(const ports::TokenRow& r) override;

  Result<std::optional<ports::TokenRow>> FindToken(const std::string& tenant,
                                                   const Bytes& hash) override;

  Result<bool> MarkTokenUsed(const std::string& tenant, const Bytes& hash, UnixMicros at) override;

  Result<bool> SetSubjectBlocked(const std::string& tenant, const std::string& id,
                                 const std::string& blocked, UnixMicros updated_at) override;
  Status InsertRequest(const ports::RequestRow& r) override;
  Result<std::optional<ports::RequestRow>> FindRequest(const std::string& tenant,
                                                       const std::string& id) override;
  Status UpdateRequest(const ports::RequestRow& r) override;
  Result<std::vector<ports::RequestRow>> ListRequests(const std::string& tenant,
                                                      const ports::RequestFilter& filter) override;
  Result<std::vector<ports::RequestRow>> ListSubjectRequests(const std::string& tenant,
                                                             const std::string& subject) override;
  Result<std::vector<std::pair<std::string, uint64_t>>> CountOverdueRequests(
      const std::string& tenant, const std::string& today) override;
  Result<uint64_t> CountRequestsWithoutTerm(const std::string& tenant) override;
  Status InsertHold(const ports::HoldRow& row) override;
  Result<std::vector<ports::HoldRow>> ListSubjectHolds(const std::string& tenant,
                                                       const std::string& subject) override;
  Result<bool> LiftHold(const std::string& tenant, const std::string& id, const std::string& by,
                        UnixMicros at) override;
  Status DeleteSubjectHolds(const std::string& tenant, const std::string& subject) override;
  Status UpdateHoldDocument(const std::string& tenant, const std::string& id,
                            const Bytes& document) override;
  Status UpdateDisclosureDocument(const std::string& tenant, const std::string& id,
                                  const Bytes& sealed) override;
  Status InsertDestructionAct(const ports::DestructionActRow& row) override;
  Result<std::vector<ports::DestructionActRow>> ListDestructionActs(
      const std::string& tenant, const ports::DestructionActFilter& filter) override;
  Result<std::optional<ports::DestructionActRow>> FindDestructionAct(
      const std::string& tenant, const std::string& id) override;
  Result<uint64_t> DeleteDestructionActsBefore(UnixMicros before, size_t limit) override;
  Status InsertDepersonalizedExport(const ports::DepersonalizedExportRow& row) override;
  Result<std::optional<ports::DepersonalizedExportRow>> FindDepersonalizedExport(
      const std::string& tenant, const std::string& id) override;
  Status InsertTechEvent(const ports::TechEventRow& row) override;
  Result<std::vector<ports::TechEventRow>> ListTechEvents(const std::string& tenant,
                                                          const std::string& after,
                                                          size_t limit) override;
  Result<uint64_t> DeleteTechEventsBefore(const std::string& tenant, const std::string& before_id,
                                          size_t limit) override;
  Status InsertCookieChoice(const ports::CookieChoiceRow& row) override;
  Result<std::optional<ports::CookieChoiceRow>> FindCookieChoice(const std::string& tenant,
                                                                 const Bytes& visitor) override;
  Result<uint64_t> DeleteCookieChoicesBefore(const std::string& tenant, UnixMicros before,
                                             size_t limit) override;
  Result<std::vector<ports::TechEventCount>> CountTechEvents(
      const std::string& tenant, const ports::TechEventCountQuery& q) override;
  Result<std::vector<ports::DayCount>> CountSubjectsByDay(const std::string& tenant,
                                                          UnixMicros from, UnixMicros to) override;
  Result<std::vector<ports::ConsentStateCount>> CountConsentStates(
      const std::string& tenant) override;
  Status SetContractEnd(const std::string& tenant, const std::string& subject,
                        const std::string& purpose, UnixMicros ended_at) override;
  Result<std::vector<std::pair<std::string, UnixMicros>>> ListContractEnds(
      const std::string& tenant, const std::string& subject) override;
  Status InsertDisclosure(const ports::DisclosureRow& row) override;
  Result<std::vector<ports::DisclosureRow>> ListDisclosures(
      const std::string& tenant, const ports::DisclosureFilter& filter) override;
  Status InsertOtpCode(const ports::OtpCodeRow& r) override;
  Result<std::optional<ports::OtpCodeRow>> FindOtpCode(const std::string& tenant,
                                                       const std::string& id) override;
  Result<uint64_t> CountOtpCodes(const std::string& tenant, const Bytes& address_hash,
                                 UnixMicros since) override;
  Result<int64_t> AddOtpTry(const std::string& tenant, const std::string& id) override;
  Result<bool> MarkOtpUsed(const std::string& tenant, const std::string& id,
                           UnixMicros at) override;
  Result<uint64_t> DeleteOtpCodesBefore(UnixMicros before) override;

  Status InsertApiKey(const ports::ApiKeyRow& r) override;

  Result<std::optional<ports::ApiKeyRow>> FindApiKey(const std::string& key_id) override;
  Result<std::vector<ports::ApiKeyRow>> ListApiKeys(const std::string& tenant) override;
  Result<bool> RevokeApiKey(const std::string& tenant, const std::string& key_id,
                            UnixMicros at) override;

  Result<std::optional<std::string>> GetMeta(const std::string& key) override;

  Status SetMeta(const std::string& key, const std::string& value) override;

  // Prepared once per connection: group commit runs two of these per request.
  Status Savepoint() override { return Write("SAVEPOINT konfid_op"); }
  Status RollbackToSavepoint() override {
    KONFID_TRY(Write("ROLLBACK TO konfid_op"));
    return Write("RELEASE konfid_op");
  }
  Status ReleaseSavepoint() override { return Write("RELEASE konfid_op"); }

  Status Commit() override {
    KONFID_TRY(CommitUnsynced());
    return impl_->SyncWals();
  }
  Status CommitUnsynced() override {
    done_ = true;
    auto st = conn_->Exec("COMMIT");
    if (!st) (void)conn_->Exec("ROLLBACK");
    if (lock_.owns_lock()) lock_.unlock();  // the writer is free as soon as the commit ends
    if (!st)
      return Fail(ErrorCode::kUnavailable, "the change could not be committed",
                  st.error().detail());
    if (erased_) impl_->WantTruncate();
    return Ok();
  }
  // DeleteSubject removed a row, or EraseSubjectFields destroyed values: the WAL is truncated after
  // the commit.
  void NoteErasure() { erased_ = true; }

 private:
  SqliteStorage::Impl* impl_;
  Connection* conn_;
  std::unique_ptr<Connection> owned_;  // a reader from the pool, returned on destruction
  std::unique_lock<std::mutex> lock_;  // held for the writer
  bool done_ = false;
  bool erased_ = false;
};

}  // namespace sqlite_internal
}  // namespace konfid::adapters
