// Registration with double opt-in: the form's submission and the confirmation link.
#include "app/registrations.h"

#include "app/checks.h"
#include "app/source_notices.h"
#include "app/tokens.h"
#include "domain/sealed_fields.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;
using namespace internal;

namespace {

// A consent event that came from a registration form.
domain::ConsentEvent FormConsent(std::string id, const std::string& purpose,
                                 domain::ConsentKind kind, int64_t version,
                                 const std::string& source, const std::string& ip,
                                 const std::string& user_agent, UnixMicros now) {
  domain::ConsentEvent e;
  e.id = std::move(id);
  e.purpose = purpose;
  e.kind = kind;
  e.policy_version = version;
  e.method = "form";
  e.source = source;
  e.time = now;
  e.ip = ip;
  e.user_agent = user_agent;
  return e;
}

// Sorts the visitor's choices into given and refused: a choice for every consent-based
// purpose (never assumed, never pre-ticked by us), and none for any other purpose.
Status SortChoices(const domain::TenantPolicy& policy, const std::map<std::string, bool>& choices,
                   std::vector<std::string>& given, std::vector<std::string>& refused) {
  for (const auto& p : policy.purposes) {
    if (p.ground != "consent") continue;
    auto it = choices.find(p.id);
    if (it == choices.end())
      return Fail(Error(ErrorCode::kInvalidArgument,
                        "the form must give the visitor's choice for purpose '" + p.id + "'")
                      .WithReason("consent_choice_missing"));
    (it->second ? given : refused).push_back(p.id);
  }
  for (const auto& [id, choice] : choices) {
    const domain::Purpose* p = policy.FindPurpose(id);
    if (!p)
      return Fail(
          Error(ErrorCode::kInvalidArgument, "the policy in force declares no purpose '" + id + "'")
              .WithReason("unknown_purpose"));
    if (p->ground != "consent")
      return Fail(Error(ErrorCode::kInvalidArgument,
                        "purpose '" + id + "' rests on " + p->ground + ", not on consent")
                      .WithReason("not_consent_purpose"));
  }
  return Ok();
}

// Inside Confirm's transaction: whether the subject still has the address the link was sent
// to, so the link confirms that address only. A link from before tokens named their address
// works only if the subject has not changed since it was sent.
Result<bool> StillSentTo(ports::Transaction& txn, const domain::TenantPolicy& policy,
                         const std::string& tenant,
                         const std::map<std::string, std::string>& pending,
                         const ports::TokenRow& token, const ports::SubjectRow& subject) {
  auto bound = pending.find("email");
  if (bound == pending.end()) return subject.updated_at <= token.created_at;
  auto sent_to = HexDecode(bound->second);
  const domain::FieldSpec* spec = EmailSpec(policy);
  if (!sent_to || !spec) return false;
  KONFID_ASSIGN_OR_RETURN(auto owner, txn.LookupIndex(tenant, spec->name, *sent_to));
  return owner == token.subject;  // else the address changed since
}

}  // namespace

// What Register checked: the policy it applies and the visitor's choices.
struct Registrations::Plan {
  std::shared_ptr<const domain::TenantPolicy> policy;
  domain::ValidatedInput valid;
  const domain::FieldSpec* email_spec = nullptr;
  std::vector<std::string> given, refused;
  std::string ip;  // truncated
  int64_t version = 0;
};

// What Register writes, prepared on the caller's thread for the committer's operation. The
// new subject is used only when the email is new.
struct Registrations::Rows {
  Actor who;
  std::shared_ptr<const domain::TenantPolicy> policy;
  ports::SubjectRow row;
  SecretBytes key;  // wrapped at commit (as Create does)
  std::vector<std::pair<std::string, Bytes>> index;
  std::vector<std::string> fields;
  std::string email_field;
  std::string email;  // wiped once the payload holds it
  Bytes email_hash;
  ports::TokenRow token;
  ports::OutboxRow outbox;
  Bytes payload;  // before sealing; wiped after the commit
  std::string lang;
  std::vector<domain::ConsentEvent> refusals;
  std::vector<std::optional<ports::ConsentEventRow>> presigned;
  RegistrationResult result;
};

