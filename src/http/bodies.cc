// The request body parsers (bodies.h).
#include "http/bodies.h"

#include <boost/json.hpp>

#include <algorithm>

#include "http/json_body.h"
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

namespace konfid::http {

namespace {

// A free-text member: a string of at most `max` characters of valid UTF-8, without control
// characters other than line breaks and tabs.
Result<std::string> TextMember(const json::object& o, std::string_view key, size_t max,
                               bool required) {
  const json::value* v = o.if_contains(key);
  if (!v) {
    if (required) return Fail(Invalid("'" + std::string(key) + "' is required", "invalid_value"));
    return std::string();
  }
  if (!v->is_string())
    return Fail(Invalid("'" + std::string(key) + "' must be a string", "invalid_value"));
  std::string text(v->get_string());
  auto length = domain::Utf8Length(text);
  if (!length) return Fail(Invalid("'" + std::string(key) + "' is not UTF-8", "invalid_value"));
  if (*length > max)
    return Fail(
        Invalid("'" + std::string(key) + "' is longer than " + std::to_string(max) + " characters",
                "too_long"));
  for (unsigned char c : text)
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f)
      return Fail(Invalid("'" + std::string(key) + "' has control characters", "invalid_value"));
  if (required && text.empty())
    return Fail(Invalid("'" + std::string(key) + "' is required", "invalid_value"));
  return text;
}

// An array of names ([a-z0-9_]+, or "*"), at most 64 of them, each once.
Result<std::vector<std::string>> NamesMember(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v) return out;
  auto bad = [&] {
    return Fail(
        Invalid("'" + std::string(key) + "' must be an array of distinct names", "invalid_value"));
  };
  if (!v->is_array() || v->get_array().size() > 64) return bad();
  for (const json::value& item : v->get_array()) {
    if (!item.is_string()) return bad();
    std::string name(item.get_string());
    bool ok = name == "*" || (!name.empty() && name.size() <= 64 &&
                              name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") ==
                                  std::string::npos);
    if (!ok || std::find(out.begin(), out.end(), name) != out.end()) return bad();
    out.push_back(std::move(name));
  }
  return out;
}

template <typename T, typename Parse>
Result<T> EnumMember(const json::object& o, std::string_view key, Parse parse, const char* what) {
  std::string name = StringMember(o, key);
  auto value = parse(name);
  if (!value) return Fail(Invalid("'" + std::string(key) + "' must be " + what, "invalid_value"));
  return *value;
}

}  // namespace

// {"kind", "text", "fields": [...], "purposes": [...]}; staff add "subject", "channel" and
// "document".
Result<app::NewRequest> ParseRequestBody(const Request& req, bool staff) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  if (staff) {
    KONFID_TRY(OnlyMembers(root,
                           {"subject", "kind", "channel", "document", "text", "fields", "purposes"},
                           "the body"));
  } else {
    KONFID_TRY(OnlyMembers(root, {"kind", "text", "fields", "purposes"}, "the body"));
  }
  app::NewRequest r;
  KONFID_ASSIGN_OR_RETURN(
      r.kind, EnumMember<domain::RequestKind>(
                  root, "kind", domain::ParseRequestKind,
                  "access, rectification, blocking, erasure, objection, stop_processing or "
                  "withdrawal"));
  if (staff) {
    r.subject = StringMember(root, "subject");
    KONFID_ASSIGN_OR_RETURN(
        r.channel, EnumMember<domain::RequestChannel>(root, "channel", domain::ParseRequestChannel,
                                                      "letter, email or in_person"));
    KONFID_ASSIGN_OR_RETURN(r.details.document, TextMember(root, "document", 256, false));
  }
  KONFID_ASSIGN_OR_RETURN(r.details.text, TextMember(root, "text", 4000, false));
  KONFID_ASSIGN_OR_RETURN(r.details.fields, NamesMember(root, "fields"));
  KONFID_ASSIGN_OR_RETURN(r.details.purposes, NamesMember(root, "purposes"));
  return r;
}

