// PolicyNotices: telling the subjects whose consent a material policy version outdated, and
// recording the decision their link asks for. The notice job (app/notices.h) hands it one
// batch of the consent ledger at a time; the renewal page (http/renewal_api.cc) shows and
// uses the link.
//
// Thread-safe. Callbacks run on the group committer's thread and must not block.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/consent_signer.h"
#include "app/kernel.h"
#include "app/mail_composer.h"

namespace konfid::app {

// One material policy version's notice run, as the notice job hands it over: what the version
// outdated, under which rules, and how far the run got.
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

// What the link of a policy-change notice asks: the purposes to decide on, with the consent
// texts of the version in force in the language of the notice.
struct RenewalRequest {
  std::string lang;
  int64_t version = 0;
  std::shared_ptr<const domain::TenantPolicy> policy;
  std::vector<std::pair<std::string, std::string>> purposes;  // (id, consent Markdown)
};

class PolicyNotices {
 public:
  // Each reference outlives the use case.
  PolicyNotices(Kernel& kernel, ConsentSigner& signer, MailComposer& mail)
      : k_(kernel), signer_(signer), mail_(mail) {}

  // Considers the next `limit` subjects of the consent ledger after the plan's cursor and, in
  // one transaction with the run's new cursor, queues a notice to each whose live consent the
  // version outdated: the purposes, the new policy and a single-use link (stored hashed, valid
  // MailSettings::notice_days) to decide. A subject without an email address, or erased, is
  // passed over. Conflict when another node moved the run meanwhile (nothing is written then).
  Result<NoticeBatch> Queue(const NoticePlan& plan, size_t limit);
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

 private:
  // The steps of Queue, inside its transaction. The hash of each English consent text by
  // version and purpose, to tell which language a subject read.
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
  // A single-use link to the renewal page for a notice, its token stored hashed.
  Result<std::string> RenewalLink(ports::Transaction& txn, const NoticePlan& plan,
                                  const std::string& subject, const std::string& purpose_ids,
                                  const std::string& lang, UnixMicros now);
  // Inside Renew's transaction: the renewed or refused event of each purpose asked.
  Status RecordDecisions(ports::Transaction& txn, AuditWriter& audit, const ActivePolicy& active,
                         const Actor& link, const std::string& subject,
                         const std::vector<std::string>& asked,
                         const std::map<std::string, bool>& decisions, const std::string& lang,
                         UnixMicros now, std::vector<domain::ConsentEvent>& out);

  Kernel& k_;
  ConsentSigner& signer_;
  MailComposer& mail_;
};

}  // namespace konfid::app
