#include "adapters/storage/statements.h"

#include <cctype>

#include "adapters/storage/rows.h"

namespace konfid::adapters {

namespace {

struct Entry {
  Stmt id;
  const char* text;
};

// The shared statements, in the order of Stmt. Where a row reader of rows.h reads the
// result, the select list is the one it names.
constexpr Entry kShared[] = {
    {Stmt::kInsertSubject,
     "INSERT INTO subjects (tenant_id, subject_id, fields, created_at, updated_at)"
     " VALUES ($1, $2, $3, $4, $5)"},
    // The key comes from the key store; none (NULL, read as empty) once it was destroyed.
    {Stmt::kFindSubject,
     "SELECT k.wrapped_key, s.fields, s.created_at, s.updated_at, s.email_verified_at, s.blocked"
     " FROM subjects s LEFT JOIN konfid_keys.subject_keys k"
     " ON k.tenant_id = s.tenant_id AND k.subject_id = s.subject_id"
     " WHERE s.tenant_id = $1 AND s.subject_id = $2"},
    {Stmt::kSetEmailVerified,
     "UPDATE subjects SET email_verified_at = $1 WHERE tenant_id = $2 AND subject_id = $3"},
    {Stmt::kUpdateSubjectFields,
     "UPDATE subjects SET fields = $1, updated_at = $2 WHERE tenant_id = $3 AND subject_id = $4"},
    {Stmt::kDeleteSubject, "DELETE FROM subjects WHERE tenant_id = $1 AND subject_id = $2"},
    {Stmt::kListSubjectKeys,
     "SELECT tenant_id, subject_id, wrapped_key FROM konfid_keys.subject_keys"
     " WHERE (tenant_id, subject_id) > ($1, $2) ORDER BY tenant_id, subject_id LIMIT $3"},
    {Stmt::kUpdateSubjectKey,
     "UPDATE konfid_keys.subject_keys SET wrapped_key = $1"
     " WHERE tenant_id = $2 AND subject_id = $3"},
    // Only if the key is still the one read: a destruction may have replaced it meanwhile.
    {Stmt::kRewrapSubjectKey,
     "UPDATE konfid_keys.subject_keys SET wrapped_key = $1"
     " WHERE tenant_id = $2 AND subject_id = $3 AND wrapped_key = $4"},
    {Stmt::kInsertSubjectKey,
     "INSERT INTO konfid_keys.subject_keys (tenant_id, subject_id, wrapped_key)"
     " VALUES ($1, $2, $3)"},
    {Stmt::kDeleteSubjectKey,
     "DELETE FROM konfid_keys.subject_keys WHERE tenant_id = $1 AND subject_id = $2"},
    {Stmt::kEraseSubjectFields,
     "UPDATE subjects SET fields = $1 WHERE tenant_id = $2 AND subject_id = $3"},
    {Stmt::kCountSubjects, "SELECT count(*) FROM subjects WHERE tenant_id = $1"},
    {Stmt::kSetSubjectBlocked,
     "UPDATE subjects SET blocked = $1, updated_at = $2 WHERE tenant_id = $3 AND subject_id = $4"},

    {Stmt::kInsertIndex,
     "INSERT INTO subject_index (tenant_id, field, hash, subject_id) VALUES ($1, $2, $3, $4)"},
    {Stmt::kLookupIndex,
     "SELECT subject_id FROM subject_index WHERE tenant_id = $1 AND field = $2 AND hash = $3"},
    {Stmt::kFindSubjectByIndex,
     "SELECT s.subject_id, k.wrapped_key, s.fields, s.created_at, s.updated_at,"
     " s.email_verified_at, s.blocked FROM subject_index i JOIN subjects s"
     " ON s.tenant_id = i.tenant_id AND s.subject_id = i.subject_id"
     " LEFT JOIN konfid_keys.subject_keys k"
     " ON k.tenant_id = s.tenant_id AND k.subject_id = s.subject_id"
     " WHERE i.tenant_id = $1 AND i.field = $2 AND i.hash = $3"},
    {Stmt::kDeleteSubjectIndex,
     "DELETE FROM subject_index WHERE tenant_id = $1 AND subject_id = $2"},
    {Stmt::kDeleteIndexField,
     "DELETE FROM subject_index WHERE tenant_id = $1 AND subject_id = $2 AND field = $3"},

    {Stmt::kInsertTenant,
     "INSERT INTO tenants (" KONFID_TENANT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6)"},
    {Stmt::kInsertAuditHead, "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, 0, $2)"},
    {Stmt::kFindTenant, "SELECT " KONFID_TENANT_COLUMNS " FROM tenants WHERE tenant_id = $1"},
    {Stmt::kListTenants, "SELECT " KONFID_TENANT_COLUMNS " FROM tenants ORDER BY tenant_id"},
    {Stmt::kUpdateTenantKeys,
     "UPDATE tenants SET wrapped_index_key = $1, wrapped_audit_key = $2,"
     " receipt_public_key = $3, wrapped_receipt_key = $4 WHERE tenant_id = $5"},
    {Stmt::kReadAuditHead, "SELECT seq, hash FROM audit_heads WHERE tenant_id = $1"},
    {Stmt::kSetAuditHead, "UPDATE audit_heads SET seq = $1, hash = $2 WHERE tenant_id = $3"},
    {Stmt::kAppendAudit, "INSERT INTO audit_events (tenant_id, " KONFID_AUDIT_EVENT_COLUMNS
                         ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"},
    {Stmt::kInsertAuditCheckpoint,
     "INSERT INTO audit_checkpoints (tenant_id, seq, hash, time, checkpoint)"
     " VALUES ($1, $2, $3, $4, $5)"},
    {Stmt::kListAuditCheckpoints,
     "SELECT seq, hash, time, checkpoint FROM audit_checkpoints WHERE tenant_id = $1"
     " ORDER BY time DESC, seq DESC LIMIT $2"},

    {Stmt::kInsertApiKey,
     "INSERT INTO api_keys (tenant_id, key_id, secret_hash, role, created_at, recipient)"
     " VALUES ($1, $2, $3, $4, $5, $6)"},
    {Stmt::kFindApiKey,
     "SELECT tenant_id, secret_hash, role, created_at, revoked_at, recipient FROM api_keys"
     " WHERE key_id = $1"},
    {Stmt::kListApiKeys,
     "SELECT key_id, secret_hash, role, created_at, revoked_at, recipient FROM api_keys"
     " WHERE tenant_id = $1 ORDER BY created_at, key_id"},
    {Stmt::kRevokeApiKey,
     "UPDATE api_keys SET revoked_at = $1"
     " WHERE tenant_id = $2 AND key_id = $3 AND revoked_at = 0"},
    {Stmt::kGetMeta, "SELECT value FROM meta WHERE key = $1"},
    // Both dialects spell this upsert alike (SQLite since 3.24).
    {Stmt::kSetMeta,
     "INSERT INTO meta (key, value) VALUES ($1, $2)"
     " ON CONFLICT (key) DO UPDATE SET value = excluded.value"},

    {Stmt::kInsertPolicyVersion,
     "INSERT INTO policy_versions (tenant_id, version, effective_at, published_at, text_hash,"
     " material, changes, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
    {Stmt::kInsertPolicyText,
     "INSERT INTO policy_texts (tenant_id, version, document, lang, format, text)"
     " VALUES ($1, $2, $3, $4, $5, $6)"},
    // The list leaves out each version's source (the policy file), which only Find needs.
    {Stmt::kListPolicyVersions,
     "SELECT version, effective_at, published_at, text_hash, material, changes, ''"
     " FROM policy_versions WHERE tenant_id = $1 ORDER BY version"},
    {Stmt::kFindPolicyVersion,
     "SELECT version, effective_at, published_at, text_hash, material, changes, source"
     " FROM policy_versions WHERE tenant_id = $1 AND version = $2"},
    {Stmt::kFindPolicyText,
     "SELECT text FROM policy_texts WHERE tenant_id = $1 AND version = $2 AND document = $3"
     " AND lang = $4 AND format = $5"},
    {Stmt::kInsertConsentEvent,
     "INSERT INTO consent_events (tenant_id, subject_id, event_id, purpose, kind,"
     " policy_version, text_hash, method, source, time, ip, user_agent, receipt)"
     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"},
    {Stmt::kListConsentEvents,
     "SELECT " KONFID_CONSENT_COLUMNS
     " FROM consent_events WHERE tenant_id = $1 AND subject_id = $2 ORDER BY event_id"},
    {Stmt::kFindConsentEvent, "SELECT " KONFID_CONSENT_COLUMNS
                              " FROM consent_events WHERE tenant_id = $1 AND event_id = $2"},
    {Stmt::kListConsentSubjects,
     "SELECT DISTINCT subject_id FROM consent_events WHERE tenant_id = $1 AND subject_id > $2"
     " ORDER BY subject_id LIMIT $3"},

    {Stmt::kInsertNoticeRun,
     "INSERT INTO policy_notices (tenant_id, version, kind, after_subject, done, queued)"
     " VALUES ($1, $2, $3, $4, $5, $6)"},
    {Stmt::kListNoticeRuns,
     "SELECT version, after_subject, queued, kind FROM policy_notices"
     " WHERE tenant_id = $1 AND done = 0 ORDER BY version, kind"},
    // PostgreSQL: the UPDATE waits for a concurrent run's row lock, then re-checks
    // after_subject, so only one of two nodes moves the run.
    {Stmt::kAdvanceNoticeRun,
     "UPDATE policy_notices SET after_subject = $1, done = $2, queued = $3"
     " WHERE tenant_id = $4 AND version = $5 AND kind = $6 AND after_subject = $7"
     " AND done = 0"},
    {Stmt::kInsertOutbox, "INSERT INTO outbox (" KONFID_OUTBOX_COLUMNS
                          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"},
    {Stmt::kDueOutbox, "SELECT " KONFID_OUTBOX_COLUMNS
                       " FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1"
                       " ORDER BY next_attempt_at LIMIT $2"},
    // A claim moves the due time only if no one else has: no row lock needed in either
    // dialect (no FOR UPDATE SKIP LOCKED).
    {Stmt::kClaimOutbox,
     "UPDATE outbox SET next_attempt_at = $1 WHERE tenant_id = $2 AND message_id = $3"
     " AND status = 'pending' AND next_attempt_at = $4"},
    {Stmt::kUpdateOutbox,
     "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, sent_at = $4,"
     " last_error = $5, payload = $6 WHERE tenant_id = $7 AND message_id = $8"},
    // A subject's messages still to go, by the index outbox_by_subject: as a subquery, which
    // it covers (asked for whole rows, SQLite without statistics walks the tenant's primary
    // key instead; sqlite/statements_test.cc checks the plan).
    {Stmt::kListSubjectOutbox,
     "SELECT " KONFID_OUTBOX_COLUMNS
     " FROM outbox WHERE tenant_id = $1 AND message_id IN (SELECT message_id FROM outbox"
     " WHERE tenant_id = $2 AND subject_id = $3 AND status = 'pending') ORDER BY message_id"},
    {Stmt::kFindOutbox,
     "SELECT " KONFID_OUTBOX_COLUMNS " FROM outbox WHERE tenant_id = $1 AND message_id = $2"},
    {Stmt::kInsertToken,
     "INSERT INTO tokens (tenant_id, token_hash, subject_id, kind, pending, created_at,"
     " expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
    {Stmt::kFindToken,
     "SELECT subject_id, kind, pending, created_at, expires_at, used_at FROM tokens"
     " WHERE tenant_id = $1 AND token_hash = $2"},
    {Stmt::kMarkTokenUsed,
     "UPDATE tokens SET used_at = $1 WHERE tenant_id = $2 AND token_hash = $3 AND used_at = 0"},

    {Stmt::kInsertRequest, "INSERT INTO requests (" KONFID_REQUEST_COLUMNS
                           ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"},
    {Stmt::kFindRequest,
     "SELECT " KONFID_REQUEST_COLUMNS " FROM requests WHERE tenant_id = $1 AND request_id = $2"},
    {Stmt::kUpdateRequest,
     "UPDATE requests SET state = $1, open = $2, due_on = $3, sealed = $4, history = $5,"
     " updated_at = $6 WHERE tenant_id = $7 AND request_id = $8"},
    // Every filter is optional (an empty parameter matches all), each bound twice so that
    // every number appears once; paging goes by id.
    {Stmt::kListRequests,
     "SELECT " KONFID_REQUEST_COLUMNS
     " FROM requests WHERE tenant_id = $1 AND request_id > $2 AND ($3 = '' OR state = $4)"
     " AND ($5 = '' OR kind = $6)"
     " AND ($7 = '' OR (open = 1 AND due_on <> '' AND due_on < $8))"
     " AND (CAST($9 AS BIGINT) = 0 OR (open = 1 AND due_on = ''))"
     " ORDER BY request_id LIMIT $10"},
    // By the index on (tenant, subject) first: asked directly, SQLite's planner walks the
    // primary key over every request of the tenant (docs/benchmarks.md, 2026-12-02).
    {Stmt::kListSubjectRequests,
     "SELECT " KONFID_REQUEST_COLUMNS
     " FROM requests WHERE tenant_id = $1 AND request_id IN (SELECT request_id FROM requests"
     " WHERE tenant_id = $2 AND subject_id = $3) ORDER BY request_id"},
    {Stmt::kCountOverdueRequests,
     "SELECT kind, count(*) FROM requests WHERE tenant_id = $1 AND open = 1 AND due_on <> ''"
     " AND due_on < $2"
     " GROUP BY kind ORDER BY kind"},
    {Stmt::kCountRequestsWithoutTerm,
     "SELECT count(*) FROM requests WHERE tenant_id = $1 AND open = 1 AND due_on = ''"},
    {Stmt::kInsertDisclosure, "INSERT INTO disclosures (" KONFID_DISCLOSURE_COLUMNS
                              ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"},
    // One statement a filter, not optional filters in one: SQLite plans `($3 = '' OR
    // subject_id = $4)` as a walk of the tenant's primary key, and the access reply reads a
    // subject's list (sqlite/statements_test.cc checks the plans).
    {Stmt::kListDisclosures, "SELECT " KONFID_DISCLOSURE_COLUMNS
                             " FROM disclosures WHERE tenant_id = $1 AND disclosure_id > $2"
                             " ORDER BY disclosure_id LIMIT $3"},
    {Stmt::kListSubjectDisclosures,
     "SELECT " KONFID_DISCLOSURE_COLUMNS
     " FROM disclosures WHERE tenant_id = $1 AND subject_id = $2 AND disclosure_id > $3"
     " AND ($4 = '' OR recipient = $5) ORDER BY disclosure_id LIMIT $6"},
    {Stmt::kListRecipientDisclosures,
     "SELECT " KONFID_DISCLOSURE_COLUMNS
     " FROM disclosures WHERE tenant_id = $1 AND recipient = $2 AND disclosure_id > $3"
     " ORDER BY disclosure_id LIMIT $4"},
    {Stmt::kUpdateDisclosureDocument,
     "UPDATE disclosures SET sealed = $1 WHERE tenant_id = $2 AND disclosure_id = $3"},
    {Stmt::kInsertOtpCode,
     "INSERT INTO otp_codes (" KONFID_OTP_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"},
    {Stmt::kFindOtpCode,
     "SELECT " KONFID_OTP_COLUMNS " FROM otp_codes WHERE tenant_id = $1 AND code_id = $2"},
    {Stmt::kCountOtpCodes,
     "SELECT count(*) FROM otp_codes WHERE tenant_id = $1 AND address_hash = $2"
     " AND created_at >= $3"},
    {Stmt::kAddOtpTry,
     "UPDATE otp_codes SET tries = tries + 1 WHERE tenant_id = $1 AND code_id = $2"
     " RETURNING tries"},
    {Stmt::kMarkOtpUsed,
     "UPDATE otp_codes SET used_at = $1 WHERE tenant_id = $2 AND code_id = $3 AND used_at = 0"},
    {Stmt::kDeleteOtpCodesBefore, "DELETE FROM otp_codes WHERE created_at < $1"},
    {Stmt::kSetContractEnd,
     "INSERT INTO contract_ends (tenant_id, subject_id, purpose, ended_at) VALUES ($1, $2, $3, $4)"
     " ON CONFLICT (tenant_id, subject_id, purpose) DO UPDATE SET ended_at = excluded.ended_at"},
    {Stmt::kClearContractEnd,
     "DELETE FROM contract_ends WHERE tenant_id = $1 AND subject_id = $2 AND purpose = $3"},
    {Stmt::kListContractEnds,
     "SELECT purpose, ended_at FROM contract_ends WHERE tenant_id = $1 AND subject_id = $2"
     " ORDER BY purpose"},

    {Stmt::kInsertHold, "INSERT INTO legal_holds (" KONFID_HOLD_COLUMNS
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"},
    {Stmt::kListSubjectHolds,
     "SELECT " KONFID_HOLD_COLUMNS " FROM legal_holds WHERE tenant_id = $1 AND subject_id = $2"
     " ORDER BY hold_id"},
    {Stmt::kLiftHold,
     "UPDATE legal_holds SET lifted_by = $1, lifted_at = $2"
     " WHERE tenant_id = $3 AND hold_id = $4 AND lifted_at = 0"},
    {Stmt::kDeleteSubjectHolds, "DELETE FROM legal_holds WHERE tenant_id = $1 AND subject_id = $2"},
    {Stmt::kUpdateHoldDocument,
     "UPDATE legal_holds SET document = $1 WHERE tenant_id = $2 AND hold_id = $3"},
    {Stmt::kInsertDestructionAct,
     "INSERT INTO destruction_acts (" KONFID_ACT_COLUMNS ") VALUES ($1, $2, $3, $4, $5)"},
    {Stmt::kListDestructionActs,
     "SELECT " KONFID_ACT_COLUMNS " FROM destruction_acts WHERE tenant_id = $1 AND act_id > $2"
     " ORDER BY act_id LIMIT $3"},
    {Stmt::kListSubjectDestructionActs,
     "SELECT " KONFID_ACT_COLUMNS " FROM destruction_acts WHERE tenant_id = $1"
     " AND subject_id = $2 AND act_id > $3 ORDER BY act_id LIMIT $4"},
    {Stmt::kFindDestructionAct,
     "SELECT " KONFID_ACT_COLUMNS " FROM destruction_acts WHERE tenant_id = $1 AND act_id = $2"},
    {Stmt::kDeleteDestructionActsBefore,
     "DELETE FROM destruction_acts WHERE (tenant_id, act_id) IN (SELECT tenant_id, act_id"
     " FROM destruction_acts WHERE destroyed_at < $1 ORDER BY destroyed_at LIMIT $2)"},
    {Stmt::kInsertDepersonalizedExport,
     "INSERT INTO depersonalized_exports (" KONFID_EXPORT_COLUMNS ")"
     " VALUES ($1, $2, $3, $4, $5, $6, $7)"},
    {Stmt::kFindDepersonalizedExport, "SELECT " KONFID_EXPORT_COLUMNS " FROM depersonalized_exports"
                                      " WHERE tenant_id = $1 AND export_id = $2"},
    {Stmt::kInsertTechEvent, "INSERT INTO tech_events (" KONFID_TECH_EVENT_COLUMNS ")"
                             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"},
    {Stmt::kListTechEvents,
     "SELECT " KONFID_TECH_EVENT_COLUMNS " FROM tech_events WHERE tenant_id = $1 AND event_id > $2"
     " ORDER BY event_id LIMIT $3"},
    // Ids sort by arrival, so the oldest rows are the lowest ids: the primary key finds them.
    {Stmt::kDeleteTechEventsBefore,
     "DELETE FROM tech_events WHERE (tenant_id, event_id) IN (SELECT tenant_id, event_id"
     " FROM tech_events WHERE tenant_id = $1 AND event_id < $2 ORDER BY event_id LIMIT $3)"},
    {Stmt::kInsertCookieChoice, "INSERT INTO cookie_choices (" KONFID_COOKIE_CHOICE_COLUMNS ")"
                                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
    {Stmt::kFindCookieChoice,
     "SELECT " KONFID_COOKIE_CHOICE_COLUMNS " FROM cookie_choices"
     " WHERE tenant_id = $1 AND visitor = $2 ORDER BY choice_id DESC LIMIT 1"},
    {Stmt::kDeleteCookieChoicesBefore,
     "DELETE FROM cookie_choices WHERE (tenant_id, visitor, choice_id) IN (SELECT tenant_id,"
     " visitor, choice_id FROM cookie_choices WHERE tenant_id = $1 AND chosen_at < $2"
     " ORDER BY chosen_at LIMIT $3)"},
    // Statistics of events read a range of the primary key: ids sort by arrival.
    {Stmt::kCountTechEvents, KONFID_TECH_EVENT_COUNT("CAST(0 AS BIGINT)", "''")},
    {Stmt::kCountTechEventsByDay, KONFID_TECH_EVENT_COUNT(KONFID_TECH_EVENT_DAY, "''")},
    {Stmt::kCountTechEventsByPage, KONFID_TECH_EVENT_COUNT("CAST(0 AS BIGINT)", "page")},
    {Stmt::kCountTechEventsByDayAndPage, KONFID_TECH_EVENT_COUNT(KONFID_TECH_EVENT_DAY, "page")},
    {Stmt::kCountSubjectsByDay,
     "SELECT CAST(created_at / 86400000000 AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM subjects"
     " WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY 1"},
    // A (subject, purpose)'s latest event is the one no later event of theirs follows: the
    // primary key (tenant, subject, event) finds the later ones.
    {Stmt::kCountConsentStates,
     "SELECT purpose, kind, CAST(COUNT(*) AS BIGINT) FROM consent_events c WHERE tenant_id = $1"
     " AND NOT EXISTS (SELECT 1 FROM consent_events d WHERE d.tenant_id = c.tenant_id"
     " AND d.subject_id = c.subject_id AND d.event_id > c.event_id AND d.purpose = c.purpose)"
     " GROUP BY purpose, kind"},
};

constexpr bool InStmtOrder() {
  if (std::size(kShared) != kStatementCount) return false;
  for (size_t i = 0; i < kStatementCount; ++i)
    if (static_cast<size_t>(kShared[i].id) != i) return false;
  return true;
}
static_assert(InStmtOrder(), "kShared lists every Stmt once, in the enum's order");

constexpr std::array<const char*, kStatementCount> SharedTexts() {
  std::array<const char*, kStatementCount> out{};
  for (size_t i = 0; i < kStatementCount; ++i) out[i] = kShared[i].text;
  return out;
}

}  // namespace

std::string ToSqlitePlaceholders(std::string_view text) {
  std::string out(text);
  for (size_t i = 0; i + 1 < out.size(); ++i)
    if (out[i] == '$' && std::isdigit(static_cast<unsigned char>(out[i + 1]))) out[i] = '?';
  return out;
}

const StatementTexts& PostgresStatements() {
  static constexpr StatementTexts texts(SharedTexts());
  return texts;
}

const StatementTexts& SqliteStatements() {
  // Built once, on first use (SqliteStorage::Open); the strings never move afterwards.
  static const std::array<std::string, kStatementCount> rewritten = [] {
    std::array<std::string, kStatementCount> out;
    for (size_t i = 0; i < kStatementCount; ++i) out[i] = ToSqlitePlaceholders(kShared[i].text);
    return out;
  }();
  static const StatementTexts texts = [] {
    std::array<const char*, kStatementCount> ptrs{};
    for (size_t i = 0; i < kStatementCount; ++i) ptrs[i] = rewritten[i].c_str();
    return StatementTexts(ptrs);
  }();
  return texts;
}

}  // namespace konfid::adapters
