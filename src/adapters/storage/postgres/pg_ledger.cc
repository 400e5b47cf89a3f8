// The PostgreSQL statements of policy versions, the consent ledger, notice runs, the outbox
// and tokens.
#include <cstring>

#include "adapters/storage/postgres/pg_internal.h"

namespace konfid::adapters::pg_internal {

// The columns of a consent event, in the order the readers below expect them.
#define KONFID_CONSENT_SELECT                                                            \
  "SELECT event_id, purpose, kind, policy_version, text_hash, method, source, time, ip," \
  " user_agent, subject_id, receipt FROM consent_events"

Status PgTransaction::InsertPolicyVersion(const ports::PolicyVersionRow& r,
                                          const std::vector<ports::PolicyTextRow>& texts) {
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

Result<std::vector<ports::PolicyVersionRow>> PgTransaction::Versions(ResultPtr r,
                                                                     const std::string& tenant) {
  std::vector<ports::PolicyVersionRow> out;
  for (int i = 0; i < PQntuples(r.get()); ++i)
    out.push_back({tenant, Int(r.get(), i, 0), Int(r.get(), i, 1), Int(r.get(), i, 2),
                   Text(r.get(), i, 3), Int(r.get(), i, 4) != 0, Text(r.get(), i, 5),
                   Text(r.get(), i, 6)});
  return out;
}

Result<std::vector<ports::PolicyVersionRow>> PgTransaction::ListPolicyVersions(
    const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q("SELECT version, effective_at, published_at, text_hash, material, changes, ''"
                " FROM policy_versions WHERE tenant_id = $1 ORDER BY version",
                {tenant}));
  return Versions(std::move(r), tenant);
}

Result<std::optional<ports::PolicyVersionRow>> PgTransaction::FindPolicyVersion(
    const std::string& tenant, int64_t version) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q("SELECT version, effective_at, published_at, text_hash, material, changes,"
                " source FROM policy_versions WHERE tenant_id = $1 AND version = $2",
                {tenant, version}));
  KONFID_ASSIGN_OR_RETURN(auto rows, Versions(std::move(r), tenant));
  if (rows.empty()) return std::optional<ports::PolicyVersionRow>();
  return std::optional(std::move(rows[0]));
}

Result<std::optional<std::string>> PgTransaction::FindPolicyText(const std::string& tenant,
                                                                 int64_t version,
                                                                 const std::string& document,
                                                                 const std::string& lang,
                                                                 const std::string& format) {
  KONFID_ASSIGN_OR_RETURN(auto r,
                          Q("SELECT text FROM policy_texts WHERE tenant_id = $1 AND version = $2"
                            " AND document = $3 AND lang = $4 AND format = $5",
                            {tenant, version, document, lang, format}));
  if (PQntuples(r.get()) == 0) return std::optional<std::string>();
  return std::optional(Text(r.get(), 0, 0));
}

Status PgTransaction::InsertConsentEvent(const ports::ConsentEventRow& r) {
  const domain::ConsentEvent& e = r.event;
  return X(
      "INSERT INTO consent_events (tenant_id, subject_id, event_id, purpose, kind,"
      " policy_version, text_hash, method, source, time, ip, user_agent, receipt)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
      {r.tenant, r.subject, e.id, e.purpose, std::string(domain::ConsentKindName(e.kind)),
       e.policy_version, e.text_hash, e.method, e.source, e.time, e.ip, e.user_agent, r.receipt});
}

Result<std::vector<ports::ConsentEventRow>> PgTransaction::ConsentEvents(
    const PGresult* r, const std::string& tenant) {
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

Result<std::vector<ports::ConsentEventRow>> PgTransaction::ListConsentEvents(
    const std::string& tenant, const std::string& subject) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q(KONFID_CONSENT_SELECT " WHERE tenant_id = $1 AND subject_id = $2 ORDER BY event_id",
                {tenant, subject}));
  return ConsentEvents(r.get(), tenant);
}

Result<std::optional<ports::ConsentEventRow>> PgTransaction::FindConsentEvent(
    const std::string& tenant, const std::string& event_id) {
  KONFID_ASSIGN_OR_RETURN(auto r, Q(KONFID_CONSENT_SELECT " WHERE tenant_id = $1 AND event_id = $2",
                                    {tenant, event_id}));
  KONFID_ASSIGN_OR_RETURN(auto rows, ConsentEvents(r.get(), tenant));
  if (rows.empty()) return std::optional<ports::ConsentEventRow>();
  return std::optional(std::move(rows[0]));
}

Result<std::vector<std::string>> PgTransaction::ListConsentSubjects(const std::string& tenant,
                                                                    const std::string& after,
                                                                    size_t limit) {
  KONFID_ASSIGN_OR_RETURN(auto r,
                          Q("SELECT DISTINCT subject_id FROM consent_events WHERE tenant_id = $1"
                            " AND subject_id > $2 ORDER BY subject_id LIMIT $3",
                            {tenant, after, static_cast<int64_t>(limit)}));
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back(Text(r.get(), i, 0));
  return out;
}

