// Storage: the vault's tables behind one interface, implemented by the SQLite and the
// PostgreSQL adapters and checked by one contract suite (tests/contract).
//
// Every row carries its tenant and every key starts with it. Values of personal data reach
// storage only sealed; blind-index hashes and ids are the only searchable columns.
//
// A Transaction is used by one thread at a time. Storage::Begin is thread-safe. After a
// statement fails, the transaction may go on only after RollbackToSavepoint (PostgreSQL aborts
// the rest otherwise); the group committer wraps each request in a savepoint for that reason.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "domain/audit.h"
#include "domain/consent.h"

namespace konfid::ports {

struct SubjectRow {
  std::string tenant;
  std::string id;
  Bytes wrapped_key;  // the subject's data key, sealed under the master key
  Bytes fields;       // domain::PackSealedFields()
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
  UnixMicros email_verified_at = 0;  // 0: the email address is not confirmed
  // What is blocked (domain/blocking.h): empty for nothing, "*" for the whole subject, else
  // the blocked fields' names, comma-separated.
  std::string blocked;
};

struct TenantRow {
  std::string tenant;
  Bytes wrapped_index_key;
  Bytes wrapped_audit_key;
  UnixMicros created_at = 0;
  Bytes receipt_public_key;   // Ed25519; empty until the keyring makes one
  Bytes wrapped_receipt_key;  // its secret, sealed under the master key
};

struct ApiKeyRow {
  std::string tenant;
  std::string key_id;
  Bytes secret_hash;
  std::string role;
  UnixMicros created_at = 0;
  UnixMicros revoked_at = 0;  // 0 while the key is valid
  std::string recipient;      // the policy's recipient the key is bound to; empty: none
};

struct AuditHead {
  uint64_t seq = 0;
  Bytes hash;  // zeros when seq == 0
};

// A signed checkpoint of a tenant's audit head (domain/checkpoint.h), as stored.
struct AuditCheckpointRow {
  std::string tenant;
  uint64_t seq = 0;
  Bytes hash;
  UnixMicros time = 0;
  std::string checkpoint;  // the signed line (compact JWS)
};

struct SubjectKeyRow {
  std::string tenant;
  std::string id;
  Bytes wrapped_key;
};

// One published version of a tenant's policy (see app/policy_store.h).
struct PolicyVersionRow {
  std::string tenant;
  int64_t version = 0;  // 1, 2, ... per tenant
  UnixMicros effective_at = 0;
  UnixMicros published_at = 0;
  std::string text_hash;  // hex SHA-256 of the texts, see docs/policy.md
  bool material = false;  // adds or widens a purpose, field or recipient
  std::string changes;    // domain::FormatChange lines against the previous version
  std::string source;     // the policy file itself
};

// One generated text of a version: document ("policy", "consent/<purpose>", ...), language
// and format.
struct PolicyTextRow {
  std::string document;
  std::string lang;
  std::string format;
  std::string text;
};

// One event of the consent ledger (domain/consent.h), as stored. Append-only.
struct ConsentEventRow {
  std::string tenant;
  std::string subject;
  domain::ConsentEvent event;
  std::string receipt;  // the signed receipt (compact JWS, docs/receipts.md)
};

// A message waiting to be sent, or sent (app/outbox.h).
struct OutboxRow {
  std::string tenant;
  std::string id;  // 32 hex, ordered by time
  std::string subject;
  std::string kind;                // confirm_email, ...
  Bytes payload;                   // sealed under the subject's data key
  std::string status = "pending";  // pending, sent, failed
  int64_t attempts = 0;
  UnixMicros next_attempt_at = 0;
  UnixMicros created_at = 0;
  UnixMicros sent_at = 0;
  std::string last_error;  // no personal data
};

// How far the notice job has come in telling subjects about one material policy version
// (app/notices.h). Subjects are taken in id order from the consent ledger.
struct NoticeRunRow {
  std::string tenant;
  int64_t version = 0;
  std::string after_subject;  // the last subject considered; empty before the first
  bool done = false;
  int64_t queued = 0;  // notices queued so far
  // "notice": once the version is in force, with a link to decide; "announcement": when it
  // is published, ahead of it.
  std::string kind = "notice";
};

// A single-use token of a link sent by mail, stored as a hash.
struct TokenRow {
  std::string tenant;
  Bytes hash;
  std::string subject;
  std::string kind;     // confirm_email, renew_consent
  std::string pending;  // what using it applies
  UnixMicros created_at = 0;
  UnixMicros expires_at = 0;
  UnixMicros used_at = 0;  // 0 while unused
};

// A data-subject request (app/requests.h), as stored. What may hold personal data (the claim,
// the identifying document, the reasons given) is sealed under the subject's data key.
struct RequestRow {
  std::string tenant;
  std::string id;  // 32 hex, ordered by time
  std::string subject;
  std::string kind;         // domain::RequestKindName
  std::string state;        // domain::RequestStateName
  bool open = true;         // domain::IsOpen(state)
  std::string channel;      // domain::RequestChannelName
  std::string received_on;  // YYYY-MM-DD in the tenant's time zone
  std::string due_on;       // YYYY-MM-DD: the term's last day, its extension included
  Bytes sealed;             // app/requests.cc: the details, sealed under the subject's key
  std::string history;      // domain::FormatRequestHistory
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
};

// Which requests the staff queue lists. Empty strings match everything.
struct RequestFilter {
  std::string state;
  std::string kind;
  // When set (YYYY-MM-DD): only open requests whose due_on is before it (overdue today).
  std::string due_before;
  bool without_term = false;  // only open requests that have no term (due_on empty)
  std::string after;          // keyset paging: ids after this one
  size_t limit = 50;
};

// A one-time code sent to prove who one is (app/self_identity.h). Only a keyed hash of the
// code is kept. A code asked for an address no subject has is stored the same way with an
// empty subject, so that both are answered alike.
struct OtpCodeRow {
  std::string tenant;
  std::string id;  // the challenge the client holds: 32 hex
  std::string subject;
  Bytes address_hash;  // the address's blind-index hash: the per-address rate limit's key
  Bytes code_hash;
  int64_t tries = 0;  // wrong codes so far
  UnixMicros created_at = 0;
  UnixMicros expires_at = 0;
  UnixMicros used_at = 0;  // 0 while unused
};

// A technical event of a site's page (app/tech_events.h, docs/events.md): tied to no subject,
// its IP address truncated and its visitor id a keyed hash.
struct TechEventRow {
  std::string tenant;
  std::string id;  // 32 hex, sorting by arrival
  UnixMicros at = 0;
  std::string kind;      // page_view, page_leave (domain/tech_event.h)
  std::string category;  // necessary, analytics
  Bytes visitor;         // the keyed hash of the first-party visitor id; empty when none
  std::string page;      // domain::KeptPage
  std::string referrer;  // domain::ReferrerOrigin
  std::string user_agent;
  int64_t duration_ms = 0;  // time on the page, for page_leave
  std::string ip;           // truncated (domain::TruncateIp); "" when unknown
};

// A visitor's cookie choice: the proof of the cookie consent a site relies on.
struct CookieChoiceRow {
  std::string tenant;
  Bytes visitor;   // the keyed hash of the first-party visitor id
  std::string id;  // 32 hex, sorting by arrival
  UnixMicros at = 0;
  int64_t policy_version = 0;  // the version in force when it was made
  std::string granted;         // domain::CookieChoiceText
  bool gpc = false;            // the browser sent Global Privacy Control
  std::string ip;              // truncated
};

// What GET /v1/stats counts of technical events (app/stats.h): the analytics events (those
// with a visitor) whose ids fall in [from_id, to_id), grouped by the UTC day of their arrival
// and/or their page. Necessary events are not counted: they were kept without consent because
// they serve the site's working, not the counting of its audience.
struct TechEventCountQuery {
  bool by_day = false;
  bool by_page = false;
  std::string from_id;
  std::string to_id;
};
struct TechEventCount {
  int64_t day = 0;             // days since 1970-01-01 (UTC); 0 when not grouped by day
  std::string page;            // "" when not grouped by page
  int64_t views = 0;           // page_view events
  int64_t leaves = 0;          // page_leave events
  int64_t duration_ms = 0;     // their time on the page, summed
  int64_t visitors = 0;        // distinct visitor hashes
  int64_t leave_visitors = 0;  // distinct visitor hashes of the page_leave events
};

// Subjects created on one UTC day (days since 1970-01-01), for GET /v1/stats?of=subjects.
struct DayCount {
  int64_t day = 0;
  int64_t count = 0;
};
// The subjects whose latest consent event for `purpose` is of `kind` (domain::ConsentKind).
struct ConsentStateCount {
  std::string purpose;
  std::string kind;
  int64_t subjects = 0;
};

// One subject's data disclosed to one of the policy's recipients or to an authority
// (app/disclosures.h). Names of fields only, never their values.
struct DisclosureRow {
  std::string tenant;
  std::string id;  // 32 hex, ordered by time
  std::string subject;
  std::string recipient;  // the policy's recipient id; empty for an authority
  std::string purpose;    // empty for an authority
  std::string fields;     // comma-separated names
  std::string ground;     // domain::DisclosureGroundName
  Bytes sealed;  // an authority's name and document, sealed under the subject's key; or empty
  std::string actor;
  UnixMicros created_at = 0;
};

// A legal hold staff placed on a subject's data (app/holds.h).
struct HoldRow {
  std::string tenant;
  std::string id;  // 32 hex, ordered by time
  std::string subject;
  std::string reason;  // dispute, authority_request (domain/hold.h)
  std::string fields;  // "*" or comma-separated names
  Bytes document;      // the authority, number and date, sealed under the subject's key
  UnixMicros until = 0;
  std::string placed_by;
  UnixMicros placed_at = 0;
  std::string lifted_by;  // empty while not lifted
  UnixMicros lifted_at = 0;
};

// An act of destruction, signed (app/destruction_acts.h). Kept 3 years (Order 179).
struct DestructionActRow {
  std::string tenant;
  std::string id;  // 32 hex, ordered by time
  std::string subject;
  UnixMicros destroyed_at = 0;
  std::string jws;  // the act's claims, signed with the tenant's key
};

// A depersonalized export made (app/depersonalized_exports.h).
struct DepersonalizedExportRow {
  std::string tenant;
  std::string id;  // 32 hex, ordered by time
  UnixMicros created_at = 0;
  std::string actor;
  std::string purpose;
  std::string summary;  // what was released: field names, levels, counts; never a value
  Bytes mapping;        // the pseudonyms and their subjects, sealed under the export's key
};

// Which acts a list holds: the tenant's, or one subject's; keyset paging by id.
struct DestructionActFilter {
  std::string subject;  // empty: every subject
  std::string after;    // ids after this one
  size_t limit = 50;
};

// Which disclosures a list holds. Empty strings match everything.
struct DisclosureFilter {
  std::string subject;
  std::string recipient;
  std::string after;  // keyset paging: ids after this one
  size_t limit = 50;
};

class Transaction {
 public:
  virtual ~Transaction() = default;  // rolls back unless committed

