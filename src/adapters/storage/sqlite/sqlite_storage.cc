#include "adapters/storage/sqlite/sqlite_storage.h"

#include <pthread.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "adapters/storage/migration.h"
#include "adapters/storage/sql_util.h"

namespace konfid::adapters {

// The columns of a consent event, in the order the readers below expect them.
#define KONFID_CONSENT_SELECT                                                            \
  "SELECT event_id, purpose, kind, policy_version, text_hash, method, source, time, ip," \
  " user_agent, subject_id, receipt FROM consent_events"

std::vector<Migration> SqliteMigrations();

namespace {

Error SqlError(sqlite3* db, int rc, std::string_view what) {
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
    std::string pragmas = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=";
    pragmas += o.synchronous_full ? "FULL;" : "NORMAL;";
    // Reads go through a memory map (up to the library's limit, 2 GiB on Debian) instead of a
    // pread() per page that misses the page cache.
    pragmas +=
        " PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA journal_size_limit=67108864;"
        " PRAGMA mmap_size=8589934592;";
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
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;  // keyed by the literal's address
};

// Binds positional arguments: strings, byte vectors and integers. SQLITE_STATIC: the
// arguments must outlive the statement's step, so Write() binds and steps in one call.
void BindOne(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
void BindOne(sqlite3_stmt* s, int i, const Bytes& v) {
  // An empty vector's data() may be null, which SQLite would bind as NULL, not as X''.
  if (v.empty()) {
    sqlite3_bind_zeroblob(s, i, 0);
    return;
  }
  sqlite3_bind_blob(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
void BindOne(sqlite3_stmt* s, int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
void BindOne(sqlite3_stmt* s, int i, uint64_t v) {
  sqlite3_bind_int64(s, i, static_cast<int64_t>(v));
}

std::string ColText(sqlite3_stmt* s, int i) {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, sqlite3_column_bytes(s, i)) : std::string();
}
Bytes ColBlob(sqlite3_stmt* s, int i) {
  auto p = static_cast<const uint8_t*>(sqlite3_column_blob(s, i));
  return p ? Bytes(p, p + sqlite3_column_bytes(s, i)) : Bytes();
}

}  // namespace

// Past this many WAL frames the writer finishes the checkpoint itself before its next
// transaction (16 MiB of 4 KiB pages).
constexpr int kWalCatchUpFrames = 4096;

struct SqliteStorage::Impl {
  SqliteOptions options;
  std::mutex write_mu;
  std::unique_ptr<Connection> writer;
  // Checkpoints run on their own connection and thread, so that copying the WAL back into
  // the database never stalls the writer's commits.
  std::unique_ptr<Connection> checkpointer;
  // WAL frames after the writer's last commit (sqlite3_wal_hook). Under steady writes the
  // background checkpoint never catches the writer, and the WAL is reset only when a
  // checkpoint has copied every frame; so when the WAL is long the writer runs a passive
  // checkpoint itself before its next transaction: it copies only what the background thread
  // has not, and the next commit starts the WAL from its beginning.
  std::atomic<int> wal_frames{0};
  std::thread checkpoint_thread;
  std::mutex checkpoint_mu;
  std::condition_variable checkpoint_cv;
  bool stopping = false;

  void CheckpointLoop() {
    pthread_setname_np(pthread_self(), "kf-checkpoint");
    std::unique_lock lock(checkpoint_mu);
    while (!stopping) {
      checkpoint_cv.wait_for(lock, std::chrono::milliseconds(100));
      if (stopping) break;
      lock.unlock();
      int log = 0, done = 0;
      sqlite3_wal_checkpoint_v2(checkpointer->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                                &done);
      lock.lock();
    }
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
  std::vector<std::unique_ptr<Connection>> readers;

  Result<std::unique_ptr<Connection>> TakeReader() {
    {
      std::lock_guard lock(pool_mu);
      if (!readers.empty()) {
        auto c = std::move(readers.back());
        readers.pop_back();
        return c;
      }
    }
    return Connection::Open(options);
  }
  void ReturnReader(std::unique_ptr<Connection> c) {
    std::lock_guard lock(pool_mu);
    if (readers.size() < 16) readers.push_back(std::move(c));
  }
};

namespace {

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

  // SQLITE_ROW, SQLITE_DONE, or an error.
  Result<bool> Step(sqlite3_stmt* s) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Error e = SqlError(conn_->db(), rc, "step");
    sqlite3_reset(s);
    return Fail(std::move(e));
  }

  Status InsertSubject(const ports::SubjectRow& r) override {
    return Write(
        "INSERT INTO subjects (tenant_id, subject_id, wrapped_key, fields, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        r.tenant, r.id, r.wrapped_key, r.fields, r.created_at, r.updated_at);
  }

  Result<std::optional<ports::SubjectRow>> FindSubject(const std::string& tenant,
                                                       const std::string& id) override {
    KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                            Run("SELECT wrapped_key, fields, created_at, updated_at FROM subjects"
                                " WHERE tenant_id = ? AND subject_id = ?",
                                tenant, id));
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    if (!row) return std::optional<ports::SubjectRow>();
    ports::SubjectRow r{tenant,
                        id,
                        ColBlob(s, 0),
                        ColBlob(s, 1),
                        sqlite3_column_int64(s, 2),
                        sqlite3_column_int64(s, 3)};
    sqlite3_reset(s);
    return std::optional(std::move(r));
  }

  Status UpdateSubjectFields(const std::string& tenant, const std::string& id, const Bytes& fields,
                             UnixMicros updated_at) override {
    return Write(
        "UPDATE subjects SET fields = ?, updated_at = ? WHERE tenant_id = ? AND subject_id = ?",
        fields, updated_at, tenant, id);
  }

  Result<bool> DeleteSubject(const std::string& tenant, const std::string& id) override {
    KONFID_TRY(Write("DELETE FROM subjects WHERE tenant_id = ? AND subject_id = ?", tenant, id));
    return sqlite3_changes(conn_->db()) > 0;
  }

  Result<std::vector<ports::SubjectKeyRow>> ListSubjectKeys(const std::string& after_tenant,
                                                            const std::string& after_id,
                                                            size_t limit) override {
    KONFID_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Run("SELECT tenant_id, subject_id, wrapped_key FROM subjects"
            " WHERE (tenant_id, subject_id) > (?, ?) ORDER BY tenant_id, subject_id LIMIT ?",
            after_tenant, after_id, static_cast<int64_t>(limit)));
    std::vector<ports::SubjectKeyRow> out;
    while (true) {
      KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
      if (!row) break;
      out.push_back({ColText(s, 0), ColText(s, 1), ColBlob(s, 2)});
    }
    sqlite3_reset(s);
    return out;
  }

  Status UpdateSubjectKey(const std::string& tenant, const std::string& id,
                          const Bytes& wrapped_key) override {
    return Write("UPDATE subjects SET wrapped_key = ? WHERE tenant_id = ? AND subject_id = ?",
                 wrapped_key, tenant, id);
  }

  Result<uint64_t> CountSubjects(const std::string& tenant) override {
    KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                            Run("SELECT count(*) FROM subjects WHERE tenant_id = ?", tenant));
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    uint64_t n = row ? static_cast<uint64_t>(sqlite3_column_int64(s, 0)) : 0;
    sqlite3_reset(s);
    return n;
  }

  Status InsertIndex(const std::string& tenant, const std::string& field, const Bytes& hash,
                     const std::string& subject) override {
    return Write(
        "INSERT INTO subject_index (tenant_id, field, hash, subject_id) VALUES (?, ?, ?, ?)",
        tenant, field, hash, subject);
  }

  Result<std::optional<std::string>> LookupIndex(const std::string& tenant,
                                                 const std::string& field,
                                                 const Bytes& hash) override {
    KONFID_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Run("SELECT subject_id FROM subject_index WHERE tenant_id = ? AND field = ? AND hash = ?",
            tenant, field, hash));
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    std::optional<std::string> out;
    if (row) out = ColText(s, 0);
    sqlite3_reset(s);
    return out;
  }