Status PgTransaction::InsertNoticeRun(const ports::NoticeRunRow& r) {
  return X(
      "INSERT INTO policy_notices (tenant_id, version, kind, after_subject, done, queued)"
      " VALUES ($1, $2, $3, $4, $5, $6)",
      {r.tenant, r.version, r.kind, r.after_subject, int64_t{r.done}, r.queued});
}

Result<std::vector<ports::NoticeRunRow>> PgTransaction::ListNoticeRuns(const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(auto r,
                          Q("SELECT version, after_subject, queued, kind FROM policy_notices"
                            " WHERE tenant_id = $1 AND done = 0 ORDER BY version, kind",
                            {tenant}));
  std::vector<ports::NoticeRunRow> out;
  for (int i = 0; i < PQntuples(r.get()); ++i)
    out.push_back({tenant, Int(r.get(), i, 0), Text(r.get(), i, 1), false, Int(r.get(), i, 2),
                   Text(r.get(), i, 3)});
  return out;
}

// The UPDATE waits for a concurrent run's row lock, then re-checks after_subject: only one
// of two nodes moves the run, and the other rolls its batch back.
Result<bool> PgTransaction::AdvanceNoticeRun(const ports::NoticeRunRow& r,
                                             const std::string& expected) {
  KONFID_ASSIGN_OR_RETURN(
      auto res,
      Q("UPDATE policy_notices SET after_subject = $1, done = $2, queued = $3"
        " WHERE tenant_id = $4 AND version = $5 AND kind = $6 AND after_subject = $7"
        " AND done = 0",
        {r.after_subject, int64_t{r.done}, r.queued, r.tenant, r.version, r.kind, expected}));
  return std::strcmp(PQcmdTuples(res.get()), "0") != 0;
}

Status PgTransaction::InsertOutbox(const ports::OutboxRow& r) {
  return X(
      "INSERT INTO outbox (tenant_id, message_id, subject_id, kind, payload, status, attempts,"
      " next_attempt_at, created_at, sent_at, last_error)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      {r.tenant, r.id, r.subject, r.kind, r.payload, r.status, r.attempts, r.next_attempt_at,
       r.created_at, r.sent_at, r.last_error});
}

Result<std::vector<ports::OutboxRow>> PgTransaction::DueOutbox(UnixMicros now, size_t limit) {
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

Result<bool> PgTransaction::ClaimOutbox(const std::string& tenant, const std::string& id,
                                        UnixMicros due, UnixMicros until) {
  KONFID_ASSIGN_OR_RETURN(auto r,
                          Q("UPDATE outbox SET next_attempt_at = $1 WHERE tenant_id = $2 AND"
                            " message_id = $3 AND status = 'pending' AND next_attempt_at = $4",
                            {until, tenant, id, due}));
  return std::strcmp(PQcmdTuples(r.get()), "0") != 0;
}

Status PgTransaction::UpdateOutbox(const ports::OutboxRow& r) {
  return X(
      "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, sent_at = $4,"
      " last_error = $5 WHERE tenant_id = $6 AND message_id = $7",
      {r.status, r.attempts, r.next_attempt_at, r.sent_at, r.last_error, r.tenant, r.id});
}

Status PgTransaction::InsertToken(const ports::TokenRow& r) {
  return X(
      "INSERT INTO tokens (tenant_id, token_hash, subject_id, kind, pending, created_at,"
      " expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {r.tenant, r.hash, r.subject, r.kind, r.pending, r.created_at, r.expires_at, r.used_at});
}

Result<std::optional<ports::TokenRow>> PgTransaction::FindToken(const std::string& tenant,
                                                                const Bytes& hash) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q("SELECT subject_id, kind, pending, created_at, expires_at, used_at FROM tokens"
                " WHERE tenant_id = $1 AND token_hash = $2",
                {tenant, hash}));
  if (PQntuples(r.get()) == 0) return std::optional<ports::TokenRow>();
  return std::optional(ports::TokenRow{tenant, hash, Text(r.get(), 0, 0), Text(r.get(), 0, 1),
                                       Text(r.get(), 0, 2), Int(r.get(), 0, 3), Int(r.get(), 0, 4),
                                       Int(r.get(), 0, 5)});
}

Result<bool> PgTransaction::MarkTokenUsed(const std::string& tenant, const Bytes& hash,
                                          UnixMicros at) {
  KONFID_ASSIGN_OR_RETURN(
      auto r, Q("UPDATE tokens SET used_at = $1 WHERE tenant_id = $2 AND token_hash = $3"
                " AND used_at = 0",
                {at, tenant, hash}));
  return std::strcmp(PQcmdTuples(r.get()), "0") != 0;
}

}  // namespace konfid::adapters::pg_internal