  // Subjects. InsertSubject: Conflict when the id exists.
  virtual Status InsertSubject(const SubjectRow& row) = 0;
  virtual Result<std::optional<SubjectRow>> FindSubject(const std::string& tenant,
                                                        const std::string& id) = 0;
  virtual Status UpdateSubjectFields(const std::string& tenant, const std::string& id,
                                     const Bytes& fields, UnixMicros updated_at) = 0;
  // When the subject's email address was confirmed; 0 to mark it unconfirmed.
  virtual Status SetEmailVerified(const std::string& tenant, const std::string& id,
                                  UnixMicros at) = 0;
  // Deletes the row, its data key with it. Returns false when there was none.
  virtual Result<bool> DeleteSubject(const std::string& tenant, const std::string& id) = 0;
  // Replaces the subject's values once some were destroyed, keeping its key and dates. Like
  // DeleteSubject, it leaves no copy of what was removed in the database's files once
  // committed (SQLite: the WAL is truncated). False when there is no such row.
  virtual Result<bool> EraseSubjectFields(const std::string& tenant, const std::string& id,
                                          const Bytes& fields) = 0;
  // Keyset paging over every tenant's subject keys, ordered by (tenant, id).
  virtual Result<std::vector<SubjectKeyRow>> ListSubjectKeys(const std::string& after_tenant,
                                                             const std::string& after_id,
                                                             size_t limit) = 0;
  virtual Status UpdateSubjectKey(const std::string& tenant, const std::string& id,
                                  const Bytes& wrapped_key) = 0;
  // UpdateSubjectKey only while the stored key is still `from`: false when it is not (a
  // destruction replaced it, app/rekey.h) or the subject is gone. For key rotation, which
  // reads a page of keys before it writes them.
  virtual Result<bool> RewrapSubjectKey(const std::string& tenant, const std::string& id,
                                        const Bytes& from, const Bytes& to) = 0;
  virtual Result<uint64_t> CountSubjects(const std::string& tenant) = 0;
  // Writes the subject's `blocked` column. False when there is no such subject.
  virtual Result<bool> SetSubjectBlocked(const std::string& tenant, const std::string& id,
                                         const std::string& blocked, UnixMicros updated_at) = 0;

