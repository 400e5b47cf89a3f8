// Private to the PostgreSQL adapter: the connection, parameters and result helpers, the
// pool and the transaction class. The transaction's statements live in pg_storage.cc
// (subjects, blind index, tenants, audit, keys) and pg_ledger.cc (policy versions, the
// consent ledger, notice runs, outbox, tokens).
#pragma once

#include <libpq-fe.h>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>
#include "adapters/storage/postgres/pg_storage.h"
#include "adapters/storage/rows.h"
#include "adapters/storage/statements.h"

namespace konfid::adapters {

namespace pg_internal {

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

inline Error PgError(PGconn* conn, const PGresult* res, std::string_view what) {
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

inline std::string Text(const PGresult* r, int row, int col) {
  return std::string(PQgetvalue(r, row, col), PQgetlength(r, row, col));
}
inline Bytes Blob(const PGresult* r, int row, int col) {
  auto p = reinterpret_cast<const uint8_t*>(PQgetvalue(r, row, col));
  return Bytes(p, p + PQgetlength(r, row, col));
}
inline int64_t Int(const PGresult* r, int row, int col) {
  auto p = reinterpret_cast<const uint8_t*>(PQgetvalue(r, row, col));
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return static_cast<int64_t>(v);
}

// Row i of a result, for the shared readers of adapters/storage/rows.h.
struct PgRow {
  const PGresult* r;
  int i;
  std::string Text(int c) const { return pg_internal::Text(r, i, c); }
  Bytes Blob(int c) const { return pg_internal::Blob(r, i, c); }
  int64_t Int(int c) const { return pg_internal::Int(r, i, c); }
};

// The first row of a result through read(PgRow), if there is one.
template <typename Read>
auto One(const PGresult* r, Read read) -> std::optional<decltype(read(PgRow{r, 0}))> {
  if (PQntuples(r) == 0) return std::nullopt;
  return read(PgRow{r, 0});
}

// Every row of a result through read(PgRow).
template <typename Read>
auto All(const PGresult* r, Read read) -> std::vector<decltype(read(PgRow{r, 0}))> {
  std::vector<decltype(read(PgRow{r, 0}))> out;
  int n = PQntuples(r);
  out.reserve(n);
  for (int i = 0; i < n; ++i) out.push_back(read(PgRow{r, i}));
  return out;
}

// Whether an UPDATE or DELETE changed a row.
inline bool Changed(PGresult* r) { return std::strcmp(PQcmdTuples(r), "0") != 0; }
// The rows a DELETE or UPDATE changed.
inline uint64_t ChangedRows(PGresult* r) { return std::strtoull(PQcmdTuples(r), nullptr, 10); }

}  // namespace pg_internal

struct PgStorage::Impl {
  std::string url;
  size_t max_connections;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::unique_ptr<pg_internal::Connection>> idle;
  size_t open = 0;

  Result<std::unique_ptr<pg_internal::Connection>> Take() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return !idle.empty() || open < max_connections; });
    if (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      return c;
    }
    ++open;
    lock.unlock();
    auto c = pg_internal::Connection::Open(url);
    if (!c) {
      std::lock_guard relock(mu);
      --open;
      cv.notify_one();
    }
    return c;
  }
  void Give(std::unique_ptr<pg_internal::Connection> c) {
    std::lock_guard lock(mu);
    if (c && c->healthy()) {
      idle.push_back(std::move(c));
    } else {
      --open;
    }
    cv.notify_one();
  }
};

namespace pg_internal {

class PgTransaction final : public ports::Transaction {
 public:
  PgTransaction(PgStorage::Impl* impl, std::unique_ptr<Connection> c, bool epoch_locked)
      : impl_(impl), conn_(std::move(c)), epoch_locked_(epoch_locked) {}
  ~PgTransaction() override {
    if (!done_) (void)conn_->Exec("ROLLBACK");
    impl_->Give(std::move(conn_));
  }

  Result<ResultPtr> Q(const char* sql, std::vector<Param> params = {}) {
    return conn_->Query(sql, params);
  }
  // A shared statement (statements.h), in PostgreSQL's style as written.
  Result<ResultPtr> Q(Stmt id, std::vector<Param> params = {}) {
    return conn_->Query(PostgresStatements()[id], params);
  }
  // A statement whose rows do not matter.
  template <typename Sql>
  Status X(Sql sql, std::vector<Param> params = {}) {
    auto r = Q(sql, std::move(params));
    if (!r) return Fail(r.error());
    return Ok();
  }

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

  Result<ports::AuditHead> Head(const char* sql, const std::string& tenant);

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

  // The UPDATE waits for a concurrent run's row lock, then re-checks after_subject: only one
  // of two nodes moves the run, and the other rolls its batch back.
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
  Result<std::optional<std::string>> ReadKeyEpoch(const std::string& key) override;
  Status LockKeyEpoch() override;

  Result<std::optional<std::string>> GetMeta(const std::string& key) override;

  Status SetMeta(const std::string& key, const std::string& value) override;

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
  // Write transactions take the shared key-epoch lock with BEGIN, in one round trip
  // (PgStorage::Begin); ReadKeyEpoch then needs only its read.
  bool epoch_locked_ = false;
};

}  // namespace pg_internal
}  // namespace konfid::adapters
