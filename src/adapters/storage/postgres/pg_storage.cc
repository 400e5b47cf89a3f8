#include "adapters/storage/postgres/pg_storage.h"

#include "adapters/storage/migration.h"
#include "adapters/storage/postgres/pg_internal.h"
#include "adapters/storage/sql_util.h"

namespace konfid::adapters {

std::vector<Migration> PostgresMigrations();

namespace pg_internal {

Status PgTransaction::InsertSubject(const ports::SubjectRow& r) {
  KONFID_TRY(X(Stmt::kInsertSubject, {r.tenant, r.id, r.fields, r.created_at, r.updated_at}));
  return X(Stmt::kInsertSubjectKey, {r.tenant, r.id, r.wrapped_key});
}

Result<std::optional<ports::SubjectRow>> PgTransaction::FindSubject(const std::string& tenant,
                                                                    const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindSubject, {tenant, id}));
  return One(r.get(), [&](const PgRow& row) { return SubjectFrom(row, 0, tenant, id); });
}

Status PgTransaction::SetEmailVerified(const std::string& tenant, const std::string& id,
                                       UnixMicros at) {
  return X(Stmt::kSetEmailVerified, {at, tenant, id});
}

Status PgTransaction::UpdateSubjectFields(const std::string& tenant, const std::string& id,
                                          const Bytes& fields, UnixMicros updated_at) {
  return X(Stmt::kUpdateSubjectFields, {fields, updated_at, tenant, id});
}

Result<bool> PgTransaction::DeleteSubject(const std::string& tenant, const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kDeleteSubject, {tenant, id}));
  KONFID_TRY(X(Stmt::kDeleteSubjectKey, {tenant, id}));  // the key store's copy
  return Changed(r.get());
}

Result<bool> PgTransaction::EraseSubjectFields(const std::string& tenant, const std::string& id,
                                               const Bytes& fields) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kEraseSubjectFields, {fields, tenant, id}));
  return Changed(r.get());
}

Result<std::vector<ports::SubjectKeyRow>> PgTransaction::ListSubjectKeys(
    const std::string& after_tenant, const std::string& after_id, size_t limit) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q(Stmt::kListSubjectKeys, {after_tenant, after_id, static_cast<int64_t>(limit)}));
  return All(r.get(), [](const PgRow& row) { return SubjectKeyFrom(row); });
}

Status PgTransaction::UpdateSubjectKey(const std::string& tenant, const std::string& id,
                                       const Bytes& wrapped_key) {
  return X(Stmt::kUpdateSubjectKey, {wrapped_key, tenant, id});
}

Result<bool> PgTransaction::RewrapSubjectKey(const std::string& tenant, const std::string& id,
                                             const Bytes& from, const Bytes& to) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kRewrapSubjectKey, {to, tenant, id, from}));
  return Changed(r.get());
}

Result<uint64_t> PgTransaction::CountSubjects(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kCountSubjects, {tenant}));
  return static_cast<uint64_t>(Int(r.get(), 0, 0));
}

Status PgTransaction::InsertIndex(const std::string& tenant, const std::string& field,
                                  const Bytes& hash, const std::string& subject) {
  return X(Stmt::kInsertIndex, {tenant, field, hash, subject});
}

Result<std::optional<std::string>> PgTransaction::LookupIndex(const std::string& tenant,
                                                              const std::string& field,
                                                              const Bytes& hash) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kLookupIndex, {tenant, field, hash}));
  return One(r.get(), [](const PgRow& row) { return row.Text(0); });
}

Result<std::optional<ports::SubjectRow>> PgTransaction::FindSubjectByIndex(
    const std::string& tenant, const std::string& field, const Bytes& hash) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindSubjectByIndex, {tenant, field, hash}));
  return One(r.get(), [&](const PgRow& row) { return SubjectFrom(row, 1, tenant, row.Text(0)); });
}

Status PgTransaction::DeleteIndex(const std::string& tenant, const std::string& subject,
                                  const std::string& field) {
  if (field.empty()) return X(Stmt::kDeleteSubjectIndex, {tenant, subject});
  return X(Stmt::kDeleteIndexField, {tenant, subject, field});
}

Status PgTransaction::InsertTenant(const ports::TenantRow& r) {
  KONFID_TRY(X(Stmt::kInsertTenant, {r.tenant, r.wrapped_index_key, r.wrapped_audit_key,
                                     r.created_at, r.receipt_public_key, r.wrapped_receipt_key}));
  return X(Stmt::kInsertAuditHead, {r.tenant, Bytes(domain::kAuditHashSize, 0)});
}

Result<std::optional<ports::TenantRow>> PgTransaction::FindTenant(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindTenant, {tenant}));
  return One(r.get(), [](const PgRow& row) { return TenantFrom(row); });
}

