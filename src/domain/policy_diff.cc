#include "domain/policy_diff.h"

#include <algorithm>
#include <set>

namespace konfid::domain {

namespace {

using Kind = PolicyChange::Kind;

std::string Q(const std::string& s) { return "'" + s + "'"; }

std::string Join(const std::vector<std::string>& v, const char* sign) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + std::string(sign) + s;
  return out;
}

// Items of `after` missing from `before`, and the reverse.
std::pair<std::vector<std::string>, std::vector<std::string>> SetDiff(
    const std::vector<std::string>& before, const std::vector<std::string>& after) {
  std::set<std::string> b(before.begin(), before.end()), a(after.begin(), after.end());
  std::vector<std::string> added, removed;
  for (const auto& x : a)
    if (!b.contains(x)) added.push_back(x);
  for (const auto& x : b)
    if (!a.contains(x)) removed.push_back(x);
  return {added, removed};
}

class Differ {
 public:
  void Add(Kind kind, std::string element, std::string detail, bool material) {
    out.push_back({kind, std::move(element), std::move(detail), material});
  }
  // A list that may only grow to widen: fields of a purpose, purposes of a recipient, ...
  void List(const std::string& element, const std::string& what,
            const std::vector<std::string>& before, const std::vector<std::string>& after,
            bool growth_is_material = true) {
    auto [added, removed] = SetDiff(before, after);
    if (!added.empty())
      Add(Kind::kWidened, element, what + ": " + Join(added, "+ "), growth_is_material);
    if (!removed.empty()) Add(Kind::kNarrowed, element, what + ": " + Join(removed, "- "), false);
  }
  void Value(const std::string& element, const std::string& what, const std::string& before,
             const std::string& after, bool material) {
    if (before != after)
      Add(Kind::kChanged, element,
          what + ": " + (before.empty() ? "(none)" : before) + " -> " +
              (after.empty() ? "(none)" : after),
          material);
  }
  std::vector<PolicyChange> out;
};

std::string Text(const Localized& l) { return l.ru == l.en ? l.ru : l.ru + " / " + l.en; }

// "city: Казань=Республика Татарстан, Москва=г. Москва; ...".
std::string RegionsText(const StatisticsPolicy& s) {
  std::string out;
  for (const auto& [field, values] : s.regions) {
    out += (out.empty() ? "" : "; ") + field + ":";
    for (const auto& [value, region] : values) out += " " + value + "=" + region;
  }
  return out;
}

void DiffPurpose(Differ& d, const Purpose& b, const Purpose& a) {
  std::string el = "purpose " + Q(a.id);
  d.Value(el, "ground", b.ground, a.ground, true);
  d.List(el, "fields", b.fields, a.fields);
  d.List(el, "actions", b.actions, a.actions);
  d.Value(el, "methods", b.methods, a.methods, a.methods != "manual" && b.methods == "manual");
  if (b.retention_text != a.retention_text) {
    // Longer from some start date is a widening; the same term in other words ("12 months"
    // for "1 year") is a change of wording only.
    bool longer = !b.retention || !a.retention || CanOutlast(*a.retention, *b.retention);
    bool shorter = !longer && CanOutlast(*b.retention, *a.retention);
    d.Add(longer    ? Kind::kWidened
          : shorter ? Kind::kNarrowed
                    : Kind::kChanged,
          el, "retention: " + b.retention_text + " -> " + a.retention_text, longer);
  }
  d.Value(el, "on expiry", b.on_expiry, a.on_expiry, false);
  // Counted from another event keeps data for another time: material, as a longer term is.
  // (A new ground changes the default start with it, and is material already.)
  if (a.ground == b.ground)
    d.Value(el, "retention from", std::string(RetentionStart(b)), std::string(RetentionStart(a)),
            true);
  if (a.marketing != b.marketing)
    d.Add(a.marketing ? Kind::kWidened : Kind::kNarrowed, el,
          a.marketing ? "now direct marketing" : "no longer direct marketing", a.marketing);
  d.List(el, "channels", b.channels, a.channels);
  d.List(el, "withdrawal", b.withdrawal, a.withdrawal, false);
  if (a.publishes != b.publishes)
    d.Add(a.publishes ? Kind::kWidened : Kind::kNarrowed, el,
          a.publishes ? "now publishes data" : "no longer publishes data", a.publishes);
  d.Value(el, "name", Text(b.name), Text(a.name), false);
  d.Value(el, "description", Text(b.description), Text(a.description), false);
}

void DiffRecipient(Differ& d, const Recipient& b, const Recipient& a) {
  std::string el = "recipient " + Q(a.id);
  d.Value(el, "name", Text(b.name), Text(a.name), false);
  d.Value(el, "address", Text(b.address), Text(a.address), false);
  d.Value(el, "country", b.country, a.country, true);
  d.Value(el, "role", b.role, a.role, a.role == "third_party");
  d.Value(el, "ground", b.ground, a.ground, true);
  d.List(el, "purposes", b.purposes, a.purposes);
  d.List(el, "fields", b.fields, a.fields);
  if (a.cross_border != b.cross_border)
    d.Add(a.cross_border ? Kind::kWidened : Kind::kNarrowed, el,
          a.cross_border ? "now a transfer abroad" : "no longer a transfer abroad", a.cross_border);
}

void DiffField(Differ& d, const FieldSpec& b, const FieldSpec& a) {
  std::string el = "field " + Q(a.name);
  d.Value(el, "type", std::string(FieldTypeName(b.type)), std::string(FieldTypeName(a.type)),
          false);
  if (a.required != b.required)
    d.Add(Kind::kChanged, el, a.required ? "now required" : "now optional", false);
  d.Value(el, "category", b.category, a.category, false);
  if (a.is_public != b.is_public)
    d.Add(a.is_public ? Kind::kWidened : Kind::kNarrowed, el,
          a.is_public ? "may now be published" : "may no longer be published", a.is_public);
  d.Value(el, "label", Text(b.label), Text(a.label), false);
  d.Value(el, "source", b.source, a.source, false);
  d.Value(el, "source_name", Text(b.source_name), Text(a.source_name), false);
  d.Value(el, "notice_exempt", b.notice_exempt, a.notice_exempt, false);
}

template <typename T, typename Id, typename Same>
void DiffById(Differ& d, const std::vector<T>& before, const std::vector<T>& after,
              const std::string& noun, Id id, Same same, bool addition_material = true) {
  for (const auto& a : after) {
    auto it =
        std::find_if(before.begin(), before.end(), [&](const T& b) { return id(b) == id(a); });
    if (it == before.end())
      d.Add(Kind::kAdded, noun + " " + Q(id(a)), "", addition_material);
    else
      same(d, *it, a);
  }
  for (const auto& b : before)
    if (std::none_of(after.begin(), after.end(), [&](const T& a) { return id(a) == id(b); }))
      d.Add(Kind::kRemoved, noun + " " + Q(id(b)), "", false);
}

}  // namespace