void Registrations::Register(const Actor& actor, const RegistrationInput& input,
                             Callback<RegistrationResult> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kCollect, "", FieldNames(input.fields), std::move(e),
              [done](Error err) { done(Fail(std::move(err))); });
  };
  auto plan = Check(actor, input);
  if (!plan) return refuse(plan.error());
  UnixMicros now = k_.clock().Now();
  auto rows = std::make_shared<Rows>();
  if (auto st = SealRegistrant(actor, *plan, now, *rows); !st) return refuse(st.error());
  PrepareConfirmation(actor, input, *plan, now, *rows);
  PresignRefusals(actor, input, *plan, now, *rows);
  k_.committer().Submit(
      [this, rows](ports::Transaction& txn, AuditWriter& audit) -> Status {
        return Commit(txn, audit, *rows);
      },
      [rows](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(rows->who, Operation::kCollect, "", rows->fields, OutcomeOf(e), ReasonOf(e)));
      },
      [rows, done](Status st) {
        SecureWipe(rows->payload.data(), rows->payload.size());
        if (!st) return done(Fail(st.error()));
        done(std::move(rows->result));
      });
}

Result<Registrations::Plan> Registrations::Check(const Actor& actor,
                                                 const RegistrationInput& input) {
  if (auto st = Kernel::Permit(actor, Permission::kRegister); !st) return Fail(st.error());
  auto active = k_.Active(actor.tenant);
  if (!active) return Fail(Error(ErrorCode::kNotFound, "tenant is not configured"));
  Plan plan;
  plan.policy = active->policy;
  KONFID_ASSIGN_OR_RETURN(plan.valid, domain::ValidateFields(plan.policy->catalogue, input.fields,
                                                             domain::ValidationMode::kCreate));
  KONFID_TRY(CheckFieldsHavePurpose(*plan.policy, input.fields));
  // A registration is the visitor's own form: what the policy says comes from someone else is
  // not theirs to give, and would go without the notice of 152-FZ Art. 18(3).
  auto received = SourceNotices::Received(*plan.policy, Keys(plan.valid.set));
  if (!received.empty())
    return Fail(Error(ErrorCode::kInvalidArgument, "'" + received.front() +
                                                       "' comes from a third party, not from a "
                                                       "registration form")
                    .WithReason("third_party_field"));
  KONFID_TRY(SortChoices(*plan.policy, input.choices, plan.given, plan.refused));
  for (const auto& f : plan.policy->catalogue.fields())
    if (f.type == domain::FieldType::kEmail && f.lookup) plan.email_spec = &f;
  if (!plan.email_spec || !plan.valid.set.contains(plan.email_spec->name))
    return Fail(Error(ErrorCode::kInvalidArgument, "a registration needs an email address")
                    .WithReason("required_field"));
  if (input.lang != "ru" && input.lang != "en")
    return Fail(
        Error(ErrorCode::kInvalidArgument, "lang must be ru or en").WithReason("invalid_value"));
  if (!input.ip.empty()) {
    auto t = domain::TruncateIp(input.ip);
    if (!t)
      return Fail(Error(ErrorCode::kInvalidArgument, "ip is not an IPv4 or IPv6 address")
                      .WithReason("invalid_value"));
    plan.ip = *t;
  }
  plan.version = input.policy_version > 0 ? input.policy_version : active->version;
  return plan;
}

Status Registrations::SealRegistrant(const Actor& actor, Plan& plan, UnixMicros now, Rows& rows) {
  const domain::TenantPolicy& policy = *plan.policy;
  rows.who = actor;
  rows.policy = plan.policy;
  rows.row.tenant = actor.tenant;
  rows.row.created_at = rows.row.updated_at = now;
  rows.row.id = k_.NewId(now);
  rows.key = k_.crypto().NewKey();
  domain::SealedFields sealed;
  for (auto& [name, value] : plan.valid.set) {
    const domain::FieldSpec* spec = policy.catalogue.Find(name);
    KONFID_ASSIGN_OR_RETURN(value, k_.Normalize(policy, *spec, value));
    sealed.emplace(name,
                   k_.crypto().Seal(rows.key, AsBytes(value),
                                    domain::FieldAssociatedData(actor.tenant, rows.row.id, name)));
    if (spec->lookup) {
      KONFID_ASSIGN_OR_RETURN(Bytes hash, k_.keyring().BlindIndex(actor.tenant, name, value));
      if (spec == plan.email_spec) rows.email_hash = hash;
      rows.index.emplace_back(name, std::move(hash));
    }
    if (spec == plan.email_spec) rows.email = value;
    SecureWipe(value.data(), value.size());
  }
  rows.row.fields = domain::PackSealedFields(sealed);
  rows.fields = Keys(plan.valid.set);
  rows.email_field = plan.email_spec->name;
  return Ok();
}