  // Blind index, unique per (tenant, field, hash): InsertIndex returns Conflict on a
  // duplicate, enforced by the database so that concurrent writers cannot both succeed.
  virtual Status InsertIndex(const std::string& tenant, const std::string& field, const Bytes& hash,
                             const std::string& subject) = 0;
  virtual Result<std::optional<std::string>> LookupIndex(const std::string& tenant,
                                                         const std::string& field,
                                                         const Bytes& hash) = 0;
  // The subject a blind-index entry points to, in one statement (the hot path of lookups).
  virtual Result<std::optional<SubjectRow>> FindSubjectByIndex(const std::string& tenant,
                                                               const std::string& field,
                                                               const Bytes& hash) = 0;
  // Removes the subject's entries for `field`, or all its entries when `field` is empty.
  virtual Status DeleteIndex(const std::string& tenant, const std::string& subject,
                             const std::string& field) = 0;

  // Tenants and their wrapped keys. InsertTenant also creates the audit head (seq 0).
  virtual Status InsertTenant(const TenantRow& row) = 0;
  virtual Result<std::optional<TenantRow>> FindTenant(const std::string& tenant) = 0;
  virtual Result<std::vector<TenantRow>> ListTenants() = 0;
  // Rewrites the wrapped keys and the receipt key of a tenant.
  virtual Status UpdateTenantKeys(const TenantRow& row) = 0;

