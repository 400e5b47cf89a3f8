#include "adapters/config/toml_config.h"

#include <filesystem>
#include <set>

#include <toml++/toml.h>

namespace konfid::adapters {

namespace {

std::string Where(const std::string& path, const toml::source_region& src) {
  return path + ":" + std::to_string(src.begin.line);
}

Error Bad(const std::string& path, const toml::node& node, const std::string& what) {
  return Error(ErrorCode::kInvalidArgument, Where(path, node.source()) + ": " + what);
}

// Rejects keys a table does not know, so that a misspelt setting is not silently ignored.
Status CheckKeys(const std::string& path, const toml::table& t, std::set<std::string> known,
                 const std::string& where) {
  for (const auto& [k, v] : t)
    if (!known.contains(std::string(k.str())))
      return Fail(Bad(path, v, "unknown key '" + std::string(k.str()) + "' in " + where));
  return Ok();
}

Result<std::string> GetString(const std::string& path, const toml::table& t, const char* key,
                              bool required, std::string fallback = {}) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required)
      return Fail(ErrorCode::kInvalidArgument, Where(path, t.source()) + ": missing '" + key + "'");
    return fallback;
  }
  if (!n->is_string()) return Fail(Bad(path, *n, std::string("'") + key + "' must be a string"));
  return std::string(n->as_string()->get());
}

Result<std::vector<std::string>> GetStrings(const std::string& path, const toml::table& t,
                                            const char* key) {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) return Fail(Bad(path, *n, std::string("'") + key + "' must be a list of strings"));
  for (const auto& item : *a) {
    if (!item.is_string())
      return Fail(Bad(path, item, std::string("'") + key + "' must hold strings"));
    out.push_back(std::string(item.as_string()->get()));
  }
  return out;
}

Result<toml::table> Parse(const std::string& path) {
  // Debian's toml++ is built with exceptions: parse errors arrive as toml::parse_error.
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Fail(ErrorCode::kInvalidArgument, path + ":" + std::to_string(e.source().begin.line) +
                                                 ": " + std::string(e.description()));
  }
}

