#include "text/access_reply.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "text/template.h"
#include "text/words.h"

namespace konfid::text {

namespace {

using domain::TenantPolicy;
using internal::Country;
using internal::FormatDate;
using internal::In;
using internal::Moment;
using internal::Word;

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string Label(const TenantPolicy& p, const std::string& field, Lang lang) {
  const domain::FieldSpec* f = p.catalogue.Find(field);
  if (!f || In(f->label, lang).empty()) return field;
  return In(f->label, lang);
}

Value Labels(const TenantPolicy& p, const std::vector<std::string>& fields, Lang lang) {
  Value::List list;
  for (const auto& f : fields) list.push_back(Value().Set("label", Label(p, f, lang)));
  return list;
}

Value Items(const std::vector<std::string>& keys, const std::string& prefix, Lang lang) {
  Value::List list;
  for (const auto& k : keys) list.push_back(Value().Set("text", Word(prefix + k, lang)));
  return list;
}

// The names of `ids` among the policy's purposes, an unknown id as it is.
Value PurposeNames(const TenantPolicy& p, const std::vector<std::string>& ids, Lang lang) {
  Value::List list;
  for (const auto& id : ids) {
    const domain::Purpose* pur = p.FindPurpose(id);
    list.push_back(Value().Set("name", pur ? In(pur->name, lang) : id));
  }
  return list;
}

// The fields held and those blocked.
struct Held {
  std::set<std::string> fields;
  bool all_blocked = false;
  std::set<std::string> blocked;
  bool IsBlocked(const std::string& f) const { return all_blocked || blocked.contains(f); }
};

Held HeldOf(const AccessFacts& facts) {
  Held h;
  for (const auto& d : facts.data) h.fields.insert(d.field);
  for (const auto& b : facts.blocked) {
    if (b == "*") h.all_blocked = true;
    h.blocked.insert(b);
  }
  return h;
}

void SetData(Value& ctx, const TenantPolicy& p, const AccessFacts& facts, const Held& held,
             Lang lang) {
  Value::List rows;
  bool any_blocked = false, all_from_subject = true;
  for (const auto& d : facts.data) {
    const domain::FieldSpec* f = p.catalogue.Find(d.field);
    const domain::Category* c = f ? p.FindCategory(f->category) : nullptr;
    bool blocked = held.IsBlocked(d.field);
    any_blocked = any_blocked || blocked;
    std::string source = Word("source." + (f ? f->source : std::string("subject")), lang);
    if (f && f->source == "third_party") source += " — " + In(f->source_name, lang);
    all_from_subject = all_from_subject && (!f || f->source == "subject");
    rows.push_back(Value()
                       .Set("label", Label(p, d.field, lang))
                       .Set("value", d.value)
                       .Set("category", c ? In(c->name, lang) : "")
                       .Set("source", source)
                       .Set("blocked", blocked));
  }
  ctx.Set("has_data", !rows.empty());
  ctx.Set("data", std::move(rows));
  ctx.Set("any_blocked", any_blocked);
  ctx.Set("all_from_subject", all_from_subject);
  ctx.Set("all_blocked", held.all_blocked);
}

Value ConsentValue(const AccessFacts::Consent* c, Lang lang) {
  Value v;
  std::string state = c ? c->state : "none";
  if (state.empty()) state = "none";
  bool given = state == "given" || state == "renewed";
  v.Set("is_" + state, true)
      .Set("live", c && c->live)
      // Given or renewed but not live: its term ran out or the purpose changed since; the facts
      // do not say which.
      .Set("lapsed", given && c && !c->live);
  if (c && !c->since.empty()) v.Set("since", Moment(c->since, lang));
  if (c && !c->expires_at.empty()) v.Set("until", Moment(c->expires_at, lang));
  return v;
}

// The purposes that touch the subject: those using a field held, and those whose consent the
// facts report, in the policy's order.
void SetPurposes(Value& ctx, const TenantPolicy& p, const AccessFacts& facts, const Held& held,
                 Lang lang, std::vector<std::string>& shown) {
  Value::List list;
  for (const auto& pur : p.purposes) {
    const AccessFacts::Consent* consent = nullptr;
    for (const auto& c : facts.consents)
      if (c.purpose == pur.id) consent = &c;
    std::vector<std::string> used;
    for (const auto& f : pur.fields)
      if (held.fields.contains(f)) used.push_back(f);
    if (used.empty() && !consent) continue;
    shown.push_back(pur.id);
    Value v;
    v.Set("index", std::to_string(list.size() + 1))
        .Set("name", In(pur.name, lang))
        .Set("description", In(pur.description, lang))
        .Set("ground", Word("ground." + pur.ground + "." + p.jurisdiction, lang))
        .Set("fields", Labels(p, used, lang))
        .Set("actions", Items(pur.actions, "action.", lang))
        .Set("methods", Word("methods." + pur.methods, lang))
        .Set("retention", internal::RetentionWords(pur.retention, lang))
        .Set("term", internal::TermWords(pur, lang))
        .Set("on_expiry", Word("on_expiry." + pur.on_expiry, lang))
        .Set("marketing", pur.marketing)
        .Set("stopped",
             std::find(facts.stopped.begin(), facts.stopped.end(), pur.id) != facts.stopped.end());
    if (pur.ground == "consent") v.Set("consent", ConsentValue(consent, lang));
    list.push_back(std::move(v));
  }
  ctx.Set("has_purposes", !list.empty());
  ctx.Set("purposes", std::move(list));
}

// The recipients that may receive some field held for some purpose shown, with those fields.
void SetRecipients(Value& ctx, const TenantPolicy& p, const Held& held,
                   const std::vector<std::string>& shown, Lang lang) {
  Value::List list, abroad;
  for (const auto& r : p.recipients) {
    std::vector<std::string> fields, purposes;
    for (const auto& f : r.fields)
      if (held.fields.contains(f)) fields.push_back(f);
    for (const auto& id : r.purposes)
      if (Contains(shown, id)) purposes.push_back(id);
    if (fields.empty() || purposes.empty()) continue;
    Value v;
    v.Set("name", In(r.name, lang))
        .Set("address", In(r.address, lang))
        .Set("country", Country(r.country, lang))
        .Set("role", Word("role." + r.role, lang))
        .Set("processor", r.role == "processor")
        .Set("purposes", PurposeNames(p, purposes, lang))
        .Set("fields", Labels(p, fields, lang))
        .Set("ground", Word("ground." + r.ground + "." + p.jurisdiction, lang));
    if (r.cross_border) abroad.push_back(v);
    list.push_back(std::move(v));
  }
  ctx.Set("has_recipients", !list.empty());
  ctx.Set("recipients", std::move(list));
  ctx.Set("has_cross_border", !abroad.empty());
  ctx.Set("cross_border", std::move(abroad));
}

void SetDisclosures(Value& ctx, const TenantPolicy& p, const AccessFacts& facts, Lang lang) {
  Value::List list;
  for (const auto& d : facts.disclosures) {
    std::string name = d.recipient;
    for (const auto& r : p.recipients)
      if (r.id == d.recipient) name = In(r.name, lang);
    list.push_back(Value()
                       .Set("time", Moment(d.time, lang))
                       .Set("recipient", name)
                       .Set("fields", Labels(p, d.fields, lang))
                       .Set("purpose", PurposeNames(p, {d.purpose}, lang)));
  }
  ctx.Set("has_disclosures", !list.empty());
  ctx.Set("disclosures", std::move(list));
}

void SetRequests(Value& ctx, const AccessFacts& facts, Lang lang) {
  Value::List list;
  for (const auto& r : facts.requests) {
    Value::List history;
    for (const auto& h : r.history) {
      size_t sp = h.find(' ');
      std::string state = sp == std::string::npos ? "" : h.substr(sp + 1);
      history.push_back(Value()
                            .Set("time", Moment(h.substr(0, sp), lang))
                            .Set("state", Word("request.state." + state, lang, state)));
    }
    Value v;
    v.Set("id", r.id)
        .Set("kind", Word("request.kind." + r.kind, lang, r.kind))
        .Set("state", Word("request.state." + r.state, lang, r.state))
        .Set("received", Moment(r.received_on, lang))
        .Set("history", std::move(history));
    if (!r.due_on.empty()) v.Set("due", Moment(r.due_on, lang));
    list.push_back(std::move(v));
  }
  ctx.Set("has_requests", !list.empty());
  ctx.Set("requests", std::move(list));
}

}  // namespace

std::string RenderAccessReply(const TenantPolicy& policy, const AccessFacts& facts, Lang lang) {
  Held held = HeldOf(facts);
  Value ctx;
  ctx.Set("subject", facts.subject)
      .Set("generated", Moment(facts.generated_at, lang))
      .Set("operator", internal::OperatorValue(policy.op, lang))
      .Set("jurisdiction", internal::JurisdictionValue(policy, lang))
      .Set("storage_country", Country(policy.storage_country, lang))
      .Set("policy_url", policy.publication.url);
  if (facts.policy_version > 0) ctx.Set("policy_version", std::to_string(facts.policy_version));
  bool has_cabinet = false;
  for (const auto& pur : policy.purposes)
    has_cabinet = has_cabinet || Contains(pur.withdrawal, "cabinet");
  ctx.Set("has_cabinet", has_cabinet);
  SetData(ctx, policy, facts, held, lang);
  std::vector<std::string> shown;
  SetPurposes(ctx, policy, facts, held, lang, shown);
  SetRecipients(ctx, policy, held, shown, lang);
  SetDisclosures(ctx, policy, facts, lang);
  SetRequests(ctx, facts, lang);
  return internal::RenderPage("access-reply", ctx, lang);
}

}  // namespace konfid::text
