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
  KONFID_TRY(Write(Stmt::kInsertSubject, r.tenant, r.id, r.fields, r.created_at, r.updated_at));
  return Write(Stmt::kInsertSubjectKey, r.tenant, r.id, r.wrapped_key);
}

Result<std::optional<ports::SubjectRow>> SqliteTransaction::FindSubject(const std::string& tenant,
                                                                        const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindSubject, tenant, id));
  return One(s, [&](const SqliteRow& row) { return SubjectFrom(row, 0, tenant, id); });
}

Status SqliteTransaction::SetEmailVerified(const std::string& tenant, const std::string& id,
                                           UnixMicros at) {
  return Write(Stmt::kSetEmailVerified, at, tenant, id);
}

Status SqliteTransaction::UpdateSubjectFields(const std::string& tenant, const std::string& id,
                                              const Bytes& fields, UnixMicros updated_at) {
  return Write(Stmt::kUpdateSubjectFields, fields, updated_at, tenant, id);
}

Result<bool> SqliteTransaction::DeleteSubject(const std::string& tenant, const std::string& id) {
  KONFID_TRY(Write(Stmt::kDeleteSubject, tenant, id));
  bool deleted = Changed();
  // The key goes too, also one left without its row (a crash between the two files' commits).
  KONFID_TRY(Write(Stmt::kDeleteSubjectKey, tenant, id));
  if (deleted || Changed()) NoteErasure();
  return deleted;
}

Result<std::vector<ports::SubjectKeyRow>> SqliteTransaction::ListSubjectKeys(
    const std::string& after_tenant, const std::string& after_id, size_t limit) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kListSubjectKeys, after_tenant, after_id,
                                                static_cast<int64_t>(limit)));
  return All(s, [](const SqliteRow& row) { return SubjectKeyFrom(row); });
}

Status SqliteTransaction::UpdateSubjectKey(const std::string& tenant, const std::string& id,
                                           const Bytes& wrapped_key) {
  return Write(Stmt::kUpdateSubjectKey, wrapped_key, tenant, id);
}

Result<bool> SqliteTransaction::RewrapSubjectKey(const std::string& tenant, const std::string& id,
                                                 const Bytes& from, const Bytes& to) {
  KONFID_TRY(Write(Stmt::kRewrapSubjectKey, to, tenant, id, from));
  return Changed();
}

Result<bool> SqliteTransaction::EraseSubjectFields(const std::string& tenant, const std::string& id,
                                                   const Bytes& fields) {
  KONFID_TRY(Write(Stmt::kEraseSubjectFields, fields, tenant, id));
  bool changed = Changed();
  if (changed) NoteErasure();
  return changed;
}

Result<uint64_t> SqliteTransaction::CountSubjects(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kCountSubjects, tenant));
  KONFID_ASSIGN_OR_RETURN(
      auto n, One(s, [](const SqliteRow& row) { return static_cast<uint64_t>(row.Int(0)); }));
  return n.value_or(0);
}

Status SqliteTransaction::InsertIndex(const std::string& tenant, const std::string& field,
                                      const Bytes& hash, const std::string& subject) {
  return Write(Stmt::kInsertIndex, tenant, field, hash, subject);
}

Result<std::optional<std::string>> SqliteTransaction::LookupIndex(const std::string& tenant,
                                                                  const std::string& field,
                                                                  const Bytes& hash) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kLookupIndex, tenant, field, hash));
  return One(s, [](const SqliteRow& row) { return row.Text(0); });
}

Result<std::optional<ports::SubjectRow>> SqliteTransaction::FindSubjectByIndex(
    const std::string& tenant, const std::string& field, const Bytes& hash) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindSubjectByIndex, tenant, field, hash));
  return One(s, [&](const SqliteRow& row) { return SubjectFrom(row, 1, tenant, row.Text(0)); });
}

Status SqliteTransaction::DeleteIndex(const std::string& tenant, const std::string& subject,
                                      const std::string& field) {
  if (field.empty()) return Write(Stmt::kDeleteSubjectIndex, tenant, subject);
  return Write(Stmt::kDeleteIndexField, tenant, subject, field);
}

