#include "app/self_identity.h"

#include <memory>

#include "app/checks.h"
#include "app/tokens.h"
#include "core/encoding.h"
#include "domain/blocking.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;
using namespace internal;

namespace {

constexpr std::string_view kSessionKind = "self_session";
constexpr int64_t kMicrosPerMinute = 60'000'000;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;

Error InvalidCode() {
  return Error(ErrorCode::kInvalidArgument,
               "the code is wrong, used or expired, or it had too many tries: ask for a new one")
      .WithReason("invalid_code");
}

Error InvalidSession() {
  return Error(ErrorCode::kUnauthenticated, "the session is not valid: sign in again with a code")
      .WithReason("invalid_session");
}

domain::AuditEvent SelfEvent(const Actor& who, Operation op, const std::string& subject,
                             std::vector<std::string> fields, Outcome outcome,
                             std::string reason = {}) {
  return MakeEvent(who, op, subject, std::move(fields), outcome, std::move(reason));
}

}  // namespace

std::string SelfIdentity::NewCode() {
  // Uniform over 000000..999999: draws past the largest multiple of 10^6 are drawn again.
  constexpr uint32_t kRange = 1'000'000, kLimit = UINT32_MAX - UINT32_MAX % kRange;
  uint32_t v = 0;
  do {
    uint8_t b[4];
    k_.crypto().RandomBytes(b);
    v = uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
  } while (v >= kLimit);
  std::string code = std::to_string(v % kRange);
  return std::string(6 - code.size(), '0') + code;
}

Result<Bytes> SelfIdentity::CodeHash(const std::string& tenant, const std::string& challenge,
                                     const std::string& code) const {
  return k_.keyring().BlindIndex(tenant, "otp:" + challenge, code);
}

std::string SelfIdentity::TenantOf(const std::string& token) {
  size_t dot = token.find('.');
  if (dot == std::string::npos || dot == 0) return "";
  std::string tenant = token.substr(0, dot);
  return domain::IsValidTenantId(tenant) ? tenant : "";
}

Result<std::pair<const domain::FieldSpec*, Bytes>> SelfIdentity::AddressHash(
    const domain::TenantPolicy& policy, const std::string& tenant, const std::string& channel,
    const std::string& address) {
  const domain::FieldSpec* spec = nullptr;
  domain::FieldType type =
      channel == "phone" ? domain::FieldType::kPhone : domain::FieldType::kEmail;
  if (channel == "email" || (channel == "phone" && settings_.sms))
    for (const auto& f : policy.catalogue.fields())
      if (f.type == type && f.lookup) spec = &f;
  if (!spec)
    return Fail(Error(ErrorCode::kInvalidArgument,
                      channel == "phone" ? "codes cannot be sent by SMS here"
                                         : "codes go to an email address or a phone number")
                    .WithReason("unknown_channel"));
  KONFID_ASSIGN_OR_RETURN(std::string valid, domain::ValidateFieldValue(*spec, address));
  auto normalized = k_.Normalize(policy, *spec, valid);
  SecureWipe(valid.data(), valid.size());
  if (!normalized) return Fail(normalized.error());
  auto hash = k_.keyring().BlindIndex(tenant, spec->name, *normalized);
  SecureWipe(normalized->data(), normalized->size());
  if (!hash) return Fail(hash.error());
  return std::make_pair(spec, std::move(*hash));
}

void SelfIdentity::SendCode(const std::string& tenant, const std::string& channel,
                            const std::string& address, Callback<CodeChallenge> done) {
  auto policy = k_.Policy(tenant);
  if (!policy)
    return done(Fail(Error(ErrorCode::kNotFound, "tenant is not configured")
                         .WithReason("tenant_not_configured")));
  auto address_hash = AddressHash(*policy, tenant, channel, address);
  if (!address_hash) return done(Fail(address_hash.error()));
  UnixMicros now = k_.clock().Now();
  auto row = std::make_shared<ports::OtpCodeRow>();
  row->tenant = tenant;
  row->id = k_.NewId(now);
  row->address_hash = address_hash->second;
  row->created_at = now;
  row->expires_at = now + settings_.code_minutes * kMicrosPerMinute;
  auto code = std::make_shared<std::string>(NewCode());
  auto hash = CodeHash(tenant, row->id, *code);
  if (!hash) return done(Fail(hash.error()));
  row->code_hash = std::move(*hash);
  const domain::FieldSpec* field = address_hash->first;
  k_.committer().Submit(
      [this, policy, field, row, code, now](ports::Transaction& txn, AuditWriter& audit) -> Status {
        auto st = IssueCode(txn, audit, *policy, *field, *row, *code, now);
        SecureWipe(code->data(), code->size());
        return st;
      },
      nullptr,
      [row, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(CodeChallenge{row->id, row->expires_at});
      });
}

