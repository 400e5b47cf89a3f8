#include "app/outbox.h"

#include <algorithm>

#include "app/checks.h"
#include "app/kernel.h"
#include "core/encoding.h"
#include "domain/blocking.h"
#include "domain/consent.h"
#include "domain/sealed_fields.h"

namespace konfid::app {

namespace {

constexpr int64_t kClaimMicros = 120'000'000;  // longer than an SMTP timeout

// lp(from) lp(to) lp(message): the payload's layout (MailComposer::Payload writes it).
bool ReadPart(std::string_view& in, std::string& out) { return ReadLengthPrefixed(in, out); }

}  // namespace

domain::AuditEvent OutboxUseEvent(const ports::OutboxRow& m, domain::Outcome outcome,
                                  std::string reason) {
  domain::AuditEvent e;
  e.tenant = m.tenant;
  e.actor = "system:outbox";
  e.operation = std::string(domain::OperationName(domain::Operation::kUse));
  e.subject_id = m.subject;
  e.fields = {m.kind == "code_sms" ? "phone" : "email"};
  e.outcome = std::string(domain::OutcomeName(outcome));
  e.reason = std::move(reason);
  return e;
}

bool SealedUnderSubjectKey(const ports::OutboxRow& m) {
  return !m.subject.empty() && m.kind != "erasure_done";
}

OutboxSender::OutboxSender(ports::Storage& storage, GroupCommitter& committer,
                           const Keyring& keyring, ports::Crypto& crypto, ports::Mailer& mailer,
                           ports::Clock& clock, const PolicySource& policies, int max_attempts)
    : storage_(storage),
      committer_(committer),
      keyring_(keyring),
      crypto_(crypto),
      mailer_(mailer),
      clock_(clock),
      policies_(policies),
      max_attempts_(max_attempts) {}

int64_t OutboxSender::BackoffMicros(int64_t attempts) {
  int64_t delay = 30'000'000LL << std::min<int64_t>(attempts, 10);
  return std::min<int64_t>(delay, 6LL * 3600 * 1'000'000);
}

Result<OutboxStats> OutboxSender::RunOnce(UnixMicros now) {
  std::vector<ports::OutboxRow> due;
  {
    KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
    KONFID_ASSIGN_OR_RETURN(due, txn->DueOutbox(now, 32));
  }
  OutboxStats stats;
  for (auto& m : due) KONFID_TRY(Deliver(std::move(m), now, stats));
  return stats;
}

Result<OutboxSender::Opened> OutboxSender::Open(const ports::OutboxRow& m, UnixMicros now) {
  Opened out;
  auto read = [&](std::string_view in) {
    if (!ReadPart(in, out.from) || !ReadPart(in, out.to) || !ReadPart(in, out.data))
      out.error = "the message cannot be opened";
  };
  if (!SealedUnderSubjectKey(m)) {
    // A message to the tenant's staff holds no personal data: unsealed.
    if (m.subject.empty()) {
      read(std::string_view(reinterpret_cast<const char*>(m.payload.data()), m.payload.size()));
      return out;
    }
    return OpenUnderTenantKey(m);
  }
  // Open the payload with the subject's key: a message of an erased subject cannot be; one of a
  // subject erased but for what a law keeps is not sent either (its address is not to be used).
  KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
  KONFID_ASSIGN_OR_RETURN(auto subject, txn->FindSubject(m.tenant, m.subject));
  // The message as of the snapshot the key comes from: a destruction since it was listed
  // closed it (app/rekey.h), and the key read here no longer opens what was listed.
  KONFID_ASSIGN_OR_RETURN(auto current, txn->FindOutbox(m.tenant, m.id));
  if (!current || current->status != "pending") {
    out.closed = true;
    return out;
  }
  const Bytes& payload = current->payload;
  if (!subject || internal::Erased(*subject)) {
    out.error = "the subject was erased";
    return out;
  }
  KONFID_ASSIGN_OR_RETURN(uint32_t generation, domain::SealedFieldsKeyGeneration(subject->fields));
  Result<SecretBytes> unwrapped =
      keyring_.UnwrapSubjectKey(subject->wrapped_key, m.tenant, m.subject, generation);
  // No key for this copy of the subject (restored from before an erasure or a re-key): the
  // message fails, the pass goes on.
  if (!unwrapped && unwrapped.error().reason() == "erased") {
    out.error = "the subject's data key is gone";
    return out;
  }
  if (!unwrapped) return Fail(unwrapped.error());
  const SecretBytes& key = *unwrapped;
  auto plain = crypto_.Open(key, payload, OutboxPayloadAd(m.tenant, m.subject, m.id));
  if (plain) {
    read(*plain);
    SecureWipe(plain->data(), plain->size());
  } else {
    out.error = "the message cannot be opened";
  }
  if (out.error.empty() && m.kind.starts_with("marketing:")) {  // still wanted? decided now
    KONFID_ASSIGN_OR_RETURN(out.suppressed, Suppression(*txn, m, *subject, key, out.to, now));
  }
  // A blocked subject gets no marketing, and no policy notice while the whole subject or the
  // address it goes to is blocked, as when it was queued (app/policy_notices.cc); a code, a
  // confirmation or news of their request serves their rights and still goes.
  if (out.error.empty() && out.suppressed.empty() &&
      !domain::ParseBlockHolds(subject->blocked).Effective().empty()) {
    bool blocked = m.kind.starts_with("marketing:");
    if (m.kind.starts_with("policy_")) {
      auto policy = policies_.Policy(m.tenant);
      const domain::FieldSpec* email = policy ? internal::EmailSpec(*policy) : nullptr;
      blocked = !email || !internal::CheckNotBlocked(*subject, {email->name});
    }
    if (blocked) out.suppressed = "blocked";
  }
  return out;
}

Result<OutboxSender::Opened> OutboxSender::OpenUnderTenantKey(const ports::OutboxRow& m) {
  Opened out;
  KONFID_ASSIGN_OR_RETURN(SecretBytes key, keyring_.OutboxKey(m.tenant));
  auto plain = crypto_.Open(key, m.payload, OutboxPayloadAd(m.tenant, m.subject, m.id));
  std::string_view in = plain ? std::string_view(*plain) : std::string_view();
  if (!plain || !ReadPart(in, out.from) || !ReadPart(in, out.to) || !ReadPart(in, out.data))
    out.error = "the message cannot be opened";
  if (plain) SecureWipe(plain->data(), plain->size());
  return out;
}

Status OutboxSender::Deliver(ports::OutboxRow m, UnixMicros now, OutboxStats& stats) {
  bool claimed = false;
  KONFID_TRY(committer_.Run([&](ports::Transaction& txn, AuditWriter&) -> Status {
    KONFID_ASSIGN_OR_RETURN(claimed,
                            txn.ClaimOutbox(m.tenant, m.id, m.next_attempt_at, now + kClaimMicros));
    return Ok();
  }));
  if (!claimed) return Ok();  // another sender has it

  KONFID_ASSIGN_OR_RETURN(Opened opened, Open(m, now));
  if (opened.closed) return Ok();  // nothing is left to send
  std::string &from = opened.from, &to = opened.to, &data = opened.data;
  std::string error = std::move(opened.error), suppressed = std::move(opened.suppressed);
  if (!suppressed.empty())
    error = suppressed == "consent_required" ? "suppressed: the subject's consent is no longer live"
            : suppressed == "blocked"
                ? "suppressed: the subject's data is blocked"
                : "suppressed: the address is no longer the subject's confirmed address";
  Status sent = error.empty() ? Send(m, from, to, data)
                : !suppressed.empty()
                    ? Fail(Error(ErrorCode::kPermissionDenied, error).WithReason(suppressed))
                    : Fail(Error(ErrorCode::kInvalidArgument, error).WithReason("mail_rejected"));
  SecureWipe(to.data(), to.size());
  SecureWipe(data.data(), data.size());
  m.attempts += 1;
  if (sent) {
    m.status = "sent";
    m.sent_at = clock_.Now();
    m.last_error.clear();
    ++stats.sent;
  } else if (sent.error().code() == ErrorCode::kUnavailable && m.attempts < max_attempts_) {
    m.next_attempt_at = clock_.Now() + BackoffMicros(m.attempts);
    m.last_error = sent.error().message();
    ++stats.retried;
  } else {
    m.status = "failed";
    m.last_error = sent.error().message();
    ++stats.failed;
  }
  // Done with: what it said is no longer kept (nor, for a partly destroyed subject, an address
  // or a value that is gone from the subject's row).
  if (m.status != "pending") m.payload.clear();
  if (!sent && suppressed.empty()) {
    stats.failures.push_back(
        {m.tenant, m.id, m.kind, m.attempts, m.status == "failed", sent.error()});
    if (on_failure_) on_failure_(stats.failures.back());
  }
  return committer_.Run([&](ports::Transaction& txn, AuditWriter& audit) -> Status {
    if (m.status == "pending") {  // to try again, unless a destruction closed it meanwhile
      KONFID_ASSIGN_OR_RETURN(auto current, txn.FindOutbox(m.tenant, m.id));
      if (current && current->status != "pending") m = *current;
    }
    KONFID_TRY(txn.UpdateOutbox(m));
    domain::AuditEvent e = OutboxUseEvent(m,
                                          sent                  ? domain::Outcome::kOk
                                          : !suppressed.empty() ? domain::Outcome::kDenied
                                                                : domain::Outcome::kFailed,
                                          sent ? m.kind : ReasonOf(sent.error()));
    return audit.Append(e);
  });
}

Status OutboxSender::Send(const ports::OutboxRow& m, const std::string& from, const std::string& to,
                          const std::string& data) {
  if (m.kind != "code_sms") return mailer_.Send({from, {to}, data});
  if (!sms_)
    return Fail(Error(ErrorCode::kInvalidArgument, "no SMS gateway is configured")
                    .WithReason("sms_unavailable"));
  return sms_->Send({to, data});
}

Result<std::string> OutboxSender::Suppression(ports::Transaction& txn, const ports::OutboxRow& m,
                                              const ports::SubjectRow& subject,
                                              const SecretBytes& key, const std::string& to,
                                              UnixMicros now) {
  std::string purpose = m.kind.substr(10);
  auto active = policies_.Current(m.tenant);
  if (!active) return std::string("consent_required");
  KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListConsentEvents(m.tenant, m.subject));
  std::vector<domain::ConsentEvent> events;
  for (auto& r : rows)
    if (r.event.purpose == purpose) events.push_back(std::move(r.event));
  auto states = domain::DeriveConsents(events, *active->policy, now, active->consent_epochs);
  auto it = states.find(purpose);
  if (it == states.end() || !it->second.live) return std::string("consent_required");
  // Double opt-in holds until the moment of sending: the address the message was written to
  // must still be the subject's, and confirmed.
  if (subject.email_verified_at == 0) return std::string("email_unconfirmed");
  std::string field;
  for (const auto& f : active->policy->catalogue.fields())
    if (f.type == domain::FieldType::kEmail && f.lookup) field = f.name;
  KONFID_ASSIGN_OR_RETURN(domain::SealedFields sealed, domain::UnpackSealedFields(subject.fields));
  auto current = sealed.find(field);
  if (current == sealed.end()) return std::string("email_unconfirmed");
  KONFID_ASSIGN_OR_RETURN(
      std::string email,
      crypto_.Open(key, current->second, domain::FieldAssociatedData(m.tenant, m.subject, field)));
  bool same = email == to;
  SecureWipe(email.data(), email.size());
  return std::string(same ? "" : "email_unconfirmed");
}

}  // namespace konfid::app