Result<app::RequestMove> ParseMoveBody(const Request& req) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  KONFID_TRY(OnlyMembers(root, {"to", "reason", "ground"}, "the body"));
  app::RequestMove m;
  KONFID_ASSIGN_OR_RETURN(
      m.to, EnumMember<domain::RequestState>(root, "to", domain::ParseRequestState,
                                             "in_progress, extended, done or refused"));
  KONFID_ASSIGN_OR_RETURN(m.reason, TextMember(root, "reason", 2000, false));
  KONFID_ASSIGN_OR_RETURN(m.ground, TextMember(root, "ground", 500, false));
  return m;
}

Result<std::vector<std::string>> ParseBlocksBody(const Request& req) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  KONFID_TRY(OnlyMembers(root, {"fields"}, "the body"));
  return NamesMember(root, "fields");
}

namespace {

// "document": {"authority", "number", "date": "YYYY-MM-DD"}, when present.
Result<std::optional<domain::DisclosureDocument>> DocumentMember(const json::object& root) {
  const json::value* d = root.if_contains("document");
  if (!d) return std::optional<domain::DisclosureDocument>();
  if (!d->is_object()) return Fail(Invalid("'document' must be an object", "invalid_value"));
  const json::object& doc = d->get_object();
  KONFID_TRY(OnlyMembers(doc, {"authority", "number", "date"}, "document"));
  domain::DisclosureDocument out;
  KONFID_ASSIGN_OR_RETURN(out.authority, TextMember(doc, "authority", 200, true));
  KONFID_ASSIGN_OR_RETURN(out.number, TextMember(doc, "number", 100, true));
  KONFID_ASSIGN_OR_RETURN(std::string date, TextMember(doc, "date", 10, true));
  auto day = domain::ParseIsoDate(date);
  if (!day) return Fail(Invalid("'date' must be a date, YYYY-MM-DD", "invalid_value"));
  out.date = *day;
  return std::optional<domain::DisclosureDocument>(std::move(out));
}

}  // namespace

// {"recipient", "purpose", "subjects": [ids], "ground", "fields": [...],
//  "document": {"authority", "number", "date": "YYYY-MM-DD"}}; what is present is checked here
// for type and form, what it means by the use case (app/disclosures.h).
Result<app::DisclosureOrder> ParseDisclosureBody(const Request& req) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  KONFID_TRY(OnlyMembers(root, {"recipient", "purpose", "subjects", "ground", "fields", "document"},
                         "the body"));
  app::DisclosureOrder order;
  KONFID_ASSIGN_OR_RETURN(order.recipient, TextMember(root, "recipient", 64, false));
  KONFID_ASSIGN_OR_RETURN(order.purpose, TextMember(root, "purpose", 64, false));
  KONFID_ASSIGN_OR_RETURN(order.ground, TextMember(root, "ground", 64, true));
  KONFID_ASSIGN_OR_RETURN(order.fields, NamesMember(root, "fields"));
  const json::value* subjects = root.if_contains("subjects");
  if (!subjects || !subjects->is_array() || subjects->get_array().empty() ||
      subjects->get_array().size() > app::Disclosures::kMaxSubjects)
    return Fail(Invalid("'subjects' must be an array of 1 to 100 subject ids", "invalid_value"));
  for (const json::value& id : subjects->get_array()) {
    if (!id.is_string() || !app::Kernel::IsValidId(id.get_string()))
      return Fail(Invalid("'subjects' must be an array of 1 to 100 subject ids", "invalid_value"));
    order.subjects.emplace_back(id.get_string());
  }
  KONFID_ASSIGN_OR_RETURN(order.document, DocumentMember(root));
  return order;
}

