// The consent ledger's use cases of the Vault: recording events, reading the ledger,
// receipts.
#include "app/receipts.h"
#include "app/vault.h"
#include "app/vault_internal.h"
#include "core/encoding.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;
using namespace internal;

namespace {
Operation ConsentOperation(domain::ConsentKind kind) {
  switch (kind) {
    case domain::ConsentKind::kGiven:
      return Operation::kConsentGiven;
    case domain::ConsentKind::kWithdrawn:
      return Operation::kConsentWithdrawn;
    case domain::ConsentKind::kRefused:
      return Operation::kConsentRefused;
    case domain::ConsentKind::kExpired:
      return Operation::kConsentExpired;
    case domain::ConsentKind::kRenewed:
      return Operation::kConsentRenewed;
  }
  return Operation::kConsentGiven;
}

// RecordConsent's checks after the tenant's, in the order their errors are reported: a
// consent-based purpose of the policy in force, then the statement itself, then the subject id.
Status CheckConsentInput(const domain::TenantPolicy& policy, const std::string& subject,
                         const ConsentInput& input) {
  const domain::Purpose* pur = policy.FindPurpose(input.purpose);
  if (!pur)
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "the policy in force declares no purpose '" + input.purpose + "'")
                    .WithReason("unknown_purpose"));
  if (pur->ground != "consent")
    return Fail(Error(ErrorCode::kInvalidArgument, "purpose '" + input.purpose + "' rests on " +
                                                       pur->ground + ", not on consent")
                    .WithReason("not_consent_purpose"));
  if (input.kind != domain::ConsentKind::kGiven && input.kind != domain::ConsentKind::kWithdrawn &&
      input.kind != domain::ConsentKind::kRefused)
    return Fail(Error(ErrorCode::kInvalidArgument, "a consent is given, withdrawn or refused")
                    .WithReason("invalid_value"));
  if (!domain::IsConsentMethod(input.method))
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "method must be form, cabinet, api, unsubscribe_link or gpc")
                    .WithReason("invalid_value"));
  if (input.lang != "ru" && input.lang != "en")
    return Fail(
        Error(ErrorCode::kInvalidArgument, "lang must be ru or en").WithReason("invalid_value"));
  if (input.source.size() > 256)
    return Fail(Error(ErrorCode::kInvalidArgument, "source is longer than 256 bytes")
                    .WithReason("too_long"));
  if (!Vault::IsValidSubjectId(subject)) return Fail(NoSubject());
  return Ok();
}
}  // namespace

void Vault::RecordConsent(const Actor& actor, const std::string& subject, const ConsentInput& input,
                          Callback<ports::ConsentEventRow> done) {
  Operation op = ConsentOperation(input.kind);
  auto refuse = [&](Error e) {
    auto event = std::make_shared<domain::AuditEvent>(
        ConsentAudit(actor, op, IsValidSubjectId(subject) ? subject : "", input.purpose,
                     OutcomeOf(e), ReasonOf(e)));
    RefuseEvent(event, std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (actor.role != Role::kAdmin && actor.role != Role::kOperator)
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not record consent")
                      .WithReason("role"));
  auto active = policies_.Current(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  if (auto st = CheckConsentInput(*active->policy, subject, input); !st) return refuse(st.error());
  auto made = NewConsentEvent(input, active->version);
  if (!made) return refuse(made.error());
  auto event = std::make_shared<domain::ConsentEvent>(std::move(*made));
  Actor who = actor;
  std::string lang = input.lang;
  auto stored = std::make_shared<ports::ConsentEventRow>();
  std::shared_ptr<const domain::TenantPolicy> policy = active->policy;
  committer_.Submit(
      [this, event, stored, policy, who, subject, op, lang](ports::Transaction& txn,
                                                            AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, subject));
        if (!row) return Fail(NoSubject());
        KONFID_ASSIGN_OR_RETURN(
            *stored, SignedConsentEvent(txn, *policy, who.tenant, subject, *event, lang));
        *event = stored->event;
        KONFID_TRY(txn.InsertConsentEvent(*stored));
        return audit.Append(ConsentAudit(who, op, subject, event->purpose, Outcome::kOk));
      },
      [who, subject, op, event](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            ConsentAudit(who, op, subject, event->purpose, OutcomeOf(e), ReasonOf(e)));
      },
      [stored, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*stored));
      });
}