Status SqliteTransaction::InsertTenant(const ports::TenantRow& r) {
  KONFID_TRY(Write(Stmt::kInsertTenant, r.tenant, r.wrapped_index_key, r.wrapped_audit_key,
                   r.created_at, r.receipt_public_key, r.wrapped_receipt_key));
  return Write(Stmt::kInsertAuditHead, r.tenant, Bytes(domain::kAuditHashSize, 0));
}

Result<std::optional<ports::TenantRow>> SqliteTransaction::FindTenant(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindTenant, tenant));
  return One(s, [](const SqliteRow& row) { return TenantFrom(row); });
}

Result<std::vector<ports::TenantRow>> SqliteTransaction::ListTenants() {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kListTenants));
  return All(s, [](const SqliteRow& row) { return TenantFrom(row); });
}

Status SqliteTransaction::UpdateTenantKeys(const ports::TenantRow& r) {
  return Write(Stmt::kUpdateTenantKeys, r.wrapped_index_key, r.wrapped_audit_key,
               r.receipt_public_key, r.wrapped_receipt_key, r.tenant);
}

// SQLite needs no lock statement here: BEGIN IMMEDIATE has made this the only writer.
Result<ports::AuditHead> SqliteTransaction::LockAuditHead(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kReadAuditHead, tenant));
  KONFID_ASSIGN_OR_RETURN(auto head,
                          One(s, [](const SqliteRow& row) { return AuditHeadFrom(row); }));
  if (!head) return Fail(ErrorCode::kNotFound, "unknown tenant", "no audit head");
  return std::move(*head);
}

Result<ports::AuditHead> SqliteTransaction::ReadAuditHead(const std::string& tenant) {
  return LockAuditHead(tenant);  // SQLite: the transaction already sees one snapshot
}

Status SqliteTransaction::SetAuditHead(const std::string& tenant, const ports::AuditHead& head) {
  return Write(Stmt::kSetAuditHead, head.seq, head.hash, tenant);
}

Status SqliteTransaction::AppendAudit(const domain::AuditEvent& e) {
  return Write(Stmt::kAppendAudit, e.tenant, e.seq, e.time, e.actor, e.operation, e.subject_id,
               JoinFields(e.fields), e.purpose, e.ground, e.outcome, e.reason, e.prev_hash, e.hash);
}

// Dialect: SQLite steps one cursor through the whole chain; PostgreSQL, whose results arrive
// whole, reads it in pages (pg_storage.cc).
Status SqliteTransaction::ScanAudit(const std::string& tenant,
                                    const std::function<Status(const domain::AuditEvent&)>& fn) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          Run("SELECT " KONFID_AUDIT_EVENT_COLUMNS
                              " FROM audit_events WHERE tenant_id = ? ORDER BY seq",
                              tenant));
  Status status = Ok();
  while (status) {
    auto row = Step(s);
    if (!row) return Fail(row.error());
    if (!*row) break;
    status = fn(AuditEventFrom(SqliteRow{s}, tenant));
  }
  sqlite3_reset(s);
  return status;
}

Status SqliteTransaction::InsertApiKey(const ports::ApiKeyRow& r) {
  return Write(Stmt::kInsertApiKey, r.tenant, r.key_id, r.secret_hash, r.role, r.created_at,
               r.recipient);
}

Result<std::optional<ports::ApiKeyRow>> SqliteTransaction::FindApiKey(const std::string& key_id) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kFindApiKey, key_id));
  return One(s, [&](const SqliteRow& row) { return ApiKeyFrom(row, row.Text(0), key_id); });
}

Result<std::vector<ports::ApiKeyRow>> SqliteTransaction::ListApiKeys(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kListApiKeys, tenant));
  return All(s, [&](const SqliteRow& row) { return ApiKeyFrom(row, tenant, row.Text(0)); });
}

Result<bool> SqliteTransaction::RevokeApiKey(const std::string& tenant, const std::string& key_id,
                                             UnixMicros at) {
  KONFID_TRY(Write(Stmt::kRevokeApiKey, at, tenant, key_id));
  return Changed();
}

