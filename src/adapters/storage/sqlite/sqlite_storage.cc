#include "adapters/storage/sqlite/sqlite_storage.h"

#include "adapters/storage/migration.h"
#include "adapters/storage/sql_util.h"
#include "adapters/storage/sqlite/sqlite_internal.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace konfid::adapters {

std::vector<Migration> SqliteMigrations();

namespace sqlite_internal {

Status SqliteTransaction::InsertSubject(const ports::SubjectRow& r) {
  return Write(
      "INSERT INTO subjects (tenant_id, subject_id, wrapped_key, fields, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?)",
      r.tenant, r.id, r.wrapped_key, r.fields, r.created_at, r.updated_at);
}

Result<std::optional<ports::SubjectRow>> SqliteTransaction::FindSubject(const std::string& tenant,
                                                                        const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          Run("SELECT wrapped_key, fields, created_at, updated_at,"
                              " email_verified_at FROM subjects"
                              " WHERE tenant_id = ? AND subject_id = ?",
                              tenant, id));
  KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
  if (!row) return std::optional<ports::SubjectRow>();
  ports::SubjectRow r{tenant,
                      id,
                      ColBlob(s, 0),
                      ColBlob(s, 1),
                      sqlite3_column_int64(s, 2),
                      sqlite3_column_int64(s, 3),
                      sqlite3_column_int64(s, 4)};
  sqlite3_reset(s);
  return std::optional(std::move(r));
}

Status SqliteTransaction::SetEmailVerified(const std::string& tenant, const std::string& id,
                                           UnixMicros at) {
  return Write("UPDATE subjects SET email_verified_at = ? WHERE tenant_id = ? AND subject_id = ?",
               at, tenant, id);
}

Status SqliteTransaction::UpdateSubjectFields(const std::string& tenant, const std::string& id,
                                              const Bytes& fields, UnixMicros updated_at) {
  return Write(
      "UPDATE subjects SET fields = ?, updated_at = ? WHERE tenant_id = ? AND subject_id = ?",
      fields, updated_at, tenant, id);
}

Result<bool> SqliteTransaction::DeleteSubject(const std::string& tenant, const std::string& id) {
  KONFID_TRY(Write("DELETE FROM subjects WHERE tenant_id = ? AND subject_id = ?", tenant, id));
  bool deleted = sqlite3_changes(conn_->db()) > 0;
  if (deleted) NoteErasure();
  return deleted;
}

Result<std::vector<ports::SubjectKeyRow>> SqliteTransaction::ListSubjectKeys(
    const std::string& after_tenant, const std::string& after_id, size_t limit) {
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

Status SqliteTransaction::UpdateSubjectKey(const std::string& tenant, const std::string& id,
                                           const Bytes& wrapped_key) {
  return Write("UPDATE subjects SET wrapped_key = ? WHERE tenant_id = ? AND subject_id = ?",
               wrapped_key, tenant, id);
}

Result<uint64_t> SqliteTransaction::CountSubjects(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          Run("SELECT count(*) FROM subjects WHERE tenant_id = ?", tenant));
  KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
  uint64_t n = row ? static_cast<uint64_t>(sqlite3_column_int64(s, 0)) : 0;
  sqlite3_reset(s);
  return n;
}

Status SqliteTransaction::InsertIndex(const std::string& tenant, const std::string& field,
                                      const Bytes& hash, const std::string& subject) {
  return Write("INSERT INTO subject_index (tenant_id, field, hash, subject_id) VALUES (?, ?, ?, ?)",
               tenant, field, hash, subject);
}