void Registrations::PrepareConfirmation(const Actor& actor, const RegistrationInput& input,
                                        const Plan& plan, UnixMicros now, Rows& rows) {
  // The confirmation link's secret goes only into the email; the token row keeps its hash.
  std::string secret = NewLinkSecret(k_.crypto());
  ports::TokenRow& token = rows.token;
  token.tenant = actor.tenant;
  token.hash = TokenHash(k_.crypto(), actor.tenant, secret);
  token.kind = "confirm_email";
  token.created_at = now;
  token.expires_at = mail_.ConfirmationExpiry(now);
  std::string given_list;
  for (const auto& g : plan.given) given_list += (given_list.empty() ? "" : ",") + g;
  token.pending = PendingText({{"given", given_list},
                               {"version", std::to_string(plan.version)},
                               {"lang", input.lang},
                               {"source", input.form.substr(0, 256)},
                               {"ip", plan.ip},
                               {"ua", input.user_agent.substr(0, 256)},
                               {"email", HexEncode(rows.email_hash)}});
  auto mail_text =
      mail_.ConfirmationText(*plan.policy, actor.tenant, secret, input.lang, "confirm");
  SecureWipe(secret.data(), secret.size());
  // Its subject is known only in the transaction: the email may belong to one already.
  rows.outbox = mail_.NewMessage(actor.tenant, "", "confirm_email", now);
  rows.payload = mail_.Payload(rows.outbox.id, rows.email, mail_text.subject, mail_text.body, now);
  SecureWipe(rows.email.data(), rows.email.size());
  SecureWipe(mail_text.body.data(), mail_text.body.size());
}

void Registrations::PresignRefusals(const Actor& actor, const RegistrationInput& input,
                                    const Plan& plan, UnixMicros now, Rows& rows) {
  rows.lang = input.lang;
  std::string source = input.form.substr(0, 256), ua = input.user_agent.substr(0, 256);
  // The refusals are signed here, for the new subject, so the committer does not wait on
  // Ed25519; an address that turns out to be known has them signed again for its subject.
  for (const auto& purpose : plan.refused) {
    domain::ConsentEvent e = FormConsent(k_.NewId(now), purpose, domain::ConsentKind::kRefused,
                                         plan.version, source, plan.ip, ua, now);
    e.text_hash = signer_.CachedTextHash(actor.tenant, plan.version, purpose, rows.lang);
    std::optional<ports::ConsentEventRow> signed_event;
    if (!e.text_hash.empty()) {
      auto r = signer_.Sign(*plan.policy, actor.tenant, rows.row.id, e, rows.lang);
      if (r) signed_event = std::move(*r);  // else signed, or refused, in the transaction
    }
    rows.refusals.push_back(std::move(e));
    rows.presigned.push_back(std::move(signed_event));
  }
}

Status Registrations::Commit(ports::Transaction& txn, AuditWriter& audit, Rows& rows) {
  const Actor& who = rows.who;
  RegistrationResult& result = rows.result;
  KONFID_ASSIGN_OR_RETURN(SecretBytes subject_key, RegistrationSubject(txn, audit, rows));
  KONFID_TRY(RecordRefusals(txn, audit, rows));
  rows.token.subject = result.subject;
  KONFID_TRY(txn.InsertToken(rows.token));
  rows.outbox.subject = result.subject;
  rows.outbox.payload = mail_.Seal(subject_key, rows.payload, rows.outbox);
  KONFID_TRY(txn.InsertOutbox(rows.outbox));
  result.message = rows.outbox.id;
  // The email address is used to send the confirmation.
  return audit.Append(
      MakeEvent(who, Operation::kUse, result.subject, {rows.email_field}, Outcome::kOk));
}

Result<SecretBytes> Registrations::RegistrationSubject(ports::Transaction& txn, AuditWriter& audit,
                                                       Rows& rows) {
  const Actor& who = rows.who;
  KONFID_ASSIGN_OR_RETURN(auto existing,
                          txn.FindSubjectByIndex(who.tenant, rows.email_field, rows.email_hash));
  if (existing) {  // the address is known: its subject is left as it is
    rows.result.subject = existing->id;
    return k_.SubjectKey(*existing);
  }
  ports::SubjectRow& row = rows.row;
  row.wrapped_key = k_.keyring().WrapSubjectKey(rows.key, row.tenant, row.id);
  KONFID_TRY(txn.InsertSubject(row));
  for (const auto& [field, hash] : rows.index) {
    auto st = txn.InsertIndex(row.tenant, field, hash, row.id);
    if (!st) return Fail(st.error().code() == ErrorCode::kConflict ? Duplicate(field) : st.error());
  }
  KONFID_TRY(audit.Append(MakeEvent(who, Operation::kCollect, row.id, rows.fields, Outcome::kOk)));
  rows.result.subject = row.id;
  rows.result.created = true;
  return rows.key.Clone();
}

