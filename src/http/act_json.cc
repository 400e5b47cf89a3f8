#include "http/act_json.h"

#include <boost/json.hpp>

#include "core/encoding.h"
#include "core/time.h"
#include "http/json_body.h"

namespace konfid::http {

namespace json = boost::json;

namespace {

// Reads members of the claims; the first one missing or mistyped is remembered and every
// later read yields an empty value, so a reader states what it reads and checks once.
class Reader {
 public:
  std::string String(const json::object& o, std::string_view key, bool optional = false) {
    const json::value* v = o.if_contains(key);
    if (!v && optional) return "";
    if (!v || !v->is_string()) return Bad(key), "";
    return std::string(v->get_string());
  }
  int64_t Int(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v || !v->is_int64()) return Bad(key), 0;
    return v->get_int64();
  }
  const json::object& Object(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v || !v->is_object()) return Bad(key), empty_;
    return v->get_object();
  }
  const json::array& Array(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v || !v->is_array()) return Bad(key), none_;
    return v->get_array();
  }
  const json::object& Item(const json::value& v, std::string_view in) {
    if (!v.is_object()) return Bad(in), empty_;
    return v.get_object();
  }
  domain::Localized Localized(const json::object& o, std::string_view key) {
    const json::object& l = Object(o, key);
    return {String(l, "ru"), String(l, "en")};
  }
  void Bad(std::string_view what) {
    if (bad_.empty()) bad_ = std::string(what);
  }
  const std::string& bad() const { return bad_; }

 private:
  std::string bad_;
  json::object empty_;
  json::array none_;
};

Error InvalidAct(const std::string& what) {
  return Error(ErrorCode::kInvalidArgument, "not an act of destruction: " + what)
      .WithReason("invalid_act");
}

domain::DestructionAct::Party PartyOf(Reader& r, const json::object& o) {
  return {r.String(o, "id", true),  r.Localized(o, "name"),    r.Localized(o, "address"),
          r.String(o, "inn", true), r.String(o, "ogrn", true), r.String(o, "country", true)};
}

domain::AuditEvent EventOf(Reader& r, const json::object& o, const std::string& tenant) {
  domain::AuditEvent e;
  e.tenant = tenant;
  e.seq = static_cast<uint64_t>(r.Int(o, "seq"));
  e.time = r.Int(o, "time_us");
  e.actor = r.String(o, "actor");
  e.operation = r.String(o, "operation");
  e.subject_id = r.String(o, "subject");
  for (const auto& f : r.Array(o, "fields")) {
    if (f.is_string())
      e.fields.emplace_back(f.get_string());
    else
      r.Bad("fields");
  }
  e.purpose = r.String(o, "purpose");
  e.ground = r.String(o, "ground");
  e.outcome = r.String(o, "outcome");
  e.reason = r.String(o, "reason");
  e.prev_hash = HexDecode(r.String(o, "prev_hash")).value_or(Bytes{});
  e.hash = HexDecode(r.String(o, "hash")).value_or(Bytes{});
  return e;
}

// Everything but the enumerations and the time, which the caller checks.
void Fill(Reader& r, const json::object& o, domain::DestructionAct& act) {
  act.id = r.String(o, "id");
  act.tenant = r.String(o, "tenant");
  act.op = PartyOf(r, r.Object(o, "operator"));
  for (const auto& p : r.Array(o, "processors"))
    act.processors.push_back(PartyOf(r, r.Item(p, "processors")));
  act.subject = r.String(o, "subject");
  for (const auto& c : r.Array(o, "destroyed")) {
    const json::object& item = r.Item(c, "destroyed");
    act.destroyed.push_back({r.String(item, "field"), r.String(item, "category"),
                             r.Localized(item, "label"), r.Localized(item, "category_name")});
  }
  for (const auto& k : r.Array(o, "kept")) {
    const json::object& item = r.Item(k, "kept");
    act.kept.push_back({r.String(item, "field"), r.String(item, "purpose"), r.String(item, "until"),
                        r.Localized(item, "label"), r.Localized(item, "purpose_name")});
  }
  act.information_system = r.String(o, "information_system");
  act.reason_detail = r.String(o, "reason_detail");
  if (o.contains("purposes")) {
    for (const auto& p : r.Array(o, "purposes")) {
      const json::object& item = r.Item(p, "purposes");
      act.purposes.push_back({r.String(item, "id"), r.Localized(item, "name")});
    }
  }
  const json::object& by = r.Object(o, "destroyed_by");
  act.actor = r.String(by, "actor");
  act.actor_role = r.String(by, "role");
  for (const auto& e : r.Array(o, "audit_extract"))
    act.audit.push_back(EventOf(r, r.Item(e, "audit_extract"), act.tenant));
}

}  // namespace

Result<domain::DestructionAct> ParseDestructionActClaims(std::string_view claims) {
  auto parsed = ParseJsonBody(claims);
  if (!parsed) return Fail(InvalidAct(parsed.error().message()));
  const json::object& o = *parsed;
  Reader r;
  if (r.String(o, "typ") != "konfid-destruction-act/1") r.Bad("typ");
  domain::DestructionAct act;
  Fill(r, o, act);
  auto at = ParseRfc3339(r.String(o, "destroyed_at"));
  auto method = domain::ParseDestructionMethod(r.String(o, "method"));
  auto reason = domain::ParseDestructionReason(r.String(o, "reason"));
  if (!r.bad().empty()) return Fail(InvalidAct("member '" + r.bad() + "' is missing or malformed"));
  if (!at) return Fail(InvalidAct("destroyed_at is not an RFC 3339 time"));
  if (!method) return Fail(InvalidAct("unknown method"));
  if (!reason) return Fail(InvalidAct("unknown reason"));
  act.destroyed_at = *at;
  act.method = *method;
  act.reason = *reason;
  if (!act.purposes.empty()) {  // a retention act's, the ids of its detail in its order
    bool retention = act.reason == domain::DestructionReason::kRetentionExpired ||
                     act.reason == domain::DestructionReason::kConsentWithdrawn;
    std::string ids;
    for (const auto& p : act.purposes) ids += (ids.empty() ? "" : ",") + p.id;
    if (!retention || ids != act.reason_detail)
      return Fail(InvalidAct("purposes must name the purposes of reason_detail, in its order"));
  }
  if (domain::DestructionActClaims(act) != claims)
    return Fail(InvalidAct("the claims are not written as Konfid writes them"));
  return act;
}

}  // namespace konfid::http