Result<domain::ConsentEvent> Vault::NewConsentEvent(const ConsentInput& input, int64_t version) {
  domain::ConsentEvent event;
  event.purpose = input.purpose;
  event.kind = input.kind;
  event.policy_version = input.policy_version > 0 ? input.policy_version : version;
  event.method = input.method;
  event.source = input.source;
  event.time = clock_.Now();
  event.id = NewSubjectId(event.time);
  if (!input.ip.empty()) {
    auto ip = domain::TruncateIp(input.ip);
    if (!ip)
      return Fail(Error(ErrorCode::kInvalidArgument, "ip is not an IPv4 or IPv6 address")
                      .WithReason("invalid_value"));
    event.ip = *ip;
  }
  event.user_agent = input.user_agent.substr(0, 256);
  return event;
}

void Vault::Consents(const Actor& actor, const std::string& subject, Callback<ConsentLedger> done) {
  auto refuse = [&](Error e) {
    Refuse(actor, Operation::kExtract, IsValidSubjectId(subject) ? subject : "", {"consents"},
           std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (actor.role != Role::kAdmin && actor.role != Role::kOperator && actor.role != Role::kSupport &&
      actor.role != Role::kMarketing)
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not read consents")
                      .WithReason("role"));
  auto active = policies_.Current(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  if (!IsValidSubjectId(subject)) return refuse(NoSubject());
  auto out = std::make_shared<ConsentLedger>();
  Actor who = actor;
  committer_.Submit(
      [out, who, subject, active, now = clock_.Now()](ports::Transaction& txn,
                                                      AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, subject));
        if (!row) return Fail(NoSubject());
        KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListConsentEvents(who.tenant, subject));
        for (auto& r : rows) out->events.push_back(std::move(r.event));
        out->states =
            domain::DeriveConsents(out->events, *active->policy, now, active->consent_epochs);
        return audit.Append(
            MakeEvent(who, Operation::kExtract, subject, {"consents"}, Outcome::kOk));
      },
      [who, subject](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kExtract, subject, {"consents"}, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      /*savepoint=*/false);
}

void Vault::Receipt(const Actor& actor, const std::string& event_id,
                    Callback<ports::ConsentEventRow> done) {
  auto refuse = [&](Error e) {
    Refuse(actor, Operation::kExtract, "", {"receipt"}, std::move(e),
           [done](Error err) { done(Fail(std::move(err))); });
  };
  if (actor.role != Role::kAdmin && actor.role != Role::kOperator && actor.role != Role::kSupport &&
      actor.role != Role::kMarketing)
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not read receipts")
                      .WithReason("role"));
  auto not_found = Error(ErrorCode::kNotFound, "no such receipt").WithReason("not_found");
  if (!IsValidSubjectId(event_id)) return refuse(not_found);
  auto out = std::make_shared<ports::ConsentEventRow>();
  Actor who = actor;
  committer_.Submit(
      [out, who, event_id, not_found](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindConsentEvent(who.tenant, event_id));
        if (!row) return Fail(not_found);
        *out = std::move(*row);
        return audit.Append(
            MakeEvent(who, Operation::kExtract, out->subject, {"receipt"}, Outcome::kOk));
      },
      [who](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kExtract, "", {"receipt"}, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      /*savepoint=*/false);
}

Result<std::pair<std::string, Bytes>> Vault::ReceiptKey(const std::string& tenant) const {
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, keyring_.Tenant(tenant));
  if (keys->receipt_public_key.empty())
    return Fail(ErrorCode::kNotFound, "the tenant has no receipt key yet");
  return std::pair(keys->receipt_key_id, keys->receipt_public_key);
}

namespace {
std::string TextKey(const std::string& tenant, int64_t version, const std::string& purpose,
                    const std::string& lang) {
  return tenant + '\0' + std::to_string(version) + '\0' + purpose + '\0' + lang;
}
}  // namespace