  // Audit chain. LockAuditHead reads the head and, on PostgreSQL, locks it until commit so
  // that writers on several nodes append one after another.
  virtual Result<AuditHead> LockAuditHead(const std::string& tenant) = 0;
  // The head without a lock, for readers (audit verify).
  virtual Result<AuditHead> ReadAuditHead(const std::string& tenant) = 0;
  virtual Status SetAuditHead(const std::string& tenant, const AuditHead& head) = 0;
  virtual Status AppendAudit(const domain::AuditEvent& event) = 0;
  // Calls `fn` for each event of the tenant in seq order; stops at fn's first error.
  virtual Status ScanAudit(const std::string& tenant,
                           const std::function<Status(const domain::AuditEvent&)>& fn) = 0;

  // Signed checkpoints of the audit head. InsertAuditCheckpoint: Conflict when the tenant
  // already has one of this seq and hash. ListAuditCheckpoints: the tenant's newest first (by
  // time), at most `limit`.
  virtual Status InsertAuditCheckpoint(const AuditCheckpointRow& row) = 0;
  virtual Result<std::vector<AuditCheckpointRow>> ListAuditCheckpoints(const std::string& tenant,
                                                                       size_t limit) = 0;

  // API keys. FindApiKey looks across tenants: the key id is globally unique.
  // Policy versions. InsertPolicyVersion: Conflict when the version exists.
  virtual Status InsertPolicyVersion(const PolicyVersionRow& row,
                                     const std::vector<PolicyTextRow>& texts) = 0;
  // Every version of the tenant, oldest first, without `source`.
  virtual Result<std::vector<PolicyVersionRow>> ListPolicyVersions(const std::string& tenant) = 0;
  virtual Result<std::optional<PolicyVersionRow>> FindPolicyVersion(const std::string& tenant,
                                                                    int64_t version) = 0;
  virtual Result<std::optional<std::string>> FindPolicyText(const std::string& tenant,
                                                            int64_t version,
                                                            const std::string& document,
                                                            const std::string& lang,
                                                            const std::string& format) = 0;

