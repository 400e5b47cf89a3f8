#include "adapters/storage/postgres/pg_storage.h"

#include <cstring>

#include "adapters/storage/migration.h"
#include "adapters/storage/postgres/pg_internal.h"
#include "adapters/storage/sql_util.h"

namespace konfid::adapters {

std::vector<Migration> PostgresMigrations();

namespace pg_internal {

Status PgTransaction::InsertSubject(const ports::SubjectRow& r) {
  return X(
      "INSERT INTO subjects (tenant_id, subject_id, wrapped_key, fields, created_at, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6)",
      {r.tenant, r.id, r.wrapped_key, r.fields, r.created_at, r.updated_at});
}

Result<std::optional<ports::SubjectRow>> PgTransaction::FindSubject(const std::string& tenant,
                                                                    const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q("SELECT wrapped_key, fields, created_at, updated_at,"
                                    " email_verified_at FROM subjects"
                                    " WHERE tenant_id = $1 AND subject_id = $2",
                                    {tenant, id}));
  if (PQntuples(r.get()) == 0) return std::optional<ports::SubjectRow>();
  return std::optional(ports::SubjectRow{tenant, id, Blob(r.get(), 0, 0), Blob(r.get(), 0, 1),
                                         Int(r.get(), 0, 2), Int(r.get(), 0, 3),
                                         Int(r.get(), 0, 4)});
}

Status PgTransaction::SetEmailVerified(const std::string& tenant, const std::string& id,
                                       UnixMicros at) {
  return X("UPDATE subjects SET email_verified_at = $1 WHERE tenant_id = $2 AND subject_id = $3",
           {at, tenant, id});
}

Status PgTransaction::UpdateSubjectFields(const std::string& tenant, const std::string& id,
                                          const Bytes& fields, UnixMicros updated_at) {
  return X(
      "UPDATE subjects SET fields = $1, updated_at = $2 WHERE tenant_id = $3 AND subject_id = $4",
      {fields, updated_at, tenant, id});
}

Result<bool> PgTransaction::DeleteSubject(const std::string& tenant, const std::string& id) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q("DELETE FROM subjects WHERE tenant_id = $1 AND subject_id = $2", {tenant, id}));
  return std::strcmp(PQcmdTuples(r.get()), "0") != 0;
}

Result<std::vector<ports::SubjectKeyRow>> PgTransaction::ListSubjectKeys(
    const std::string& after_tenant, const std::string& after_id, size_t limit) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q("SELECT tenant_id, subject_id, wrapped_key FROM subjects"
                " WHERE (tenant_id, subject_id) > ($1, $2) ORDER BY tenant_id, subject_id LIMIT $3",
                {after_tenant, after_id, static_cast<int64_t>(limit)}));
  std::vector<ports::SubjectKeyRow> out;
  for (int i = 0; i < PQntuples(r.get()); ++i)
    out.push_back({Text(r.get(), i, 0), Text(r.get(), i, 1), Blob(r.get(), i, 2)});
  return out;
}

Status PgTransaction::UpdateSubjectKey(const std::string& tenant, const std::string& id,
                                       const Bytes& wrapped_key) {
  return X("UPDATE subjects SET wrapped_key = $1 WHERE tenant_id = $2 AND subject_id = $3",
           {wrapped_key, tenant, id});
}

Result<uint64_t> PgTransaction::CountSubjects(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r,
                          Q("SELECT count(*) FROM subjects WHERE tenant_id = $1", {tenant}));
  return static_cast<uint64_t>(Int(r.get(), 0, 0));
}

Status PgTransaction::InsertIndex(const std::string& tenant, const std::string& field,
                                  const Bytes& hash, const std::string& subject) {
  return X("INSERT INTO subject_index (tenant_id, field, hash, subject_id) VALUES ($1, $2, $3, $4)",
           {tenant, field, hash, subject});
}

Result<std::optional<std::string>> PgTransaction::LookupIndex(const std::string& tenant,
                                                              const std::string& field,
                                                              const Bytes& hash) {
  KONFID_ASSIGN_OR_RETURN(
      auto r,
      Q("SELECT subject_id FROM subject_index WHERE tenant_id = $1 AND field = $2 AND hash = $3",
        {tenant, field, hash}));
  if (PQntuples(r.get()) == 0) return std::optional<std::string>();
  return std::optional(Text(r.get(), 0, 0));
}

