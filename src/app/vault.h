// Vault: the use cases on subjects' personal data. Each call validates and prepares what it
// can on the caller's thread (normalization, encryption, blind-index hashes), then runs its
// reads and writes and its audit event in one transaction of the group committer, and calls
// back after the commit. Every attempt is audited: successes, denials and failures.
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "app/group_committer.h"
#include "app/keyring.h"
#include "app/policy_store.h"
#include "app/roles.h"
#include "domain/policy.h"
#include "ports/phone.h"

namespace konfid::app {

// Who is acting: the tenant their key belongs to, an id for the audit log, their role.
struct Actor {
  std::string tenant;
  std::string id;  // "apikey:<key id>"
  Role role = Role::kAnalyst;
};

struct SubjectView {
  std::string id;
  domain::FieldValues fields;  // empty for writes
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
  UnixMicros email_verified_at = 0;  // when its owner confirmed the email; 0: not confirmed
};

// A subject as read in a committed transaction, values still sealed. Vault::Open decrypts it
// on the caller's thread, so the serial committer never spends time on decryption and no value
// is decrypted before the read's audit event is durable.
struct SealedSubject {
  ports::SubjectRow row;
  std::vector<std::string> fields;  // the fields the read's purpose may see
};

template <typename T>
using Callback = std::function<void(Result<T>)>;

// A consent event as a caller states it.
struct ConsentInput {
  std::string purpose;
  domain::ConsentKind kind = domain::ConsentKind::kGiven;  // given, withdrawn or refused
  int64_t policy_version = 0;  // the version whose text was shown; 0: the one in force
  std::string lang = "ru";     // the language of the text shown
  std::string method = "api";  // form, cabinet, api, unsubscribe_link, gpc
  std::string source;          // form id or page, at most 256 bytes
  std::string ip;              // the visitor's address; stored truncated (/24, /48)
  std::string user_agent;      // stored cut to 256 bytes
};

// A form's submission (POST /v1/registrations).
struct RegistrationInput {
  domain::FieldInput fields;
  std::map<std::string, bool> choices;  // every consent-based purpose: ticked or not
  int64_t policy_version = 0;           // the version the form showed; 0: in force
  std::string lang = "ru";
  std::string form;  // form id and page (without query), stored as the consent events' source
  std::string ip;
  std::string user_agent;
};

struct RegistrationResult {
  std::string subject;
  bool created = false;                       // false: the email belonged to a subject already
  std::vector<domain::ConsentEvent> refused;  // recorded now; given ones wait for confirmation
  std::string message;                        // the outbox message id of the confirmation email
};

// Where registration mail comes from and where its links point.
struct MailSettings {
  std::string from = "noreply@localhost";
  std::string from_name;
  // The site's confirmation page: <public_url>?tenant=&token=.
  std::string public_url = "http://127.0.0.1:8080/confirm";
  int token_hours = 48;
  // Konfid's own public address, for one-click unsubscribe links (HTTPS in production).
  std::string unsubscribe_base = "http://127.0.0.1:8080";
  // How long the link of a policy-change notice works.
  int notice_days = 30;
};

// One material policy version's notice run, as the notice job hands it to the vault
// (app/notices.h): what the version outdated, under which rules, and how far the run got.
struct NoticePlan {
  std::string tenant;
  int64_t version = 0;
  UnixMicros effective_at = 0;
  std::shared_ptr<const domain::TenantPolicy> before;  // the version it follows
  std::shared_ptr<const domain::TenantPolicy> after;   // the version itself
  std::map<std::string, int64_t> epochs_before, epochs_after;
  std::vector<std::string> purposes;  // domain::OutdatedPurposes
  std::string after_subject;          // the run's cursor
  int64_t queued = 0;
  std::string kind = "notice";  // or "announcement": ahead of the version, without a link
};

struct NoticeBatch {
  size_t considered = 0;  // subjects of the ledger looked at
  size_t queued = 0;      // notices queued for them
  bool done = false;      // no subject is left
  std::string after_subject;
};

// A consent the expiry job found past its term (app/expiry.h).
struct ExpiredConsent {
  std::string subject;
  std::string purpose;
};

// What the link of a policy-change notice asks: the purposes to decide on, with the consent
// texts of the version in force in the language of the notice.
struct RenewalRequest {
  std::string lang;
  int64_t version = 0;
  std::shared_ptr<const domain::TenantPolicy> policy;
  std::vector<std::pair<std::string, std::string>> purposes;  // (id, consent Markdown)
};

struct ConsentLedger {
  std::map<std::string, domain::ConsentState> states;  // per consent-based purpose
  std::vector<domain::ConsentEvent> events;            // oldest first
};

class Vault {
 public:
  // `policies` outlives the vault.
  Vault(const PolicySource& policies, Keyring& keyring, GroupCommitter& committer,
        ports::Crypto& crypto, ports::PhoneNormalizer& phones, ports::Clock& clock);