  Result<std::optional<ports::SubjectRow>> FindSubjectByIndex(const std::string& tenant,
                                                              const std::string& field,
                                                              const Bytes& hash) override {
    KONFID_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Run("SELECT s.subject_id, s.wrapped_key, s.fields, s.created_at, s.updated_at"
            " FROM subject_index i JOIN subjects s"
            " ON s.tenant_id = i.tenant_id AND s.subject_id = i.subject_id"
            " WHERE i.tenant_id = ? AND i.field = ? AND i.hash = ?",
            tenant, field, hash));
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    if (!row) return std::optional<ports::SubjectRow>();
    ports::SubjectRow r{tenant,
                        ColText(s, 0),
                        ColBlob(s, 1),
                        ColBlob(s, 2),
                        sqlite3_column_int64(s, 3),
                        sqlite3_column_int64(s, 4)};
    sqlite3_reset(s);
    return std::optional(std::move(r));
  }

  Status DeleteIndex(const std::string& tenant, const std::string& subject,
                     const std::string& field) override {
    if (field.empty())
      return Write("DELETE FROM subject_index WHERE tenant_id = ? AND subject_id = ?", tenant,
                   subject);
    return Write("DELETE FROM subject_index WHERE tenant_id = ? AND subject_id = ? AND field = ?",
                 tenant, subject, field);
  }

