#include "adapters/storage/postgres/pg_storage.h"

#include <libpq-fe.h>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "adapters/storage/migration.h"
#include "adapters/storage/sql_util.h"

namespace konfid::adapters {

// The columns of a consent event, in the order the readers below expect them.
#define KONFID_CONSENT_SELECT                                                            \
  "SELECT event_id, purpose, kind, policy_version, text_hash, method, source, time, ip," \
  " user_agent, subject_id, receipt FROM consent_events"

std::vector<Migration> PostgresMigrations();

namespace {

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

Error PgError(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  std::string detail = std::string(what) + ": " + msg;
  std::string code = state ? state : "";
  if (code == "23505") return Error(ErrorCode::kConflict, "already exists", detail);
  if (code == "40001" || code == "40P01")
    return Error(ErrorCode::kUnavailable, "database is busy, try again", detail);
  return Error(ErrorCode::kUnavailable, "database error", detail);
}

// A parameter in binary form.
struct Param {
  std::string bytes;
  Param(const std::string& s) : bytes(s) {}
  Param(const Bytes& b) : bytes(b.begin(), b.end()) {}
  Param(int64_t v) : bytes(8, '\0') {
    for (int i = 0; i < 8; ++i)
      bytes[i] = static_cast<char>(static_cast<uint64_t>(v) >> (56 - 8 * i));
  }
  Param(uint64_t v) : Param(static_cast<int64_t>(v)) {}
};

class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& url) {
    PGconn* c = PQconnectdb(url.c_str());
    auto conn = std::unique_ptr<Connection>(new Connection(c));
    if (PQstatus(c) != CONNECTION_OK)
      return Fail(ErrorCode::kUnavailable, "cannot connect to PostgreSQL", PQerrorMessage(c));
    KONFID_TRY(conn->Exec("SET client_min_messages = warning"));
    return conn;
  }
  ~Connection() { PQfinish(conn_); }

  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

  Status Exec(const std::string& sql) {
    ResultPtr r(PQexec(conn_, sql.c_str()), &PQclear);
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      return Fail(PgError(conn_, r.get(), "exec"));
    return Ok();
  }

  Status ExecExpecting(const std::string& sql, std::string_view tag) {
    ResultPtr r(PQexec(conn_, sql.c_str()), &PQclear);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return Fail(PgError(conn_, r.get(), "exec"));
    if (std::string_view(PQcmdStatus(r.get())) != tag)
      return Fail(ErrorCode::kUnavailable, "transaction was aborted",
                  std::string("tag ") + PQcmdStatus(r.get()));
    return Ok();
  }

  Result<ResultPtr> Query(const char* sql, const std::vector<Param>& params) {
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
      std::string name = "k" + std::to_string(prepared_.size());
      ResultPtr r(PQprepare(conn_, name.c_str(), sql, 0, nullptr), &PQclear);
      if (PQresultStatus(r.get()) != PGRES_COMMAND_OK)
        return Fail(PgError(conn_, r.get(), "prepare"));
      it = prepared_.emplace(sql, name).first;
    }
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const auto& p : params) {
      values.push_back(p.bytes.data());
      lengths.push_back(static_cast<int>(p.bytes.size()));
      formats.push_back(1);
    }
    ResultPtr r(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                               values.data(), lengths.data(), formats.data(), 1),
                &PQclear);
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      return Fail(PgError(conn_, r.get(), "query"));
    return r;
  }

 private:
  explicit Connection(PGconn* c) : conn_(c) {}
  PGconn* conn_;
  std::unordered_map<const char*, std::string> prepared_;
};

std::string Text(const PGresult* r, int row, int col) {
  return std::string(PQgetvalue(r, row, col), PQgetlength(r, row, col));
}
Bytes Blob(const PGresult* r, int row, int col) {
  auto p = reinterpret_cast<const uint8_t*>(PQgetvalue(r, row, col));
  return Bytes(p, p + PQgetlength(r, row, col));
}
int64_t Int(const PGresult* r, int row, int col) {
  auto p = reinterpret_cast<const uint8_t*>(PQgetvalue(r, row, col));
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return static_cast<int64_t>(v);
}

}  // namespace

