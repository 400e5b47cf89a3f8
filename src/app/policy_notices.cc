// Policy-change notices: telling the subjects whose consent a material version outdated,
// and recording the decision their link asks for.
#include "app/policy_notices.h"
#include "app/checks.h"
#include "app/tokens.h"
#include "core/encoding.h"
#include "core/time.h"
#include "domain/sealed_fields.h"
#include "text/policy_text.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;
using namespace internal;

namespace {

Error InvalidLink() {
  return Error(ErrorCode::kInvalidArgument, "the link is invalid, used or expired")
      .WithReason("invalid_token");
}

const std::string& InLang(const domain::Localized& text, const std::string& lang) {
  return lang == "en" && !text.en.empty() ? text.en : text.ru;
}

// The purposes a renewal link asks about that the policy in force still bases on consent,
// each with a decision and no decision for any other. InvalidArgument: consent_choice_missing,
// unknown_purpose, invalid_token when nothing is left to decide.
Result<std::vector<std::string>> AskedPurposes(const domain::TenantPolicy& policy,
                                               const std::string& purposes,
                                               const std::map<std::string, bool>& decisions) {
  std::vector<std::string> asked;
  for (const auto& purpose : SplitComma(purposes)) {
    const domain::Purpose* p = policy.FindPurpose(purpose);
    if (!p || p->ground != "consent") continue;
    if (!decisions.contains(purpose))
      return Fail(
          Error(ErrorCode::kInvalidArgument, "a decision for purpose '" + purpose + "' is missing")
              .WithReason("consent_choice_missing"));
    asked.push_back(purpose);
  }
  for (const auto& [purpose, given] : decisions)
    if (std::find(asked.begin(), asked.end(), purpose) == asked.end())
      return Fail(Error(ErrorCode::kInvalidArgument,
                        "this link does not ask about purpose '" + purpose + "'")
                      .WithReason("unknown_purpose"));
  if (asked.empty()) return Fail(InvalidLink());
  return asked;
}

}  // namespace

Result<NoticeBatch> PolicyNotices::Queue(const NoticePlan& plan, size_t limit) {
  const domain::FieldSpec* email_spec = EmailSpec(*plan.after);
  std::string email_field = email_spec ? email_spec->name : "";
  NoticeBatch batch;
  UnixMicros now = k_.clock().Now();
  KONFID_TRY(k_.committer().Run([&](ports::Transaction& txn, AuditWriter& audit) -> Status {
    batch = NoticeBatch{};
    std::vector<std::string> subjects;  // none to consider when nothing was outdated
    if (!plan.purposes.empty()) {
      KONFID_ASSIGN_OR_RETURN(subjects,
                              txn.ListConsentSubjects(plan.tenant, plan.after_subject, limit));
    }
    EnglishTextHashes english;
    for (const auto& subject : subjects) {
      ++batch.considered;
      KONFID_ASSIGN_OR_RETURN(bool queued,
                              QueueNotice(txn, audit, plan, subject, email_field, english, now));
      if (queued) ++batch.queued;
    }
    batch.done = subjects.size() < limit;
    batch.after_subject = subjects.empty() ? plan.after_subject : subjects.back();
    KONFID_ASSIGN_OR_RETURN(
        bool moved,
        txn.AdvanceNoticeRun({plan.tenant, plan.version, batch.after_subject, batch.done,
                              plan.queued + int64_t(batch.queued), plan.kind},
                             plan.after_subject));
    if (!moved)
      return Fail(Error(ErrorCode::kConflict, "another node moved this notice run")
                      .WithReason("notice_run_moved"));
    return Ok();
  }));
  return batch;
}

Result<bool> PolicyNotices::QueueNotice(ports::Transaction& txn, AuditWriter& audit,
                                        const NoticePlan& plan, const std::string& subject,
                                        const std::string& email_field, EnglishTextHashes& english,
                                        UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListConsentEvents(plan.tenant, subject));
  std::vector<domain::ConsentEvent> events;
  for (auto& r : rows) events.push_back(std::move(r.event));
  auto lost = domain::LostConsents(events, plan.purposes, *plan.before, plan.epochs_before,
                                   *plan.after, plan.epochs_after, now);
  if (lost.empty() || email_field.empty()) return false;
  KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(plan.tenant, subject));
  if (!row || Erased(*row)) return false;  // erased: nobody to tell
  // A block stops every send that does not serve the subject's rights (docs/requests.md): the
  // notice is not queued, and the audit says so.
  if (auto blocked = CheckNotBlocked(*row, {email_field}); !blocked) {
    Actor system{plan.tenant, "system:notices", Role::kAdmin};
    KONFID_TRY(audit.Append(
        MakeEvent(system, Operation::kUse, subject, {email_field}, Outcome::kDenied, "blocked")));
    return false;
  }
  KONFID_ASSIGN_OR_RETURN(domain::SealedFields sealed, domain::UnpackSealedFields(row->fields));
  auto sealed_email = sealed.find(email_field);
  if (sealed_email == sealed.end()) return false;
  KONFID_ASSIGN_OR_RETURN(SecretBytes key, k_.SubjectKey(*row));
  KONFID_ASSIGN_OR_RETURN(
      std::string email,
      k_.crypto().Open(key, sealed_email->second,
                       domain::FieldAssociatedData(plan.tenant, subject, email_field)));
  // The language of the consent text the subject last agreed to.
  KONFID_ASSIGN_OR_RETURN(std::string lang,
                          NoticeLang(txn, plan.tenant, events, lost.front(), english));
  KONFID_TRY(QueueNoticeMail(txn, audit, plan, subject, lost, email, key, lang, email_field, now));
  return true;
}

