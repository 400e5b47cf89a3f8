// The request body parsers (bodies.h).
#include "http/bodies.h"

#include <boost/json.hpp>

#include "http/respond.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

// The members of "fields": strings, or null (PATCH only) to remove a field.
Result<domain::FieldInput> ParseFieldValues(const json::value* fields, bool allow_null) {
  if (!fields || !fields->is_object())
    return Fail(Invalid("'fields' must be an object", "invalid_json"));
  domain::FieldInput out;
  for (const auto& kv : fields->get_object()) {
    std::string name(kv.key());
    if (kv.value().is_null() && allow_null) {
      out.emplace_back(std::move(name), std::nullopt);
    } else if (kv.value().is_string()) {
      out.emplace_back(std::move(name), std::string(kv.value().get_string()));
    } else {
      std::string shown = name.size() > 64 ? name.substr(0, 64) : name;
      return Fail(Invalid("field '" + shown + "' must be a string", "invalid_value"));
    }
  }
  return out;
}

}  // namespace

// {"fields": {"name": "value", ...}}: nothing else at the top level.
Result<domain::FieldInput> ParseFieldsBody(const Request& req, bool allow_null) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  KONFID_TRY(OnlyMembers(root, {"fields"}, "the body"));
  return ParseFieldValues(root.if_contains("fields"), allow_null);
}

std::string StringMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : "";
}

// {"fields": {...}, "consents": {"<purpose>": true|false, ...}, "policy_version": n,
//  "lang": "ru", "context": {"form": "...", "page": "...", "ip": "...", "user_agent": "..."}}
Result<app::RegistrationInput> ParseRegistrationBody(const Request& req) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  KONFID_TRY(
      OnlyMembers(root, {"fields", "consents", "policy_version", "lang", "context"}, "the body"));
  app::RegistrationInput in;
  KONFID_ASSIGN_OR_RETURN(in.fields, ParseFieldValues(root.if_contains("fields"), false));
  const json::value* consents = root.if_contains("consents");
  if (!consents || !consents->is_object())
    return Fail(Invalid("'consents' must map each consent purpose to true or false",
                        "consent_choice_missing"));
  for (const auto& kv : consents->get_object()) {
    if (!kv.value().is_bool())
      return Fail(Invalid(
          "the choice for '" + std::string(kv.key().substr(0, 64)) + "' must be true or false",
          "invalid_value"));
    in.choices[std::string(kv.key())] = kv.value().get_bool();
  }
  if (const json::value* v = root.if_contains("policy_version")) {
    if (!v->is_int64() || v->get_int64() < 1)
      return Fail(Invalid("'policy_version' must be a positive integer", "invalid_value"));
    in.policy_version = v->get_int64();
  }
  if (root.contains("lang")) in.lang = StringMember(root, "lang");
  if (const json::value* c = root.if_contains("context")) {
    if (!c->is_object()) return Fail(Invalid("'context' must be an object", "invalid_json"));
    KONFID_TRY(OnlyMembers(c->get_object(), {"form", "page", "ip", "user_agent"}, "context"));
    // The consent events' source: the form and the page it was on. A page's query string or
    // fragment can carry what the visitor typed (an address, say), so only what comes before
    // them is kept.
    std::string form = StringMember(c->get_object(), "form");
    std::string page = StringMember(c->get_object(), "page");
    page = page.substr(0, page.find_first_of("?#"));
    in.form = form.empty() ? page : page.empty() ? form : form + " " + page;
    in.ip = StringMember(c->get_object(), "ip");
    in.user_agent = StringMember(c->get_object(), "user_agent");
  }
  return in;
}

// {"purpose": "...", "action": "give|withdraw|refuse", "policy_version": n, "lang": "ru",
//  "method": "api", "source": "...", "context": {"ip": "...", "user_agent": "..."}}
Result<app::ConsentInput> ParseConsentBody(const Request& req) {
  KONFID_ASSIGN_OR_RETURN(json::object doc, ParseJsonObject(req));
  app::ConsentInput in;
  bool have_action = false;
  auto text = [](const json::value& v, const char* what) -> Result<std::string> {
    if (!v.is_string())
      return Fail(Invalid(std::string("'") + what + "' must be a string", "invalid_value"));
    return std::string(v.get_string());
  };
  for (const auto& kv : doc) {
    std::string_view k = kv.key();
    if (k == "purpose") {
      KONFID_ASSIGN_OR_RETURN(in.purpose, text(kv.value(), "purpose"));
    } else if (k == "action") {
      KONFID_ASSIGN_OR_RETURN(std::string a, text(kv.value(), "action"));
      if (a == "give")
        in.kind = domain::ConsentKind::kGiven;
      else if (a == "withdraw")
        in.kind = domain::ConsentKind::kWithdrawn;
      else if (a == "refuse")
        in.kind = domain::ConsentKind::kRefused;
      else
        return Fail(Invalid("action must be give, withdraw or refuse", "invalid_value"));
      have_action = true;
    } else if (k == "policy_version") {
      if (!kv.value().is_int64() || kv.value().get_int64() < 1)
        return Fail(Invalid("'policy_version' must be a positive integer", "invalid_value"));
      in.policy_version = kv.value().get_int64();
    } else if (k == "lang") {
      KONFID_ASSIGN_OR_RETURN(in.lang, text(kv.value(), "lang"));
    } else if (k == "method") {
      KONFID_ASSIGN_OR_RETURN(in.method, text(kv.value(), "method"));
    } else if (k == "source") {
      KONFID_ASSIGN_OR_RETURN(in.source, text(kv.value(), "source"));
    } else if (k == "context") {
      if (!kv.value().is_object())
        return Fail(Invalid("'context' must be an object", "invalid_json"));
      for (const auto& c : kv.value().get_object()) {
        if (c.key() == "ip") {
          KONFID_ASSIGN_OR_RETURN(in.ip, text(c.value(), "context.ip"));
        } else if (c.key() == "user_agent") {
          KONFID_ASSIGN_OR_RETURN(in.user_agent, text(c.value(), "context.user_agent"));
        } else {
          return Fail(
              Invalid("unknown member '" + std::string(c.key().substr(0, 64)) + "' in context",
                      "unknown_field"));
        }
      }
    } else {
      return Fail(Invalid("unknown member '" + std::string(k.substr(0, 64)) + "' in the body",
                          "unknown_field"));
    }
  }
  if (in.purpose.empty() || !have_action)
    return Fail(Invalid("'purpose' and 'action' are required", "required_field"));
  return in;
}

}  // namespace konfid::http