Result<std::vector<ports::TenantRow>> PgTransaction::ListTenants() {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kListTenants));
  return All(r.get(), [](const PgRow& row) { return TenantFrom(row); });
}

Status PgTransaction::UpdateTenantKeys(const ports::TenantRow& r) {
  return X(Stmt::kUpdateTenantKeys, {r.wrapped_index_key, r.wrapped_audit_key, r.receipt_public_key,
                                     r.wrapped_receipt_key, r.tenant});
}

// Dialect: several nodes append to one chain, so a writer locks the head row until it
// commits (SQLite's single writer needs no lock). The text is kReadAuditHead's plus the lock.
Result<ports::AuditHead> PgTransaction::LockAuditHead(const std::string& tenant) {
  return Head("SELECT seq, hash FROM audit_heads WHERE tenant_id = $1 FOR UPDATE", tenant);
}

Result<ports::AuditHead> PgTransaction::ReadAuditHead(const std::string& tenant) {
  return Head(PostgresStatements()[Stmt::kReadAuditHead], tenant);
}

Result<ports::AuditHead> PgTransaction::Head(const char* sql, const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(sql, {tenant}));
  auto head = One(r.get(), [](const PgRow& row) { return AuditHeadFrom(row); });
  if (!head) return Fail(ErrorCode::kNotFound, "unknown tenant", "no audit head");
  return std::move(*head);
}

Status PgTransaction::SetAuditHead(const std::string& tenant, const ports::AuditHead& head) {
  return X(Stmt::kSetAuditHead, {head.seq, head.hash, tenant});
}

Status PgTransaction::AppendAudit(const domain::AuditEvent& e) {
  return X(Stmt::kAppendAudit,
           {e.tenant, e.seq, e.time, e.actor, e.operation, e.subject_id, JoinFields(e.fields),
            e.purpose, e.ground, e.outcome, e.reason, e.prev_hash, e.hash});
}

// Dialect: a result arrives whole, so the chain is read in pages of 10,000, which keeps
// memory flat on long chains; SQLite steps one cursor through it (sqlite_storage.cc).
Status PgTransaction::ScanAudit(const std::string& tenant,
                                const std::function<Status(const domain::AuditEvent&)>& fn) {
  uint64_t after = 0;
  while (true) {
    KONFID_ASSIGN_OR_RETURN(auto r, Q("SELECT " KONFID_AUDIT_EVENT_COLUMNS " FROM audit_events"
                                      " WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT 10000",
                                      {tenant, after}));
    int n = PQntuples(r.get());
    for (int i = 0; i < n; ++i) {
      domain::AuditEvent e = AuditEventFrom(PgRow{r.get(), i}, tenant);
      KONFID_TRY(fn(e));
      after = e.seq;
    }
    if (n < 10000) return Ok();
  }
}

Status PgTransaction::InsertApiKey(const ports::ApiKeyRow& r) {
  return X(Stmt::kInsertApiKey,
           {r.tenant, r.key_id, r.secret_hash, r.role, r.created_at, r.recipient});
}

Result<std::optional<ports::ApiKeyRow>> PgTransaction::FindApiKey(const std::string& key_id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kFindApiKey, {key_id}));
  return One(r.get(), [&](const PgRow& row) { return ApiKeyFrom(row, row.Text(0), key_id); });
}

Result<std::vector<ports::ApiKeyRow>> PgTransaction::ListApiKeys(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kListApiKeys, {tenant}));
  return All(r.get(), [&](const PgRow& row) { return ApiKeyFrom(row, tenant, row.Text(0)); });
}

Result<bool> PgTransaction::RevokeApiKey(const std::string& tenant, const std::string& key_id,
                                         UnixMicros at) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kRevokeApiKey, {at, tenant, key_id}));
  return Changed(r.get());
}

// Dialect: advisory locks exist only in PostgreSQL; SQLite's single writer already orders
// a rotation after every transaction that read the epoch (ports/storage.h).
// 7405184: any number serves that is the same on every node (the migrator's is 7405183).
Result<std::optional<std::string>> PgTransaction::ReadKeyEpoch(const std::string& key) {
  // The read is a statement after the lock's: under READ COMMITTED it then sees a rotation
  // that committed while this transaction waited for the lock.
  if (!epoch_locked_) KONFID_TRY(X("SELECT pg_advisory_xact_lock_shared(7405184)"));
  return GetMeta(key);
}

Status PgTransaction::LockKeyEpoch() { return X("SELECT pg_advisory_xact_lock(7405184)"); }

Result<std::optional<std::string>> PgTransaction::GetMeta(const std::string& key) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(Stmt::kGetMeta, {key}));
  return One(r.get(), [](const PgRow& row) { return row.Text(0); });
}