  // The consent ledger. InsertConsentEvent: Conflict when the id exists.
  virtual Status InsertConsentEvent(const ConsentEventRow& row) = 0;
  // The subject's events, oldest first.
  virtual Result<std::vector<ConsentEventRow>> ListConsentEvents(const std::string& tenant,
                                                                 const std::string& subject) = 0;
  virtual Result<std::optional<ConsentEventRow>> FindConsentEvent(const std::string& tenant,
                                                                  const std::string& event_id) = 0;
  // Keyset paging over the subjects that have consent events, in id order.
  virtual Result<std::vector<std::string>> ListConsentSubjects(const std::string& tenant,
                                                               const std::string& after,
                                                               size_t limit) = 0;

  // Notice runs. InsertNoticeRun: Conflict when the version has one. ListNoticeRuns: the
  // tenant's runs that are not done, by version. AdvanceNoticeRun writes after_subject, done
  // and queued only if after_subject is still `expected` (false when another node moved it).
  virtual Status InsertNoticeRun(const NoticeRunRow& row) = 0;
  virtual Result<std::vector<NoticeRunRow>> ListNoticeRuns(const std::string& tenant) = 0;
  virtual Result<bool> AdvanceNoticeRun(const NoticeRunRow& row, const std::string& expected) = 0;

  // The outbox. DueOutbox: pending messages with next_attempt_at <= now, oldest first, of
  // every tenant. ClaimOutbox moves a message's next attempt from `due` to `until` only if it
  // is still `due` (false when another sender took it).
  virtual Status InsertOutbox(const OutboxRow& row) = 0;
  virtual Result<std::vector<OutboxRow>> DueOutbox(UnixMicros now, size_t limit) = 0;
  virtual Result<bool> ClaimOutbox(const std::string& tenant, const std::string& id, UnixMicros due,
                                   UnixMicros until) = 0;
  // Writes status, attempts, next_attempt_at, sent_at, last_error and payload (emptied once
  // the message is sent or has failed for good).
  virtual Status UpdateOutbox(const OutboxRow& row) = 0;
  virtual Result<std::optional<OutboxRow>> FindOutbox(const std::string& tenant,
                                                      const std::string& id) = 0;
  // A subject's pending messages, by id (app/rekey.h closes them).
  virtual Result<std::vector<OutboxRow>> ListSubjectOutbox(const std::string& tenant,
                                                           const std::string& subject) = 0;

  // Tokens. MarkTokenUsed: false when the token was already used.
  virtual Status InsertToken(const TokenRow& row) = 0;
  virtual Result<std::optional<TokenRow>> FindToken(const std::string& tenant,
                                                    const Bytes& hash) = 0;
  virtual Result<bool> MarkTokenUsed(const std::string& tenant, const Bytes& hash,
                                     UnixMicros at) = 0;

  // Data-subject requests. InsertRequest: Conflict when the id exists. UpdateRequest writes
  // state, open, due_on, sealed, history and updated_at. ListRequests: the tenant's requests
  // that match, in id order. ListSubjectRequests: one subject's, oldest first.
  // CountOverdueRequests: the tenant's open requests due before `today`, by kind.
  // CountRequestsWithoutTerm: the tenant's open requests that have no term (due_on empty).
  virtual Status InsertRequest(const RequestRow& row) = 0;
  virtual Result<std::optional<RequestRow>> FindRequest(const std::string& tenant,
                                                        const std::string& id) = 0;
  virtual Status UpdateRequest(const RequestRow& row) = 0;
  virtual Result<std::vector<RequestRow>> ListRequests(const std::string& tenant,
                                                       const RequestFilter& filter) = 0;
  virtual Result<std::vector<RequestRow>> ListSubjectRequests(const std::string& tenant,
                                                              const std::string& subject) = 0;
  virtual Result<std::vector<std::pair<std::string, uint64_t>>> CountOverdueRequests(
      const std::string& tenant, const std::string& today) = 0;
  virtual Result<uint64_t> CountRequestsWithoutTerm(const std::string& tenant) = 0;

  // Disclosures, oldest first. InsertDisclosure: Conflict when the id exists.
  virtual Status InsertDisclosure(const DisclosureRow& row) = 0;
  virtual Result<std::vector<DisclosureRow>> ListDisclosures(const std::string& tenant,
                                                             const DisclosureFilter& filter) = 0;
  // Replaces a disclosure's sealed document with the same document sealed under another key
  // (app/rekey.h); nothing else of the row changes.
  virtual Status UpdateDisclosureDocument(const std::string& tenant, const std::string& id,
                                          const Bytes& sealed) = 0;