Status Registrations::RecordRefusals(ports::Transaction& txn, AuditWriter& audit, Rows& rows) {
  RegistrationResult& result = rows.result;
  for (size_t i = 0; i < rows.refusals.size(); ++i) {
    const domain::ConsentEvent& e = rows.refusals[i];
    ports::ConsentEventRow signed_event;
    if (result.created && rows.presigned[i]) {
      signed_event = *rows.presigned[i];
    } else {
      KONFID_ASSIGN_OR_RETURN(signed_event, signer_.Signed(txn, *rows.policy, rows.who.tenant,
                                                           result.subject, e, rows.lang));
    }
    KONFID_TRY(txn.InsertConsentEvent(signed_event));
    KONFID_TRY(audit.Append(ConsentAudit(rows.who, Operation::kConsentRefused, result.subject,
                                         e.purpose, Outcome::kOk)));
    result.refused.push_back(signed_event.event);
  }
  return Ok();
}

void Registrations::Confirm(const std::string& tenant, const std::string& token,
                            Callback<std::vector<domain::ConsentEvent>> done) {
  Actor link{tenant, "link:confirm", Role::kAnalyst};
  auto invalid = Error(ErrorCode::kInvalidArgument, "the link is invalid, used or expired")
                     .WithReason("invalid_token");
  auto active = k_.Active(tenant);
  if (!active || token.empty() || token.size() > 128) return done(Fail(invalid));
  std::shared_ptr<const domain::TenantPolicy> policy = active->policy;
  Bytes hash = TokenHash(k_.crypto(), tenant, token);
  auto out = std::make_shared<std::vector<domain::ConsentEvent>>();
  UnixMicros now = k_.clock().Now();
  k_.committer().Submit(
      [this, link, hash, invalid, policy, out, now](ports::Transaction& txn,
                                                    AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindToken(link.tenant, hash));
        if (!UsableToken(row, "confirm_email", now)) return Fail(invalid);
        KONFID_ASSIGN_OR_RETURN(bool first, txn.MarkTokenUsed(link.tenant, hash, now));
        if (!first) return Fail(invalid);
        KONFID_ASSIGN_OR_RETURN(auto subject, txn.FindSubject(link.tenant, row->subject));
        if (!subject) return Fail(invalid);  // erased since
        auto pending = ParsePending(row->pending);
        KONFID_ASSIGN_OR_RETURN(bool bound,
                                StillSentTo(txn, *policy, link.tenant, pending, *row, *subject));
        if (!bound) return Fail(invalid);
        KONFID_TRY(RecordGiven(txn, audit, link, *policy, *row, pending, now, *out));
        // The address is confirmed by its owner.
        KONFID_TRY(txn.SetEmailVerified(link.tenant, row->subject, now));
        return audit.Append(MakeEvent(link, Operation::kRecord, row->subject, {"email"},
                                      Outcome::kOk, "email_confirmed"));
      },
      [link](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(link, Operation::kRecord, "", {"email"}, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      });
}

Status Registrations::RecordGiven(ports::Transaction& txn, AuditWriter& audit, const Actor& link,
                                  const domain::TenantPolicy& policy, const ports::TokenRow& token,
                                  std::map<std::string, std::string>& pending, UnixMicros now,
                                  std::vector<domain::ConsentEvent>& out) {
  int64_t version = std::stoll(pending["version"].empty() ? "0" : pending["version"]);
  for (const auto& purpose : SplitComma(pending["given"])) {
    const domain::Purpose* p = policy.FindPurpose(purpose);
    if (!p || p->ground != "consent") continue;  // the policy changed meanwhile
    domain::ConsentEvent e =
        FormConsent(k_.NewId(now), purpose, domain::ConsentKind::kGiven, version, pending["source"],
                    pending["ip"], pending["ua"], now);
    KONFID_ASSIGN_OR_RETURN(auto appended,
                            signer_.Append(txn, audit, link, Operation::kConsentGiven, policy,
                                           token.subject, std::move(e), pending["lang"]));
    out.push_back(std::move(appended));
  }
  return Ok();
}

}  // namespace konfid::app
