// Registration with double opt-in: the form's submission and the confirmation link.
#include "app/outbox.h"
#include "app/vault.h"
#include "app/vault_internal.h"
#include "domain/mail.h"
#include "domain/sealed_fields.h"
#include "text/policy_text.h"

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
  if (!Vault::IsValidSubjectId(subject)) return Fail(NoSubject());
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

namespace internal {

// What a confirmation token applies, as "key=value" lines (values have no newline).
std::string PendingText(const std::map<std::string, std::string>& values) {
  std::string out;
  for (const auto& [k, v] : values) {
    std::string clean = v;
    for (char& c : clean)
      if (c == '\n' || c == '\r') c = ' ';
    out += k + "=" + clean + "\n";
  }
  return out;
}

std::map<std::string, std::string> ParsePending(std::string_view text) {
  std::map<std::string, std::string> out;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (size_t eq = line.find('='); eq != std::string_view::npos)
      out[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    pos = nl + 1;
  }
  return out;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos < s.size();) {
    size_t c = s.find(',', pos);
    if (c == std::string::npos) c = s.size();
    if (c > pos) out.push_back(s.substr(pos, c - pos));
    pos = c + 1;
  }
  return out;
}

bool UsableToken(const std::optional<ports::TokenRow>& row, std::string_view kind, UnixMicros now) {
  return row && row->used_at == 0 && now < row->expires_at && row->kind == kind;
}

}  // namespace internal

Bytes Vault::MailPayload(const std::string& message_id, const std::string& to,
                         const std::string& subject, const std::string& body, UnixMicros now,
                         const std::string& unsubscribe_url) const {
  domain::MailContent mail;
  mail.from = mail_.from;
  mail.from_name = mail_.from_name;
  mail.to = to;
  mail.subject = subject;
  mail.body = body;
  mail.message_id = message_id + "@" + mail_.from.substr(mail_.from.find('@') + 1);
  mail.date = now;
  mail.unsubscribe_url = unsubscribe_url;
  Bytes payload;
  AppendLengthPrefixed(payload, mail_.from);
  AppendLengthPrefixed(payload, to);
  std::string message = domain::RenderMail(mail);
  AppendLengthPrefixed(payload, message);
  SecureWipe(message.data(), message.size());
  SecureWipe(mail.body.data(), mail.body.size());
  SecureWipe(mail.to.data(), mail.to.size());
  return payload;
}

Bytes Vault::TokenHash(const std::string& tenant, std::string_view secret) const {
  std::string message = "konfid-token-v1";
  message += '\0';
  message += tenant;
  message += '\0';
  message += secret;
  return crypto_.Hash(AsBytes(message));
}

// What Register checked: the policy it applies and the visitor's choices.
struct Vault::RegistrationPlan {
  std::shared_ptr<const domain::TenantPolicy> policy;
  domain::ValidatedInput valid;
  const domain::FieldSpec* email_spec = nullptr;
  std::vector<std::string> given, refused;
  std::string ip;  // truncated
  int64_t version = 0;
};