struct PgStorage::Impl {
  std::string url;
  size_t max_connections;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::unique_ptr<Connection>> idle;
  size_t open = 0;

  Result<std::unique_ptr<Connection>> Take() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return !idle.empty() || open < max_connections; });
    if (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      return c;
    }
    ++open;
    lock.unlock();
    auto c = Connection::Open(url);
    if (!c) {
      std::lock_guard relock(mu);
      --open;
      cv.notify_one();
    }
    return c;
  }
  void Give(std::unique_ptr<Connection> c) {
    std::lock_guard lock(mu);
    if (c && c->healthy()) {
      idle.push_back(std::move(c));
    } else {
      --open;
    }
    cv.notify_one();
  }
};

namespace {

class PgTransaction final : public ports::Transaction {
 public:
  PgTransaction(PgStorage::Impl* impl, std::unique_ptr<Connection> c)
      : impl_(impl), conn_(std::move(c)) {}
  ~PgTransaction() override {
    if (!done_) (void)conn_->Exec("ROLLBACK");
    impl_->Give(std::move(conn_));
  }

  Result<ResultPtr> Q(const char* sql, std::vector<Param> params = {}) {
    return conn_->Query(sql, params);
  }
  // A statement whose rows do not matter.
  Status X(const char* sql, std::vector<Param> params = {}) {
    auto r = conn_->Query(sql, params);
    if (!r) return Fail(r.error());
    return Ok();
  }

