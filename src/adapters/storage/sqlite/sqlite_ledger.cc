// The SQLite statements of policy versions, the consent ledger, notice runs, the outbox and
// tokens.
#include "adapters/storage/sqlite/sqlite_internal.h"

namespace konfid::adapters::sqlite_internal {

// The columns of a consent event, in the order the readers below expect them.
#define KONFID_CONSENT_SELECT                                                            \
  "SELECT event_id, purpose, kind, policy_version, text_hash, method, source, time, ip," \
  " user_agent, subject_id, receipt FROM consent_events"

Status SqliteTransaction::InsertPolicyVersion(const ports::PolicyVersionRow& r,
                                              const std::vector<ports::PolicyTextRow>& texts) {
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

Result<std::vector<ports::PolicyVersionRow>> SqliteTransaction::SelectVersions(
    const char* sql, const std::string& tenant, const int64_t* version) {
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

Result<std::vector<ports::PolicyVersionRow>> SqliteTransaction::ListPolicyVersions(
    const std::string& tenant) {
  return SelectVersions(
      "SELECT version, effective_at, published_at, text_hash, material, changes, ''"
      " FROM policy_versions WHERE tenant_id = ? ORDER BY version",
      tenant, nullptr);
}

Result<std::optional<ports::PolicyVersionRow>> SqliteTransaction::FindPolicyVersion(
    const std::string& tenant, int64_t version) {
  KONFID_ASSIGN_OR_RETURN(
      auto rows,
      SelectVersions("SELECT version, effective_at, published_at, text_hash, material, changes,"
                     " source FROM policy_versions WHERE tenant_id = ? AND version = ?",
                     tenant, &version));
  if (rows.empty()) return std::optional<ports::PolicyVersionRow>();
  return std::optional(std::move(rows[0]));
}

Result<std::optional<std::string>> SqliteTransaction::FindPolicyText(const std::string& tenant,
                                                                     int64_t version,
                                                                     const std::string& document,
                                                                     const std::string& lang,
                                                                     const std::string& format) {
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

Status SqliteTransaction::InsertConsentEvent(const ports::ConsentEventRow& r) {
  const domain::ConsentEvent& e = r.event;
  return Write(
      "INSERT INTO consent_events (tenant_id, subject_id, event_id, purpose, kind,"
      " policy_version, text_hash, method, source, time, ip, user_agent, receipt)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      r.tenant, r.subject, e.id, e.purpose, std::string(domain::ConsentKindName(e.kind)),
      e.policy_version, e.text_hash, e.method, e.source, e.time, e.ip, e.user_agent, r.receipt);
}

Result<std::vector<ports::ConsentEventRow>> SqliteTransaction::SelectConsentEvents(
    const char* sql, const std::string& tenant, const std::string& key) {
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

Result<std::vector<ports::ConsentEventRow>> SqliteTransaction::ListConsentEvents(
    const std::string& tenant, const std::string& subject) {
  return SelectConsentEvents(KONFID_CONSENT_SELECT
                             " WHERE tenant_id = ? AND subject_id = ? ORDER BY event_id",
                             tenant, subject);
}

Result<std::optional<ports::ConsentEventRow>> SqliteTransaction::FindConsentEvent(
    const std::string& tenant, const std::string& event_id) {
  KONFID_ASSIGN_OR_RETURN(
      auto rows, SelectConsentEvents(KONFID_CONSENT_SELECT " WHERE tenant_id = ? AND event_id = ?",
                                     tenant, event_id));
  if (rows.empty()) return std::optional<ports::ConsentEventRow>();
  return std::optional(std::move(rows[0]));
}

Result<std::vector<std::string>> SqliteTransaction::ListConsentSubjects(const std::string& tenant,
                                                                        const std::string& after,
                                                                        size_t limit) {
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

Status SqliteTransaction::InsertNoticeRun(const ports::NoticeRunRow& r) {
  return Write(
      "INSERT INTO policy_notices (tenant_id, version, kind, after_subject, done, queued)"
      " VALUES (?, ?, ?, ?, ?, ?)",
      r.tenant, r.version, r.kind, r.after_subject, int64_t{r.done}, r.queued);
}

Result<std::vector<ports::NoticeRunRow>> SqliteTransaction::ListNoticeRuns(
    const std::string& tenant) {
  KONFID_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          Run("SELECT version, after_subject, queued, kind FROM policy_notices"
                              " WHERE tenant_id = ? AND done = 0 ORDER BY version, kind",
                              tenant));
  std::vector<ports::NoticeRunRow> out;
  while (true) {
    KONFID_ASSIGN_OR_RETURN(bool row, Step(s));
    if (!row) break;
    out.push_back({tenant, sqlite3_column_int64(s, 0), ColText(s, 1), false,
                   sqlite3_column_int64(s, 2), ColText(s, 3)});
  }
  return out;
}

Result<bool> SqliteTransaction::AdvanceNoticeRun(const ports::NoticeRunRow& r,
                                                 const std::string& expected) {
  KONFID_TRY(
      Write("UPDATE policy_notices SET after_subject = ?, done = ?, queued = ?"
            " WHERE tenant_id = ? AND version = ? AND kind = ? AND after_subject = ? AND done = 0",
            r.after_subject, int64_t{r.done}, r.queued, r.tenant, r.version, r.kind, expected));
  return sqlite3_changes(conn_->db()) > 0;
}

Status SqliteTransaction::InsertOutbox(const ports::OutboxRow& r) {
  return Write(
      "INSERT INTO outbox (tenant_id, message_id, subject_id, kind, payload, status, attempts,"
      " next_attempt_at, created_at, sent_at, last_error)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      r.tenant, r.id, r.subject, r.kind, r.payload, r.status, r.attempts, r.next_attempt_at,
      r.created_at, r.sent_at, r.last_error);
}

Result<std::vector<ports::OutboxRow>> SqliteTransaction::DueOutbox(UnixMicros now, size_t limit) {
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

Result<bool> SqliteTransaction::ClaimOutbox(const std::string& tenant, const std::string& id,
                                            UnixMicros due, UnixMicros until) {
  KONFID_TRY(
      Write("UPDATE outbox SET next_attempt_at = ? WHERE tenant_id = ? AND message_id = ?"
            " AND status = 'pending' AND next_attempt_at = ?",
            until, tenant, id, due));
  return sqlite3_changes(conn_->db()) > 0;
}

Status SqliteTransaction::UpdateOutbox(const ports::OutboxRow& r) {
  return Write(
      "UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, sent_at = ?,"
      " last_error = ? WHERE tenant_id = ? AND message_id = ?",
      r.status, r.attempts, r.next_attempt_at, r.sent_at, r.last_error, r.tenant, r.id);
}

Status SqliteTransaction::InsertToken(const ports::TokenRow& r) {
  return Write(
      "INSERT INTO tokens (tenant_id, token_hash, subject_id, kind, pending, created_at,"
      " expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      r.tenant, r.hash, r.subject, r.kind, r.pending, r.created_at, r.expires_at, r.used_at);
}

Result<std::optional<ports::TokenRow>> SqliteTransaction::FindToken(const std::string& tenant,
                                                                    const Bytes& hash) {
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

Result<bool> SqliteTransaction::MarkTokenUsed(const std::string& tenant, const Bytes& hash,
                                              UnixMicros at) {
  KONFID_TRY(
      Write("UPDATE tokens SET used_at = ? WHERE tenant_id = ? AND token_hash = ? AND used_at = 0",
            at, tenant, hash));
  return sqlite3_changes(conn_->db()) > 0;
}

}  // namespace konfid::adapters::sqlite_internal