std::string Vault::CachedTextHash(const std::string& tenant, int64_t version,
                                  const std::string& purpose, const std::string& lang) {
  std::lock_guard lock(text_mu_);
  auto it = text_hashes_.find(TextKey(tenant, version, purpose, lang));
  return it == text_hashes_.end() ? std::string() : it->second;
}

Result<ports::ConsentEventRow> Vault::SignConsentEvent(const domain::TenantPolicy& policy,
                                                       const std::string& tenant,
                                                       const std::string& subject,
                                                       domain::ConsentEvent event,
                                                       const std::string& lang) {
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, keyring_.Tenant(tenant));
  if (keys->receipt_key.size() == 0)
    return Fail(ErrorCode::kInternal, "internal error", "tenant has no receipt key");
  std::string claims = ReceiptClaims(policy, subject, event, lang);
  std::string receipt = SignReceipt(crypto_, keys->receipt_key, keys->receipt_key_id, claims);
  return ports::ConsentEventRow{tenant, subject, std::move(event), std::move(receipt)};
}

Result<ports::ConsentEventRow> Vault::SignedConsentEvent(
    ports::Transaction& txn, const domain::TenantPolicy& policy, const std::string& tenant,
    const std::string& subject, domain::ConsentEvent event, const std::string& lang) {
  if (event.text_hash.empty())
    event.text_hash = CachedTextHash(tenant, event.policy_version, event.purpose, lang);
  if (event.text_hash.empty()) {  // the exact text the visitor was shown, by version and language
    KONFID_ASSIGN_OR_RETURN(auto text, txn.FindPolicyText(tenant, event.policy_version,
                                                          "consent/" + event.purpose, lang, "md"));
    if (!text)
      return Fail(Error(ErrorCode::kInvalidArgument,
                        "policy version " + std::to_string(event.policy_version) +
                            " has no consent text for purpose '" + event.purpose + "'")
                      .WithReason("unknown_policy_version"));
    event.text_hash = HexEncode(crypto_.Sha256(AsBytes(*text)));
    std::lock_guard lock(text_mu_);
    text_hashes_[TextKey(tenant, event.policy_version, event.purpose, lang)] = event.text_hash;
  }
  return SignConsentEvent(policy, tenant, subject, std::move(event), lang);
}

Result<size_t> Vault::ExpireConsents(const std::string& tenant,
                                     const std::vector<ExpiredConsent>& found) {
  auto active = policies_.Current(tenant);
  if (!active) return Fail(ErrorCode::kNotFound, "tenant is not configured");
  Actor system{tenant, "system:retention", Role::kAdmin};
  size_t appended = 0;
  UnixMicros now = clock_.Now();
  KONFID_TRY(committer_.Run([&](ports::Transaction& txn, AuditWriter& audit) -> Status {
    appended = 0;
    for (const auto& [subject, purpose] : found) {
      KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListConsentEvents(tenant, subject));
      std::vector<domain::ConsentEvent> events;
      for (auto& r : rows)
        if (r.event.purpose == purpose) events.push_back(std::move(r.event));
      auto states = domain::DeriveConsents(events, *active->policy, now, active->consent_epochs);
      auto it = states.find(purpose);
      // Expired by its term, and the ledger does not say so yet.
      if (events.empty() || it == states.end() ||
          it->second.last != domain::ConsentKind::kExpired ||
          events.back().kind == domain::ConsentKind::kExpired)
        continue;
      domain::ConsentEvent e;
      e.id = NewSubjectId(now);
      e.purpose = purpose;
      e.kind = domain::ConsentKind::kExpired;
      e.policy_version = events.back().policy_version;
      e.text_hash = events.back().text_hash;  // the consent that ended
      e.method = "retention";
      e.time = it->second.since;  // when the term ran out
      KONFID_ASSIGN_OR_RETURN(auto signed_event,
                              SignedConsentEvent(txn, *active->policy, tenant, subject, e, "ru"));
      KONFID_TRY(txn.InsertConsentEvent(signed_event));
      KONFID_TRY(audit.Append(
          ConsentAudit(system, Operation::kConsentExpired, subject, purpose, Outcome::kOk)));
      ++appended;
    }
    return Ok();
  }));
  return appended;
}