Result<app::HoldOrder> ParseHoldBody(const Request& req) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  KONFID_TRY(OnlyMembers(root, {"reason", "until", "fields", "document"}, "the body"));
  app::HoldOrder order;
  KONFID_ASSIGN_OR_RETURN(order.reason, TextMember(root, "reason", 64, true));
  KONFID_ASSIGN_OR_RETURN(order.until, TextMember(root, "until", 10, true));
  if (root.contains("fields")) {
    KONFID_ASSIGN_OR_RETURN(order.fields, NamesMember(root, "fields"));
  }
  KONFID_ASSIGN_OR_RETURN(order.document, DocumentMember(root));
  return order;
}

Result<std::string> ParseExportBody(const Request& req) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  KONFID_TRY(OnlyMembers(root, {"purpose"}, "the body"));
  return TextMember(root, "purpose", 64, false);  // none: the use case's purpose_required
}

Result<CodeRequest> ParseCodeBody(const Request& req) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  KONFID_TRY(OnlyMembers(root, {"tenant", "email", "phone"}, "the body"));
  CodeRequest c;
  c.tenant = StringMember(root, "tenant");
  if (root.contains("email") == root.contains("phone"))
    return Fail(Invalid("give either 'email' or 'phone'", "invalid_value"));
  c.channel = root.contains("email") ? "email" : "phone";
  KONFID_ASSIGN_OR_RETURN(c.address, TextMember(root, c.channel, 256, true));
  return c;
}

Result<SessionRequest> ParseSessionBody(const Request& req) {
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonObject(req));
  KONFID_TRY(OnlyMembers(root, {"tenant", "challenge", "code"}, "the body"));
  return SessionRequest{StringMember(root, "tenant"), StringMember(root, "challenge"),
                        StringMember(root, "code")};
}

Result<app::TechEventInput> ParseEventBody(const Request& req) {
  auto type = req[beast_http::field::content_type];
  if (!IsMediaType(type, "application/json") && !IsMediaType(type, "text/plain"))
    return Fail(
        Error(ErrorCode::kInvalidArgument, "Content-Type must be application/json or text/plain")
            .WithReason("unsupported_media_type"));
  KONFID_ASSIGN_OR_RETURN(json::object root, ParseJsonBody(req.body()));
  KONFID_TRY(OnlyMembers(
      root,
      {"tenant", "kind", "visitor", "page", "referrer", "category", "duration_ms", "categories"},
      "the body"));
  app::TechEventInput in;
  KONFID_ASSIGN_OR_RETURN(in.tenant, TextMember(root, "tenant", 63, true));
  KONFID_ASSIGN_OR_RETURN(in.kind, TextMember(root, "kind", 32, true));
  KONFID_ASSIGN_OR_RETURN(in.visitor, TextMember(root, "visitor", 64, false));
  KONFID_ASSIGN_OR_RETURN(in.page, TextMember(root, "page", 2048, false));
  KONFID_ASSIGN_OR_RETURN(in.referrer, TextMember(root, "referrer", 2048, false));
  if (root.contains("category")) {
    KONFID_ASSIGN_OR_RETURN(in.category, TextMember(root, "category", 32, true));
  }
  if (const json::value* d = root.if_contains("duration_ms")) {
    if (!d->is_int64() && !d->is_uint64())
      return Fail(Invalid("'duration_ms' must be a whole number", "invalid_value"));
    in.duration_ms = d->is_int64() ? d->get_int64() : INT64_MAX;
  }
  if (const json::value* c = root.if_contains("categories")) {
    if (!c->is_object())
      return Fail(Invalid("'categories' must be an object of true and false", "invalid_value"));
    KONFID_TRY(
        OnlyMembers(c->get_object(), {"functional", "analytics", "marketing"}, "categories"));
    domain::CookieChoice choice;
    for (const auto& kv : c->get_object()) {
      if (!kv.value().is_bool())
        return Fail(Invalid("each of 'categories' must be true or false", "invalid_value"));
      bool v = kv.value().get_bool();
      (kv.key() == "functional"  ? choice.functional
       : kv.key() == "analytics" ? choice.analytics
                                 : choice.marketing) = v;
    }
    in.choice = choice;
  }
  return in;
}

}  // namespace konfid::http