  // collect: validates against the tenant's catalogue (a field no purpose declares is
  // refused, reason field_without_purpose); Conflict (reason duplicate_<field>) when a lookup
  // field's value belongs to another subject. Returns id and times.
  void Create(const Actor& actor, const domain::FieldInput& input, Callback<SubjectView> done);
  // extract for `purpose`: the fields that purpose uses (sealed; see Open). InvalidArgument
  // (reason unknown_purpose) for a purpose the policy in force does not declare; NotFound for
  // an unknown id or another tenant's subject; ConsentRequired when the purpose rests on
  // consent and this subject's is not live. The audit event names purpose and ground.
  void Get(const Actor& actor, const std::string& id, const std::string& purpose,
           Callback<SealedSubject> done);
  // extract by a lookup field (email, phone): any accepted spelling finds the subject.
  void Find(const Actor& actor, const std::string& field, const std::string& value,
            const std::string& purpose, Callback<SealedSubject> done);
  // update: sets and removes fields (null removes an optional field). A new email address is
  // unconfirmed: the same transaction queues a confirmation email to it (double opt-in again).
  void Update(const Actor& actor, const std::string& id, const domain::FieldInput& input,
              Callback<SubjectView> done);
  // destroy: deletes the rows and the wrapped data key with them.
  void Destroy(const Actor& actor, const std::string& id, Callback<void> done);

  // Appends a consent event for a subject, with its audit event, in one transaction. The
  // text hash is the SHA-256 of the consent text of that policy version and language.
  // InvalidArgument for a purpose that is not consent-based or a version without that text;
  // NotFound for an unknown subject. Roles admin, operator.
  // Each event carries its signed receipt (app/receipts.h).
  void RecordConsent(const Actor& actor, const std::string& subject, const ConsentInput& input,
                     Callback<ports::ConsentEventRow> done);
  // One consent event with its receipt, by event id (audited). Roles as for Consents.
  void Receipt(const Actor& actor, const std::string& event_id,
               Callback<ports::ConsentEventRow> done);
  // The tenant's receipt key: id and Ed25519 public key. NotFound for an unknown tenant.
  Result<std::pair<std::string, Bytes>> ReceiptKey(const std::string& tenant) const;
  // Registration with double opt-in, in one transaction: the subject (or the one that already
  // has this email, left unchanged), refused consents with receipts, a single-use token
  // (stored hashed) holding the given consents, and the confirmation email in the outbox.
  // Given consents take effect only when the email's owner confirms. InvalidArgument
  // (consent_choice_missing) unless every consent-based purpose has a choice. Roles admin,
  // operator.
  void Register(const Actor& actor, const RegistrationInput& input,
                Callback<RegistrationResult> done);
  // Uses a confirmation token: records the consents it holds (with receipts) and the
  // confirmation itself. InvalidArgument (invalid_token) for an unknown, used or expired
  // token, without saying which.
  void Confirm(const std::string& tenant, const std::string& token,
               Callback<std::vector<domain::ConsentEvent>> done);
  void SetMailSettings(MailSettings settings) { mail_ = std::move(settings); }