  Status InsertTenant(const ports::TenantRow& r) override {
    KONFID_TRY(
        Write("INSERT INTO tenants (tenant_id, wrapped_index_key, wrapped_audit_key, created_at,"
              " receipt_public_key, wrapped_receipt_key) VALUES (?, ?, ?, ?, ?, ?)",
              r.tenant, r.wrapped_index_key, r.wrapped_audit_key, r.created_at,
              r.receipt_public_key, r.wrapped_receipt_key));
    return Write("INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (?, 0, ?)", r.tenant,
                 Bytes(domain::kAuditHashSize, 0));
  }

  Result<std::vector<ports::TenantRow>> SelectTenants(const char* sql, const std::string* tenant) {
    KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(sql));
    if (tenant) BindOne(s, 1, *tenant);
    std::vector<ports::TenantRow> out;
    while (true) {
      KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
      if (!row) break;
      out.push_back({ColText(s, 0), ColBlob(s, 1), ColBlob(s, 2), sqlite3_column_int64(s, 3),
                     ColBlob(s, 4), ColBlob(s, 5)});
    }
    sqlite3_reset(s);
    return out;
  }

  Result<std::optional<ports::TenantRow>> FindTenant(const std::string& tenant) override {
    KONFID_ASSIGN_OR_RETURN(auto rows,
                            SelectTenants("SELECT tenant_id, wrapped_index_key, wrapped_audit_key,"
                                          " created_at, receipt_public_key, wrapped_receipt_key"
                                          " FROM tenants WHERE tenant_id = ?",
                                          &tenant));
    if (rows.empty()) return std::optional<ports::TenantRow>();
    return std::optional(std::move(rows[0]));
  }

  Result<std::vector<ports::TenantRow>> ListTenants() override {
    return SelectTenants(
        "SELECT tenant_id, wrapped_index_key, wrapped_audit_key, created_at,"
        " receipt_public_key, wrapped_receipt_key FROM tenants ORDER BY tenant_id",
        nullptr);
  }

  Status UpdateTenantKeys(const ports::TenantRow& r) override {
    return Write(
        "UPDATE tenants SET wrapped_index_key = ?, wrapped_audit_key = ?, receipt_public_key = ?,"
        " wrapped_receipt_key = ? WHERE tenant_id = ?",
        r.wrapped_index_key, r.wrapped_audit_key, r.receipt_public_key, r.wrapped_receipt_key,
        r.tenant);
  }

  Result<ports::AuditHead> LockAuditHead(const std::string& tenant) override {
    KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                            Run("SELECT seq, hash FROM audit_heads WHERE tenant_id = ?", tenant));
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    if (!row) return Fail(ErrorCode::kNotFound, "unknown tenant", "no audit head");
    ports::AuditHead head{static_cast<uint64_t>(sqlite3_column_int64(s, 0)), ColBlob(s, 1)};
    sqlite3_reset(s);
    return head;
  }

  Result<ports::AuditHead> ReadAuditHead(const std::string& tenant) override {
    return LockAuditHead(tenant);  // SQLite: the transaction already sees one snapshot
  }

  Status SetAuditHead(const std::string& tenant, const ports::AuditHead& head) override {
    return Write("UPDATE audit_heads SET seq = ?, hash = ? WHERE tenant_id = ?", head.seq,
                 head.hash, tenant);
  }

  Status AppendAudit(const domain::AuditEvent& e) override {
    return Write(
        "INSERT INTO audit_events (tenant_id, seq, time, actor, operation, subject_id, fields,"
        " purpose, ground, outcome, reason, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        e.tenant, e.seq, e.time, e.actor, e.operation, e.subject_id, JoinFields(e.fields),
        e.purpose, e.ground, e.outcome, e.reason, e.prev_hash, e.hash);
  }

  Status ScanAudit(const std::string& tenant,
                   const std::function<Status(const domain::AuditEvent&)>& fn) override {
    KONFID_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Run("SELECT seq, time, actor, operation, subject_id, fields, purpose, ground, outcome,"
            " reason, prev_hash, hash FROM audit_events WHERE tenant_id = ? ORDER BY seq",
            tenant));
    Status status = Ok();
    while (status) {
      auto row = Step(s);
      if (!row) return Fail(row.error());
      if (!*row) break;
      domain::AuditEvent e;
      e.tenant = tenant;
      e.seq = static_cast<uint64_t>(sqlite3_column_int64(s, 0));
      e.time = sqlite3_column_int64(s, 1);
      e.actor = ColText(s, 2);
      e.operation = ColText(s, 3);
      e.subject_id = ColText(s, 4);
      e.fields = SplitFields(ColText(s, 5));
      e.purpose = ColText(s, 6);
      e.ground = ColText(s, 7);
      e.outcome = ColText(s, 8);
      e.reason = ColText(s, 9);
      e.prev_hash = ColBlob(s, 10);
      e.hash = ColBlob(s, 11);
      status = fn(e);
    }
    sqlite3_reset(s);
    return status;
  }

  Status InsertPolicyVersion(const ports::PolicyVersionRow& r,
                             const std::vector<ports::PolicyTextRow>& texts) override {
    KONFID_TRY(Write(
        "INSERT INTO policy_versions (tenant_id, version, effective_at, published_at, text_hash,"
        " material, changes, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        r.tenant, r.version, r.effective_at, r.published_at, r.text_hash,
        static_cast<int64_t>(r.material), r.changes, r.source));
    for (const auto& t : texts)
      KONFID_TRY(
          Write("INSERT INTO policy_texts (tenant_id, version, document, lang, format, text)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                r.tenant, r.version, t.document, t.lang, t.format, t.text));
    return Ok();
  }

  Result<std::vector<ports::PolicyVersionRow>> SelectVersions(const char* sql,
                                                              const std::string& tenant,
                                                              const int64_t* version) {
    KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(sql));
    BindOne(s, 1, tenant);
    if (version) BindOne(s, 2, *version);
    std::vector<ports::PolicyVersionRow> out;
    while (true) {
      KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
      if (!row) break;
      out.push_back({tenant, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                     sqlite3_column_int64(s, 2), ColText(s, 3), sqlite3_column_int64(s, 4) != 0,
                     ColText(s, 5), ColText(s, 6)});
    }
    return out;
  }

  Result<std::vector<ports::PolicyVersionRow>> ListPolicyVersions(
      const std::string& tenant) override {
    return SelectVersions(
        "SELECT version, effective_at, published_at, text_hash, material, changes, ''"
        " FROM policy_versions WHERE tenant_id = ? ORDER BY version",
        tenant, nullptr);
  }

  Result<std::optional<ports::PolicyVersionRow>> FindPolicyVersion(const std::string& tenant,
                                                                   int64_t version) override {
    KONFID_ASSIGN_OR_RETURN(
        auto rows,
        SelectVersions("SELECT version, effective_at, published_at, text_hash, material, changes,"
                       " source FROM policy_versions WHERE tenant_id = ? AND version = ?",
                       tenant, &version));
    if (rows.empty()) return std::optional<ports::PolicyVersionRow>();
    return std::optional(std::move(rows[0]));
  }

  Result<std::optional<std::string>> FindPolicyText(const std::string& tenant, int64_t version,
                                                    const std::string& document,
                                                    const std::string& lang,
                                                    const std::string& format) override {
    KONFID_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Run("SELECT text FROM policy_texts WHERE tenant_id = ? AND version = ? AND document = ?"
            " AND lang = ? AND format = ?",
            tenant, version, document, lang, format));
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    std::optional<std::string> out;
    if (row) out = ColText(s, 0);
    sqlite3_reset(s);
    return out;
  }

  Status InsertConsentEvent(const ports::ConsentEventRow& r) override {
    const domain::ConsentEvent& e = r.event;
    return Write(
        "INSERT INTO consent_events (tenant_id, subject_id, event_id, purpose, kind,"
        " policy_version, text_hash, method, source, time, ip, user_agent, receipt)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        r.tenant, r.subject, e.id, e.purpose, std::string(domain::ConsentKindName(e.kind)),
        e.policy_version, e.text_hash, e.method, e.source, e.time, e.ip, e.user_agent, r.receipt);
  }

  Result<std::vector<ports::ConsentEventRow>> SelectConsentEvents(const char* sql,
                                                                  const std::string& tenant,
                                                                  const std::string& key) {
    KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(sql));
    BindOne(s, 1, tenant);
    BindOne(s, 2, key);
    std::vector<ports::ConsentEventRow> out;
    while (true) {
      KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
      if (!row) break;
      domain::ConsentEvent e;
      e.id = ColText(s, 0);
      e.purpose = ColText(s, 1);
      auto kind = domain::ParseConsentKind(ColText(s, 2));
      if (!kind) return Fail(ErrorCode::kDataLoss, "a consent event of an unknown kind");
      e.kind = *kind;
      e.policy_version = sqlite3_column_int64(s, 3);
      e.text_hash = ColText(s, 4);
      e.method = ColText(s, 5);
      e.source = ColText(s, 6);
      e.time = sqlite3_column_int64(s, 7);
      e.ip = ColText(s, 8);
      e.user_agent = ColText(s, 9);
      out.push_back({tenant, ColText(s, 10), std::move(e), ColText(s, 11)});
    }
    return out;
  }

  Result<std::vector<ports::ConsentEventRow>> ListConsentEvents(
      const std::string& tenant, const std::string& subject) override {
    return SelectConsentEvents(KONFID_CONSENT_SELECT
                               " WHERE tenant_id = ? AND subject_id = ? ORDER BY event_id",
                               tenant, subject);
  }

  Result<std::optional<ports::ConsentEventRow>> FindConsentEvent(
      const std::string& tenant, const std::string& event_id) override {
    KONFID_ASSIGN_OR_RETURN(auto rows, SelectConsentEvents(KONFID_CONSENT_SELECT
                                                           " WHERE tenant_id = ? AND event_id = ?",
                                                           tenant, event_id));
    if (rows.empty()) return std::optional<ports::ConsentEventRow>();
    return std::optional(std::move(rows[0]));
  }

  Result<std::vector<std::string>> ListConsentSubjects(const std::string& tenant,
                                                       const std::string& after,
                                                       size_t limit) override {
    KONFID_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Run("SELECT DISTINCT subject_id FROM consent_events WHERE tenant_id = ? AND subject_id > ?"
            " ORDER BY subject_id LIMIT ?",
            tenant, after, static_cast<int64_t>(limit)));
    std::vector<std::string> out;
    while (true) {
      KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
      if (!row) break;
      out.push_back(ColText(s, 0));
    }
    return out;
  }

  Status InsertNoticeRun(const ports::NoticeRunRow& r) override {
    return Write(
        "INSERT INTO policy_notices (tenant_id, version, after_subject, done, queued)"
        " VALUES (?, ?, ?, ?, ?)",
        r.tenant, r.version, r.after_subject, int64_t{r.done}, r.queued);
  }

  Result<std::vector<ports::NoticeRunRow>> ListNoticeRuns(const std::string& tenant) override {
    KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                            Run("SELECT version, after_subject, queued FROM policy_notices"
                                " WHERE tenant_id = ? AND done = 0 ORDER BY version",
                                tenant));
    std::vector<ports::NoticeRunRow> out;
    while (true) {
      KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
      if (!row) break;
      out.push_back(
          {tenant, sqlite3_column_int64(s, 0), ColText(s, 1), false, sqlite3_column_int64(s, 2)});
    }
    return out;
  }

  Result<bool> AdvanceNoticeRun(const ports::NoticeRunRow& r,
                                const std::string& expected) override {
    KONFID_TRY(
        Write("UPDATE policy_notices SET after_subject = ?, done = ?, queued = ?"
              " WHERE tenant_id = ? AND version = ? AND after_subject = ? AND done = 0",
              r.after_subject, int64_t{r.done}, r.queued, r.tenant, r.version, expected));
    return sqlite3_changes(conn_->db()) > 0;
  }

  Status InsertOutbox(const ports::OutboxRow& r) override {
    return Write(
        "INSERT INTO outbox (tenant_id, message_id, subject_id, kind, payload, status, attempts,"
        " next_attempt_at, created_at, sent_at, last_error)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        r.tenant, r.id, r.subject, r.kind, r.payload, r.status, r.attempts, r.next_attempt_at,
        r.created_at, r.sent_at, r.last_error);
  }

  Result<std::vector<ports::OutboxRow>> DueOutbox(UnixMicros now, size_t limit) override {
    KONFID_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Run("SELECT tenant_id, message_id, subject_id, kind, payload, status, attempts,"
            " next_attempt_at, created_at, sent_at, last_error FROM outbox"
            " WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
            now, static_cast<int64_t>(limit)));
    std::vector<ports::OutboxRow> out;
    while (true) {
      KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
      if (!row) break;
      out.push_back({ColText(s, 0), ColText(s, 1), ColText(s, 2), ColText(s, 3), ColBlob(s, 4),
                     ColText(s, 5), sqlite3_column_int64(s, 6), sqlite3_column_int64(s, 7),
                     sqlite3_column_int64(s, 8), sqlite3_column_int64(s, 9), ColText(s, 10)});
    }
    return out;
  }

  Result<bool> ClaimOutbox(const std::string& tenant, const std::string& id, UnixMicros due,
                           UnixMicros until) override {
    KONFID_TRY(
        Write("UPDATE outbox SET next_attempt_at = ? WHERE tenant_id = ? AND message_id = ?"
              " AND status = 'pending' AND next_attempt_at = ?",
              until, tenant, id, due));
    return sqlite3_changes(conn_->db()) > 0;
  }

  Status UpdateOutbox(const ports::OutboxRow& r) override {
    return Write(
        "UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, sent_at = ?,"
        " last_error = ? WHERE tenant_id = ? AND message_id = ?",
        r.status, r.attempts, r.next_attempt_at, r.sent_at, r.last_error, r.tenant, r.id);
  }

  Status InsertToken(const ports::TokenRow& r) override {
    return Write(
        "INSERT INTO tokens (tenant_id, token_hash, subject_id, kind, pending, created_at,"
        " expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        r.tenant, r.hash, r.subject, r.kind, r.pending, r.created_at, r.expires_at, r.used_at);
  }

  Result<std::optional<ports::TokenRow>> FindToken(const std::string& tenant,
                                                   const Bytes& hash) override {
    KONFID_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Run("SELECT subject_id, kind, pending, created_at, expires_at, used_at FROM tokens"
            " WHERE tenant_id = ? AND token_hash = ?",
            tenant, hash));
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    std::optional<ports::TokenRow> out;
    if (row)
      out = ports::TokenRow{tenant,
                            hash,
                            ColText(s, 0),
                            ColText(s, 1),
                            ColText(s, 2),
                            sqlite3_column_int64(s, 3),
                            sqlite3_column_int64(s, 4),
                            sqlite3_column_int64(s, 5)};
    sqlite3_reset(s);
    return out;
  }

  Result<bool> MarkTokenUsed(const std::string& tenant, const Bytes& hash, UnixMicros at) override {
    KONFID_TRY(Write(
        "UPDATE tokens SET used_at = ? WHERE tenant_id = ? AND token_hash = ? AND used_at = 0", at,
        tenant, hash));
    return sqlite3_changes(conn_->db()) > 0;
  }

  Status InsertApiKey(const ports::ApiKeyRow& r) override {
    return Write(
        "INSERT INTO api_keys (tenant_id, key_id, secret_hash, role, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        r.tenant, r.key_id, r.secret_hash, r.role, r.created_at);
  }

  Result<std::optional<ports::ApiKeyRow>> FindApiKey(const std::string& key_id) override {
    KONFID_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        Run("SELECT tenant_id, secret_hash, role, created_at FROM api_keys WHERE key_id = ?",
            key_id));
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    if (!row) return std::optional<ports::ApiKeyRow>();
    ports::ApiKeyRow r{ColText(s, 0), key_id, ColBlob(s, 1), ColText(s, 2),
                       sqlite3_column_int64(s, 3)};
    sqlite3_reset(s);
    return std::optional(std::move(r));
  }

  Result<std::optional<std::string>> GetMeta(const std::string& key) override {
    KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run("SELECT value FROM meta WHERE key = ?", key));
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    std::optional<std::string> out;
    if (row) out = ColText(s, 0);
    sqlite3_reset(s);
    return out;
  }

  Status SetMeta(const std::string& key, const std::string& value) override {
    return Write(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        key, value);
  }

  // Prepared once per connection: group commit runs two of these per request.
  Status Savepoint() override { return Write("SAVEPOINT konfid_op"); }
  Status RollbackToSavepoint() override {
    KONFID_TRY(Write("ROLLBACK TO konfid_op"));
    return Write("RELEASE konfid_op");
  }
  Status ReleaseSavepoint() override { return Write("RELEASE konfid_op"); }

  Status Commit() override {
    done_ = true;
    auto st = conn_->Exec("COMMIT");
    if (!st) (void)conn_->Exec("ROLLBACK");
    if (lock_.owns_lock()) lock_.unlock();  // the writer is free as soon as the commit ends
    if (!st)
      return Fail(ErrorCode::kUnavailable, "the change could not be committed",
                  st.error().detail());
    return Ok();
  }

 private:
  SqliteStorage::Impl* impl_;
  Connection* conn_;
  std::unique_ptr<Connection> owned_;  // a reader from the pool, returned on destruction
  std::unique_lock<std::mutex> lock_;  // held for the writer
  bool done_ = false;
};

}  // namespace

