#include "app/marketing.h"

#include "app/checks.h"
#include "core/encoding.h"
#include "domain/sealed_fields.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;
using namespace internal;

namespace {

// The marketing email's checks after the tenant's: a consent-based marketing purpose that
// uses email, a message within bounds, a well-formed subject id.
Status CheckMarketingMessage(const domain::Purpose* pur, const std::string& purpose,
                             const std::string& subject, const std::string& title,
                             const std::string& body) {
  if (!pur || !pur->marketing || pur->ground != "consent" ||
      std::find(pur->channels.begin(), pur->channels.end(), "email") == pur->channels.end())
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "'" + purpose + "' is not a consent-based marketing purpose by email")
                    .WithReason("unknown_purpose"));
  if (title.empty() || body.empty() || title.size() > 256 || body.size() > 32 * 1024)
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "a message needs a subject (up to 256 bytes) and a body (up to 32 KiB)")
                    .WithReason("invalid_value"));
  if (!Kernel::IsValidId(subject)) return Fail(NoSubject());
  return Ok();
}

// The audit event of a marketing email: a use of the address for a consent-based purpose.
domain::AuditEvent MarketingEvent(const Actor& who, const std::string& subject,
                                  const std::string& purpose, std::vector<std::string> fields,
                                  Outcome outcome, std::string reason) {
  domain::AuditEvent e =
      MakeEvent(who, Operation::kUse, subject, std::move(fields), outcome, std::move(reason));
  e.purpose = purpose;
  e.ground = "consent";
  return e;
}

}  // namespace

void Marketing::Send(const Actor& actor, const std::string& subject, const std::string& purpose,
                     const std::string& title, const std::string& body,
                     Callback<std::string> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kUse, Kernel::IsValidId(subject) ? subject : "", {"email"},
              std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kMarketingSend); !st) return refuse(st.error());
  auto active = k_.Active(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  const domain::Purpose* pur = active->policy->FindPurpose(purpose);
  if (auto st = CheckMarketingMessage(pur, purpose, subject, title, body); !st)
    return refuse(st.error());
  auto token = UnsubscribeToken(actor, subject, purpose);
  if (!token) return refuse(token.error());
  const domain::FieldSpec* email_spec = EmailSpec(*active->policy);
  std::string email_field = email_spec ? email_spec->name : "";
  UnixMicros now = k_.clock().Now();
  // The sender checks this consent again before it sends.
  auto outbox = std::make_shared<ports::OutboxRow>(
      mail_.NewMessage(actor.tenant, subject, "marketing:" + purpose, now));
  std::string url =
      mail_.settings().unsubscribe_base + "/v1/unsubscribe/" + actor.tenant + "/" + *token;
  Actor who = actor;
  k_.committer().Submit(
      [this, who, subject, purpose, title, body, url, outbox, active, pur, email_field, now](
          ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, subject));
        if (!row) return Fail(NoSubject());
        if (Erased(*row)) return Fail(ErasedError());
        KONFID_TRY(CheckGround(txn, *active, *pur, who.tenant, subject, now));
        // Double opt-in: only to an address its owner confirmed, and not again until a changed
        // one is (Update sent the new address a link).
        if (row->email_verified_at == 0) return Fail(EmailUnconfirmed());
        KONFID_TRY(CheckNotBlocked(*row, {email_field}));
        KONFID_ASSIGN_OR_RETURN(outbox->payload,
                                SealedMail(*row, email_field, *outbox, title, body, now, url));
        KONFID_TRY(txn.InsertOutbox(*outbox));
        return audit.Append(MarketingEvent(who, subject, purpose, {email_field}, Outcome::kOk, ""));
      },
      [who, subject, purpose](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MarketingEvent(who, subject, purpose, {"email"}, OutcomeOf(e), ReasonOf(e)));
      },
      [outbox, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(outbox->id);
      });
}

Result<Bytes> Marketing::SealedMail(const ports::SubjectRow& row, const std::string& email_field,
                                    const ports::OutboxRow& message, const std::string& title,
                                    const std::string& body, UnixMicros now,
                                    const std::string& unsubscribe_url) {
  KONFID_ASSIGN_OR_RETURN(SecretBytes key, k_.SubjectKey(row));
  KONFID_ASSIGN_OR_RETURN(domain::SealedFields sealed, domain::UnpackSealedFields(row.fields));
  auto it = sealed.find(email_field);
  if (it == sealed.end())
    return Fail(Error(ErrorCode::kInvalidArgument, "this subject has no email address")
                    .WithReason("no_email"));
  KONFID_ASSIGN_OR_RETURN(
      std::string email,
      k_.crypto().Open(key, it->second,
                       domain::FieldAssociatedData(row.tenant, row.id, email_field)));
  Bytes payload = mail_.Payload(message.id, email, title, body, now, unsubscribe_url);
  Bytes out = mail_.Seal(key, payload, message);
  SecureWipe(payload.data(), payload.size());
  SecureWipe(email.data(), email.size());
  return out;
}

Result<std::string> Marketing::UnsubscribeToken(const Actor& actor, const std::string& subject,
                                                const std::string& purpose) const {
  if (auto st = Kernel::Permit(actor, Permission::kMarketingSend); !st) return Fail(st.error());
  auto policy = k_.Policy(actor.tenant);
  const domain::Purpose* p = policy ? policy->FindPurpose(purpose) : nullptr;
  if (!p || p->ground != "consent" || !p->marketing)
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "unsubscribe links exist for consent-based marketing purposes")
                    .WithReason("unknown_purpose"));
  if (!Kernel::IsValidId(subject)) return Fail(NoSubject());
  KONFID_ASSIGN_OR_RETURN(Bytes mac, k_.keyring().UnsubscribeMac(actor.tenant, subject, purpose));
  Bytes raw = *HexDecode(subject);
  raw.insert(raw.end(), mac.begin(), mac.end());
  raw.insert(raw.end(), purpose.begin(), purpose.end());
  return Base64UrlEncode(raw);
}

void Marketing::Unsubscribe(const std::string& tenant, const std::string& token,
                            Callback<bool> done) {
  auto invalid = Error(ErrorCode::kInvalidArgument, "this unsubscribe link is not valid")
                     .WithReason("invalid_token");
  auto active = k_.Active(tenant);
  auto raw = Base64UrlDecode(token);
  if (!active || !raw || raw->size() <= 16 + 32) return done(Fail(invalid));
  std::string subject = HexEncode(std::span<const uint8_t>(*raw).first(16));
  std::string purpose(raw->begin() + 48, raw->end());
  auto mac = k_.keyring().UnsubscribeMac(tenant, subject, purpose);
  if (!mac || !k_.crypto().Equal(*mac, std::span<const uint8_t>(*raw).subspan(16, 32)))
    return done(Fail(invalid));
  const domain::Purpose* p = active->policy->FindPurpose(purpose);
  if (!p || p->ground != "consent") return done(Fail(invalid));
  Actor link{tenant, "link:unsubscribe", Role::kAnalyst};
  auto changed = std::make_shared<bool>(false);
  UnixMicros now = k_.clock().Now();
  k_.committer().Submit(
      [this, link, subject, purpose, active, changed, now](ports::Transaction& txn,
                                                           AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(link.tenant, subject));
        if (!row) return Ok();  // erased: there is nothing left to send to
        KONFID_ASSIGN_OR_RETURN(*changed, signer_.Withdraw(txn, audit, link, *active, subject,
                                                           purpose, "unsubscribe_link", now));
        return Ok();
      },
      nullptr,
      [changed, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(*changed);
      });
}

}  // namespace konfid::app