Status SelfIdentity::IssueCode(ports::Transaction& txn, AuditWriter& audit,
                               const domain::TenantPolicy& policy, const domain::FieldSpec& field,
                               ports::OtpCodeRow challenge, const std::string& code,
                               UnixMicros now) {
  const std::string& tenant = challenge.tenant;
  KONFID_ASSIGN_OR_RETURN(uint64_t recent, txn.CountOtpCodes(tenant, challenge.address_hash,
                                                             now - 60 * kMicrosPerMinute));
  KONFID_ASSIGN_OR_RETURN(auto subject,
                          txn.FindSubjectByIndex(tenant, field.name, challenge.address_hash));
  bool confirmed =
      subject && (field.type != domain::FieldType::kEmail || subject->email_verified_at != 0);
  // An address an open rectification claims is wrong may be someone else's: it signs no one in.
  bool disputed =
      subject && domain::Disputed(domain::ParseBlockHolds(subject->blocked), field.name);
  bool send = confirmed && !disputed && recent < static_cast<uint64_t>(settings_.codes_per_hour);
  if (send) challenge.subject = subject->id;
  KONFID_TRY(txn.InsertOtpCode(challenge));
  if (!send) {
    // Answered alike; the code goes nowhere and matches nothing stored. Its event keeps the
    // audit alike too: konfid_audit_events_total must not tell a known address apart.
    std::string why = !subject     ? "no_subject"
                      : !confirmed ? "unconfirmed"
                      : disputed   ? "disputed"
                                   : "rate_limited";
    return audit.Append(SelfEvent({tenant, "system:self", Role::kAnalyst}, Operation::kCodeSent,
                                  subject ? subject->id : "", {field.name}, Outcome::kDenied, why));
  }
  return QueueCode(txn, audit, policy, field, *subject, code, now);
}

Status SelfIdentity::QueueCode(ports::Transaction& txn, AuditWriter& audit,
                               const domain::TenantPolicy& policy, const domain::FieldSpec& field,
                               const ports::SubjectRow& row, const std::string& code,
                               UnixMicros now) {
  std::vector<std::string> only = {field.name};
  KONFID_ASSIGN_OR_RETURN(domain::FieldValues values, k_.OpenFields(row, &only));
  std::string& to = values[field.name];
  KONFID_ASSIGN_OR_RETURN(std::string lang, mail_.SubjectLang(txn, row.tenant, row.id));
  bool sms = field.type == domain::FieldType::kPhone;
  bool en = lang == "en";
  text::MailText text =
      text::RenderMailText(sms ? "code-sms" : "code", en ? text::Lang::kEn : text::Lang::kRu,
                           {{"operator", en ? policy.op.legal_name.en : policy.op.legal_name.ru},
                            {"code", code},
                            {"minutes", std::to_string(settings_.code_minutes)},
                            {"policy_url", policy.publication.url}});
  ports::OutboxRow message = mail_.NewMessage(row.tenant, row.id, sms ? "code_sms" : "code", now);
  Bytes payload = sms ? mail_.TextPayload(to, text.body)
                      : mail_.Payload(message.id, to, text.subject, text.body, now);
  SecureWipe(text.body.data(), text.body.size());
  SecureWipe(to.data(), to.size());
  KONFID_ASSIGN_OR_RETURN(SecretBytes key, k_.SubjectKey(row));
  message.payload = mail_.Seal(key, payload, message);
  SecureWipe(payload.data(), payload.size());
  KONFID_TRY(txn.InsertOutbox(message));
  return audit.Append(SelfEvent({row.tenant, "system:self", Role::kAnalyst}, Operation::kCodeSent,
                                row.id, only, Outcome::kOk, message.kind));
}