Result<std::optional<std::string>> SqliteTransaction::GetMeta(const std::string& key) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s, Run(Stmt::kGetMeta, key));
  return One(s, [](const SqliteRow& row) { return row.Text(0); });
}

Status SqliteTransaction::SetMeta(const std::string& key, const std::string& value) {
  return Write(Stmt::kSetMeta, key, value);
}

}  // namespace sqlite_internal

using namespace sqlite_internal;

SqliteStorage::SqliteStorage(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStorage::~SqliteStorage() = default;

Result<std::unique_ptr<SqliteStorage>> SqliteStorage::Open(const SqliteOptions& options) {
  if (options.clock == nullptr)
    return Fail(ErrorCode::kInvalidArgument, "SQLite storage opened without a clock");
  (void)SqliteStatements();  // the shared texts, rewritten here once rather than mid-request
  // A WAL left behind: the last process stopped without closing (or one still runs).
  struct stat wal {};
  bool unclean = ::stat((options.path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0;
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.key_store_path.empty())
    impl->options.key_store_path = KeyStorePathFor(options.path);
  impl->key_store_path = impl->options.key_store_path;
  KONFID_ASSIGN_OR_RETURN(impl->writer, Connection::Open(options));
  if (struct stat st{}; ::stat(options.path.c_str(), &st) == 0) impl->db_inode = st.st_ino;
  if (struct stat st{}; ::stat(impl->key_store_path.c_str(), &st) == 0)
    impl->key_store_inode = st.st_ino;
  KONFID_TRY(impl->writer->Exec("PRAGMA wal_autocheckpoint=0"));
  // The writer, which serves every audited read, reads through a memory map (up to the
  // library's limit, 2 GiB on Debian) instead of a pread() per page that misses its cache.
  // Only the writer: a connection drops its map whenever another one has committed, and the
  // checkpointer and the pooled readers would otherwise map and unmap the whole file several
  // times a second, each unmap interrupting the other threads to flush their TLBs.
  KONFID_TRY(impl->writer->Exec(
      "PRAGMA main.mmap_size=8589934592; PRAGMA konfid_keys.mmap_size=8589934592"));
  if (options.synchronous_full) {
    // The data's WAL is synced by WalSync after the commit; the key store stays at FULL, so
    // a commit that wrote a key syncs the key store's WAL inside COMMIT, before the data's.
    KONFID_TRY(impl->writer->Exec("PRAGMA main.synchronous=NORMAL"));
    impl->wal_sync = std::make_unique<WalSync>(options.path);
  }
  sqlite3_wal_hook(
      impl->writer->db(),
      [](void* arg, sqlite3*, const char* db, int frames) {
        // The data's WAL: the key store's is small and goes with every checkpoint.
        if (std::strcmp(db, "main") == 0)
          static_cast<Impl*>(arg)->wal_frames.store(frames, std::memory_order_relaxed);
        return SQLITE_OK;
      },
      impl.get());
  KONFID_TRY(impl->SweepKeysWithoutRows(unclean));
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

Status SqliteStorage::Sync() { return impl_->SyncWals(); }

std::string KeyStorePathFor(const std::string& data_path) {
  if (data_path.ends_with(".db")) return data_path.substr(0, data_path.size() - 3) + "-keys.db";
  return data_path + "-keys";
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

namespace {
Result<bool> HasSubjectKeyColumn(Connection& c) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          c.Prepare("SELECT count(*) FROM pragma_table_info('subjects')"
                                    " WHERE name = 'wrapped_key'"));
  int rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) return Fail(SqlError(c.db(), rc, "schema"));
  bool has = sqlite3_column_int(s, 0) > 0;
  sqlite3_reset(s);
  return has;
}
}  // namespace

// Before 16 drops subjects.wrapped_key: 15's copy again (idempotent), committed and synced on
// its own, then every subject checked to have its key. A transaction does not commit the two
// files atomically under WAL; a crash after 15 may have kept the data file's half alone.
Status SqliteStorage::EnsureKeysCopied(Connection& c, const std::vector<Migration>& migrations) {
  for (const auto& m : migrations) {
    if (m.version != kDropSubjectKeysVersion - 1) continue;
    KONFID_TRY(c.Exec("BEGIN IMMEDIATE"));
    auto st = c.Exec(std::string(m.sql));
    if (st) st = c.Exec("COMMIT");
    if (!st) {
      (void)c.Exec("ROLLBACK");
      return Fail(ErrorCode::kUnavailable, "copying the keys into the key store failed",
                  st.error().detail());
    }
  }
  // Durable before the column goes, also at synchronous=NORMAL: a checkpoint syncs the WAL
  // and then the file.
  KONFID_TRY(c.Exec("PRAGMA konfid_keys.wal_checkpoint(FULL)"));
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          c.Prepare("SELECT count(*) FROM subjects s WHERE NOT EXISTS (SELECT 1"
                                    " FROM konfid_keys.subject_keys k WHERE k.tenant_id ="
                                    " s.tenant_id AND k.subject_id = s.subject_id)"));
  int rc = sqlite3_step(s);
  int64_t missing = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_reset(s);
  if (missing != 0)
    return Fail(ErrorCode::kUnavailable, "the key store lacks subjects' keys",
                "not dropping subjects.wrapped_key: " + std::to_string(missing) + " missing");
  return Ok();
}

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
    bool skip = false;  // 16 on a database whose 15 dropped the column itself (before 16 was)
    if (m.version == kDropSubjectKeysVersion) {
      KONFID_ASSIGN_OR_RETURN(bool has_column, HasSubjectKeyColumn(c));
      if (has_column) KONFID_TRY(EnsureKeysCopied(c, migrations));
      skip = !has_column;
    }
    KONFID_TRY(c.Exec("BEGIN IMMEDIATE"));
    auto st = skip ? Ok() : c.Exec(std::string(m.sql));
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
  return impl_->SyncWals();
}

