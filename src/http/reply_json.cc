#include "http/reply_json.h"

#include <set>

#include "domain/blocking.h"
#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

json::object Loc(const domain::Localized& l) { return json::object{{"ru", l.ru}, {"en", l.en}}; }

json::array Strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

std::string Time(UnixMicros t) { return t ? FormatRfc3339(t) : ""; }

json::object ConsentJson(const domain::ConsentState& st) {
  return json::object{{"state", st.last ? domain::ConsentKindName(*st.last) : "none"},
                      {"live", st.live},
                      {"since", Time(st.since)},
                      {"expires_at", Time(st.expires_at)},
                      {"policy_version", st.policy_version}};
}

json::array PurposesJson(const app::AccessReply& reply) {
  json::array out;
  const std::set<std::string> stopped = domain::ParseBlockHolds(reply.blocked).stopped;
  for (const domain::Purpose* p : app::PurposesHeld(reply)) {
    std::vector<std::string> held;
    for (const auto& f : p->fields)
      if (reply.data.count(f)) held.push_back(f);
    json::object o{{"id", p->id},
                   {"name", Loc(p->name)},
                   {"description", Loc(p->description)},
                   {"ground", p->ground},
                   {"fields", Strings(held)},
                   {"actions", Strings(p->actions)},
                   {"methods", p->methods},
                   {"retention", p->retention_text},
                   {"on_expiry", p->on_expiry},
                   {"stopped", stopped.contains(p->id)}};
    auto c = reply.consents.find(p->id);
    o["consent"] =
        c == reply.consents.end() ? json::value(nullptr) : json::value(ConsentJson(c->second));
    out.push_back(std::move(o));
  }
  return out;
}

json::array RecipientsJson(const domain::TenantPolicy& policy) {
  json::array out;
  for (const auto& r : policy.recipients)
    out.push_back(json::object{{"id", r.id},
                               {"name", Loc(r.name)},
                               {"address", Loc(r.address)},
                               {"country", r.country},
                               {"role", r.role},
                               {"purposes", Strings(r.purposes)},
                               {"fields", Strings(r.fields)},
                               {"cross_border", r.cross_border}});
  return out;
}

json::object OperatorJson(const domain::Operator& op) {
  return json::object{{"name", Loc(op.legal_name)},
                      {"address", Loc(op.address)},
                      {"inn", op.inn},
                      {"ogrn", op.ogrn},
                      {"email", op.email},
                      {"phone", op.phone},
                      {"responsible", Loc(op.responsible)}};
}

}  // namespace

json::object RequestJson(const app::RequestView& r) {
  json::array history;
  for (const auto& s : r.history)
    history.push_back(json::object{{"time", FormatRfc3339(s.time)},
                                   {"state", domain::RequestStateName(s.state)}});
  json::object o{{"id", r.id},
                 {"subject", r.subject},
                 {"kind", domain::RequestKindName(r.kind)},
                 {"state", domain::RequestStateName(r.state)},
                 {"channel", domain::RequestChannelName(r.channel)},
                 {"received_on", r.received_on},
                 {"due_on", r.due_on.empty() ? json::value(nullptr) : json::value(r.due_on)},
                 {"term", r.source},
                 {"overdue", r.overdue},
                 {"extendable", r.extendable},
                 {"history", std::move(history)},
                 {"created_at", FormatRfc3339(r.created_at)},
                 {"updated_at", FormatRfc3339(r.updated_at)}};
  if (!r.deadline_error.empty()) o["deadline_error"] = r.deadline_error;
  if (r.details) {
    o["details"] = json::object{{"text", r.details->text},
                                {"document", r.details->document},
                                {"fields", Strings(r.details->fields)},
                                {"purposes", Strings(r.details->purposes)},
                                {"reason", r.details->reason},
                                {"ground", r.details->ground}};
  }
  return o;
}

json::object DisclosureJson(const app::DisclosureView& d, bool with_actor) {
  json::value document = nullptr;
  if (d.document)
    document = json::object{{"authority", d.document->authority},
                            {"number", d.document->number},
                            {"date", domain::FormatIsoDate(d.document->date)}};
  json::object o{
      {"id", d.id},
      {"subject", d.subject},
      {"recipient", d.recipient.empty() ? json::value(nullptr) : json::value(d.recipient)},
      {"purpose", d.purpose.empty() ? json::value(nullptr) : json::value(d.purpose)},
      {"fields", Strings(d.fields)},
      {"ground", d.ground},
      {"document", std::move(document)},
      {"time", FormatRfc3339(d.time)}};
  if (d.document_erased) o["document_erased"] = true;
  if (with_actor) o["actor"] = d.actor;
  return o;
}

