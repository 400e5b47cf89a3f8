#include "text/destruction_act.h"

#include <map>
#include <utility>

#include "core/encoding.h"
#include "core/time.h"
#include "text/words.h"

namespace konfid::text {

using internal::FormatDate;
using internal::In;
using internal::Moment;

namespace {

Value PartyValue(const domain::DestructionAct::Party& p, Lang lang) {
  return Value()
      .Set("name", In(p.name, lang))
      .Set("address", In(p.address, lang))
      .Set("inn", p.inn)
      .Set("ogrn", p.ogrn)
      .Set("country", p.country.empty() ? "" : internal::Country(p.country, lang));
}

Value::List Destroyed(const domain::DestructionAct& act, Lang lang) {
  Value::List out;
  for (const auto& c : act.destroyed) {
    const std::string& label = In(c.label, lang);
    out.push_back(Value()
                      .Set("field", c.field)
                      .Set("label", label.empty() ? c.field : label)
                      .Set("category", In(c.name, lang).empty() ? c.id : In(c.name, lang)));
  }
  return out;
}

Value::List Kept(const domain::DestructionAct& act, Lang lang) {
  Value::List out;
  for (const auto& k : act.kept) {
    const std::string& label = In(k.label, lang);
    const std::string& purpose = In(k.purpose_name, lang);
    out.push_back(Value()
                      .Set("field", label.empty() ? k.field : label)
                      .Set("purpose", purpose.empty() ? k.purpose : purpose)
                      .Set("until", k.until.empty() ? "" : FormatDate(k.until, lang)));
  }
  return out;
}

Value::List Extract(const domain::DestructionAct& act, Lang lang) {
  Value::List out;
  for (const auto& e : act.audit) {
    std::string fields;
    for (const auto& f : e.fields) fields += (fields.empty() ? "" : ", ") + f;
    out.push_back(Value()
                      .Set("seq", std::to_string(e.seq))
                      .Set("time", Moment(FormatRfc3339(e.time), lang))
                      .Set("actor", e.actor)
                      .Set("operation", e.operation)
                      .Set("fields", fields)
                      .Set("purpose", e.purpose)
                      .Set("outcome", e.outcome)
                      .Set("reason", e.reason)
                      .Set("hash", HexEncode(e.hash)));
  }
  return out;
}

// An API key's role as the act names it (app/roles.h); the role itself when it has no words.
std::string RoleWords(const std::string& role, Lang lang) {
  static const std::map<std::string, std::pair<std::string, std::string>> kWords = {
      {"admin", {"администратор", "administrator"}},
      {"operator", {"сотрудник, ведущий обработку данных", "data processing staff"}},
      {"support", {"служба поддержки", "support"}},
  };
  auto it = kWords.find(role);
  if (it == kWords.end()) return role;
  return lang == Lang::kRu ? it->second.first : it->second.second;
}

// The purposes a retention act names, by name in `lang` ("a, b"); by id where the policy
// gave no name, and from the detail ("a,b") for an act that names none.
std::string Purposes(const domain::DestructionAct& act, Lang lang) {
  if (act.reason != domain::DestructionReason::kRetentionExpired &&
      act.reason != domain::DestructionReason::kConsentWithdrawn)
    return "";
  std::string out;
  if (act.purposes.empty()) {
    for (char c : act.reason_detail) out += c == ',' ? std::string(", ") : std::string(1, c);
    return out;
  }
  for (const auto& p : act.purposes) {
    const std::string& name = lang == Lang::kRu ? p.name.ru : p.name.en;
    out += (out.empty() ? "" : ", ") + (name.empty() ? p.id : "«" + name + "»");
  }
  return out;
}

}  // namespace

std::string RenderDestructionAct(const domain::DestructionAct& act, Lang lang) {
  Value ctx;
  ctx.Set("id", act.id)
      .Set("destroyed_at", Moment(FormatRfc3339(act.destroyed_at), lang))
      .Set("operator", PartyValue(act.op, lang))
      .Set("subject", act.subject)
      .Set("destroyed", Destroyed(act, lang))
      .Set("kept", Kept(act, lang))
      .Set("has_kept", !act.kept.empty())
      .Set("information_system", act.information_system)
      .Set("method_" + std::string(domain::DestructionMethodName(act.method)), true)
      .Set("reason_" + std::string(domain::DestructionReasonName(act.reason)), true)
      .Set("reason_detail", act.reason_detail)
      .Set("actor", act.actor)
      .Set("role_words", RoleWords(act.actor_role, lang))
      .Set("purposes", Purposes(act, lang))
      .Set("by_job", act.actor_role.empty())
      .Set("extract", Extract(act, lang));
  Value::List processors;
  for (const auto& p : act.processors) processors.push_back(PartyValue(p, lang));
  ctx.Set("has_processors", !processors.empty()).Set("processors", std::move(processors));
  return internal::RenderPage("destruction-act", ctx, lang);
}

}  // namespace konfid::text