Result<std::string> PolicyNotices::NoticeLang(ports::Transaction& txn, const std::string& tenant,
                                              const std::vector<domain::ConsentEvent>& events,
                                              const std::string& purpose,
                                              EnglishTextHashes& english) {
  for (auto e = events.rbegin(); e != events.rend(); ++e) {
    if (e->purpose != purpose ||
        (e->kind != domain::ConsentKind::kGiven && e->kind != domain::ConsentKind::kRenewed))
      continue;
    auto [it, fresh] = english.try_emplace({e->policy_version, e->purpose});
    if (fresh) {
      KONFID_ASSIGN_OR_RETURN(auto text, txn.FindPolicyText(tenant, e->policy_version,
                                                            "consent/" + e->purpose, "en", "md"));
      if (text) it->second = HexEncode(k_.crypto().Sha256(AsBytes(*text)));
    }
    if (!it->second.empty() && it->second == e->text_hash) return std::string("en");
    break;
  }
  return std::string("ru");
}

Status PolicyNotices::QueueNoticeMail(ports::Transaction& txn, AuditWriter& audit,
                                      const NoticePlan& plan, const std::string& subject,
                                      const std::vector<std::string>& lost, std::string& email,
                                      const SecretBytes& key, const std::string& lang,
                                      const std::string& email_field, UnixMicros now) {
  bool announcement = plan.kind == "announcement";
  std::string purpose_ids, purpose_lines;
  for (const auto& p : lost) {
    purpose_ids += (purpose_ids.empty() ? "" : ",") + p;
    purpose_lines += "- " + InLang(plan.after->FindPurpose(p)->name, lang) + "\n";
  }
  std::string link;
  if (!announcement) {  // the announcement only tells; the notice asks
    KONFID_ASSIGN_OR_RETURN(link, RenewalLink(txn, plan, subject, purpose_ids, lang, now));
  }
  auto text = text::RenderMailText(announcement ? "announce" : "notice",
                                   lang == "en" ? text::Lang::kEn : text::Lang::kRu,
                                   {{"operator", InLang(plan.after->op.legal_name, lang)},
                                    {"date", FormatRfc3339(plan.effective_at).substr(0, 10)},
                                    {"purposes", purpose_lines},
                                    {"link", link},
                                    {"days", std::to_string(mail_.settings().notice_days)},
                                    {"policy_url", plan.after->publication.url}});
  SecureWipe(link.data(), link.size());
  ports::OutboxRow outbox = mail_.NewMessage(
      plan.tenant, subject, announcement ? "policy_announcement" : "policy_notice", now);
  Bytes payload = mail_.Payload(outbox.id, email, text.subject, text.body, now);
  SecureWipe(email.data(), email.size());
  SecureWipe(text.body.data(), text.body.size());
  outbox.payload = mail_.Seal(key, payload, outbox);
  SecureWipe(payload.data(), payload.size());
  KONFID_TRY(txn.InsertOutbox(outbox));
  Actor system{plan.tenant, "system:notices", Role::kAdmin};
  return audit.Append(
      MakeEvent(system, Operation::kUse, subject, {email_field}, Outcome::kOk, outbox.kind));
}

Result<std::string> PolicyNotices::RenewalLink(ports::Transaction& txn, const NoticePlan& plan,
                                               const std::string& subject,
                                               const std::string& purpose_ids,
                                               const std::string& lang, UnixMicros now) {
  std::string secret = NewLinkSecret(k_.crypto());
  ports::TokenRow token;
  token.tenant = plan.tenant;
  token.hash = TokenHash(k_.crypto(), plan.tenant, secret);
  token.subject = subject;
  token.kind = "renew_consent";
  token.created_at = now;
  token.expires_at = now + int64_t{mail_.settings().notice_days} * kMicrosPerDay;
  token.pending = PendingText(
      {{"purposes", purpose_ids}, {"version", std::to_string(plan.version)}, {"lang", lang}});
  KONFID_TRY(txn.InsertToken(token));
  std::string link =
      mail_.settings().unsubscribe_base + "/v1/renewals/" + plan.tenant + "/" + secret;
  SecureWipe(secret.data(), secret.size());
  return link;
}