  // A marketing email for a consent-based marketing purpose that uses email, queued in the
  // outbox with the one-click unsubscribe headers. ConsentRequired when the subject's
  // consent is not live (a suppressed subject is never sent anything); Conflict
  // (email_unconfirmed) while the subject's address is not confirmed by its owner (never, or
  // not since it changed). Roles admin, operator, marketing. Returns the outbox message id.
  void SendMarketing(const Actor& actor, const std::string& subject, const std::string& purpose,
                     const std::string& title, const std::string& body, Callback<std::string> done);

  // The one-click unsubscribe token (RFC 8058) of a subject for a consent-based marketing
  // purpose: subject id, purpose and a keyed hash over both, so nothing is stored and a
  // changed token does not verify. Roles admin, operator, marketing.
  Result<std::string> UnsubscribeToken(const Actor& actor, const std::string& subject,
                                       const std::string& purpose) const;
  // Withdraws exactly that consent (method unsubscribe_link), at once and idempotently:
  // true when this call withdrew it, false when it was not live. InvalidArgument
  // (invalid_token) for a token that does not verify.
  void Unsubscribe(const std::string& tenant, const std::string& token, Callback<bool> done);

  // Policy-change notices. QueueNotices considers the next `limit` subjects of the consent
  // ledger after the plan's cursor and, in one transaction with the run's new cursor, queues
  // a notice to each whose live consent the version outdated: the purposes, the new policy
  // and a single-use link (stored hashed, valid MailSettings::notice_days) to decide. A
  // subject without an email address, or erased, is passed over. Conflict when another node
  // moved the run meanwhile (nothing is written then).
  Result<NoticeBatch> QueueNotices(const NoticePlan& plan, size_t limit);
  // What a notice's link asks (nothing is recorded). InvalidArgument (invalid_token) for an
  // unknown, used or expired link.
  void Renewal(const std::string& tenant, const std::string& token, Callback<RenewalRequest> done);
  // Uses a notice's link: a decision for each purpose it asks about, on the consent texts of
  // `version`, which must still be in force (Conflict, policy_changed, otherwise: the page
  // is out of date). Records renewed or refused events with receipts (method form, source
  // policy_notice). InvalidArgument: invalid_token, consent_choice_missing, unknown_purpose.
  void Renew(const std::string& tenant, const std::string& token, int64_t version,
             const std::map<std::string, bool>& decisions,
             Callback<std::vector<domain::ConsentEvent>> done);

  // Appends an `expired` event (method retention, with its receipt and an audit event by
  // system:retention) for each consent in `found` whose term has passed and that is still
  // given: one renewed or withdrawn meanwhile is left alone. Returns the events appended.
  Result<size_t> ExpireConsents(const std::string& tenant,
                                const std::vector<ExpiredConsent>& found);

  // The subject's consent states and events (audited as an extract of the ledger). Roles
  // admin, operator, support, marketing.
  void Consents(const Actor& actor, const std::string& subject, Callback<ConsentLedger> done);

  // Decrypts what Get or Find returned. DataLoss when a value does not authenticate.
  // Only the fields of the read's purpose are decrypted.
  Result<SubjectView> Open(const SealedSubject& subject) {
    return View(subject.row, &subject.fields);
  }

  // The policy in force for `tenant`; nullptr when it is not configured.
  std::shared_ptr<const domain::TenantPolicy> Policy(const std::string& tenant) const;

  // Subject ids are 32 lower-case hex characters.
  static bool IsValidSubjectId(std::string_view id);

