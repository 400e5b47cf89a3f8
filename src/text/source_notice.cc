#include "text/source_notice.h"

#include <algorithm>

#include "text/words.h"

namespace konfid::text {

using internal::In;
using internal::Word;

namespace {

bool Uses(const std::vector<std::string>& declared, const std::vector<std::string>& fields) {
  return std::any_of(fields.begin(), fields.end(), [&](const std::string& f) {
    return std::find(declared.begin(), declared.end(), f) != declared.end();
  });
}

// The fields by who gave them, in the order they are named.
Result<Value::List> Sources(const domain::TenantPolicy& policy,
                            const std::vector<std::string>& fields, Lang lang) {
  std::vector<std::pair<std::string, std::string>> by_source;  // source name, labels
  for (const std::string& name : fields) {
    const domain::FieldSpec* spec = policy.catalogue.Find(name);
    if (!spec || spec->source != "third_party")
      return Fail(Error(ErrorCode::kInvalidArgument,
                        "'" + name + "' is not declared as received from a third party")
                      .WithReason("invalid_value"));
    std::string source = In(spec->source_name, lang);
    auto it = std::find_if(by_source.begin(), by_source.end(),
                           [&](const auto& s) { return s.first == source; });
    if (it == by_source.end()) it = by_source.insert(by_source.end(), {source, ""});
    if (!it->second.empty()) it->second += ", ";
    it->second += In(spec->label, lang);
  }
  Value::List out;
  for (auto& [source, labels] : by_source)
    out.push_back(Value().Set("source", source).Set("fields", labels));
  return out;
}

}  // namespace

Result<MailText> RenderSourceNotice(const domain::TenantPolicy& policy,
                                    const std::vector<std::string>& fields, Lang lang) {
  if (fields.empty())
    return Fail(Error(ErrorCode::kInvalidArgument, "a source notice names the fields received")
                    .WithReason("invalid_value"));
  KONFID_ASSIGN_OR_RETURN(Value::List sources, Sources(policy, fields, lang));
  Value::List purposes;
  for (const domain::Purpose& p : policy.purposes) {
    if (!Uses(p.fields, fields)) continue;
    purposes.push_back(
        Value()
            .Set("name", In(p.name, lang))
            .Set("ground", Word("ground." + p.ground + "." + policy.jurisdiction, lang, p.ground))
            .Set("term", internal::TermWords(p, lang)));
  }
  Value::List recipients;
  for (const domain::Recipient& r : policy.recipients) {
    if (!Uses(r.fields, fields)) continue;
    recipients.push_back(
        Value().Set("name", In(r.name, lang)).Set("country", internal::Country(r.country, lang)));
  }
  Value ctx;
  ctx.Set("operator", internal::OperatorValue(policy.op, lang))
      .Set("sources", std::move(sources))
      .Set("purposes", std::move(purposes))
      .Set("has_recipients", !recipients.empty())
      .Set("recipients", std::move(recipients))
      .Set("policy_url", policy.publication.url)
      .Set("law", internal::JurisdictionValue(policy, lang));
  return internal::RenderMail("source-notice", lang, ctx);
}

}  // namespace konfid::text