Result<SelfSessionGrant> SelfIdentity::CheckCode(ports::Transaction& txn, AuditWriter& audit,
                                                 const std::string& tenant,
                                                 const std::string& challenge,
                                                 const std::string& code, UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(auto row, txn.FindOtpCode(tenant, challenge));
  if (!row) return SelfSessionGrant{};
  KONFID_ASSIGN_OR_RETURN(Bytes hash, CodeHash(tenant, challenge, code));
  bool right = k_.crypto().Equal(hash, row->code_hash);
  // Every attempt takes its try before it is judged, by one UPDATE that returns the count:
  // concurrent guesses on several nodes queue on the row and each sees its own number, so no
  // more than max_tries attempts are ever weighed, whichever node they reach.
  KONFID_ASSIGN_OR_RETURN(int64_t tries, txn.AddOtpTry(tenant, challenge));
  bool usable = row->used_at == 0 && now < row->expires_at && tries <= settings_.max_tries &&
                !row->subject.empty();
  Actor who{tenant, "system:self", Role::kAnalyst};
  if (!right || !usable) {  // one event either way: the audit tells no unknown address apart
    KONFID_TRY(audit.Append(SelfEvent(who, Operation::kSessionOpened, row->subject, {},
                                      Outcome::kFailed, "invalid_code")));
    return SelfSessionGrant{};
  }
  KONFID_ASSIGN_OR_RETURN(bool first, txn.MarkOtpUsed(tenant, challenge, now));
  if (!first) return SelfSessionGrant{};
  std::string secret = NewLinkSecret(k_.crypto());
  ports::TokenRow token;
  token.tenant = tenant;
  token.hash = TokenHash(k_.crypto(), tenant, secret);
  token.subject = row->subject;
  token.kind = std::string(kSessionKind);
  token.created_at = now;
  token.expires_at = now + settings_.session_minutes * kMicrosPerMinute;
  KONFID_TRY(txn.InsertToken(token));
  who.id = "self:" + HexEncode(token.hash).substr(0, 16);
  KONFID_TRY(
      audit.Append(SelfEvent(who, Operation::kSessionOpened, row->subject, {}, Outcome::kOk)));
  return SelfSessionGrant{tenant + "." + secret, token.expires_at};
}

Result<uint64_t> SelfIdentity::PurgeCodes(UnixMicros now) {
  uint64_t purged = 0;
  UnixMicros before = now - int64_t{settings_.code_retention_hours} * kMicrosPerHour;
  KONFID_TRY(k_.committer().Run([&](ports::Transaction& txn, AuditWriter&) -> Status {
    KONFID_ASSIGN_OR_RETURN(purged, txn.DeleteOtpCodesBefore(before));
    return Ok();
  }));
  return purged;
}

void SelfIdentity::OpenSession(const std::string& tenant, const std::string& challenge,
                               const std::string& code, Callback<SelfSessionGrant> done) {
  if (!k_.Policy(tenant))
    return done(Fail(Error(ErrorCode::kNotFound, "tenant is not configured")
                         .WithReason("tenant_not_configured")));
  if (!Kernel::IsValidId(challenge) || code.size() != 6 ||
      code.find_first_not_of("0123456789") != std::string::npos)
    return done(Fail(InvalidCode()));
  auto grant = std::make_shared<SelfSessionGrant>();
  // A wrong code is not an error of the transaction: its try must be committed.
  k_.committer().Submit(
      [this, tenant, challenge, code, grant, now = k_.clock().Now()](ports::Transaction& txn,
                                                                     AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(*grant, CheckCode(txn, audit, tenant, challenge, code, now));
        return Ok();
      },
      nullptr,
      [grant, done](Status st) {
        if (!st) return done(Fail(st.error()));
        if (grant->token.empty()) return done(Fail(InvalidCode()));
        done(std::move(*grant));
      });
}

Result<SelfSubject> SelfIdentity::Resolve(ports::Transaction& txn, const std::string& token,
                                          UnixMicros now) const {
  std::string tenant = TenantOf(token);
  if (tenant.empty()) return Fail(InvalidSession());
  std::string_view secret = std::string_view(token).substr(tenant.size() + 1);
  Bytes hash = TokenHash(k_.crypto(), tenant, secret);
  KONFID_ASSIGN_OR_RETURN(auto row, txn.FindToken(tenant, hash));
  if (!UsableToken(row, kSessionKind, now)) return Fail(InvalidSession());
  KONFID_ASSIGN_OR_RETURN(auto subject, txn.FindSubject(tenant, row->subject));
  if (!subject) return Fail(InvalidSession());
  Actor who{tenant, "self:" + HexEncode(hash).substr(0, 16), Role::kAnalyst};
  return SelfSubject{std::move(who), std::move(*subject)};
}

void SelfIdentity::CloseSession(const std::string& token, Callback<void> done) {
  std::string tenant = TenantOf(token);
  if (tenant.empty()) return done(Fail(InvalidSession()));
  k_.committer().Submit(
      [this, token, tenant, now = k_.clock().Now()](ports::Transaction& txn,
                                                    AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(SelfSubject self, Resolve(txn, token, now));
        Bytes hash =
            TokenHash(k_.crypto(), tenant, std::string_view(token).substr(tenant.size() + 1));
        KONFID_ASSIGN_OR_RETURN(bool revoked, txn.MarkTokenUsed(tenant, hash, now));
        if (!revoked) return Fail(InvalidSession());
        return audit.Append(
            SelfEvent(self.actor, Operation::kSessionClosed, self.row.id, {}, Outcome::kOk));
      },
      nullptr, [done](Status st) { done(st); });
}

}  // namespace konfid::app
