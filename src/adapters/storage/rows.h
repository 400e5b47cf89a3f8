// The row mapping both SQL backends share: which column of a shared statement's result
// (statements.cc) holds which field of a ports::*Row. Each reader takes a row of the
// backend's own result, any type with
//     std::string Text(int column) const;  Bytes Blob(int column) const;
//     int64_t Int(int column) const;
// (SqliteRow in sqlite_internal.h, PgRow in pg_internal.h), so the column order is written
// once, beside the column lists that several statements select. Header-only templates: the
// compiler inlines them into each backend's loop as if written there.
#pragma once

#include <string>
#include <utility>

#include "adapters/storage/sql_util.h"
#include "ports/storage.h"

namespace konfid::adapters {

// From column `first` on: wrapped_key, fields, created_at, updated_at, email_verified_at,
// blocked.
template <typename Row>
ports::SubjectRow SubjectFrom(const Row& row, int first, std::string tenant, std::string id) {
  return {std::move(tenant),  std::move(id),      row.Blob(first),    row.Blob(first + 1),
          row.Int(first + 2), row.Int(first + 3), row.Int(first + 4), row.Text(first + 5)};
}

// tenant_id, subject_id, wrapped_key.
template <typename Row>
ports::SubjectKeyRow SubjectKeyFrom(const Row& row) {
  return {row.Text(0), row.Text(1), row.Blob(2)};
}

#define KONFID_TENANT_COLUMNS                                    \
  "tenant_id, wrapped_index_key, wrapped_audit_key, created_at," \
  " receipt_public_key, wrapped_receipt_key"

// KONFID_TENANT_COLUMNS.
template <typename Row>
ports::TenantRow TenantFrom(const Row& row) {
  return {row.Text(0), row.Blob(1), row.Blob(2), row.Int(3), row.Blob(4), row.Blob(5)};
}

// seq, hash.
template <typename Row>
ports::AuditHead AuditHeadFrom(const Row& row) {
  return {static_cast<uint64_t>(row.Int(0)), row.Blob(1)};
}

// Selected by each backend's own scan (SQLite streams, PostgreSQL pages).
#define KONFID_AUDIT_EVENT_COLUMNS                                                     \
  "seq, time, actor, operation, subject_id, fields, purpose, ground, outcome, reason," \
  " prev_hash, hash"

// KONFID_AUDIT_EVENT_COLUMNS.
template <typename Row>
domain::AuditEvent AuditEventFrom(const Row& row, const std::string& tenant) {
  domain::AuditEvent e;
  e.tenant = tenant;
  e.seq = static_cast<uint64_t>(row.Int(0));
  e.time = row.Int(1);
  e.actor = row.Text(2);
  e.operation = row.Text(3);
  e.subject_id = row.Text(4);
  e.fields = SplitFields(row.Text(5));
  e.purpose = row.Text(6);
  e.ground = row.Text(7);
  e.outcome = row.Text(8);
  e.reason = row.Text(9);
  e.prev_hash = row.Blob(10);
  e.hash = row.Blob(11);
  return e;
}

// seq, hash, time, checkpoint.
template <typename Row>
ports::AuditCheckpointRow AuditCheckpointFrom(const Row& row, const std::string& tenant) {
  return {tenant, static_cast<uint64_t>(row.Int(0)), row.Blob(1), row.Int(2), row.Text(3)};
}

// Column 0 is whichever of tenant_id and key_id the caller did not know (and passes on as
// row.Text(0)); then secret_hash, role, created_at, revoked_at, recipient.
template <typename Row>
ports::ApiKeyRow ApiKeyFrom(const Row& row, std::string tenant, std::string key_id) {
  return {std::move(tenant), std::move(key_id), row.Blob(1), row.Text(2),
          row.Int(3),        row.Int(4),        row.Text(5)};
}

// version, effective_at, published_at, text_hash, material, changes, source.
template <typename Row>
ports::PolicyVersionRow PolicyVersionFrom(const Row& row, const std::string& tenant) {
  return {tenant,      row.Int(0),      row.Int(1),  row.Int(2),
          row.Text(3), row.Int(4) != 0, row.Text(5), row.Text(6)};
}

#define KONFID_CONSENT_COLUMNS                                                    \
  "event_id, purpose, kind, policy_version, text_hash, method, source, time, ip," \
  " user_agent, subject_id, receipt"

// KONFID_CONSENT_COLUMNS. Fails on a kind this build does not know.
template <typename Row>
Result<ports::ConsentEventRow> ConsentEventFrom(const Row& row, const std::string& tenant) {
  domain::ConsentEvent e;
  e.id = row.Text(0);
  e.purpose = row.Text(1);
  auto kind = domain::ParseConsentKind(row.Text(2));
  if (!kind) return Fail(ErrorCode::kDataLoss, "a consent event of an unknown kind");
  e.kind = *kind;
  e.policy_version = row.Int(3);
  e.text_hash = row.Text(4);
  e.method = row.Text(5);
  e.source = row.Text(6);
  e.time = row.Int(7);
  e.ip = row.Text(8);
  e.user_agent = row.Text(9);
  return ports::ConsentEventRow{tenant, row.Text(10), std::move(e), row.Text(11)};
}

// version, after_subject, queued, kind (of runs not done).
template <typename Row>
ports::NoticeRunRow NoticeRunFrom(const Row& row, const std::string& tenant) {
  return {tenant, row.Int(0), row.Text(1), false, row.Int(2), row.Text(3)};
}

#define KONFID_OUTBOX_COLUMNS                                                            \
  "tenant_id, message_id, subject_id, kind, payload, status, attempts, next_attempt_at," \
  " created_at, sent_at, last_error"

// KONFID_OUTBOX_COLUMNS.
template <typename Row>
ports::OutboxRow OutboxFrom(const Row& row) {
  return {row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Blob(4), row.Text(5),
          row.Int(6),  row.Int(7),  row.Int(8),  row.Int(9),  row.Text(10)};
}

// subject_id, kind, pending, created_at, expires_at, used_at.
template <typename Row>
ports::TokenRow TokenFrom(const Row& row, const std::string& tenant, const Bytes& hash) {
  return {tenant, hash, row.Text(0), row.Text(1), row.Text(2), row.Int(3), row.Int(4), row.Int(5)};
}

#define KONFID_REQUEST_COLUMNS                                                                  \
  "tenant_id, request_id, subject_id, kind, state, open, channel, received_on, due_on, sealed," \
  " history, created_at, updated_at"

// KONFID_REQUEST_COLUMNS.
template <typename Row>
ports::RequestRow RequestFrom(const Row& row) {
  return {row.Text(0),     row.Text(1), row.Text(2), row.Text(3), row.Text(4),
          row.Int(5) != 0, row.Text(6), row.Text(7), row.Text(8), row.Blob(9),
          row.Text(10),    row.Int(11), row.Int(12)};
}

#define KONFID_DISCLOSURE_COLUMNS                                                     \
  "tenant_id, disclosure_id, subject_id, recipient, purpose, fields, ground, sealed," \
  " actor, created_at"

// KONFID_DISCLOSURE_COLUMNS.
template <typename Row>
ports::DisclosureRow DisclosureFrom(const Row& row) {
  return {row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4),
          row.Text(5), row.Text(6), row.Blob(7), row.Text(8), row.Int(9)};
}