Result<std::optional<std::string>> SqliteTransaction::LookupIndex(const std::string& tenant,
                                                                  const std::string& field,
                                                                  const Bytes& hash) {
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

Result<std::optional<ports::SubjectRow>> SqliteTransaction::FindSubjectByIndex(
    const std::string& tenant, const std::string& field, const Bytes& hash) {
  KONFID_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      Run("SELECT s.subject_id, s.wrapped_key, s.fields, s.created_at, s.updated_at,"
          " s.email_verified_at FROM subject_index i JOIN subjects s"
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
                      sqlite3_column_int64(s, 4),
                      sqlite3_column_int64(s, 5)};
  sqlite3_reset(s);
  return std::optional(std::move(r));
}

Status SqliteTransaction::DeleteIndex(const std::string& tenant, const std::string& subject,
                                      const std::string& field) {
  if (field.empty())
    return Write("DELETE FROM subject_index WHERE tenant_id = ? AND subject_id = ?", tenant,
                 subject);
  return Write("DELETE FROM subject_index WHERE tenant_id = ? AND subject_id = ? AND field = ?",
               tenant, subject, field);
}

Status SqliteTransaction::InsertTenant(const ports::TenantRow& r) {
  KONFID_TRY(
      Write("INSERT INTO tenants (tenant_id, wrapped_index_key, wrapped_audit_key, created_at,"
            " receipt_public_key, wrapped_receipt_key) VALUES (?, ?, ?, ?, ?, ?)",
            r.tenant, r.wrapped_index_key, r.wrapped_audit_key, r.created_at, r.receipt_public_key,
            r.wrapped_receipt_key));
  return Write("INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (?, 0, ?)", r.tenant,
               Bytes(domain::kAuditHashSize, 0));
}

Result<std::vector<ports::TenantRow>> SqliteTransaction::SelectTenants(const char* sql,
                                                                       const std::string* tenant) {
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

Result<std::optional<ports::TenantRow>> SqliteTransaction::FindTenant(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto rows,
                          SelectTenants("SELECT tenant_id, wrapped_index_key, wrapped_audit_key,"
                                        " created_at, receipt_public_key, wrapped_receipt_key"
                                        " FROM tenants WHERE tenant_id = ?",
                                        &tenant));
  if (rows.empty()) return std::optional<ports::TenantRow>();
  return std::optional(std::move(rows[0]));
}

Result<std::vector<ports::TenantRow>> SqliteTransaction::ListTenants() {
  return SelectTenants(
      "SELECT tenant_id, wrapped_index_key, wrapped_audit_key, created_at,"
      " receipt_public_key, wrapped_receipt_key FROM tenants ORDER BY tenant_id",
      nullptr);
}

Status SqliteTransaction::UpdateTenantKeys(const ports::TenantRow& r) {
  return Write(
      "UPDATE tenants SET wrapped_index_key = ?, wrapped_audit_key = ?, receipt_public_key = ?,"
      " wrapped_receipt_key = ? WHERE tenant_id = ?",
      r.wrapped_index_key, r.wrapped_audit_key, r.receipt_public_key, r.wrapped_receipt_key,
      r.tenant);
}

Result<ports::AuditHead> SqliteTransaction::LockAuditHead(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          Run("SELECT seq, hash FROM audit_heads WHERE tenant_id = ?", tenant));
  KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
  if (!row) return Fail(ErrorCode::kNotFound, "unknown tenant", "no audit head");
  ports::AuditHead head{static_cast<uint64_t>(sqlite3_column_int64(s, 0)), ColBlob(s, 1)};
  sqlite3_reset(s);
  return head;
}

Result<ports::AuditHead> SqliteTransaction::ReadAuditHead(const std::string& tenant) {
  return LockAuditHead(tenant);  // SQLite: the transaction already sees one snapshot
}

Status SqliteTransaction::SetAuditHead(const std::string& tenant, const ports::AuditHead& head) {
  return Write("UPDATE audit_heads SET seq = ?, hash = ? WHERE tenant_id = ?", head.seq, head.hash,
               tenant);
}

Status SqliteTransaction::AppendAudit(const domain::AuditEvent& e) {
  return Write(
      "INSERT INTO audit_events (tenant_id, seq, time, actor, operation, subject_id, fields,"
      " purpose, ground, outcome, reason, prev_hash, hash)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      e.tenant, e.seq, e.time, e.actor, e.operation, e.subject_id, JoinFields(e.fields), e.purpose,
      e.ground, e.outcome, e.reason, e.prev_hash, e.hash);
}

Status SqliteTransaction::ScanAudit(const std::string& tenant,
                                    const std::function<Status(const domain::AuditEvent&)>& fn) {
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

Status SqliteTransaction::InsertApiKey(const ports::ApiKeyRow& r) {
  return Write(
      "INSERT INTO api_keys (tenant_id, key_id, secret_hash, role, created_at)"
      " VALUES (?, ?, ?, ?, ?)",
      r.tenant, r.key_id, r.secret_hash, r.role, r.created_at);
}

Result<std::optional<ports::ApiKeyRow>> SqliteTransaction::FindApiKey(const std::string& key_id) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          Run("SELECT tenant_id, secret_hash, role, created_at, revoked_at"
                              " FROM api_keys WHERE key_id = ?",
                              key_id));
  KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
  if (!row) return std::optional<ports::ApiKeyRow>();
  ports::ApiKeyRow r{ColText(s, 0),
                     key_id,
                     ColBlob(s, 1),
                     ColText(s, 2),
                     sqlite3_column_int64(s, 3),
                     sqlite3_column_int64(s, 4)};
  sqlite3_reset(s);
  return std::optional(std::move(r));
}