  // One-time codes. InsertOtpCode: Conflict when the id exists. CountOtpCodes: the codes sent
  // to an address since `since`. AddOtpTry counts a wrong code and returns the tries so far.
  // MarkOtpUsed: false when the code was used already. DeleteOtpCodesBefore: every tenant's
  // codes created before `before`, used or not; returns how many.
  virtual Status InsertOtpCode(const OtpCodeRow& row) = 0;
  virtual Result<std::optional<OtpCodeRow>> FindOtpCode(const std::string& tenant,
                                                        const std::string& id) = 0;
  virtual Result<uint64_t> CountOtpCodes(const std::string& tenant, const Bytes& address_hash,
                                         UnixMicros since) = 0;
  virtual Result<int64_t> AddOtpTry(const std::string& tenant, const std::string& id) = 0;
  virtual Result<bool> MarkOtpUsed(const std::string& tenant, const std::string& id,
                                   UnixMicros at) = 0;
  virtual Result<uint64_t> DeleteOtpCodesBefore(UnixMicros before) = 0;

  // Technical events and cookie choices (app/tech_events.h). ListTechEvents: in id order, after
  // `after`. FindCookieChoice: the visitor's latest. The deletes take at most `limit` of the
  // tenant's oldest rows, events whose id sorts before `before_id` (ids sort by arrival) and
  // choices made before `before`, and return how many.
  virtual Status InsertTechEvent(const TechEventRow& row) = 0;
  virtual Result<std::vector<TechEventRow>> ListTechEvents(const std::string& tenant,
                                                           const std::string& after,
                                                           size_t limit) = 0;
  virtual Result<uint64_t> DeleteTechEventsBefore(const std::string& tenant,
                                                  const std::string& before_id, size_t limit) = 0;
  virtual Status InsertCookieChoice(const CookieChoiceRow& row) = 0;
  virtual Result<std::optional<CookieChoiceRow>> FindCookieChoice(const std::string& tenant,
                                                                  const Bytes& visitor) = 0;
  virtual Result<uint64_t> DeleteCookieChoicesBefore(const std::string& tenant, UnixMicros before,
                                                     size_t limit) = 0;
  // One row per group of the query, in no particular order.
  virtual Result<std::vector<TechEventCount>> CountTechEvents(const std::string& tenant,
                                                              const TechEventCountQuery& q) = 0;
  // Statistics of subjects (app/stats.h): those created in [from, to), by UTC day, and every
  // (subject, purpose)'s latest consent event, by purpose and kind. Rows in no particular order.
  virtual Result<std::vector<DayCount>> CountSubjectsByDay(const std::string& tenant,
                                                           UnixMicros from, UnixMicros to) = 0;
  virtual Result<std::vector<ConsentStateCount>> CountConsentStates(const std::string& tenant) = 0;

  // Legal holds. ListSubjectHolds: the subject's, oldest first, lifted ones included.
  // LiftHold: false when there is no such hold not lifted yet. DeleteSubjectHolds: with an
  // erasure (their documents are sealed under the key it destroys).
  virtual Status InsertHold(const HoldRow& row) = 0;
  virtual Result<std::vector<HoldRow>> ListSubjectHolds(const std::string& tenant,
                                                        const std::string& subject) = 0;
  virtual Result<bool> LiftHold(const std::string& tenant, const std::string& id,
                                const std::string& by, UnixMicros at) = 0;
  virtual Status DeleteSubjectHolds(const std::string& tenant, const std::string& subject) = 0;
  // Replaces a hold's sealed document with the same document sealed under another key.
  virtual Status UpdateHoldDocument(const std::string& tenant, const std::string& id,
                                    const Bytes& document) = 0;