Result<std::string> Vault::UnsubscribeToken(const Actor& actor, const std::string& subject,
                                            const std::string& purpose) const {
  if (actor.role != Role::kAdmin && actor.role != Role::kOperator && actor.role != Role::kMarketing)
    return Fail(Error(ErrorCode::kPermissionDenied, "this API key's role may not send marketing")
                    .WithReason("role"));
  auto policy = Policy(actor.tenant);
  const domain::Purpose* p = policy ? policy->FindPurpose(purpose) : nullptr;
  if (!p || p->ground != "consent" || !p->marketing)
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "unsubscribe links exist for consent-based marketing purposes")
                    .WithReason("unknown_purpose"));
  if (!IsValidSubjectId(subject)) return Fail(NoSubject());
  KONFID_ASSIGN_OR_RETURN(Bytes mac, keyring_.UnsubscribeMac(actor.tenant, subject, purpose));
  Bytes raw = *HexDecode(subject);
  raw.insert(raw.end(), mac.begin(), mac.end());
  raw.insert(raw.end(), purpose.begin(), purpose.end());
  return Base64UrlEncode(raw);
}

void Vault::Unsubscribe(const std::string& tenant, const std::string& token, Callback<bool> done) {
  auto invalid = Error(ErrorCode::kInvalidArgument, "this unsubscribe link is not valid")
                     .WithReason("invalid_token");
  auto active = policies_.Current(tenant);
  auto raw = Base64UrlDecode(token);
  if (!active || !raw || raw->size() <= 16 + 32) return done(Fail(invalid));
  std::string subject = HexEncode(std::span<const uint8_t>(*raw).first(16));
  std::string purpose(raw->begin() + 48, raw->end());
  auto mac = keyring_.UnsubscribeMac(tenant, subject, purpose);
  if (!mac || !crypto_.Equal(*mac, std::span<const uint8_t>(*raw).subspan(16, 32)))
    return done(Fail(invalid));
  const domain::Purpose* p = active->policy->FindPurpose(purpose);
  if (!p || p->ground != "consent") return done(Fail(invalid));
  Actor link{tenant, "link:unsubscribe", Role::kAnalyst};
  auto changed = std::make_shared<bool>(false);
  UnixMicros now = clock_.Now();
  committer_.Submit(
      [this, link, subject, purpose, active, changed, now](ports::Transaction& txn,
                                                           AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(link.tenant, subject));
        if (!row) return Ok();  // erased: there is nothing left to send to
        KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListConsentEvents(link.tenant, subject));
        std::vector<domain::ConsentEvent> events;
        for (auto& r : rows)
          if (r.event.purpose == purpose) events.push_back(std::move(r.event));
        auto states = domain::DeriveConsents(events, *active->policy, now, active->consent_epochs);
        auto it = states.find(purpose);
        bool given = it != states.end() && it->second.last &&
                     (*it->second.last == domain::ConsentKind::kGiven ||
                      *it->second.last == domain::ConsentKind::kRenewed);
        if (!given) return Ok();  // already withdrawn: the same answer, nothing new
        domain::ConsentEvent e;
        e.id = NewSubjectId(now);
        e.purpose = purpose;
        e.kind = domain::ConsentKind::kWithdrawn;
        e.policy_version = active->version;
        e.method = "unsubscribe_link";
        e.time = now;
        KONFID_ASSIGN_OR_RETURN(
            auto signed_event,
            SignedConsentEvent(txn, *active->policy, link.tenant, subject, e, "ru"));
        KONFID_TRY(txn.InsertConsentEvent(signed_event));
        *changed = true;
        return audit.Append(
            ConsentAudit(link, Operation::kConsentWithdrawn, subject, purpose, Outcome::kOk));
      },
      nullptr,
      [changed, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(*changed);
      });
}

}  // namespace konfid::app