#define KONFID_HOLD_COLUMNS                                                                   \
  "tenant_id, hold_id, subject_id, reason, fields, document, until_at, placed_by, placed_at," \
  " lifted_by, lifted_at"

// KONFID_HOLD_COLUMNS.
template <typename Row>
ports::HoldRow HoldFrom(const Row& row) {
  return {row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4), row.Blob(5),
          row.Int(6),  row.Text(7), row.Int(8),  row.Text(9), row.Int(10)};
}

#define KONFID_ACT_COLUMNS "tenant_id, act_id, subject_id, destroyed_at, jws"

// KONFID_ACT_COLUMNS.
template <typename Row>
ports::DestructionActRow DestructionActFrom(const Row& row) {
  return {row.Text(0), row.Text(1), row.Text(2), row.Int(3), row.Text(4)};
}

#define KONFID_EXPORT_COLUMNS "tenant_id, export_id, created_at, actor, purpose, summary, mapping"

// KONFID_EXPORT_COLUMNS.
template <typename Row>
ports::DepersonalizedExportRow DepersonalizedExportFrom(const Row& row) {
  return {row.Text(0), row.Text(1), row.Int(2), row.Text(3), row.Text(4), row.Text(5), row.Blob(6)};
}

#define KONFID_TECH_EVENT_COLUMNS                                                              \
  "tenant_id, event_id, at, kind, category, visitor, page, referrer, user_agent, duration_ms," \
  " ip"