Status PgTransaction::SetMeta(const std::string& key, const std::string& value) {
  return X(Stmt::kSetMeta, {key, value});
}

namespace {

// The applied schema version; see the SQLite adapter for `create`.
Result<int64_t> PgSchemaVersion(Connection& c, bool create) {
  if (create) {
    KONFID_TRY(
        c.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY,"
               " name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"));
  } else {
    KONFID_ASSIGN_OR_RETURN(auto t, c.Query("SELECT count(*) FROM information_schema.tables"
                                            " WHERE table_schema = current_schema()"
                                            " AND table_name = 'schema_migrations'",
                                            {}));
    if (Int(t.get(), 0, 0) == 0) return int64_t{0};
  }
  KONFID_ASSIGN_OR_RETURN(
      auto r, c.Query("SELECT coalesce(max(version), 0)::bigint FROM schema_migrations", {}));
  return Int(r.get(), 0, 0);
}

}  // namespace

}  // namespace pg_internal

using namespace pg_internal;

PgStorage::PgStorage(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgStorage::~PgStorage() = default;

Result<std::unique_ptr<PgStorage>> PgStorage::Open(const std::string& url, size_t max_connections) {
  auto impl = std::make_unique<Impl>();
  impl->url = url;
  impl->max_connections = max_connections == 0 ? 1 : max_connections;
  KONFID_ASSIGN_OR_RETURN(auto first, impl->Take());
  impl->Give(std::move(first));
  return std::unique_ptr<PgStorage>(new PgStorage(std::move(impl)));
}

Result<std::unique_ptr<ports::Transaction>> PgStorage::Begin(bool write) {
  KONFID_ASSIGN_OR_RETURN(auto c, impl_->Take());
  // A writer takes the shared key-epoch lock (see ReadKeyEpoch) with BEGIN, in one round trip:
  // every group-commit batch needs it. A rotation upgrades it with LockKeyEpoch.
  auto st = c->Exec(write ? "BEGIN; SELECT pg_advisory_xact_lock_shared(7405184)"
                          : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!st) {
    (void)c->Exec("ROLLBACK");
    impl_->Give(std::move(c));
    return Fail(st.error());
  }
  return std::unique_ptr<ports::Transaction>(new PgTransaction(impl_.get(), std::move(c), write));
}

Status PgStorage::Migrate() {
  KONFID_ASSIGN_OR_RETURN(auto c, impl_->Take());
  auto run = [&]() -> Status {
    // One migrator at a time across nodes: a transaction-scoped advisory lock.
    KONFID_TRY(c->Exec("BEGIN"));
    KONFID_TRY(c->Exec("SELECT pg_advisory_xact_lock(7405183)"));
    KONFID_ASSIGN_OR_RETURN(int64_t current, PgSchemaVersion(*c, true));
    auto migrations = PostgresMigrations();
    if (!migrations.empty() && current > migrations.back().version)
      return Fail(ErrorCode::kUnavailable, "the database schema (version " +
                                               std::to_string(current) +
                                               ") is newer than this konfid knows; upgrade konfid");
    for (const auto& m : migrations) {
      if (m.version <= current) continue;
      auto st = c->Exec(std::string(m.sql));
      if (!st)
        return Fail(ErrorCode::kUnavailable, "migration " + std::string(m.name) + " failed",
                    st.error().detail());
      KONFID_TRY(c->Exec("INSERT INTO schema_migrations (version, name) VALUES (" +
                         std::to_string(m.version) + ", '" + std::string(m.name) + "')"));
    }
    return c->Exec("COMMIT");
  };
  auto st = run();
  if (!st) (void)c->Exec("ROLLBACK");
  impl_->Give(std::move(c));
  return st;
}

Status PgStorage::CheckSchema() {
  KONFID_ASSIGN_OR_RETURN(auto c, impl_->Take());
  auto v = PgSchemaVersion(*c, false);
  // From 15 on, a database without its key store (a data dump restored into a new database
  // alone) would answer every subject as erased: refused instead.
  Result<ResultPtr> keys = ResultPtr(nullptr, &PQclear);
  if (v && *v >= 15)
    keys = c->Query(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema ="
        " 'konfid_keys' AND table_name = 'subject_keys'",
        {});
  impl_->Give(std::move(c));
  if (!v) return Fail(v.error());
  if (!keys) return Fail(keys.error());
  if (*keys && Int(keys->get(), 0, 0) == 0)
    return Fail(
        ErrorCode::kUnavailable, "the key store holds no keys",
        "the schema konfid_keys has no table subject_keys: restore it (docs/operations.md)");
  auto migrations = PostgresMigrations();
  return CompareSchemaVersion(static_cast<int>(*v),
                              migrations.empty() ? 0 : migrations.back().version);
}

}  // namespace konfid::adapters