  Status InsertSubject(const ports::SubjectRow& r) override {
    return X(
        "INSERT INTO subjects (tenant_id, subject_id, wrapped_key, fields, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        {r.tenant, r.id, r.wrapped_key, r.fields, r.created_at, r.updated_at});
  }

  Result<std::optional<ports::SubjectRow>> FindSubject(const std::string& tenant,
                                                       const std::string& id) override {
    KONFID_ASSIGN_OR_RETURN(auto r,
                            Q("SELECT wrapped_key, fields, created_at, updated_at FROM subjects"
                              " WHERE tenant_id = $1 AND subject_id = $2",
                              {tenant, id}));
    if (PQntuples(r.get()) == 0) return std::optional<ports::SubjectRow>();
    return std::optional(ports::SubjectRow{tenant, id, Blob(r.get(), 0, 0), Blob(r.get(), 0, 1),
                                           Int(r.get(), 0, 2), Int(r.get(), 0, 3)});
  }

  Status UpdateSubjectFields(const std::string& tenant, const std::string& id, const Bytes& fields,
                             UnixMicros updated_at) override {
    return X(
        "UPDATE subjects SET fields = $1, updated_at = $2 WHERE tenant_id = $3 AND subject_id = $4",
        {fields, updated_at, tenant, id});
  }

  Result<bool> DeleteSubject(const std::string& tenant, const std::string& id) override {
    KONFID_ASSIGN_OR_RETURN(
        auto r, Q("DELETE FROM subjects WHERE tenant_id = $1 AND subject_id = $2", {tenant, id}));
    return std::strcmp(PQcmdTuples(r.get()), "0") != 0;
  }

  Result<std::vector<ports::SubjectKeyRow>> ListSubjectKeys(const std::string& after_tenant,
                                                            const std::string& after_id,
                                                            size_t limit) override {
    KONFID_ASSIGN_OR_RETURN(
        auto r,
        Q("SELECT tenant_id, subject_id, wrapped_key FROM subjects"
          " WHERE (tenant_id, subject_id) > ($1, $2) ORDER BY tenant_id, subject_id LIMIT $3",
          {after_tenant, after_id, static_cast<int64_t>(limit)}));
    std::vector<ports::SubjectKeyRow> out;
    for (int i = 0; i < PQntuples(r.get()); ++i)
      out.push_back({Text(r.get(), i, 0), Text(r.get(), i, 1), Blob(r.get(), i, 2)});
    return out;
  }

  Status UpdateSubjectKey(const std::string& tenant, const std::string& id,
                          const Bytes& wrapped_key) override {
    return X("UPDATE subjects SET wrapped_key = $1 WHERE tenant_id = $2 AND subject_id = $3",
             {wrapped_key, tenant, id});
  }

  Result<uint64_t> CountSubjects(const std::string& tenant) override {
    KONFID_ASSIGN_OR_RETURN(auto r,
                            Q("SELECT count(*) FROM subjects WHERE tenant_id = $1", {tenant}));
    return static_cast<uint64_t>(Int(r.get(), 0, 0));
  }

  Status InsertIndex(const std::string& tenant, const std::string& field, const Bytes& hash,
                     const std::string& subject) override {
    return X(
        "INSERT INTO subject_index (tenant_id, field, hash, subject_id) VALUES ($1, $2, $3, $4)",
        {tenant, field, hash, subject});
  }

  Result<std::optional<std::string>> LookupIndex(const std::string& tenant,
                                                 const std::string& field,
                                                 const Bytes& hash) override {
    KONFID_ASSIGN_OR_RETURN(
        auto r,
        Q("SELECT subject_id FROM subject_index WHERE tenant_id = $1 AND field = $2 AND hash = $3",
          {tenant, field, hash}));
    if (PQntuples(r.get()) == 0) return std::optional<std::string>();
    return std::optional(Text(r.get(), 0, 0));
  }

  Result<std::optional<ports::SubjectRow>> FindSubjectByIndex(const std::string& tenant,
                                                              const std::string& field,
                                                              const Bytes& hash) override {
    KONFID_ASSIGN_OR_RETURN(
        auto r, Q("SELECT s.subject_id, s.wrapped_key, s.fields, s.created_at, s.updated_at"
                  " FROM subject_index i JOIN subjects s"
                  " ON s.tenant_id = i.tenant_id AND s.subject_id = i.subject_id"
                  " WHERE i.tenant_id = $1 AND i.field = $2 AND i.hash = $3",
                  {tenant, field, hash}));
    if (PQntuples(r.get()) == 0) return std::optional<ports::SubjectRow>();
    return std::optional(ports::SubjectRow{tenant, Text(r.get(), 0, 0), Blob(r.get(), 0, 1),
                                           Blob(r.get(), 0, 2), Int(r.get(), 0, 3),
                                           Int(r.get(), 0, 4)});
  }

  Status DeleteIndex(const std::string& tenant, const std::string& subject,
                     const std::string& field) override {
    if (field.empty())
      return X("DELETE FROM subject_index WHERE tenant_id = $1 AND subject_id = $2",
               {tenant, subject});
    return X("DELETE FROM subject_index WHERE tenant_id = $1 AND subject_id = $2 AND field = $3",
             {tenant, subject, field});
  }

  Status InsertTenant(const ports::TenantRow& r) override {
    KONFID_TRY(
        Q("INSERT INTO tenants (tenant_id, wrapped_index_key, wrapped_audit_key, created_at,"
          " receipt_public_key, wrapped_receipt_key) VALUES ($1, $2, $3, $4, $5, $6)",
          {r.tenant, r.wrapped_index_key, r.wrapped_audit_key, r.created_at, r.receipt_public_key,
           r.wrapped_receipt_key}));
    return X("INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, 0, $2)",
             {r.tenant, Bytes(domain::kAuditHashSize, 0)});
  }

  static std::vector<ports::TenantRow> Tenants(const PGresult* r) {
    std::vector<ports::TenantRow> out;
    for (int i = 0; i < PQntuples(r); ++i)
      out.push_back({Text(r, i, 0), Blob(r, i, 1), Blob(r, i, 2), Int(r, i, 3), Blob(r, i, 4),
                     Blob(r, i, 5)});
    return out;
  }

  Result<std::optional<ports::TenantRow>> FindTenant(const std::string& tenant) override {
    KONFID_ASSIGN_OR_RETURN(auto r,
                            Q("SELECT tenant_id, wrapped_index_key, wrapped_audit_key, created_at,"
                              " receipt_public_key, wrapped_receipt_key"
                              " FROM tenants WHERE tenant_id = $1",
                              {tenant}));
    auto rows = Tenants(r.get());
    if (rows.empty()) return std::optional<ports::TenantRow>();
    return std::optional(std::move(rows[0]));
  }

  Result<std::vector<ports::TenantRow>> ListTenants() override {
    KONFID_ASSIGN_OR_RETURN(auto r,
                            Q("SELECT tenant_id, wrapped_index_key, wrapped_audit_key, created_at,"
                              " receipt_public_key, wrapped_receipt_key"
                              " FROM tenants ORDER BY tenant_id"));
    return Tenants(r.get());
  }

  Status UpdateTenantKeys(const ports::TenantRow& r) override {
    return X(
        "UPDATE tenants SET wrapped_index_key = $1, wrapped_audit_key = $2,"
        " receipt_public_key = $3, wrapped_receipt_key = $4 WHERE tenant_id = $5",
        {r.wrapped_index_key, r.wrapped_audit_key, r.receipt_public_key, r.wrapped_receipt_key,
         r.tenant});
  }

  Result<ports::AuditHead> LockAuditHead(const std::string& tenant) override {
    return Head("SELECT seq, hash FROM audit_heads WHERE tenant_id = $1 FOR UPDATE", tenant);
  }

  Result<ports::AuditHead> ReadAuditHead(const std::string& tenant) override {
    return Head("SELECT seq, hash FROM audit_heads WHERE tenant_id = $1", tenant);
  }

  Result<ports::AuditHead> Head(const char* sql, const std::string& tenant) {
    KONFID_ASSIGN_OR_RETURN(auto r, Q(sql, {tenant}));
    if (PQntuples(r.get()) == 0)
      return Fail(ErrorCode::kNotFound, "unknown tenant", "no audit head");
    return ports::AuditHead{static_cast<uint64_t>(Int(r.get(), 0, 0)), Blob(r.get(), 0, 1)};
  }

  Status SetAuditHead(const std::string& tenant, const ports::AuditHead& head) override {
    return X("UPDATE audit_heads SET seq = $1, hash = $2 WHERE tenant_id = $3",
             {head.seq, head.hash, tenant});
  }

  Status AppendAudit(const domain::AuditEvent& e) override {
    return X(
        "INSERT INTO audit_events (tenant_id, seq, time, actor, operation, subject_id, fields,"
        " purpose, ground, outcome, reason, prev_hash, hash)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        {e.tenant, e.seq, e.time, e.actor, e.operation, e.subject_id, JoinFields(e.fields),
         e.purpose, e.ground, e.outcome, e.reason, e.prev_hash, e.hash});
  }