Result<std::optional<ports::SubjectRow>> PgTransaction::FindSubjectByIndex(
    const std::string& tenant, const std::string& field, const Bytes& hash) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q("SELECT s.subject_id, s.wrapped_key, s.fields, s.created_at, s.updated_at,"
                " s.email_verified_at FROM subject_index i JOIN subjects s"
                " ON s.tenant_id = i.tenant_id AND s.subject_id = i.subject_id"
                " WHERE i.tenant_id = $1 AND i.field = $2 AND i.hash = $3",
                {tenant, field, hash}));
  if (PQntuples(r.get()) == 0) return std::optional<ports::SubjectRow>();
  return std::optional(ports::SubjectRow{tenant, Text(r.get(), 0, 0), Blob(r.get(), 0, 1),
                                         Blob(r.get(), 0, 2), Int(r.get(), 0, 3),
                                         Int(r.get(), 0, 4), Int(r.get(), 0, 5)});
}

Status PgTransaction::DeleteIndex(const std::string& tenant, const std::string& subject,
                                  const std::string& field) {
  if (field.empty())
    return X("DELETE FROM subject_index WHERE tenant_id = $1 AND subject_id = $2",
             {tenant, subject});
  return X("DELETE FROM subject_index WHERE tenant_id = $1 AND subject_id = $2 AND field = $3",
           {tenant, subject, field});
}

Status PgTransaction::InsertTenant(const ports::TenantRow& r) {
  KONFID_TRY(
      Q("INSERT INTO tenants (tenant_id, wrapped_index_key, wrapped_audit_key, created_at,"
        " receipt_public_key, wrapped_receipt_key) VALUES ($1, $2, $3, $4, $5, $6)",
        {r.tenant, r.wrapped_index_key, r.wrapped_audit_key, r.created_at, r.receipt_public_key,
         r.wrapped_receipt_key}));
  return X("INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, 0, $2)",
           {r.tenant, Bytes(domain::kAuditHashSize, 0)});
}

std::vector<ports::TenantRow> PgTransaction::Tenants(const PGresult* r) {
  std::vector<ports::TenantRow> out;
  for (int i = 0; i < PQntuples(r); ++i)
    out.push_back(
        {Text(r, i, 0), Blob(r, i, 1), Blob(r, i, 2), Int(r, i, 3), Blob(r, i, 4), Blob(r, i, 5)});
  return out;
}

Result<std::optional<ports::TenantRow>> PgTransaction::FindTenant(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r,
                          Q("SELECT tenant_id, wrapped_index_key, wrapped_audit_key, created_at,"
                            " receipt_public_key, wrapped_receipt_key"
                            " FROM tenants WHERE tenant_id = $1",
                            {tenant}));
  auto rows = Tenants(r.get());
  if (rows.empty()) return std::optional<ports::TenantRow>();
  return std::optional(std::move(rows[0]));
}

Result<std::vector<ports::TenantRow>> PgTransaction::ListTenants() {
  KONFID_ASSIGN_OR_RETURN(auto r,
                          Q("SELECT tenant_id, wrapped_index_key, wrapped_audit_key, created_at,"
                            " receipt_public_key, wrapped_receipt_key"
                            " FROM tenants ORDER BY tenant_id"));
  return Tenants(r.get());
}

Status PgTransaction::UpdateTenantKeys(const ports::TenantRow& r) {
  return X(
      "UPDATE tenants SET wrapped_index_key = $1, wrapped_audit_key = $2,"
      " receipt_public_key = $3, wrapped_receipt_key = $4 WHERE tenant_id = $5",
      {r.wrapped_index_key, r.wrapped_audit_key, r.receipt_public_key, r.wrapped_receipt_key,
       r.tenant});
}

Result<ports::AuditHead> PgTransaction::LockAuditHead(const std::string& tenant) {
  return Head("SELECT seq, hash FROM audit_heads WHERE tenant_id = $1 FOR UPDATE", tenant);
}

Result<ports::AuditHead> PgTransaction::ReadAuditHead(const std::string& tenant) {
  return Head("SELECT seq, hash FROM audit_heads WHERE tenant_id = $1", tenant);
}

Result<ports::AuditHead> PgTransaction::Head(const char* sql, const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(sql, {tenant}));
  if (PQntuples(r.get()) == 0) return Fail(ErrorCode::kNotFound, "unknown tenant", "no audit head");
  return ports::AuditHead{static_cast<uint64_t>(Int(r.get(), 0, 0)), Blob(r.get(), 0, 1)};
}

Status PgTransaction::SetAuditHead(const std::string& tenant, const ports::AuditHead& head) {
  return X("UPDATE audit_heads SET seq = $1, hash = $2 WHERE tenant_id = $3",
           {head.seq, head.hash, tenant});
}

Status PgTransaction::AppendAudit(const domain::AuditEvent& e) {
  return X(
      "INSERT INTO audit_events (tenant_id, seq, time, actor, operation, subject_id, fields,"
      " purpose, ground, outcome, reason, prev_hash, hash)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
      {e.tenant, e.seq, e.time, e.actor, e.operation, e.subject_id, JoinFields(e.fields), e.purpose,
       e.ground, e.outcome, e.reason, e.prev_hash, e.hash});
}