SqliteStorage::SqliteStorage(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStorage::~SqliteStorage() = default;

Result<std::unique_ptr<SqliteStorage>> SqliteStorage::Open(const SqliteOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  KONFID_ASSIGN_OR_RETURN(impl->writer, Connection::Open(options));
  KONFID_TRY(impl->writer->Exec("PRAGMA wal_autocheckpoint=0"));
  sqlite3_wal_hook(
      impl->writer->db(),
      [](void* arg, sqlite3*, const char*, int frames) {
        static_cast<Impl*>(arg)->wal_frames.store(frames, std::memory_order_relaxed);
        return SQLITE_OK;
      },
      impl.get());
  KONFID_ASSIGN_OR_RETURN(impl->checkpointer, Connection::Open(options));
  Impl* raw = impl.get();
  impl->checkpoint_thread = std::thread([raw] { raw->CheckpointLoop(); });
  return std::unique_ptr<SqliteStorage>(new SqliteStorage(std::move(impl)));
}

Result<std::unique_ptr<ports::Transaction>> SqliteStorage::Begin(bool write) {
  if (write) {
    std::unique_lock lock(impl_->write_mu);
    if (impl_->wal_frames.load(std::memory_order_relaxed) > kWalCatchUpFrames) {
      int log = 0, done = 0;
      sqlite3_wal_checkpoint_v2(impl_->writer->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                                &done);
      impl_->wal_frames.store(0, std::memory_order_relaxed);
    }
    KONFID_TRY(impl_->writer->Exec("BEGIN IMMEDIATE"));
    return std::unique_ptr<ports::Transaction>(
        new SqliteTransaction(impl_.get(), impl_->writer.get(), nullptr, std::move(lock)));
  }
  KONFID_ASSIGN_OR_RETURN(auto reader, impl_->TakeReader());
  auto st = reader->Exec("BEGIN");
  if (!st) return Fail(st.error());
  Connection* raw = reader.get();
  return std::unique_ptr<ports::Transaction>(
      new SqliteTransaction(impl_.get(), raw, std::move(reader), {}));
}

namespace {
// The applied schema version. `create` makes the bookkeeping table (Migrate); without it a
// database that has none is version 0 and nothing is written (CheckSchema, /readyz).
Result<int> SchemaVersion(Connection& c, bool create) {
  if (create) {
    KONFID_TRY(
        c.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
               " name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"));
  } else {
    KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * t,
                            c.Prepare("SELECT count(*) FROM sqlite_master"
                                      " WHERE type = 'table' AND name = 'schema_migrations'"));
    int rc = sqlite3_step(t);
    if (rc != SQLITE_ROW) return Fail(SqlError(c.db(), rc, "schema version"));
    bool exists = sqlite3_column_int(t, 0) > 0;
    sqlite3_reset(t);
    if (!exists) return 0;
  }
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          c.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  int rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) return Fail(SqlError(c.db(), rc, "schema version"));
  int v = sqlite3_column_int(s, 0);
  sqlite3_reset(s);
  return v;
}
}  // namespace