 private:
  struct Prepared;
  // Records a refusal that happened before any data was touched, then reports it.
  void Refuse(const Actor& actor, domain::Operation op, const std::string& subject,
              std::vector<std::string> fields, Error error, std::function<void(Error)> done);
  void RefuseEvent(std::shared_ptr<domain::AuditEvent> event, Error error,
                   std::function<void(Error)> done);
  Result<std::string> Normalize(const domain::TenantPolicy& policy, const domain::FieldSpec& spec,
                                const std::string& value);
  Bytes TokenHash(const std::string& tenant, std::string_view secret) const;
  // An outbox payload (app/outbox.cc reads it): the envelope and the RFC 5322 message from
  // MailSettings' sender to `to`, before sealing. The caller wipes it.
  Bytes MailPayload(const std::string& message_id, const std::string& to,
                    const std::string& subject, const std::string& body, UnixMicros now,
                    const std::string& unsubscribe_url = {}) const;
  // Inside a transaction: the consent event with the hash of its version's consent text in
  // `lang` (kept when the event carries one already) and its signed receipt, ready to insert.
  // InvalidArgument (unknown_policy_version) when that version has no such text.
  Result<ports::ConsentEventRow> SignedConsentEvent(
      ports::Transaction& txn, const domain::TenantPolicy& policy, const std::string& tenant,
      const std::string& subject, domain::ConsentEvent event, const std::string& lang);
  // The hash of a consent text that SignedConsentEvent has read before; "" otherwise.
  std::string CachedTextHash(const std::string& tenant, int64_t version, const std::string& purpose,
                             const std::string& lang);
  // The receipt of an event whose text hash is set: no storage needed, so it can be signed
  // before the transaction.
  Result<ports::ConsentEventRow> SignConsentEvent(const domain::TenantPolicy& policy,
                                                  const std::string& tenant,
                                                  const std::string& subject,
                                                  domain::ConsentEvent event,
                                                  const std::string& lang);
  // The language of the consent texts a subject last read ("en" when its latest event with a
  // text hash has that of the English text of its version), "ru" otherwise.
  Result<std::string> SubjectLang(ports::Transaction& txn, const std::string& tenant,
                                  const std::string& subject);
  // Inside a transaction: a single-use confirm_email token bound to `email` (its blind-index
  // hash: the link confirms nothing once the address changes again) and the email with the
  // link (template `mail_template`) in the outbox, sealed under the subject's key. Returns
  // the outbox message id.
  Result<std::string> QueueConfirmation(ports::Transaction& txn, const domain::TenantPolicy& policy,
                                        const std::string& tenant, const std::string& subject,
                                        const SecretBytes& key, const std::string& email,
                                        const Bytes& email_hash, const std::string& lang,
                                        const std::string& mail_template, UnixMicros now);
  // Inside an update's transaction that changed the subject's email address: marks it
  // unconfirmed and asks the new address's owner to confirm it.
  Status ReconfirmEmail(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                        const domain::TenantPolicy& policy, const ports::SubjectRow& row,
                        const SecretBytes& key, const domain::FieldValues& values,
                        const std::map<std::string, Bytes>& index, UnixMicros now);
  // A single-use link to the renewal page for a notice, its token stored hashed.
  Result<std::string> RenewalLink(ports::Transaction& txn, const NoticePlan& plan,
                                  const std::string& subject, const std::string& purpose_ids,
                                  const std::string& lang, UnixMicros now);
  // The steps of Register (vault_registration.cc): the checks, in the order their errors
  // are reported; the rows prepared on the caller's thread; the committer's operation.
  struct RegistrationPlan;
  struct RegistrationRows;
  Result<RegistrationPlan> CheckRegistration(const Actor& actor, const RegistrationInput& input);
  // Normalizes, seals and blind-indexes the new subject's fields.
  Status SealRegistrant(const Actor& actor, RegistrationPlan& plan, UnixMicros now,
                        RegistrationRows& rows);
  // The confirmation token (its secret only in the email) and the email, before sealing.
  void PrepareConfirmation(const Actor& actor, const RegistrationInput& input,
                           const RegistrationPlan& plan, UnixMicros now, RegistrationRows& rows);
  // The refused consents' events, signed for the new subject where no storage is needed.
  void PresignRefusals(const Actor& actor, const RegistrationInput& input,
                       const RegistrationPlan& plan, UnixMicros now, RegistrationRows& rows);
  Status CommitRegistration(ports::Transaction& txn, AuditWriter& audit, RegistrationRows& rows);
  // The subject that has the email already, or the new one inserted; returns its key.
  Result<SecretBytes> RegistrationSubject(ports::Transaction& txn, AuditWriter& audit,
                                          RegistrationRows& rows);
  Status RecordRefusals(ports::Transaction& txn, AuditWriter& audit, RegistrationRows& rows);

