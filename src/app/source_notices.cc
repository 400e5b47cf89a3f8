#include "app/source_notices.h"

#include <algorithm>

#include "app/checks.h"
#include "domain/blocking.h"
#include "text/source_notice.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;

std::vector<std::string> SourceNotices::Received(const domain::TenantPolicy& policy,
                                                 const std::vector<std::string>& written) {
  std::vector<std::string> out;
  for (const std::string& name : written) {
    const domain::FieldSpec* spec = policy.catalogue.Find(name);
    if (spec && spec->source == "third_party" && spec->notice_exempt.empty()) out.push_back(name);
  }
  return out;
}

Result<bool> SourceNotices::Queue(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                                  const domain::TenantPolicy& policy, const ports::SubjectRow& row,
                                  const std::vector<std::string>& fields, UnixMicros now) const {
  const domain::FieldSpec* spec = internal::EmailSpec(policy);
  KONFID_ASSIGN_OR_RETURN(auto held, internal::SealedFieldNames(row.fields));
  auto deny = [&](const char* why) -> Result<bool> {
    KONFID_TRY(audit.Append(
        MakeEvent(who, Operation::kUse, row.id,
                  spec ? std::vector<std::string>{spec->name} : std::vector<std::string>{},
                  Outcome::kDenied, std::string("source_notice:") + why)));
    return false;
  };
  if (!spec || std::find(held.begin(), held.end(), spec->name) == held.end())
    return deny("no_address");
  if (domain::Disputed(domain::ParseBlockHolds(row.blocked), spec->name)) return deny("disputed");
  auto lang = mail_.SubjectLang(txn, row.tenant, row.id);
  if (!lang) return Fail(lang.error());
  KONFID_ASSIGN_OR_RETURN(
      text::MailText text,
      text::RenderSourceNotice(policy, fields, *lang == "en" ? text::Lang::kEn : text::Lang::kRu));
  KONFID_TRY(mail_.QueueToSubject(txn, row, spec->name, "source_notice", std::move(text), now));
  KONFID_TRY(audit.Append(
      MakeEvent(who, Operation::kUse, row.id, {spec->name}, Outcome::kOk, "source_notice")));
  return true;
}

}  // namespace konfid::app