  // Acts of destruction. InsertDestructionAct: Conflict when the id exists. ListDestructionActs:
  // in id order (oldest first). DeleteDestructionActsBefore: at most `limit` acts, of every
  // tenant, made before `before`; returns how many.
  virtual Status InsertDestructionAct(const DestructionActRow& row) = 0;
  virtual Result<std::vector<DestructionActRow>> ListDestructionActs(
      const std::string& tenant, const DestructionActFilter& filter) = 0;
  virtual Result<std::optional<DestructionActRow>> FindDestructionAct(const std::string& tenant,
                                                                      const std::string& id) = 0;
  virtual Result<uint64_t> DeleteDestructionActsBefore(UnixMicros before, size_t limit) = 0;

  // Depersonalized exports. InsertDepersonalizedExport: Conflict when the id exists.
  virtual Status InsertDepersonalizedExport(const DepersonalizedExportRow& row) = 0;
  virtual Result<std::optional<DepersonalizedExportRow>> FindDepersonalizedExport(
      const std::string& tenant, const std::string& id) = 0;

  // When the subject's contract for `purpose` ended (docs/retention.md); 0 clears it: the
  // contract goes on. ListContractEnds: the subject's, by purpose.
  virtual Status SetContractEnd(const std::string& tenant, const std::string& subject,
                                const std::string& purpose, UnixMicros ended_at) = 0;
  virtual Result<std::vector<std::pair<std::string, UnixMicros>>> ListContractEnds(
      const std::string& tenant, const std::string& subject) = 0;

  virtual Status InsertApiKey(const ApiKeyRow& row) = 0;
  virtual Result<std::optional<ApiKeyRow>> FindApiKey(const std::string& key_id) = 0;
  // The tenant's keys, revoked ones included, oldest first.
  virtual Result<std::vector<ApiKeyRow>> ListApiKeys(const std::string& tenant) = 0;
  // Sets revoked_at on the tenant's key; false when the tenant has no such key or it was
  // revoked already.
  virtual Result<bool> RevokeApiKey(const std::string& tenant, const std::string& key_id,
                                    UnixMicros at) = 0;

  // Small settings, e.g. the master key check value.
  virtual Result<std::optional<std::string>> GetMeta(const std::string& key) = 0;
  virtual Status SetMeta(const std::string& key, const std::string& value) = 0;

  // The master key's epoch (meta `key`, its check value), held steady until this write
  // transaction ends: LockKeyEpoch, which a key rotation takes before it changes the value,
  // waits for every transaction that read it, and one that reads it afterwards sees the
  // change. SQLite's single writer gives both; PostgreSQL, whose writers run side by side on
  // several nodes, takes a transaction-scoped advisory lock (shared, exclusive).
  virtual Result<std::optional<std::string>> ReadKeyEpoch(const std::string& key) {
    return GetMeta(key);
  }
  virtual Status LockKeyEpoch() { return Ok(); }

  // One nesting level of savepoint, used by group commit to undo one request's writes.
  virtual Status Savepoint() = 0;
  virtual Status RollbackToSavepoint() = 0;
  virtual Status ReleaseSavepoint() = 0;

  // Durable on success. Unavailable when the commit failed; nothing was written then.
  virtual Status Commit() = 0;
  // Commits without waiting for the disk where the storage syncs separately (see
  // Storage::syncs_separately): the change is visible at once and durable once a Sync() that
  // began after this call has returned. Elsewhere the same as Commit().
  virtual Status CommitUnsynced() { return Commit(); }
};

class Storage {
 public:
  virtual ~Storage() = default;
  // "sqlite" or "postgres".
  virtual std::string_view backend() const = 0;
  // Applies pending numbered migrations. Refuses (Unavailable) a database whose schema is
  // newer than this binary knows.
  virtual Status Migrate() = 0;
  // Ok when the schema is exactly what this binary expects; otherwise says what to run.
  virtual Status CheckSchema() = 0;
  // A write transaction (BEGIN IMMEDIATE on SQLite) or a read-only one.
  virtual Result<std::unique_ptr<Transaction>> Begin(bool write) = 0;

  // True when CommitUnsynced() leaves durability to Sync(): SQLite with durable commits, where
  // one fdatasync of the WAL then serves every commit before it, and the writer can go on with
  // the next transaction meanwhile. PostgreSQL commits durably itself.
  virtual bool syncs_separately() const { return false; }
  // Makes every commit made before the call durable. Thread-safe. Unavailable when the disk
  // refused: those commits may then be lost in a crash.
  virtual Status Sync() { return Ok(); }
};

}  // namespace konfid::ports