Status SqliteStorage::Migrate() {
  std::lock_guard lock(impl_->write_mu);
  Connection& c = *impl_->writer;
  KONFID_ASSIGN_OR_RETURN(int current, SchemaVersion(c, true));
  auto migrations = SqliteMigrations();
  if (!migrations.empty() && current > migrations.back().version)
    return Fail(ErrorCode::kUnavailable, "the database schema (version " + std::to_string(current) +
                                             ") is newer than this konfid knows; upgrade konfid");
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    KONFID_TRY(c.Exec("BEGIN IMMEDIATE"));
    auto st = c.Exec(std::string(m.sql));
    if (st) {
      st = c.Exec("INSERT INTO schema_migrations (version, name) VALUES (" +
                  std::to_string(m.version) + ", '" + std::string(m.name) + "')");
    }
    if (!st) {
      (void)c.Exec("ROLLBACK");
      return Fail(ErrorCode::kUnavailable, "migration " + std::string(m.name) + " failed",
                  st.error().detail());
    }
    KONFID_TRY(c.Exec("COMMIT"));
  }
  return Ok();
}

Status SqliteStorage::CheckSchema() {
  // A reader: readiness probes must not wait for, or write with, the writer.
  KONFID_ASSIGN_OR_RETURN(auto reader, impl_->TakeReader());
  auto version = SchemaVersion(*reader, false);
  impl_->ReturnReader(std::move(reader));
  if (!version) return Fail(version.error());
  int current = *version;
  auto migrations = SqliteMigrations();
  return CompareSchemaVersion(current, migrations.empty() ? 0 : migrations.back().version);
}

}  // namespace konfid::adapters