  Status ScanAudit(const std::string& tenant,
                   const std::function<Status(const domain::AuditEvent&)>& fn) override {
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

  Status InsertPolicyVersion(const ports::PolicyVersionRow& r,
                             const std::vector<ports::PolicyTextRow>& texts) override {
    KONFID_TRY(
        X("INSERT INTO policy_versions (tenant_id, version, effective_at, published_at,"
          " text_hash, material, changes, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
          {r.tenant, r.version, r.effective_at, r.published_at, r.text_hash,
           static_cast<int64_t>(r.material), r.changes, r.source}));
    for (const auto& t : texts)
      KONFID_TRY(
          X("INSERT INTO policy_texts (tenant_id, version, document, lang, format, text)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            {r.tenant, r.version, t.document, t.lang, t.format, t.text}));
    return Ok();
  }

  Result<std::vector<ports::PolicyVersionRow>> Versions(ResultPtr r, const std::string& tenant) {
    std::vector<ports::PolicyVersionRow> out;
    for (int i = 0; i < PQntuples(r.get()); ++i)
      out.push_back({tenant, Int(r.get(), i, 0), Int(r.get(), i, 1), Int(r.get(), i, 2),
                     Text(r.get(), i, 3), Int(r.get(), i, 4) != 0, Text(r.get(), i, 5),
                     Text(r.get(), i, 6)});
    return out;
  }

  Result<std::vector<ports::PolicyVersionRow>> ListPolicyVersions(
      const std::string& tenant) override {
    KONFID_ASSIGN_OR_RETURN(
        auto r, Q("SELECT version, effective_at, published_at, text_hash, material, changes, ''"
                  " FROM policy_versions WHERE tenant_id = $1 ORDER BY version",
                  {tenant}));
    return Versions(std::move(r), tenant);
  }

  Result<std::optional<ports::PolicyVersionRow>> FindPolicyVersion(const std::string& tenant,
                                                                   int64_t version) override {
    KONFID_ASSIGN_OR_RETURN(
        auto r, Q("SELECT version, effective_at, published_at, text_hash, material, changes,"
                  " source FROM policy_versions WHERE tenant_id = $1 AND version = $2",
                  {tenant, version}));
    KONFID_ASSIGN_OR_RETURN(auto rows, Versions(std::move(r), tenant));
    if (rows.empty()) return std::optional<ports::PolicyVersionRow>();
    return std::optional(std::move(rows[0]));
  }

  Result<std::optional<std::string>> FindPolicyText(const std::string& tenant, int64_t version,
                                                    const std::string& document,
                                                    const std::string& lang,
                                                    const std::string& format) override {
    KONFID_ASSIGN_OR_RETURN(auto r,
                            Q("SELECT text FROM policy_texts WHERE tenant_id = $1 AND version = $2"
                              " AND document = $3 AND lang = $4 AND format = $5",
                              {tenant, version, document, lang, format}));
    if (PQntuples(r.get()) == 0) return std::optional<std::string>();
    return std::optional(Text(r.get(), 0, 0));
  }

  Status InsertConsentEvent(const ports::ConsentEventRow& r) override {
    const domain::ConsentEvent& e = r.event;
    return X(
        "INSERT INTO consent_events (tenant_id, subject_id, event_id, purpose, kind,"
        " policy_version, text_hash, method, source, time, ip, user_agent, receipt)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        {r.tenant, r.subject, e.id, e.purpose, std::string(domain::ConsentKindName(e.kind)),
         e.policy_version, e.text_hash, e.method, e.source, e.time, e.ip, e.user_agent, r.receipt});
  }

  static Result<std::vector<ports::ConsentEventRow>> ConsentEvents(const PGresult* r,
                                                                   const std::string& tenant) {
    std::vector<ports::ConsentEventRow> out;
    for (int i = 0; i < PQntuples(r); ++i) {
      domain::ConsentEvent e;
      e.id = Text(r, i, 0);
      e.purpose = Text(r, i, 1);
      auto kind = domain::ParseConsentKind(Text(r, i, 2));
      if (!kind) return Fail(ErrorCode::kDataLoss, "a consent event of an unknown kind");
      e.kind = *kind;
      e.policy_version = Int(r, i, 3);
      e.text_hash = Text(r, i, 4);
      e.method = Text(r, i, 5);
      e.source = Text(r, i, 6);
      e.time = Int(r, i, 7);
      e.ip = Text(r, i, 8);
      e.user_agent = Text(r, i, 9);
      out.push_back({tenant, Text(r, i, 10), std::move(e), Text(r, i, 11)});
    }
    return out;
  }

  Result<std::vector<ports::ConsentEventRow>> ListConsentEvents(
      const std::string& tenant, const std::string& subject) override {
    KONFID_ASSIGN_OR_RETURN(auto r, Q(KONFID_CONSENT_SELECT
                                      " WHERE tenant_id = $1 AND subject_id = $2 ORDER BY event_id",
                                      {tenant, subject}));
    return ConsentEvents(r.get(), tenant);
  }

  Result<std::optional<ports::ConsentEventRow>> FindConsentEvent(
      const std::string& tenant, const std::string& event_id) override {
    KONFID_ASSIGN_OR_RETURN(
        auto r,
        Q(KONFID_CONSENT_SELECT " WHERE tenant_id = $1 AND event_id = $2", {tenant, event_id}));
    KONFID_ASSIGN_OR_RETURN(auto rows, ConsentEvents(r.get(), tenant));
    if (rows.empty()) return std::optional<ports::ConsentEventRow>();
    return std::optional(std::move(rows[0]));
  }

  Result<std::vector<std::string>> ListConsentSubjects(const std::string& tenant,
                                                       const std::string& after,
                                                       size_t limit) override {
    KONFID_ASSIGN_OR_RETURN(auto r,
                            Q("SELECT DISTINCT subject_id FROM consent_events WHERE tenant_id = $1"
                              " AND subject_id > $2 ORDER BY subject_id LIMIT $3",
                              {tenant, after, static_cast<int64_t>(limit)}));
    std::vector<std::string> out;
    for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back(Text(r.get(), i, 0));
    return out;
  }

  Status InsertNoticeRun(const ports::NoticeRunRow& r) override {
    return X(
        "INSERT INTO policy_notices (tenant_id, version, after_subject, done, queued)"
        " VALUES ($1, $2, $3, $4, $5)",
        {r.tenant, r.version, r.after_subject, int64_t{r.done}, r.queued});
  }

  Result<std::vector<ports::NoticeRunRow>> ListNoticeRuns(const std::string& tenant) override {
    KONFID_ASSIGN_OR_RETURN(auto r, Q("SELECT version, after_subject, queued FROM policy_notices"
                                      " WHERE tenant_id = $1 AND done = 0 ORDER BY version",
                                      {tenant}));
    std::vector<ports::NoticeRunRow> out;
    for (int i = 0; i < PQntuples(r.get()); ++i)
      out.push_back({tenant, Int(r.get(), i, 0), Text(r.get(), i, 1), false, Int(r.get(), i, 2)});
    return out;
  }

  // The UPDATE waits for a concurrent run's row lock, then re-checks after_subject: only one
  // of two nodes moves the run, and the other rolls its batch back.
  Result<bool> AdvanceNoticeRun(const ports::NoticeRunRow& r,
                                const std::string& expected) override {
    KONFID_ASSIGN_OR_RETURN(
        auto res, Q("UPDATE policy_notices SET after_subject = $1, done = $2, queued = $3"
                    " WHERE tenant_id = $4 AND version = $5 AND after_subject = $6 AND done = 0",
                    {r.after_subject, int64_t{r.done}, r.queued, r.tenant, r.version, expected}));
    return std::strcmp(PQcmdTuples(res.get()), "0") != 0;
  }

  Status InsertOutbox(const ports::OutboxRow& r) override {
    return X(
        "INSERT INTO outbox (tenant_id, message_id, subject_id, kind, payload, status, attempts,"
        " next_attempt_at, created_at, sent_at, last_error)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        {r.tenant, r.id, r.subject, r.kind, r.payload, r.status, r.attempts, r.next_attempt_at,
         r.created_at, r.sent_at, r.last_error});
  }

  Result<std::vector<ports::OutboxRow>> DueOutbox(UnixMicros now, size_t limit) override {
    KONFID_ASSIGN_OR_RETURN(
        auto r, Q("SELECT tenant_id, message_id, subject_id, kind, payload, status, attempts,"
                  " next_attempt_at, created_at, sent_at, last_error FROM outbox"
                  " WHERE status = 'pending' AND next_attempt_at <= $1"
                  " ORDER BY next_attempt_at LIMIT $2",
                  {now, static_cast<int64_t>(limit)}));
    std::vector<ports::OutboxRow> out;
    for (int i = 0; i < PQntuples(r.get()); ++i)
      out.push_back({Text(r.get(), i, 0), Text(r.get(), i, 1), Text(r.get(), i, 2),
                     Text(r.get(), i, 3), Blob(r.get(), i, 4), Text(r.get(), i, 5),
                     Int(r.get(), i, 6), Int(r.get(), i, 7), Int(r.get(), i, 8), Int(r.get(), i, 9),
                     Text(r.get(), i, 10)});
    return out;
  }

  Result<bool> ClaimOutbox(const std::string& tenant, const std::string& id, UnixMicros due,
                           UnixMicros until) override {
    KONFID_ASSIGN_OR_RETURN(auto r,
                            Q("UPDATE outbox SET next_attempt_at = $1 WHERE tenant_id = $2 AND"
                              " message_id = $3 AND status = 'pending' AND next_attempt_at = $4",
                              {until, tenant, id, due}));
    return std::strcmp(PQcmdTuples(r.get()), "0") != 0;
  }

  Status UpdateOutbox(const ports::OutboxRow& r) override {
    return X(
        "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, sent_at = $4,"
        " last_error = $5 WHERE tenant_id = $6 AND message_id = $7",
        {r.status, r.attempts, r.next_attempt_at, r.sent_at, r.last_error, r.tenant, r.id});
  }

  Status InsertToken(const ports::TokenRow& r) override {
    return X(
        "INSERT INTO tokens (tenant_id, token_hash, subject_id, kind, pending, created_at,"
        " expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {r.tenant, r.hash, r.subject, r.kind, r.pending, r.created_at, r.expires_at, r.used_at});
  }

  Result<std::optional<ports::TokenRow>> FindToken(const std::string& tenant,
                                                   const Bytes& hash) override {
    KONFID_ASSIGN_OR_RETURN(
        auto r, Q("SELECT subject_id, kind, pending, created_at, expires_at, used_at FROM tokens"
                  " WHERE tenant_id = $1 AND token_hash = $2",
                  {tenant, hash}));
    if (PQntuples(r.get()) == 0) return std::optional<ports::TokenRow>();
    return std::optional(ports::TokenRow{tenant, hash, Text(r.get(), 0, 0), Text(r.get(), 0, 1),
                                         Text(r.get(), 0, 2), Int(r.get(), 0, 3),
                                         Int(r.get(), 0, 4), Int(r.get(), 0, 5)});
  }

  Result<bool> MarkTokenUsed(const std::string& tenant, const Bytes& hash, UnixMicros at) override {
    KONFID_ASSIGN_OR_RETURN(
        auto r, Q("UPDATE tokens SET used_at = $1 WHERE tenant_id = $2 AND token_hash = $3"
                  " AND used_at = 0",
                  {at, tenant, hash}));
    return std::strcmp(PQcmdTuples(r.get()), "0") != 0;
  }

  Status InsertApiKey(const ports::ApiKeyRow& r) override {
    return X(
        "INSERT INTO api_keys (tenant_id, key_id, secret_hash, role, created_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        {r.tenant, r.key_id, r.secret_hash, r.role, r.created_at});
  }

  Result<std::optional<ports::ApiKeyRow>> FindApiKey(const std::string& key_id) override {
    KONFID_ASSIGN_OR_RETURN(
        auto r, Q("SELECT tenant_id, secret_hash, role, created_at FROM api_keys WHERE key_id = $1",
                  {key_id}));
    if (PQntuples(r.get()) == 0) return std::optional<ports::ApiKeyRow>();
    return std::optional(ports::ApiKeyRow{Text(r.get(), 0, 0), key_id, Blob(r.get(), 0, 1),
                                          Text(r.get(), 0, 2), Int(r.get(), 0, 3)});
  }

  Result<std::optional<std::string>> GetMeta(const std::string& key) override {
    KONFID_ASSIGN_OR_RETURN(auto r, Q("SELECT value FROM meta WHERE key = $1", {key}));
    if (PQntuples(r.get()) == 0) return std::optional<std::string>();
    return std::optional(Text(r.get(), 0, 0));
  }

  Status SetMeta(const std::string& key, const std::string& value) override {
    return X(
        "INSERT INTO meta (key, value) VALUES ($1, $2)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        {key, value});
  }

  Status Savepoint() override { return conn_->Exec("SAVEPOINT konfid_op"); }
  Status RollbackToSavepoint() override {
    return conn_->Exec("ROLLBACK TO SAVEPOINT konfid_op; RELEASE SAVEPOINT konfid_op");
  }
  Status ReleaseSavepoint() override { return conn_->Exec("RELEASE SAVEPOINT konfid_op"); }

  Status Commit() override {
    done_ = true;
    // COMMIT of an aborted transaction "succeeds" with the tag ROLLBACK: check the tag.
    auto st = conn_->ExecExpecting("COMMIT", "COMMIT");
    if (!st) {
      (void)conn_->Exec("ROLLBACK");
      return Fail(ErrorCode::kUnavailable, "the change could not be committed",
                  st.error().detail());
    }
    return Ok();
  }

 private:
  PgStorage::Impl* impl_;
  std::unique_ptr<Connection> conn_;
  bool done_ = false;
};

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
  auto st = c->Exec(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!st) {
    impl_->Give(std::move(c));
    return Fail(st.error());
  }
  return std::unique_ptr<ports::Transaction>(new PgTransaction(impl_.get(), std::move(c)));
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
