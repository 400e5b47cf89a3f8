// The policy file's grammar: see docs/policy.md. Structural errors (syntax, unknown keys,
// wrong types) stop the reading; rules about the content are domain::CheckPolicy's.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "adapters/config/toml_config.h"

namespace konfid::adapters {

namespace {

int Line(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

class Reader {
 public:
  explicit Reader(const std::string& name) : name_(name) {}

  Error Bad(const toml::node& node, const std::string& what) const {
    return Error(ErrorCode::kInvalidArgument,
                 name_ + ":" + std::to_string(Line(node)) + ": error: " + what);
  }

  Status Keys(const toml::table& t, std::set<std::string> known, const std::string& where) const {
    for (const auto& [k, v] : t)
      if (!known.contains(std::string(k.str())))
        return Fail(Bad(v, "unknown key '" + std::string(k.str()) + "' in " + where));
    return Ok();
  }

  Result<std::string> String(const toml::table& t, const char* key,
                             std::string fallback = {}) const {
    const toml::node* n = t.get(key);
    if (!n) return fallback;
    if (!n->is_string()) return Fail(Bad(*n, std::string("'") + key + "' must be a string"));
    return std::string(n->as_string()->get());
  }

  Result<std::string> Required(const toml::table& t, const char* key,
                               const std::string& where) const {
    if (!t.get(key)) return Fail(Bad(t, where + " needs '" + key + "'"));
    return String(t, key);
  }

  Result<bool> Bool(const toml::table& t, const char* key, bool fallback) const {
    const toml::node* n = t.get(key);
    if (!n) return fallback;
    if (!n->is_boolean()) return Fail(Bad(*n, std::string("'") + key + "' must be true or false"));
    return n->as_boolean()->get();
  }

  Result<std::vector<std::string>> Strings(const toml::table& t, const char* key) const {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) return Fail(Bad(*n, std::string("'") + key + "' must be a list of strings"));
    for (const auto& item : *a) {
      if (!item.is_string()) return Fail(Bad(item, std::string("'") + key + "' must hold strings"));
      out.push_back(std::string(item.as_string()->get()));
    }
    return out;
  }

  // A text in both languages: { ru = "...", en = "..." }, or one string for both.
  Result<domain::Localized> Text(const toml::table& t, const char* key) const {
    domain::Localized out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    if (n->is_string()) {
      out.ru = out.en = std::string(n->as_string()->get());
      return out;
    }
    const toml::table* tt = n->as_table();
    if (!tt)
      return Fail(
          Bad(*n, std::string("'") + key + "' must be a string or { ru = \"...\", en = \"...\" }"));
    KONFID_TRY(Keys(*tt, {"ru", "en"}, std::string("'") + key + "'"));
    KONFID_ASSIGN_OR_RETURN(out.ru, String(*tt, "ru"));
    KONFID_ASSIGN_OR_RETURN(out.en, String(*tt, "en"));
    return out;
  }

  // The tables of an array of tables such as [[field]].
  Result<std::vector<const toml::table*>> Tables(const toml::table& root, const char* key) const {
    std::vector<const toml::table*> out;
    const toml::node* n = root.get(key);
    if (!n) return out;
    const toml::array* arr = n->as_array();
    if (!arr) return Fail(Bad(*n, std::string("'") + key + "' must be written [[" + key + "]]"));
    for (const auto& item : *arr) {
      const toml::table* t = item.as_table();
      if (!t) return Fail(Bad(item, std::string("[[") + key + "]] must be a table"));
      out.push_back(t);
    }
    return out;
  }

 private:
  const std::string& name_;
};

bool IsFieldName(std::string_view s) {
  if (s.empty() || s.size() > 63 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

Status ReadTenant(const Reader& r, const toml::table& root, domain::TenantPolicy& p) {
  const toml::table* t = root["tenant"].as_table();
  if (!t) return Fail(r.Bad(root, "the policy needs a [tenant] table"));
  KONFID_TRY(r.Keys(*t,
                    {"id", "jurisdiction", "default_region", "storage_country", "time_zone",
                     "channels", "information_system"},
                    "[tenant]"));
  p.line = Line(*t);
  KONFID_ASSIGN_OR_RETURN(p.tenant, r.Required(*t, "id", "[tenant]"));
  KONFID_ASSIGN_OR_RETURN(p.jurisdiction, r.String(*t, "jurisdiction", "ru-152fz"));
  KONFID_ASSIGN_OR_RETURN(p.default_region, r.String(*t, "default_region", "RU"));
  KONFID_ASSIGN_OR_RETURN(p.storage_country, r.String(*t, "storage_country", "RU"));
  // Whether the zone exists is the time-zone database's to say: the service asks it at start.
  KONFID_ASSIGN_OR_RETURN(p.time_zone, r.String(*t, "time_zone"));
  if (const toml::node* n = t->get("time_zone"); n && p.time_zone.empty())
    return Fail(r.Bad(*n, "'time_zone' must name a zone, such as \"Europe/Moscow\""));
  KONFID_ASSIGN_OR_RETURN(p.channels, r.Strings(*t, "channels"));
  KONFID_ASSIGN_OR_RETURN(p.information_system, r.String(*t, "information_system"));
  return Ok();
}

Status ReadOperator(const Reader& r, const toml::table& root, domain::TenantPolicy& p) {
  const toml::table* t = root["operator"].as_table();
  if (!t) return Ok();  // the checks name what is missing
  KONFID_TRY(r.Keys(*t, {"legal_name", "inn", "ogrn", "address", "email", "phone", "responsible"},
                    "[operator]"));
  domain::Operator& op = p.op;
  op.line = Line(*t);
  KONFID_ASSIGN_OR_RETURN(op.legal_name, r.Text(*t, "legal_name"));
  KONFID_ASSIGN_OR_RETURN(op.inn, r.String(*t, "inn"));
  KONFID_ASSIGN_OR_RETURN(op.ogrn, r.String(*t, "ogrn"));
  KONFID_ASSIGN_OR_RETURN(op.address, r.Text(*t, "address"));
  KONFID_ASSIGN_OR_RETURN(op.email, r.String(*t, "email"));
  KONFID_ASSIGN_OR_RETURN(op.phone, r.String(*t, "phone"));
  KONFID_ASSIGN_OR_RETURN(op.responsible, r.Text(*t, "responsible"));
  return Ok();
}

Status ReadPublication(const Reader& r, const toml::table& root, domain::TenantPolicy& p) {
  const toml::table* t = root["publication"].as_table();
  if (!t) return Ok();
  KONFID_TRY(r.Keys(*t, {"url", "notice", "notice_days"}, "[publication]"));
  p.publication.line = Line(*t);
  KONFID_ASSIGN_OR_RETURN(p.publication.url, r.String(*t, "url"));
  KONFID_ASSIGN_OR_RETURN(p.publication.notice, r.Strings(*t, "notice"));
  if (const toml::node* n = t->get("notice_days")) {
    auto v = n->value_exact<int64_t>();  // not a float: toml++ casts those unchecked
    if (!v || *v < 0 || *v > 365) return Fail(r.Bad(*n, "notice_days must be 0..365"));
    p.publication.notice_days = static_cast<int>(*v);
  }
  return Ok();
}

Status ReadCategories(const Reader& r, const toml::table& root, domain::TenantPolicy& p) {
  KONFID_ASSIGN_OR_RETURN(auto tables, r.Tables(root, "category"));
  for (const toml::table* t : tables) {
    KONFID_TRY(r.Keys(*t, {"id", "name", "special"}, "[[category]]"));
    domain::Category c;
    c.line = Line(*t);
    KONFID_ASSIGN_OR_RETURN(c.id, r.Required(*t, "id", "[[category]]"));
    KONFID_ASSIGN_OR_RETURN(c.name, r.Text(*t, "name"));
    KONFID_ASSIGN_OR_RETURN(c.special, r.Bool(*t, "special", false));
    p.categories.push_back(std::move(c));
  }
  return Ok();
}

Status ReadFields(const Reader& r, const toml::table& root, domain::TenantPolicy& p) {
  KONFID_ASSIGN_OR_RETURN(auto tables, r.Tables(root, "field"));
  std::vector<domain::FieldSpec> fields;
  for (const toml::table* t : tables) {
    KONFID_TRY(
        r.Keys(*t,
               {"name", "type", "required", "max_length", "lookup", "values", "label", "category",
                "public", "identifies", "source", "source_name", "notice_exempt"},
               "[[field]]"));
    domain::FieldSpec f;
    f.line = Line(*t);
    KONFID_ASSIGN_OR_RETURN(f.name, r.Required(*t, "name", "[[field]]"));
    if (!IsFieldName(f.name))
      return Fail(r.Bad(*t, "field name '" + f.name + "' must be a-z, 0-9 and '_'"));
    KONFID_ASSIGN_OR_RETURN(std::string type, r.String(*t, "type", "string"));
    auto parsed = domain::ParseFieldType(type);
    if (!parsed)
      return Fail(r.Bad(*t, "field '" + f.name + "' has unknown type '" + type +
                                "' (string, email, phone, date, enum)"));
    f.type = *parsed;
    KONFID_ASSIGN_OR_RETURN(f.required, r.Bool(*t, "required", false));
    if (const toml::node* ml = t->get("max_length")) {
      auto v = ml->value_exact<int64_t>();
      if (!v || *v <= 0) return Fail(r.Bad(*ml, "max_length must be a positive integer"));
      f.max_length = static_cast<size_t>(*v);
    }
    bool default_lookup =
        f.type == domain::FieldType::kEmail || f.type == domain::FieldType::kPhone;
    KONFID_ASSIGN_OR_RETURN(f.lookup, r.Bool(*t, "lookup", default_lookup));
    KONFID_ASSIGN_OR_RETURN(f.values, r.Strings(*t, "values"));
    KONFID_ASSIGN_OR_RETURN(f.label, r.Text(*t, "label"));
    KONFID_ASSIGN_OR_RETURN(f.category, r.String(*t, "category"));
    KONFID_ASSIGN_OR_RETURN(f.is_public, r.Bool(*t, "public", false));
    KONFID_ASSIGN_OR_RETURN(f.identifies, r.Bool(*t, "identifies", false));
    KONFID_ASSIGN_OR_RETURN(f.source, r.String(*t, "source", "subject"));
    KONFID_ASSIGN_OR_RETURN(f.source_name, r.Text(*t, "source_name"));
    KONFID_ASSIGN_OR_RETURN(f.notice_exempt, r.String(*t, "notice_exempt"));
    fields.push_back(std::move(f));
  }
  p.catalogue = domain::FieldCatalogue(std::move(fields));
  return Ok();
}

Status ReadPurposes(const Reader& r, const toml::table& root, domain::TenantPolicy& p) {
  KONFID_ASSIGN_OR_RETURN(auto tables, r.Tables(root, "purpose"));
  for (const toml::table* t : tables) {
    KONFID_TRY(r.Keys(*t,
                      {"id", "name", "description", "ground", "fields", "actions", "methods",
                       "retention", "retention_from", "on_expiry", "marketing", "channels",
                       "withdrawal", "publishes", "published_where"},
                      "[[purpose]]"));
    domain::Purpose pur;
    pur.line = Line(*t);
    KONFID_ASSIGN_OR_RETURN(pur.id, r.Required(*t, "id", "[[purpose]]"));
    KONFID_ASSIGN_OR_RETURN(pur.name, r.Text(*t, "name"));
    KONFID_ASSIGN_OR_RETURN(pur.description, r.Text(*t, "description"));
    KONFID_ASSIGN_OR_RETURN(pur.ground, r.Required(*t, "ground", "[[purpose]]"));
    KONFID_ASSIGN_OR_RETURN(pur.fields, r.Strings(*t, "fields"));
    KONFID_ASSIGN_OR_RETURN(pur.actions, r.Strings(*t, "actions"));
    KONFID_ASSIGN_OR_RETURN(pur.methods, r.String(*t, "methods", "mixed"));
    KONFID_ASSIGN_OR_RETURN(pur.retention_text, r.String(*t, "retention"));
    pur.retention = domain::ParseRetention(pur.retention_text);
    KONFID_ASSIGN_OR_RETURN(pur.on_expiry, r.String(*t, "on_expiry", "destroy"));
    KONFID_ASSIGN_OR_RETURN(pur.retention_from, r.String(*t, "retention_from"));
    KONFID_ASSIGN_OR_RETURN(pur.marketing, r.Bool(*t, "marketing", false));
    KONFID_ASSIGN_OR_RETURN(pur.channels, r.Strings(*t, "channels"));
    KONFID_ASSIGN_OR_RETURN(pur.withdrawal, r.Strings(*t, "withdrawal"));
    KONFID_ASSIGN_OR_RETURN(pur.publishes, r.Bool(*t, "publishes", false));
    KONFID_ASSIGN_OR_RETURN(pur.published_where, r.Text(*t, "published_where"));
    p.purposes.push_back(std::move(pur));
  }
  return Ok();
}

Status ReadRecipients(const Reader& r, const toml::table& root, domain::TenantPolicy& p) {
  KONFID_ASSIGN_OR_RETURN(auto tables, r.Tables(root, "recipient"));
  for (const toml::table* t : tables) {
    KONFID_TRY(r.Keys(*t,
                      {"id", "name", "address", "country", "role", "purposes", "fields", "ground",
                       "cross_border", "notify_email"},
                      "[[recipient]]"));
    domain::Recipient rec;
    rec.line = Line(*t);
    KONFID_ASSIGN_OR_RETURN(rec.id, r.Required(*t, "id", "[[recipient]]"));
    KONFID_ASSIGN_OR_RETURN(rec.name, r.Text(*t, "name"));
    KONFID_ASSIGN_OR_RETURN(rec.address, r.Text(*t, "address"));
    KONFID_ASSIGN_OR_RETURN(rec.country, r.Required(*t, "country", "[[recipient]]"));
    KONFID_ASSIGN_OR_RETURN(rec.role, r.Required(*t, "role", "[[recipient]]"));
    KONFID_ASSIGN_OR_RETURN(rec.purposes, r.Strings(*t, "purposes"));
    KONFID_ASSIGN_OR_RETURN(rec.fields, r.Strings(*t, "fields"));
    KONFID_ASSIGN_OR_RETURN(rec.ground, r.Required(*t, "ground", "[[recipient]]"));
    KONFID_ASSIGN_OR_RETURN(rec.cross_border, r.Bool(*t, "cross_border", false));
    KONFID_ASSIGN_OR_RETURN(rec.notify_email, r.String(*t, "notify_email"));
    p.recipients.push_back(std::move(rec));
  }
  return Ok();
}

Status ReadCookies(const Reader& r, const toml::table& root, domain::TenantPolicy& p) {
  KONFID_ASSIGN_OR_RETURN(auto tables, r.Tables(root, "cookie"));
  for (const toml::table* t : tables) {
    KONFID_TRY(
        r.Keys(*t, {"category", "service", "provider", "purpose", "retention"}, "[[cookie]]"));
    domain::Cookie c;
    c.line = Line(*t);
    KONFID_ASSIGN_OR_RETURN(c.category, r.Required(*t, "category", "[[cookie]]"));
    KONFID_ASSIGN_OR_RETURN(c.service, r.Required(*t, "service", "[[cookie]]"));
    KONFID_ASSIGN_OR_RETURN(c.provider, r.String(*t, "provider"));
    KONFID_ASSIGN_OR_RETURN(c.purpose, r.Text(*t, "purpose"));
    KONFID_ASSIGN_OR_RETURN(c.retention, r.String(*t, "retention", "session"));
    p.cookies.push_back(std::move(c));
  }
  return Ok();
}

Status ReadEvents(const Reader& r, const toml::table& root, domain::TenantPolicy& p) {
  const toml::table* t = root["events"].as_table();
  if (!t) return Ok();
  KONFID_TRY(r.Keys(*t, {"retention", "choice_retention"}, "[events]"));
  p.events.line = Line(*t);
  KONFID_ASSIGN_OR_RETURN(p.events.retention, r.String(*t, "retention", p.events.retention));
  KONFID_ASSIGN_OR_RETURN(p.events.choice_retention,
                          r.String(*t, "choice_retention", p.events.choice_retention));
  return Ok();
}

// [statistics.regions.<field>]: "<value>" = "<region>", ...
Status ReadRegions(const Reader& r, const toml::table& statistics, domain::StatisticsPolicy& s) {
  const toml::node* n = statistics.get("regions");
  if (!n) return Ok();
  const toml::table* fields = n->as_table();
  if (!fields) return Fail(r.Bad(*n, "[statistics.regions] must be a table of fields"));
  for (const auto& [field, table] : *fields) {
    const toml::table* values = table.as_table();
    if (!values)
      return Fail(r.Bad(table, "[statistics.regions." + std::string(field.str()) +
                                   "] must map values to regions"));
    auto& out = s.regions[std::string(field.str())];
    for (const auto& [value, region] : *values) {
      if (!region.is_string() || region.as_string()->get().empty())
        return Fail(r.Bad(region, "a region in [statistics.regions." + std::string(field.str()) +
                                      "] must be a non-empty string"));
      out.emplace(std::string(value.str()), std::string(region.as_string()->get()));
    }
  }
  return Ok();
}

Status ReadStatistics(const Reader& r, const toml::table& root, domain::TenantPolicy& p) {
  const toml::table* t = root["statistics"].as_table();
  if (!t) return Ok();
  KONFID_TRY(r.Keys(*t, {"k", "epsilon", "quasi_identifiers", "regions"}, "[statistics]"));
  p.statistics.line = Line(*t);
  if (const toml::node* n = t->get("k")) {
    auto v = n->value_exact<int64_t>();
    if (!v) return Fail(r.Bad(*n, "[statistics] k must be a whole number"));
    p.statistics.k = *v;
  }
  if (const toml::node* n = t->get("epsilon")) {
    // A whole number is a number too: epsilon = 1 means 1.0.
    auto v = n->is_integer() ? std::optional<double>(static_cast<double>(*n->value<int64_t>()))
                             : n->value_exact<double>();
    if (!v) return Fail(r.Bad(*n, "[statistics] epsilon must be a number"));
    p.statistics.epsilon = *v;
  }
  KONFID_ASSIGN_OR_RETURN(p.statistics.quasi_identifiers, r.Strings(*t, "quasi_identifiers"));
  return ReadRegions(r, *t, p.statistics);
}

}  // namespace

Result<domain::TenantPolicy> ParsePolicy(std::string_view text, const std::string& name) {
  toml::table root;
  // Debian's toml++ is built with exceptions: parse errors arrive as toml::parse_error.
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return Fail(ErrorCode::kInvalidArgument, name + ":" + std::to_string(e.source().begin.line) +
                                                 ": error: " + std::string(e.description()));
  }
  Reader r(name);
  KONFID_TRY(r.Keys(root,
                    {"tenant", "operator", "publication", "category", "field", "purpose",
                     "recipient", "cookie", "events", "statistics"},
                    "the policy"));
  domain::TenantPolicy p;
  KONFID_TRY(ReadTenant(r, root, p));
  KONFID_TRY(ReadOperator(r, root, p));
  KONFID_TRY(ReadPublication(r, root, p));
  KONFID_TRY(ReadCategories(r, root, p));
  KONFID_TRY(ReadFields(r, root, p));
  KONFID_TRY(ReadPurposes(r, root, p));
  KONFID_TRY(ReadRecipients(r, root, p));
  KONFID_TRY(ReadCookies(r, root, p));
  KONFID_TRY(ReadEvents(r, root, p));
  KONFID_TRY(ReadStatistics(r, root, p));
  p.source = std::string(text);
  return p;
}

Result<domain::TenantPolicy> ParsePolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kInvalidArgument, path + ": policy file cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return ParsePolicy(text.str(), path);
}

namespace {
Result<domain::TenantPolicy> Checked(Result<domain::TenantPolicy> p, const std::string& name) {
  if (!p) return p;
  for (const auto& f : domain::CheckPolicy(*p))
    if (f.severity == domain::PolicyFinding::Severity::kError)
      return Fail(ErrorCode::kInvalidArgument, domain::FormatFinding(name, f));
  return p;
}
}  // namespace

Result<domain::TenantPolicy> LoadPolicyFile(const std::string& path) {
  return Checked(ParsePolicyFile(path), path);
}

Result<domain::TenantPolicy> TomlPolicyReader::Read(std::string_view text,
                                                    const std::string& name) const {
  return Checked(ParsePolicy(text, name), name);
}

}  // namespace konfid::adapters