// KONFID_TECH_EVENT_COLUMNS.
template <typename Row>
ports::TechEventRow TechEventFrom(const Row& row) {
  return {row.Text(0), row.Text(1), row.Int(2),  row.Text(3), row.Text(4), row.Blob(5),
          row.Text(6), row.Text(7), row.Text(8), row.Int(9),  row.Text(10)};
}

// The counts of a tenant's analytics events (those with a visitor) in [$2, $3) of its ids,
// grouped by `day` and `page` (expressions, or constants for no grouping); read by
// TechEventCountFrom.
#define KONFID_TECH_EVENT_DAY "CAST(at / 86400000000 AS BIGINT)"
#define KONFID_TECH_EVENT_COUNT(day, page)                                          \
  "SELECT " day ", " page                                                           \
  ","                                                                               \
  " CAST(SUM(CASE WHEN kind = 'page_view' THEN 1 ELSE 0 END) AS BIGINT),"           \
  " CAST(SUM(CASE WHEN kind = 'page_leave' THEN 1 ELSE 0 END) AS BIGINT),"          \
  " CAST(SUM(duration_ms) AS BIGINT),"                                              \
  " CAST(COUNT(DISTINCT visitor) AS BIGINT),"                                       \
  " CAST(COUNT(DISTINCT CASE WHEN kind = 'page_leave' THEN visitor END) AS BIGINT)" \
  " FROM tech_events WHERE tenant_id = $1 AND event_id >= $2 AND event_id < $3"     \
  " AND length(visitor) > 0 GROUP BY 1, 2"

template <typename Row>
ports::TechEventCount TechEventCountFrom(const Row& row) {
  return {row.Int(0), row.Text(1), row.Int(2), row.Int(3), row.Int(4), row.Int(5), row.Int(6)};
}

#define KONFID_COOKIE_CHOICE_COLUMNS \
  "tenant_id, visitor, choice_id, chosen_at, policy_version, granted, gpc, ip"

// KONFID_COOKIE_CHOICE_COLUMNS.
template <typename Row>
ports::CookieChoiceRow CookieChoiceFrom(const Row& row) {
  return {row.Text(0), row.Blob(1), row.Text(2),     row.Int(3),
          row.Int(4),  row.Text(5), row.Int(6) != 0, row.Text(7)};
}

#define KONFID_OTP_COLUMNS                                                                  \
  "tenant_id, code_id, subject_id, address_hash, code_hash, tries, created_at, expires_at," \
  " used_at"

// KONFID_OTP_COLUMNS.
template <typename Row>
ports::OtpCodeRow OtpCodeFrom(const Row& row) {
  return {row.Text(0), row.Text(1), row.Text(2), row.Blob(3), row.Blob(4),
          row.Int(5),  row.Int(6),  row.Int(7),  row.Int(8)};
}

}  // namespace konfid::adapters