  // Inside SendMarketing's transaction: the marketing email to the subject's address, sealed
  // under its key. InvalidArgument (no_email) when the subject has no address.
  Result<Bytes> SealedMarketingMail(const std::string& tenant, const std::string& subject,
                                    const ports::SubjectRow& row, const std::string& email_field,
                                    const std::string& outbox_id, const std::string& title,
                                    const std::string& body, UnixMicros now,
                                    const std::string& unsubscribe_url);

  // Update's normalized values and blind-index hashes, before its transaction.
  Status NormalizeUpdate(const Actor& actor, const domain::TenantPolicy& policy,
                         const domain::FieldValues& set, domain::FieldValues& values,
                         std::map<std::string, Bytes>& index);

  // RecordConsent's event as the caller states it, stamped now. InvalidArgument for an ip
  // that is not one.
  Result<domain::ConsentEvent> NewConsentEvent(const ConsentInput& input, int64_t version);

  // The steps of QueueNotices (vault_notice.cc), inside its transaction. The hash of each
  // English consent text by version and purpose, to tell which language a subject read.
  using EnglishTextHashes = std::map<std::pair<int64_t, std::string>, std::string>;
  // Queues the notice to one subject of the ledger if the version outdated its consent and it
  // has an email address; returns whether it did.
  Result<bool> QueueNotice(ports::Transaction& txn, AuditWriter& audit, const NoticePlan& plan,
                           const std::string& subject, const std::string& email_field,
                           EnglishTextHashes& english, UnixMicros now);
  // The language of the consent text the subject last agreed to for `purpose`.
  Result<std::string> NoticeLang(ports::Transaction& txn, const std::string& tenant,
                                 const std::vector<domain::ConsentEvent>& events,
                                 const std::string& purpose, EnglishTextHashes& english);
  // The notice (or announcement) email in the outbox, with its audit event. Wipes `email`.
  Status QueueNoticeMail(ports::Transaction& txn, AuditWriter& audit, const NoticePlan& plan,
                         const std::string& subject, const std::vector<std::string>& lost,
                         std::string& email, const SecretBytes& key, const std::string& lang,
                         const std::string& email_field, UnixMicros now);

  // Decrypts the fields named in `only` (every field when null).
  Result<domain::FieldValues> DecryptAll(const ports::SubjectRow& row,
                                         const std::vector<std::string>* only = nullptr);
  Result<SubjectView> View(const ports::SubjectRow& row,
                           const std::vector<std::string>* only = nullptr);
  std::string NewSubjectId(UnixMicros now);

  // The hash of each consent text by tenant, version, purpose and language: a published
  // version's texts never change.
  std::mutex text_mu_;
  std::map<std::string, std::string, std::less<>> text_hashes_;
  std::mutex id_mu_;
  std::array<uint8_t, 16> last_id_{};  // NewSubjectId's last id
  const PolicySource& policies_;
  MailSettings mail_;
  Keyring& keyring_;
  GroupCommitter& committer_;
  ports::Crypto& crypto_;
  ports::PhoneNormalizer& phones_;
  ports::Clock& clock_;
};

// Builds an audit event for `actor`; seq, time and hashes are filled by AuditWriter.
domain::AuditEvent MakeEvent(const Actor& actor, domain::Operation op, const std::string& subject,
                             std::vector<std::string> fields, domain::Outcome outcome,
                             std::string reason = {});
// The reason recorded for an error: its own reason, or the code's name.
std::string ReasonOf(const Error& e);

}  // namespace konfid::app
