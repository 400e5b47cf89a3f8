#include "app/consents.h"

#include "app/checks.h"
#include "app/receipts.h"

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

// Record's checks after the tenant's, in the order their errors are reported: a
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
  if (!Kernel::IsValidId(subject)) return Fail(NoSubject());
  return Ok();
}
}  // namespace

void Consents::Record(const Actor& actor, const std::string& subject, const ConsentInput& input,
                      Callback<ports::ConsentEventRow> done) {
  Operation op = ConsentOperation(input.kind);
  auto refuse = [&](Error e) {
    auto event = std::make_shared<domain::AuditEvent>(
        ConsentAudit(actor, op, Kernel::IsValidId(subject) ? subject : "", input.purpose,
                     OutcomeOf(e), ReasonOf(e)));
    k_.RefuseEvent(event, std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kConsentsRecord); !st) return refuse(st.error());
  auto active = k_.Active(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  if (auto st = CheckConsentInput(*active->policy, subject, input); !st) return refuse(st.error());
  auto made = NewEvent(input, active->version);
  if (!made) return refuse(made.error());
  auto event = std::make_shared<domain::ConsentEvent>(std::move(*made));
  Actor who = actor;
  std::string lang = input.lang;
  auto stored = std::make_shared<ports::ConsentEventRow>();
  std::shared_ptr<const domain::TenantPolicy> policy = active->policy;
  k_.committer().Submit(
      [this, event, stored, policy, who, subject, op, lang](ports::Transaction& txn,
                                                            AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, subject));
        if (!row) return Fail(NoSubject());
        // An erased subject may still withdraw or refuse; nothing new is consented to.
        if (Erased(*row) && (event->kind == domain::ConsentKind::kGiven ||
                             event->kind == domain::ConsentKind::kRenewed))
          return Fail(ErasedError());
        KONFID_ASSIGN_OR_RETURN(*stored,
                                signer_.Signed(txn, *policy, who.tenant, subject, *event, lang));
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

Result<domain::ConsentEvent> Consents::NewEvent(const ConsentInput& input, int64_t version) {
  domain::ConsentEvent event;
  event.purpose = input.purpose;
  event.kind = input.kind;
  event.policy_version = input.policy_version > 0 ? input.policy_version : version;
  event.method = input.method;
  event.source = input.source;
  event.time = k_.clock().Now();
  event.id = k_.NewId(event.time);
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

void Consents::Ledger(const Actor& actor, const std::string& subject,
                      Callback<ConsentLedger> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kExtract, Kernel::IsValidId(subject) ? subject : "", {"consents"},
              std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kConsentsRead); !st) return refuse(st.error());
  auto active = k_.Active(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  if (!Kernel::IsValidId(subject)) return refuse(NoSubject());
  auto out = std::make_shared<ConsentLedger>();
  Actor who = actor;
  k_.committer().Submit(
      [out, who, subject, active, now = k_.clock().Now()](ports::Transaction& txn,
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

void Consents::Receipt(const Actor& actor, const std::string& event_id,
                       Callback<ports::ConsentEventRow> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kExtract, "", {"receipt"}, std::move(e),
              [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kReceiptsRead); !st) return refuse(st.error());
  auto not_found = Error(ErrorCode::kNotFound, "no such receipt").WithReason("not_found");
  if (!Kernel::IsValidId(event_id)) return refuse(not_found);
  auto out = std::make_shared<ports::ConsentEventRow>();
  Actor who = actor;
  k_.committer().Submit(
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

Result<std::pair<std::string, Bytes>> Consents::ReceiptKey(const std::string& tenant) const {
  if (!k_.Active(tenant))
    return Fail(Error(ErrorCode::kNotFound, "no such tenant on this server")
                    .WithReason("tenant_not_configured"));
  return ReceiptPublicKey(k_.keyring(), tenant);
}

}  // namespace konfid::app