std::vector<PolicyChange> DiffPolicies(const TenantPolicy& before, const TenantPolicy& after) {
  Differ d;
  DiffById(
      d, before.purposes, after.purposes, "purpose", [](const Purpose& p) { return p.id; },
      DiffPurpose);
  DiffById(
      d, before.catalogue.fields(), after.catalogue.fields(), "field",
      [](const FieldSpec& f) { return f.name; }, DiffField);
  DiffById(
      d, before.recipients, after.recipients, "recipient", [](const Recipient& r) { return r.id; },
      DiffRecipient);
  auto cookie_id = [](const Cookie& c) { return c.category + ":" + c.service; };
  DiffById(d, before.cookies, after.cookies, "cookie", cookie_id,
           [](Differ& dd, const Cookie& b, const Cookie& a) {
             std::string el = "cookie " + Q(a.service);
             dd.Value(el, "retention", b.retention, a.retention, false);
             dd.Value(el, "provider", b.provider, a.provider, false);
             dd.Value(el, "purpose", Text(b.purpose), Text(a.purpose), false);
           });
  d.Value("events", "retention", before.events.retention, after.events.retention, false);
  d.Value("events", "choice retention", before.events.choice_retention,
          after.events.choice_retention, false);
  d.Value("statistics", "k", std::to_string(before.statistics.k),
          std::to_string(after.statistics.k), false);
  d.Value("statistics", "epsilon", std::to_string(before.statistics.epsilon),
          std::to_string(after.statistics.epsilon), false);
  d.Value("statistics", "quasi_identifiers", Join(before.statistics.quasi_identifiers, ""),
          Join(after.statistics.quasi_identifiers, ""), false);
  d.Value("statistics", "regions", RegionsText(before.statistics), RegionsText(after.statistics),
          false);
  d.Value("tenant", "jurisdiction", before.jurisdiction, after.jurisdiction, true);
  d.Value("tenant", "storage country", before.storage_country, after.storage_country, true);
  d.List("tenant", "channels", before.channels, after.channels);
  d.Value("operator", "legal name", Text(before.op.legal_name), Text(after.op.legal_name), false);
  d.Value("operator", "address", Text(before.op.address), Text(after.op.address), false);
  d.Value("operator", "inn", before.op.inn, after.op.inn, false);
  d.Value("operator", "contact email", before.op.email, after.op.email, false);
  d.Value("operator", "responsible", Text(before.op.responsible), Text(after.op.responsible),
          false);
  d.Value("operator", "ogrn", before.op.ogrn, after.op.ogrn, false);
  d.Value("operator", "phone", before.op.phone, after.op.phone, false);
  d.Value("publication", "url", before.publication.url, after.publication.url, false);
  d.List("publication", "notice", before.publication.notice, after.publication.notice, false);
  d.Value("publication", "notice days", std::to_string(before.publication.notice_days),
          std::to_string(after.publication.notice_days), false);
  d.Value("tenant", "default region", before.default_region, after.default_region, false);
  // The zone only moves the day a request counts from, by hours at most: no processing is
  // added or widened, so no notice is owed. Compared as in effect, so writing the
  // jurisdiction's default out is no change.
  d.Value("tenant", "time zone", std::string(before.TimeZone()), std::string(after.TimeZone()),
          false);
  DiffById(
      d, before.categories, after.categories, "category", [](const Category& c) { return c.id; },
      [](Differ& dd, const Category& b, const Category& a) {
        dd.Value("category " + Q(a.id), "name", Text(b.name), Text(a.name), false);
        if (a.special != b.special)
          dd.Add(a.special ? Kind::kWidened : Kind::kNarrowed, "category " + Q(a.id),
                 a.special ? "now a special category" : "no longer a special category", a.special);
      },
      /*addition_material=*/false);
  return d.out;
}

bool AnyMaterial(const std::vector<PolicyChange>& changes) {
  return std::any_of(changes.begin(), changes.end(), [](const auto& c) { return c.material; });
}

std::string FormatChange(const PolicyChange& c) {
  static const char* kKinds[] = {"added", "removed", "widened", "narrowed", "changed"};
  std::string out = kKinds[static_cast<int>(c.kind)];
  out.resize(9, ' ');
  out += c.element;
  if (!c.detail.empty()) out += ": " + c.detail;
  if (c.material) out += "  [material]";
  return out;
}

}  // namespace konfid::domain
