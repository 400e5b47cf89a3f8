#include "app/request_notices.h"

#include <algorithm>

#include "app/checks.h"
#include "domain/blocking.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;

Result<bool> RequestNotices::Queue(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                                   const domain::TenantPolicy& policy, const ports::SubjectRow& row,
                                   const text::RequestNews& news, UnixMicros now) const {
  const domain::FieldSpec* spec = internal::EmailSpec(policy);
  KONFID_ASSIGN_OR_RETURN(auto held, internal::SealedFieldNames(row.fields));
  bool has_email = spec && std::find(held.begin(), held.end(), spec->name) != held.end();
  if (!has_email || row.email_verified_at == 0) {
    KONFID_TRY(audit.Append(
        MakeEvent(who, Operation::kUse, row.id,
                  spec ? std::vector<std::string>{spec->name} : std::vector<std::string>{},
                  Outcome::kDenied, "request_update:unconfirmed")));
    return false;
  }
  if (domain::Disputed(domain::ParseBlockHolds(row.blocked), spec->name)) {
    KONFID_TRY(audit.Append(MakeEvent(who, Operation::kUse, row.id, {spec->name}, Outcome::kDenied,
                                      "request_update:disputed")));
    return false;
  }
  auto lang = mail_.SubjectLang(txn, row.tenant, row.id);
  if (!lang) return Fail(lang.error());
  bool en = *lang == "en";
  KONFID_ASSIGN_OR_RETURN(
      text::MailText text,
      text::RenderRequestNews(policy, news, en ? text::Lang::kEn : text::Lang::kRu));
  // An erasure closed as done is carried out in the same transaction (app/requests.h): its news
  // goes after the subject's key is destroyed, so it is sealed under the tenant's outbox key.
  bool erased = news.kind == "erasure" && news.state == "done";
  KONFID_TRY(mail_.QueueToSubject(
      txn, row, spec->name, erased ? "erasure_done" : "request_update", std::move(text), now,
      erased ? MailComposer::SealUnder::kTenant : MailComposer::SealUnder::kSubject));
  KONFID_TRY(audit.Append(MakeEvent(who, Operation::kUse, row.id, {spec->name}, Outcome::kOk,
                                    "request_update:" + news.state)));
  return true;
}

}  // namespace konfid::app