bool IsFieldName(std::string_view s) {
  if (s.empty() || s.size() > 63 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

Result<domain::TenantPolicy> LoadPolicyFile(const std::string& path) {
  if (!std::filesystem::exists(path))
    return Fail(ErrorCode::kInvalidArgument, path + ": policy file does not exist");
  KONFID_ASSIGN_OR_RETURN(toml::table root, Parse(path));
  KONFID_TRY(CheckKeys(path, root, {"tenant", "field", "purpose"}, "the policy"));
  domain::TenantPolicy policy;
  const toml::table* tenant = root["tenant"].as_table();
  if (!tenant) return Fail(ErrorCode::kInvalidArgument, path + ": missing [tenant]");
  KONFID_TRY(CheckKeys(path, *tenant, {"id", "jurisdiction", "default_region"}, "[tenant]"));
  KONFID_ASSIGN_OR_RETURN(policy.tenant, GetString(path, *tenant, "id", true));
  KONFID_ASSIGN_OR_RETURN(policy.jurisdiction,
                          GetString(path, *tenant, "jurisdiction", false, "ru-152fz"));
  KONFID_ASSIGN_OR_RETURN(policy.default_region,
                          GetString(path, *tenant, "default_region", false, "RU"));

  std::vector<domain::FieldSpec> fields;
  if (const toml::array* arr = root["field"].as_array()) {
    for (const auto& node : *arr) {
      const toml::table* t = node.as_table();
      if (!t) return Fail(Bad(path, node, "[[field]] must be a table"));
      KONFID_TRY(CheckKeys(path, *t, {"name", "type", "required", "max_length", "lookup", "values"},
                           "[[field]]"));
      domain::FieldSpec f;
      KONFID_ASSIGN_OR_RETURN(f.name, GetString(path, *t, "name", true));
      if (!IsFieldName(f.name))
        return Fail(Bad(path, *t, "field name '" + f.name + "' must be a-z, 0-9 and '_'"));
      KONFID_ASSIGN_OR_RETURN(std::string type, GetString(path, *t, "type", false, "string"));
      auto parsed = domain::ParseFieldType(type);
      if (!parsed)
        return Fail(Bad(path, *t, "field '" + f.name + "' has unknown type '" + type + "'"));
      f.type = *parsed;
      f.required = t->get("required") ? (*t)["required"].value_or(false) : false;
      if (const toml::node* ml = t->get("max_length")) {
        auto v = ml->value<int64_t>();
        if (!v || *v <= 0) return Fail(Bad(path, *ml, "max_length must be a positive integer"));
        f.max_length = static_cast<size_t>(*v);
      }
      bool default_lookup =
          f.type == domain::FieldType::kEmail || f.type == domain::FieldType::kPhone;
      f.lookup = (*t)["lookup"].value_or(default_lookup);
      KONFID_ASSIGN_OR_RETURN(f.values, GetStrings(path, *t, "values"));
      fields.push_back(std::move(f));
    }
  }
  policy.catalogue = domain::FieldCatalogue(std::move(fields));

  if (const toml::array* arr = root["purpose"].as_array()) {
    for (const auto& node : *arr) {
      const toml::table* t = node.as_table();
      if (!t) return Fail(Bad(path, node, "[[purpose]] must be a table"));
      KONFID_TRY(CheckKeys(path, *t, {"id", "ground", "fields"}, "[[purpose]]"));
      domain::Purpose p;
      KONFID_ASSIGN_OR_RETURN(p.id, GetString(path, *t, "id", true));
      KONFID_ASSIGN_OR_RETURN(p.ground, GetString(path, *t, "ground", true));
      static const std::set<std::string> kGrounds = {"consent", "contract", "legal_obligation",
                                                     "legitimate_interest"};
      if (!kGrounds.contains(p.ground))
        return Fail(Bad(path, *t, "purpose '" + p.id + "' has unknown ground '" + p.ground + "'"));
      KONFID_ASSIGN_OR_RETURN(p.fields, GetStrings(path, *t, "fields"));
      policy.purposes.push_back(std::move(p));
    }
  }
  if (auto st = domain::CheckPolicy(policy); !st)
    return Fail(ErrorCode::kInvalidArgument, path + ": " + st.error().message());
  return policy;
}

Result<ports::ServiceConfig> LoadServiceConfig(const std::string& path) {
  if (!std::filesystem::exists(path))
    return Fail(ErrorCode::kInvalidArgument, path + ": config file does not exist");
  KONFID_ASSIGN_OR_RETURN(toml::table root, Parse(path));
  KONFID_TRY(CheckKeys(path, root, {"server", "storage", "tenant"}, "the config"));
  ports::ServiceConfig config;
  if (const toml::table* server = root["server"].as_table()) {
    KONFID_TRY(CheckKeys(path, *server, {"listen", "body_limit", "threads"}, "[server]"));
    KONFID_ASSIGN_OR_RETURN(config.listen,
                            GetString(path, *server, "listen", false, config.listen));
    if (const toml::node* n = server->get("body_limit")) {
      auto v = n->value<int64_t>();
      if (!v || *v < 1024 || *v > 64 * 1024 * 1024)
        return Fail(Bad(path, *n, "body_limit must be an integer from 1024 to 67108864"));
      config.body_limit = static_cast<size_t>(*v);
    }
    if (const toml::node* n = server->get("threads")) {
      auto v = n->value<int64_t>();
      if (!v || *v < 0 || *v > 256) return Fail(Bad(path, *n, "threads must be 0..256"));
      config.threads = static_cast<size_t>(*v);
    }
  }
  if (const toml::table* storage = root["storage"].as_table()) {
    KONFID_TRY(CheckKeys(path, *storage, {"db", "synchronous"}, "[storage]"));
    KONFID_ASSIGN_OR_RETURN(config.db, GetString(path, *storage, "db", false));
    KONFID_ASSIGN_OR_RETURN(std::string sync,
                            GetString(path, *storage, "synchronous", false, "full"));
    if (sync != "full" && sync != "normal")
      return Fail(Bad(path, *storage, "synchronous must be \"full\" or \"normal\""));
    config.sqlite_synchronous_full = sync == "full";
  }
  std::filesystem::path base = std::filesystem::path(path).parent_path();
  std::set<std::string> seen;
  if (const toml::array* arr = root["tenant"].as_array()) {
    for (const auto& node : *arr) {
      const toml::table* t = node.as_table();
      if (!t) return Fail(Bad(path, node, "[[tenant]] must be a table"));
      KONFID_TRY(CheckKeys(path, *t, {"policy"}, "[[tenant]]"));
      KONFID_ASSIGN_OR_RETURN(std::string policy_path, GetString(path, *t, "policy", true));
      std::filesystem::path p = policy_path;
      if (p.is_relative()) p = base / p;
      KONFID_ASSIGN_OR_RETURN(auto policy, LoadPolicyFile(p.string()));
      if (!seen.insert(policy.tenant).second)
        return Fail(Bad(path, *t, "tenant '" + policy.tenant + "' is configured twice"));
      config.tenants.push_back(std::move(policy));
    }
  }
  if (config.tenants.empty())
    return Fail(ErrorCode::kInvalidArgument, path + ": no [[tenant]] with a policy is configured");
  return config;
}

}  // namespace konfid::adapters