json::object AccessReplyJson(const app::AccessReply& reply) {
  const domain::TenantPolicy& policy = *reply.policy;
  json::array data, consents, events, requests, disclosures, cross_border, processors;
  domain::Blocked blocked = domain::ParseBlockHolds(reply.blocked).Effective();
  for (const auto& spec : policy.catalogue.fields()) {
    auto it = reply.data.find(spec.name);
    if (it == reply.data.end()) continue;
    json::object datum{{"field", spec.name},
                       {"label", Loc(spec.label)},
                       {"category", spec.category},
                       {"value", it->second},
                       {"source", spec.source},
                       {"blocked", blocked.all || blocked.fields.count(spec.name) > 0}};
    if (spec.source == "third_party") datum["source_name"] = Loc(spec.source_name);
    data.push_back(std::move(datum));
  }
  // Held but no longer in the catalogue (a field the policy dropped): held, so disclosed,
  // under its stored name; collected as a field of the subject's own.
  for (const auto& [name, value] : reply.data) {
    if (policy.catalogue.Find(name)) continue;
    data.push_back(json::object{{"field", name},
                                {"label", json::object{{"ru", name}, {"en", name}}},
                                {"category", ""},
                                {"value", value},
                                {"source", "subject"},
                                {"blocked", blocked.all || blocked.fields.count(name) > 0}});
  }
  for (const auto& e : reply.consent_events) events.push_back(ConsentEventJson(e));
  for (const auto& r : reply.requests) requests.push_back(RequestJson(r));
  for (const auto& d : reply.disclosures) disclosures.push_back(DisclosureJson(d, false));
  for (const auto& r : policy.recipients) {
    if (r.cross_border)
      cross_border.push_back(json::object{{"recipient", r.id}, {"country", r.country}});
    if (r.role == "processor")
      processors.push_back(json::object{{"name", Loc(r.name)}, {"address", Loc(r.address)}});
  }
  return json::object{{"subject", reply.subject},
                      {"generated_at", FormatRfc3339(reply.generated_at)},
                      {"policy_version", reply.policy_version},
                      {"jurisdiction", policy.jurisdiction},
                      {"processing", true},
                      {"operator", OperatorJson(policy.op)},
                      {"data", std::move(data)},
                      {"purposes", PurposesJson(reply)},
                      {"recipients", RecipientsJson(policy)},
                      {"processors", std::move(processors)},
                      {"cross_border_transfers", std::move(cross_border)},
                      {"storage_country", policy.storage_country},
                      {"disclosures", std::move(disclosures)},
                      {"consent_events", std::move(events)},
                      {"requests", std::move(requests)},
                      {"rights", "/v1/self/requests"},
                      {"policy_url", policy.publication.url}};
}

text::AccessFacts AccessFactsOf(const app::AccessReply& reply) {
  text::AccessFacts f;
  f.subject = reply.subject;
  f.generated_at = FormatRfc3339(reply.generated_at);
  f.policy_version = reply.policy_version;
  for (const auto& spec : reply.policy->catalogue.fields()) {
    auto it = reply.data.find(spec.name);
    if (it != reply.data.end()) f.data.push_back({spec.name, it->second});
  }
  domain::BlockHolds holds = domain::ParseBlockHolds(reply.blocked);
  domain::Blocked blocked = holds.Effective();
  if (blocked.all) f.blocked = {"*"};
  for (const auto& b : blocked.fields) f.blocked.push_back(b);
  f.stopped.assign(holds.stopped.begin(), holds.stopped.end());
  for (const auto& [purpose, st] : reply.consents)
    f.consents.push_back({purpose,
                          st.last ? std::string(domain::ConsentKindName(*st.last)) : "none",
                          st.live, Time(st.since), Time(st.expires_at)});
  for (const auto& r : reply.requests) {
    text::AccessFacts::Request q{r.id,
                                 std::string(domain::RequestKindName(r.kind)),
                                 std::string(domain::RequestStateName(r.state)),
                                 r.received_on,
                                 r.due_on,
                                 {}};
    for (const auto& s : r.history)
      q.history.push_back(FormatRfc3339(s.time) + " " +
                          std::string(domain::RequestStateName(s.state)));
    f.requests.push_back(std::move(q));
  }
  // An authority is named by its document: "<authority>, No. <number>, <date>".
  for (const auto& d : reply.disclosures)
    f.disclosures.push_back({d.document ? d.document->authority + ", № " + d.document->number +
                                              ", " + domain::FormatIsoDate(d.document->date)
                                        : d.recipient,
                             d.fields, d.purpose, FormatRfc3339(d.time)});
  return f;
}

}  // namespace konfid::http