void PolicyNotices::Renewal(const std::string& tenant, const std::string& token,
                            Callback<RenewalRequest> done) {
  auto active = k_.Active(tenant);
  if (!active || token.empty() || token.size() > 128) return done(Fail(InvalidLink()));
  Bytes hash = TokenHash(k_.crypto(), tenant, token);
  auto out = std::make_shared<RenewalRequest>();
  UnixMicros now = k_.clock().Now();
  k_.committer().Submit(
      [tenant, hash, active, out, now](ports::Transaction& txn, AuditWriter&) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindToken(tenant, hash));
        if (!UsableToken(row, "renew_consent", now)) return Fail(InvalidLink());
        auto pending = ParsePending(row->pending);
        out->lang = pending["lang"] == "en" ? "en" : "ru";
        out->version = active->version;
        out->policy = active->policy;
        for (const auto& purpose : SplitComma(pending["purposes"])) {
          const domain::Purpose* p = active->policy->FindPurpose(purpose);
          if (!p || p->ground != "consent") continue;  // gone from the policy since
          KONFID_ASSIGN_OR_RETURN(
              auto text,
              txn.FindPolicyText(tenant, out->version, "consent/" + purpose, out->lang, "md"));
          if (text) out->purposes.emplace_back(purpose, std::move(*text));
        }
        if (out->purposes.empty()) return Fail(InvalidLink());  // nothing left to decide
        return Ok();
      },
      nullptr,
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      /*savepoint=*/false);
}

void PolicyNotices::Renew(const std::string& tenant, const std::string& token, int64_t version,
                          const std::map<std::string, bool>& decisions,
                          Callback<std::vector<domain::ConsentEvent>> done) {
  auto active = k_.Active(tenant);
  if (!active || token.empty() || token.size() > 128) return done(Fail(InvalidLink()));
  Actor link{tenant, "link:renewal", Role::kAnalyst};
  Bytes hash = TokenHash(k_.crypto(), tenant, token);
  auto out = std::make_shared<std::vector<domain::ConsentEvent>>();
  UnixMicros now = k_.clock().Now();
  k_.committer().Submit(
      [this, link, hash, active, version, decisions, out, now](ports::Transaction& txn,
                                                               AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindToken(link.tenant, hash));
        if (!UsableToken(row, "renew_consent", now)) return Fail(InvalidLink());
        auto pending = ParsePending(row->pending);
        if (version != active->version)
          return Fail(Error(ErrorCode::kConflict,
                            "the policy changed since this page was shown; open the link again")
                          .WithReason("policy_changed"));
        KONFID_ASSIGN_OR_RETURN(auto asked,
                                AskedPurposes(*active->policy, pending["purposes"], decisions));
        KONFID_ASSIGN_OR_RETURN(bool first, txn.MarkTokenUsed(link.tenant, hash, now));
        if (!first) return Fail(InvalidLink());
        KONFID_ASSIGN_OR_RETURN(auto subject, txn.FindSubject(link.tenant, row->subject));
        // Erased since (but for what a law keeps, which nobody consents to).
        if (!subject || Erased(*subject)) return Fail(InvalidLink());
        return RecordDecisions(txn, audit, *active, link, row->subject, asked, decisions,
                               pending["lang"] == "en" ? "en" : "ru", now, *out);
      },
      [link](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            ConsentAudit(link, Operation::kConsentRenewed, "", "", OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      });
}

Status PolicyNotices::RecordDecisions(ports::Transaction& txn, AuditWriter& audit,
                                      const ActivePolicy& active, const Actor& link,
                                      const std::string& subject,
                                      const std::vector<std::string>& asked,
                                      const std::map<std::string, bool>& decisions,
                                      const std::string& lang, UnixMicros now,
                                      std::vector<domain::ConsentEvent>& out) {
  for (const auto& purpose : asked) {
    bool given = decisions.at(purpose);
    domain::ConsentEvent e;
    e.id = k_.NewId(now);
    e.purpose = purpose;
    e.kind = given ? domain::ConsentKind::kRenewed : domain::ConsentKind::kRefused;
    e.policy_version = active.version;
    e.method = "form";
    e.source = "policy_notice";
    e.time = now;
    KONFID_ASSIGN_OR_RETURN(
        auto appended,
        signer_.Append(txn, audit, link,
                       given ? Operation::kConsentRenewed : Operation::kConsentRefused,
                       *active.policy, subject, std::move(e), lang));
    out.push_back(std::move(appended));
  }
  return Ok();
}

}  // namespace konfid::app
