#include "app/request_notices.h"

#include <algorithm>

#include "app/checks.h"
#include "domain/blocking.h"

namespace konfid::app {

namespace {

// Whether an open rectification claims `field` is wrong: then it may be someone else's address.
bool Disputed(const ports::SubjectRow& row, const std::string& field) {
  domain::BlockHolds holds = domain::ParseBlockHolds(row.blocked);
  for (const auto& [request, blocked] : holds.requests)
    if (blocked.all || blocked.fields.count(field)) return true;
  return false;
}

}  // namespace

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
  if (Disputed(row, spec->name)) {
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
  std::vector<std::string> only = {spec->name};
  KONFID_ASSIGN_OR_RETURN(domain::FieldValues values, k_.OpenFields(row, &only));
  std::string& to = values[spec->name];
  ports::OutboxRow message = mail_.NewMessage(row.tenant, row.id, "request_update", now);
  Bytes payload = mail_.Payload(message.id, to, text.subject, text.body, now);
  SecureWipe(to.data(), to.size());
  SecureWipe(text.body.data(), text.body.size());
  KONFID_ASSIGN_OR_RETURN(SecretBytes key, k_.SubjectKey(row));
  message.payload = mail_.Seal(key, payload, message);
  SecureWipe(payload.data(), payload.size());
  KONFID_TRY(txn.InsertOutbox(message));
  KONFID_TRY(audit.Append(
      MakeEvent(who, Operation::kUse, row.id, only, Outcome::kOk, "request_update:" + news.state)));
  return true;
}

}  // namespace konfid::app