namespace {
// A file removed or replaced under a running server still takes writes through the open
// descriptors, into a file no one will read again.
Status CheckFile(const std::string& path, uint64_t inode, const char* what) {
  if (inode == 0) return Ok();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || st.st_ino != inode)
    return Fail(ErrorCode::kUnavailable, std::string("the ") + what + " file is gone",
                path + " was removed or replaced while open");
  if (::access(path.c_str(), W_OK) != 0)
    return Fail(ErrorCode::kUnavailable, std::string("the ") + what + " file is not writable",
                path + ": " + std::strerror(errno));
  return Ok();
}

// From schema 15 on, a key store without its table is one created empty in place of the
// real one (moved, deleted, or pointed elsewhere): every subject would read as erased.
Status CheckKeyStore(Connection& c, int version, const std::string& path) {
  if (version < 15) return Ok();
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * t,
                          c.Prepare("SELECT count(*) FROM konfid_keys.sqlite_master"
                                    " WHERE type = 'table' AND name = 'subject_keys'"));
  int rc = sqlite3_step(t);
  if (rc != SQLITE_ROW) return Fail(SqlError(c.db(), rc, "key store"));
  bool exists = sqlite3_column_int(t, 0) > 0;
  sqlite3_reset(t);
  if (!exists)
    return Fail(ErrorCode::kUnavailable, "the key store holds no keys",
                path +
                    " is not this database's key store: run 'konfid init' if an upgrade was "
                    "interrupted, else restore it from its backup (docs/operations.md)");
  return Ok();
}
}  // namespace

Status SqliteStorage::CheckSchema() {
  KONFID_TRY(CheckFile(impl_->options.path, impl_->db_inode, "database"));
  KONFID_TRY(CheckFile(impl_->key_store_path, impl_->key_store_inode, "key store"));
  // A reader: readiness probes must not wait for, or write with, the writer.
  KONFID_ASSIGN_OR_RETURN(auto reader, impl_->TakeReader());
  auto version = SchemaVersion(*reader, false);
  Status keys = version ? CheckKeyStore(*reader, *version, impl_->key_store_path) : Ok();
  impl_->ReturnReader(std::move(reader));
  if (!version) return Fail(version.error());
  KONFID_TRY(keys);
  int current = *version;
  auto migrations = SqliteMigrations();
  return CompareSchemaVersion(current, migrations.empty() ? 0 : migrations.back().version);
}

}  // namespace konfid::adapters
