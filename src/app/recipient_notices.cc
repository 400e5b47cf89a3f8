#include "app/recipient_notices.h"

#include <algorithm>
#include <map>
#include <set>

#include "app/disclosures.h"

namespace konfid::app {

namespace {

// The fields each recipient received of the subject, by recipient id; authorities (no
// recipient id) are not told: the law does not ask it, and they have no address here.
Result<std::map<std::string, std::set<std::string>>> Received(ports::Transaction& txn,
                                                              const std::string& tenant,
                                                              const std::string& subject) {
  std::map<std::string, std::set<std::string>> out;
  KONFID_ASSIGN_OR_RETURN(auto rows, SubjectDisclosures(txn, tenant, subject));
  for (const auto& d : rows) {
    if (d.recipient.empty()) continue;
    for (auto& f : DisclosedFields(d)) out[d.recipient].insert(std::move(f));
  }
  return out;
}

Actor NoticesActor(const std::string& tenant) {
  return {tenant, "system:recipient_notices", Role::kAnalyst};
}

std::string LabelList(const domain::TenantPolicy& policy, const std::vector<std::string>& fields,
                      bool en) {
  std::string out;
  for (const auto& name : fields) {
    const domain::FieldSpec* spec = policy.catalogue.Find(name);
    std::string label = spec ? (en ? spec->label.en : spec->label.ru) : name;
    if (label.empty()) label = name;
    out += (out.empty() ? "" : ", ") + label;
  }
  return out;
}

}  // namespace

std::string_view DataChangeName(DataChange change) {
  switch (change) {
    case DataChange::kCorrected:
      return "corrected";
    case DataChange::kRestricted:
      return "restricted";
    case DataChange::kUnrestricted:
      return "unrestricted";
    case DataChange::kErased:
      return "erased";
  }
  return "corrected";
}

Result<size_t> RecipientNotices::Queue(ports::Transaction& txn, AuditWriter& audit,
                                       const domain::TenantPolicy& policy,
                                       const std::string& tenant, const std::string& subject,
                                       DataChange change, const std::vector<std::string>& fields,
                                       UnixMicros now) const {
  bool any = std::find(fields.begin(), fields.end(), "*") != fields.end();
  KONFID_ASSIGN_OR_RETURN(auto received, Received(txn, tenant, subject));
  bool en = policy.jurisdiction == "eu-gdpr";
  std::string change_name(DataChangeName(change));
  size_t queued = 0;
  for (const auto& [id, got] : received) {
    std::vector<std::string> told;
    for (const auto& f : got)
      if (any || std::find(fields.begin(), fields.end(), f) != fields.end()) told.push_back(f);
    if (told.empty()) continue;
    std::string reason = "recipient_notice:" + id + ":" + change_name;
    const domain::Recipient* r = policy.FindRecipient(id);
    if (!r || r->notify_email.empty()) {  // no longer declared, or no address: staff tell it
      KONFID_TRY(audit.Append(MakeEvent(NoticesActor(tenant), domain::Operation::kUse, subject,
                                        told, domain::Outcome::kFailed,
                                        reason + (r ? ":no_notify_email" : ":undeclared"))));
      continue;
    }
    text::MailText text =
        text::RenderMailText("recipient-notice", en ? text::Lang::kEn : text::Lang::kRu,
                             {{"operator", en ? policy.op.legal_name.en : policy.op.legal_name.ru},
                              {"recipient", en ? r->name.en : r->name.ru},
                              {"subject", subject},
                              {"fields", LabelList(policy, told, en)},
                              {"contact", policy.op.email},
                              {policy.jurisdiction == "ua-2297" ? "ua" : "ru", "yes"},
                              {change_name, "yes"}});
    ports::OutboxRow message = mail_.NewMessage(tenant, "", "recipient:" + id, now);
    message.payload = mail_.Payload(message.id, r->notify_email, text.subject, text.body, now);
    KONFID_TRY(txn.InsertOutbox(message));
    KONFID_TRY(audit.Append(MakeEvent(NoticesActor(tenant), domain::Operation::kUse, subject, told,
                                      domain::Outcome::kOk, reason)));
    ++queued;
  }
  return queued;
}

}  // namespace konfid::app