Result<std::vector<ports::ApiKeyRow>> SqliteTransaction::ListApiKeys(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          Run("SELECT key_id, secret_hash, role, created_at, revoked_at"
                              " FROM api_keys WHERE tenant_id = ? ORDER BY created_at, key_id",
                              tenant));
  std::vector<ports::ApiKeyRow> out;
  while (true) {
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    if (!row) break;
    out.push_back({tenant, ColText(s, 0), ColBlob(s, 1), ColText(s, 2), sqlite3_column_int64(s, 3),
                   sqlite3_column_int64(s, 4)});
  }
  sqlite3_reset(s);
  return out;
}

Result<bool> SqliteTransaction::RevokeApiKey(const std::string& tenant, const std::string& key_id,
                                             UnixMicros at) {
  KONFID_TRY(Write(
      "UPDATE api_keys SET revoked_at = ? WHERE tenant_id = ? AND key_id = ? AND revoked_at = 0",
      at, tenant, key_id));
  return sqlite3_changes(conn_->db()) > 0;
}

Result<std::optional<std::string>> SqliteTransaction::GetMeta(const std::string& key) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run("SELECT value FROM meta WHERE key = ?", key));
  KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
  std::optional<std::string> out;
  if (row) out = ColText(s, 0);
  sqlite3_reset(s);
  return out;
}

Status SqliteTransaction::SetMeta(const std::string& key, const std::string& value) {
  return Write(
      "INSERT INTO meta (key, value) VALUES (?, ?)"
      " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key, value);
}

}  // namespace sqlite_internal

using namespace sqlite_internal;

SqliteStorage::SqliteStorage(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStorage::~SqliteStorage() = default;

Result<std::unique_ptr<SqliteStorage>> SqliteStorage::Open(const SqliteOptions& options) {
  if (options.clock == nullptr)
    return Fail(ErrorCode::kInvalidArgument, "SQLite storage opened without a clock");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  KONFID_ASSIGN_OR_RETURN(impl->writer, Connection::Open(options));
  if (struct stat st{}; ::stat(options.path.c_str(), &st) == 0) impl->db_inode = st.st_ino;
  KONFID_TRY(impl->writer->Exec("PRAGMA wal_autocheckpoint=0"));
  // The writer, which serves every audited read, reads through a memory map (up to the
  // library's limit, 2 GiB on Debian) instead of a pread() per page that misses its cache.
  // Only the writer: a connection drops its map whenever another one has committed, and the
  // checkpointer and the pooled readers would otherwise map and unmap the whole file several
  // times a second, each unmap interrupting the other threads to flush their TLBs.
  KONFID_TRY(impl->writer->Exec("PRAGMA mmap_size=8589934592"));
  if (options.synchronous_full) {
    KONFID_TRY(impl->writer->Exec("PRAGMA synchronous=NORMAL"));
    impl->wal_sync = std::make_unique<WalSync>(options.path);
  }
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

bool SqliteStorage::syncs_separately() const { return impl_->wal_sync != nullptr; }

Status SqliteStorage::Sync() { return impl_->wal_sync ? impl_->wal_sync->Sync() : Ok(); }

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
  return impl_->wal_sync ? impl_->wal_sync->Sync() : Ok();
}

Status SqliteStorage::CheckSchema() {
  if (impl_->db_inode != 0) {
    struct stat st {};
    const std::string& path = impl_->options.path;
    if (::stat(path.c_str(), &st) != 0 || st.st_ino != impl_->db_inode)
      return Fail(ErrorCode::kUnavailable, "the database file is gone",
                  path + " was removed or replaced while open");
    if (::access(path.c_str(), W_OK) != 0)
      return Fail(ErrorCode::kUnavailable, "the database file is not writable",
                  path + ": " + std::strerror(errno));
  }
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