Status PgTransaction::ScanAudit(const std::string& tenant,
                                const std::function<Status(const domain::AuditEvent&)>& fn) {
  // Pages of 10,000 keep memory flat on long chains.
  uint64_t after = 0;
  while (true) {
    KONFID_ASSIGN_OR_RETURN(
        auto r,
        Q("SELECT seq, time, actor, operation, subject_id, fields, purpose, ground, outcome,"
          " reason, prev_hash, hash FROM audit_events WHERE tenant_id = $1 AND seq > $2"
          " ORDER BY seq LIMIT 10000",
          {tenant, after}));
    int n = PQntuples(r.get());
    for (int i = 0; i < n; ++i) {
      const PGresult* p = r.get();
      domain::AuditEvent e;
      e.tenant = tenant;
      e.seq = static_cast<uint64_t>(Int(p, i, 0));
      e.time = Int(p, i, 1);
      e.actor = Text(p, i, 2);
      e.operation = Text(p, i, 3);
      e.subject_id = Text(p, i, 4);
      e.fields = SplitFields(Text(p, i, 5));
      e.purpose = Text(p, i, 6);
      e.ground = Text(p, i, 7);
      e.outcome = Text(p, i, 8);
      e.reason = Text(p, i, 9);
      e.prev_hash = Blob(p, i, 10);
      e.hash = Blob(p, i, 11);
      KONFID_TRY(fn(e));
      after = e.seq;
    }
    if (n < 10000) return Ok();
  }
}

Status PgTransaction::InsertApiKey(const ports::ApiKeyRow& r) {
  return X(
      "INSERT INTO api_keys (tenant_id, key_id, secret_hash, role, created_at)"
      " VALUES ($1, $2, $3, $4, $5)",
      {r.tenant, r.key_id, r.secret_hash, r.role, r.created_at});
}

Result<std::optional<ports::ApiKeyRow>> PgTransaction::FindApiKey(const std::string& key_id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q("SELECT tenant_id, secret_hash, role, created_at, revoked_at"
                                    " FROM api_keys WHERE key_id = $1",
                                    {key_id}));
  if (PQntuples(r.get()) == 0) return std::optional<ports::ApiKeyRow>();
  return std::optional(ports::ApiKeyRow{Text(r.get(), 0, 0), key_id, Blob(r.get(), 0, 1),
                                        Text(r.get(), 0, 2), Int(r.get(), 0, 3),
                                        Int(r.get(), 0, 4)});
}

Result<std::vector<ports::ApiKeyRow>> PgTransaction::ListApiKeys(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q("SELECT key_id, secret_hash, role, created_at, revoked_at"
                                    " FROM api_keys WHERE tenant_id = $1"
                                    " ORDER BY created_at, key_id",
                                    {tenant}));
  std::vector<ports::ApiKeyRow> out;
  for (int i = 0; i < PQntuples(r.get()); ++i)
    out.push_back({tenant, Text(r.get(), i, 0), Blob(r.get(), i, 1), Text(r.get(), i, 2),
                   Int(r.get(), i, 3), Int(r.get(), i, 4)});
  return out;
}

Result<bool> PgTransaction::RevokeApiKey(const std::string& tenant, const std::string& key_id,
                                         UnixMicros at) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q("UPDATE api_keys SET revoked_at = $1"
                                    " WHERE tenant_id = $2 AND key_id = $3 AND revoked_at = 0",
                                    {at, tenant, key_id}));
  return std::strcmp(PQcmdTuples(r.get()), "0") != 0;
}

// 7405184: any number serves that is the same on every node (the migrator's is 7405183).
Result<std::optional<std::string>> PgTransaction::ReadKeyEpoch(const std::string& key) {
  // The read is a statement after the lock's: under READ COMMITTED it then sees a rotation
  // that committed while this transaction waited for the lock.
  if (!epoch_locked_) KONFID_TRY(X("SELECT pg_advisory_xact_lock_shared(7405184)"));
  return GetMeta(key);
}

Status PgTransaction::LockKeyEpoch() { return X("SELECT pg_advisory_xact_lock(7405184)"); }

Result<std::optional<std::string>> PgTransaction::GetMeta(const std::string& key) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q("SELECT value FROM meta WHERE key = $1", {key}));
  if (PQntuples(r.get()) == 0) return std::optional<std::string>();
  return std::optional(Text(r.get(), 0, 0));
}

Status PgTransaction::SetMeta(const std::string& key, const std::string& value) {
  return X(
      "INSERT INTO meta (key, value) VALUES ($1, $2)"
      " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      {key, value});
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
  impl_->Give(std::move(c));
  if (!v) return Fail(v.error());
  auto migrations = PostgresMigrations();
  return CompareSchemaVersion(static_cast<int>(*v),
                              migrations.empty() ? 0 : migrations.back().version);
}

}  // namespace konfid::adapters