// What Register writes, prepared on the caller's thread for the committer's operation. The
// new subject is used only when the email is new.
struct Vault::RegistrationRows {
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

void Vault::Register(const Actor& actor, const RegistrationInput& input,
                     Callback<RegistrationResult> done) {
  auto refuse = [&](Error e) {
    Refuse(actor, Operation::kCollect, "", FieldNames(input.fields), std::move(e),
           [done](Error err) { done(Fail(std::move(err))); });
  };
  auto plan = CheckRegistration(actor, input);
  if (!plan) return refuse(plan.error());
  UnixMicros now = clock_.Now();
  auto rows = std::make_shared<RegistrationRows>();
  if (auto st = SealRegistrant(actor, *plan, now, *rows); !st) return refuse(st.error());
  PrepareConfirmation(actor, input, *plan, now, *rows);
  PresignRefusals(actor, input, *plan, now, *rows);
  committer_.Submit(
      [this, rows](ports::Transaction& txn, AuditWriter& audit) -> Status {
        return CommitRegistration(txn, audit, *rows);
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

Result<Vault::RegistrationPlan> Vault::CheckRegistration(const Actor& actor,
                                                         const RegistrationInput& input) {
  if (actor.role != Role::kAdmin && actor.role != Role::kOperator)
    return Fail(Error(ErrorCode::kPermissionDenied, "this API key's role may not register")
                    .WithReason("role"));
  auto active = policies_.Current(actor.tenant);
  if (!active) return Fail(Error(ErrorCode::kNotFound, "tenant is not configured"));
  RegistrationPlan plan;
  plan.policy = active->policy;
  KONFID_ASSIGN_OR_RETURN(plan.valid, domain::ValidateFields(plan.policy->catalogue, input.fields,
                                                             domain::ValidationMode::kCreate));
  KONFID_TRY(CheckFieldsHavePurpose(*plan.policy, input.fields));
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

Status Vault::SealRegistrant(const Actor& actor, RegistrationPlan& plan, UnixMicros now,
                             RegistrationRows& rows) {
  const domain::TenantPolicy& policy = *plan.policy;
  rows.who = actor;
  rows.policy = plan.policy;
  rows.row.tenant = actor.tenant;
  rows.row.created_at = rows.row.updated_at = now;
  rows.row.id = NewSubjectId(now);
  rows.key = crypto_.NewKey();
  domain::SealedFields sealed;
  for (auto& [name, value] : plan.valid.set) {
    const domain::FieldSpec* spec = policy.catalogue.Find(name);
    KONFID_ASSIGN_OR_RETURN(value, Normalize(policy, *spec, value));
    sealed.emplace(name,
                   crypto_.Seal(rows.key, AsBytes(value),
                                domain::FieldAssociatedData(actor.tenant, rows.row.id, name)));
    if (spec->lookup) {
      KONFID_ASSIGN_OR_RETURN(Bytes hash, keyring_.BlindIndex(actor.tenant, name, value));
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

void Vault::PrepareConfirmation(const Actor& actor, const RegistrationInput& input,
                                const RegistrationPlan& plan, UnixMicros now,
                                RegistrationRows& rows) {
  // The confirmation link's secret goes only into the email; the token row keeps its hash.
  Bytes raw(32);
  crypto_.RandomBytes(raw);
  std::string secret = Base64UrlEncode(raw);
  ports::TokenRow& token = rows.token;
  token.tenant = actor.tenant;
  token.hash = TokenHash(actor.tenant, secret);
  token.kind = "confirm_email";
  token.created_at = now;
  token.expires_at = now + static_cast<int64_t>(mail_.token_hours) * 3'600'000'000LL;
  std::string given_list;
  for (const auto& g : plan.given) given_list += (given_list.empty() ? "" : ",") + g;
  token.pending = PendingText({{"given", given_list},
                               {"version", std::to_string(plan.version)},
                               {"lang", input.lang},
                               {"source", input.form.substr(0, 256)},
                               {"ip", plan.ip},
                               {"ua", input.user_agent.substr(0, 256)},
                               {"email", HexEncode(rows.email_hash)}});
  const domain::TenantPolicy& policy = *plan.policy;
  auto mail_text = text::RenderMailText(
      "confirm", input.lang == "en" ? text::Lang::kEn : text::Lang::kRu,
      {{"operator", input.lang == "en" ? policy.op.legal_name.en : policy.op.legal_name.ru},
       {"site", mail_.public_url},
       {"link", mail_.public_url + "?tenant=" + actor.tenant + "&token=" + secret},
       {"hours", std::to_string(mail_.token_hours)},
       {"policy_url", policy.publication.url}});
  ports::OutboxRow& outbox = rows.outbox;
  outbox.tenant = actor.tenant;
  outbox.id = NewSubjectId(now);
  outbox.kind = "confirm_email";
  outbox.next_attempt_at = now;
  outbox.created_at = now;
  rows.payload = MailPayload(outbox.id, rows.email, mail_text.subject, mail_text.body, now);
  SecureWipe(secret.data(), secret.size());
  SecureWipe(rows.email.data(), rows.email.size());
  SecureWipe(mail_text.body.data(), mail_text.body.size());
}

void Vault::PresignRefusals(const Actor& actor, const RegistrationInput& input,
                            const RegistrationPlan& plan, UnixMicros now, RegistrationRows& rows) {
  rows.lang = input.lang;
  std::string source = input.form.substr(0, 256), ua = input.user_agent.substr(0, 256);
  // The refusals are signed here, for the new subject, so the committer does not wait on
  // Ed25519; an address that turns out to be known has them signed again for its subject.
  for (const auto& purpose : plan.refused) {
    domain::ConsentEvent e = FormConsent(NewSubjectId(now), purpose, domain::ConsentKind::kRefused,
                                         plan.version, source, plan.ip, ua, now);
    e.text_hash = CachedTextHash(actor.tenant, plan.version, purpose, rows.lang);
    std::optional<ports::ConsentEventRow> signed_event;
    if (!e.text_hash.empty()) {
      auto r = SignConsentEvent(*plan.policy, actor.tenant, rows.row.id, e, rows.lang);
      if (r) signed_event = std::move(*r);  // else signed, or refused, in the transaction
    }
    rows.refusals.push_back(std::move(e));
    rows.presigned.push_back(std::move(signed_event));
  }
}

Status Vault::CommitRegistration(ports::Transaction& txn, AuditWriter& audit,
                                 RegistrationRows& rows) {
  const Actor& who = rows.who;
  RegistrationResult& result = rows.result;
  KONFID_ASSIGN_OR_RETURN(SecretBytes subject_key, RegistrationSubject(txn, audit, rows));
  KONFID_TRY(RecordRefusals(txn, audit, rows));
  rows.token.subject = result.subject;
  KONFID_TRY(txn.InsertToken(rows.token));
  rows.outbox.subject = result.subject;
  rows.outbox.payload = crypto_.Seal(subject_key, rows.payload,
                                     OutboxPayloadAd(who.tenant, result.subject, rows.outbox.id));
  KONFID_TRY(txn.InsertOutbox(rows.outbox));
  result.message = rows.outbox.id;
  // The email address is used to send the confirmation.
  return audit.Append(
      MakeEvent(who, Operation::kUse, result.subject, {rows.email_field}, Outcome::kOk));
}

Result<SecretBytes> Vault::RegistrationSubject(ports::Transaction& txn, AuditWriter& audit,
                                               RegistrationRows& rows) {
  const Actor& who = rows.who;
  KONFID_ASSIGN_OR_RETURN(auto existing,
                          txn.FindSubjectByIndex(who.tenant, rows.email_field, rows.email_hash));
  if (existing) {  // the address is known: its subject is left as it is
    rows.result.subject = existing->id;
    return keyring_.UnwrapSubjectKey(existing->wrapped_key, who.tenant, existing->id);
  }
  ports::SubjectRow& row = rows.row;
  row.wrapped_key = keyring_.WrapSubjectKey(rows.key, row.tenant, row.id);
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

Status Vault::RecordRefusals(ports::Transaction& txn, AuditWriter& audit, RegistrationRows& rows) {
  RegistrationResult& result = rows.result;
  for (size_t i = 0; i < rows.refusals.size(); ++i) {
    const domain::ConsentEvent& e = rows.refusals[i];
    ports::ConsentEventRow signed_event;
    if (result.created && rows.presigned[i]) {
      signed_event = *rows.presigned[i];
    } else {
      KONFID_ASSIGN_OR_RETURN(signed_event, SignedConsentEvent(txn, *rows.policy, rows.who.tenant,
                                                               result.subject, e, rows.lang));
    }
    KONFID_TRY(txn.InsertConsentEvent(signed_event));
    KONFID_TRY(audit.Append(ConsentAudit(rows.who, Operation::kConsentRefused, result.subject,
                                         e.purpose, Outcome::kOk)));
    result.refused.push_back(signed_event.event);
  }
  return Ok();
}

void Vault::Confirm(const std::string& tenant, const std::string& token,
                    Callback<std::vector<domain::ConsentEvent>> done) {
  Actor link{tenant, "link:confirm", Role::kAnalyst};
  auto invalid = Error(ErrorCode::kInvalidArgument, "the link is invalid, used or expired")
                     .WithReason("invalid_token");
  auto active = policies_.Current(tenant);
  if (!active || token.empty() || token.size() > 128) return done(Fail(invalid));
  std::shared_ptr<const domain::TenantPolicy> policy = active->policy;
  Bytes hash = TokenHash(tenant, token);
  auto out = std::make_shared<std::vector<domain::ConsentEvent>>();
  UnixMicros now = clock_.Now();
  committer_.Submit(
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
        int64_t version = std::stoll(pending["version"].empty() ? "0" : pending["version"]);
        for (const auto& purpose : SplitComma(pending["given"])) {
          const domain::Purpose* p = policy->FindPurpose(purpose);
          if (!p || p->ground != "consent") continue;  // the policy changed meanwhile
          domain::ConsentEvent e =
              FormConsent(NewSubjectId(now), purpose, domain::ConsentKind::kGiven, version,
                          pending["source"], pending["ip"], pending["ua"], now);
          KONFID_ASSIGN_OR_RETURN(
              auto signed_event,
              SignedConsentEvent(txn, *policy, link.tenant, row->subject, e, pending["lang"]));
          KONFID_TRY(txn.InsertConsentEvent(signed_event));
          KONFID_TRY(audit.Append(
              ConsentAudit(link, Operation::kConsentGiven, row->subject, purpose, Outcome::kOk)));
          out->push_back(signed_event.event);
        }
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

void Vault::SendMarketing(const Actor& actor, const std::string& subject,
                          const std::string& purpose, const std::string& title,
                          const std::string& body, Callback<std::string> done) {
  auto refuse = [&](Error e) {
    Refuse(actor, Operation::kUse, IsValidSubjectId(subject) ? subject : "", {"email"},
           std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (actor.role != Role::kAdmin && actor.role != Role::kOperator && actor.role != Role::kMarketing)
    return refuse(Error(ErrorCode::kPermissionDenied, "this API key's role may not send marketing")
                      .WithReason("role"));
  auto active = policies_.Current(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  const domain::Purpose* pur = active->policy->FindPurpose(purpose);
  if (auto st = CheckMarketingMessage(pur, purpose, subject, title, body); !st)
    return refuse(st.error());
  auto token = UnsubscribeToken(actor, subject, purpose);
  if (!token) return refuse(token.error());
  std::string email_field;
  for (const auto& f : active->policy->catalogue.fields())
    if (f.type == domain::FieldType::kEmail && f.lookup) email_field = f.name;
  UnixMicros now = clock_.Now();
  auto outbox = std::make_shared<ports::OutboxRow>();
  outbox->tenant = actor.tenant;
  outbox->id = NewSubjectId(now);
  outbox->subject = subject;
  outbox->kind = "marketing:" + purpose;  // the sender checks this consent again
  outbox->next_attempt_at = outbox->created_at = now;
  std::string url = mail_.unsubscribe_base + "/v1/unsubscribe/" + actor.tenant + "/" + *token;
  Actor who = actor;
  committer_.Submit(
      [this, who, subject, purpose, title, body, url, outbox, active, pur, email_field, now](
          ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, subject));
        if (!row) return Fail(NoSubject());
        KONFID_TRY(CheckGround(txn, *active, *pur, who.tenant, subject, now));
        // Double opt-in: only to an address its owner confirmed, and not again until a changed
        // one is (Update sent the new address a link).
        if (row->email_verified_at == 0) return Fail(EmailUnconfirmed());
        KONFID_ASSIGN_OR_RETURN(
            outbox->payload, SealedMarketingMail(who.tenant, subject, *row, email_field, outbox->id,
                                                 title, body, now, url));
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

Result<Bytes> Vault::SealedMarketingMail(const std::string& tenant, const std::string& subject,
                                         const ports::SubjectRow& row,
                                         const std::string& email_field,
                                         const std::string& outbox_id, const std::string& title,
                                         const std::string& body, UnixMicros now,
                                         const std::string& unsubscribe_url) {
  KONFID_ASSIGN_OR_RETURN(SecretBytes key,
                          keyring_.UnwrapSubjectKey(row.wrapped_key, tenant, subject));
  KONFID_ASSIGN_OR_RETURN(domain::SealedFields sealed, domain::UnpackSealedFields(row.fields));
  auto it = sealed.find(email_field);
  if (it == sealed.end())
    return Fail(Error(ErrorCode::kInvalidArgument, "this subject has no email address")
                    .WithReason("no_email"));
  KONFID_ASSIGN_OR_RETURN(
      std::string email,
      crypto_.Open(key, it->second, domain::FieldAssociatedData(tenant, subject, email_field)));
  Bytes payload = MailPayload(outbox_id, email, title, body, now, unsubscribe_url);
  Bytes out = crypto_.Seal(key, payload, OutboxPayloadAd(tenant, subject, outbox_id));
  SecureWipe(payload.data(), payload.size());
  SecureWipe(email.data(), email.size());
  return out;
}

}  // namespace konfid::app
