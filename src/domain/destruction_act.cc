#include "domain/destruction_act.h"

#include <algorithm>

#include "core/encoding.h"
#include "core/json_writer.h"

namespace konfid::domain {

std::string_view DestructionMethodName(DestructionMethod method) {
  switch (method) {
    case DestructionMethod::kCryptoShredding:
      return "crypto_shredding";
    case DestructionMethod::kDeletion:
      return "deletion";
  }
  return "deletion";
}

std::string_view DestructionReasonName(DestructionReason reason) {
  switch (reason) {
    case DestructionReason::kSubjectRequest:
      return "subject_request";
    case DestructionReason::kStaffErasure:
      return "staff_erasure";
    case DestructionReason::kRetentionExpired:
      return "retention_expired";
    case DestructionReason::kConsentWithdrawn:
      return "consent_withdrawn";
  }
  return "staff_erasure";
}

std::optional<DestructionMethod> ParseDestructionMethod(std::string_view name) {
  for (auto m : {DestructionMethod::kCryptoShredding, DestructionMethod::kDeletion})
    if (DestructionMethodName(m) == name) return m;
  return std::nullopt;
}

std::optional<DestructionReason> ParseDestructionReason(std::string_view name) {
  for (auto r : {DestructionReason::kSubjectRequest, DestructionReason::kStaffErasure,
                 DestructionReason::kRetentionExpired, DestructionReason::kConsentWithdrawn})
    if (DestructionReasonName(r) == name) return r;
  return std::nullopt;
}

namespace {

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The processors whose fields include one that was destroyed.
std::vector<DestructionAct::Party> Processors(const TenantPolicy& policy,
                                              const std::vector<std::string>& destroyed) {
  std::vector<DestructionAct::Party> out;
  for (const Recipient& r : policy.recipients) {
    if (r.role != "processor") continue;
    bool holds = std::any_of(destroyed.begin(), destroyed.end(),
                             [&](const std::string& f) { return Contains(r.fields, f); });
    if (holds) out.push_back({r.id, r.name, r.address, "", "", r.country});
  }
  return out;
}

DestructionAct::Category CategoryOf(const TenantPolicy& policy, const std::string& field) {
  DestructionAct::Category c{field, "", {}, {}};
  if (const FieldSpec* spec = policy.catalogue.Find(field)) {
    c.id = spec->category;
    c.label = spec->label;
    if (const domain::Category* cat = policy.FindCategory(spec->category)) c.name = cat->name;
  }
  return c;
}

void WriteLocalized(JsonWriter& w, std::string_view key, const Localized& text) {
  w.Key(key).BeginObject().Member("ru", text.ru).Member("en", text.en).EndObject();
}

void WriteParty(JsonWriter& w, const DestructionAct::Party& p) {
  w.BeginObject();
  if (!p.id.empty()) w.Member("id", p.id);
  WriteLocalized(w, "name", p.name);
  WriteLocalized(w, "address", p.address);
  if (!p.inn.empty()) w.Member("inn", p.inn);
  if (!p.ogrn.empty()) w.Member("ogrn", p.ogrn);
  if (!p.country.empty()) w.Member("country", p.country);
  w.EndObject();
}

void WriteEvent(JsonWriter& w, const AuditEvent& e) {
  w.BeginObject()
      .Member("seq", static_cast<int64_t>(e.seq))
      .Member("time", FormatRfc3339(e.time))
      .Member("time_us", static_cast<int64_t>(e.time))
      .Member("actor", e.actor)
      .Member("operation", e.operation)
      .Member("subject", e.subject_id)
      .StringArray("fields", e.fields)
      .Member("purpose", e.purpose)
      .Member("ground", e.ground)
      .Member("outcome", e.outcome)
      .Member("reason", e.reason)
      .Member("prev_hash", HexEncode(e.prev_hash))
      .Member("hash", HexEncode(e.hash))
      .EndObject();
}

// "a,b" -> {"a", "b"}; "" -> {}.
std::vector<std::string> SplitPurposes(const std::string& detail) {
  std::vector<std::string> out;
  size_t from = 0;
  while (from < detail.size()) {
    size_t comma = detail.find(',', from);
    if (comma == std::string::npos) comma = detail.size();
    if (comma > from) out.push_back(detail.substr(from, comma - from));
    from = comma + 1;
  }
  return out;
}

}  // namespace

DestructionAct MakeDestructionAct(const TenantPolicy& policy, DestructionFacts facts) {
  DestructionAct act;
  act.id = std::move(facts.id);
  act.tenant = policy.tenant;
  act.destroyed_at = facts.destroyed_at;
  act.op = {"", policy.op.legal_name, policy.op.address, policy.op.inn, policy.op.ogrn, ""};
  act.processors = Processors(policy, facts.destroyed);
  act.subject = std::move(facts.subject);
  for (const auto& field : facts.destroyed) act.destroyed.push_back(CategoryOf(policy, field));
  act.kept = std::move(facts.kept);
  for (auto& k : act.kept) {
    if (const FieldSpec* spec = policy.catalogue.Find(k.field)) k.label = spec->label;
    if (const Purpose* p = policy.FindPurpose(k.purpose)) k.purpose_name = p->name;
  }
  act.information_system = policy.information_system.empty() ? "Konfid (" + policy.tenant + ")"
                                                             : policy.information_system;
  act.method = facts.method;
  act.reason = facts.reason;
  act.reason_detail = std::move(facts.reason_detail);
  if (act.reason == DestructionReason::kRetentionExpired ||
      act.reason == DestructionReason::kConsentWithdrawn) {
    for (const auto& id : SplitPurposes(act.reason_detail)) {
      const Purpose* p = policy.FindPurpose(id);
      act.purposes.push_back({id, p ? p->name : Localized{}});
    }
  }
  act.actor = std::move(facts.actor);
  act.actor_role = std::move(facts.actor_role);
  act.audit = std::move(facts.audit);
  return act;
}

std::string DestructionActClaims(const DestructionAct& act) {
  JsonWriter w;
  w.BeginObject()
      .Member("typ", "konfid-destruction-act/1")
      .Member("id", act.id)
      .Member("tenant", act.tenant)
      .Member("destroyed_at", FormatRfc3339(act.destroyed_at));
  w.Key("operator");
  WriteParty(w, act.op);
  w.Key("processors").BeginArray();
  for (const auto& p : act.processors) WriteParty(w, p);
  w.EndArray().Member("subject", act.subject).Key("destroyed").BeginArray();
  for (const auto& c : act.destroyed) {
    w.BeginObject().Member("field", c.field).Member("category", c.id);
    WriteLocalized(w, "label", c.label);
    WriteLocalized(w, "category_name", c.name);
    w.EndObject();
  }
  w.EndArray().Key("kept").BeginArray();
  for (const auto& k : act.kept) {
    w.BeginObject().Member("field", k.field).Member("purpose", k.purpose).Member("until", k.until);
    WriteLocalized(w, "label", k.label);
    WriteLocalized(w, "purpose_name", k.purpose_name);
    w.EndObject();
  }
  w.EndArray()
      .Member("information_system", act.information_system)
      .Member("method", DestructionMethodName(act.method))
      .Member("reason", DestructionReasonName(act.reason))
      .Member("reason_detail", act.reason_detail);
  if (!act.purposes.empty()) {
    w.Key("purposes").BeginArray();
    for (const auto& p : act.purposes) {
      w.BeginObject().Member("id", p.id);
      WriteLocalized(w, "name", p.name);
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("destroyed_by")
      .BeginObject()
      .Member("actor", act.actor)
      .Member("role", act.actor_role)
      .EndObject()
      .Key("audit_extract")
      .BeginArray();
  for (const auto& e : act.audit) WriteEvent(w, e);
  w.EndArray().EndObject();
  return w.str();
}

Status CheckActExtract(const DestructionAct& act) {
  auto bad = [&](const AuditEvent& e, const std::string& what) {
    return Fail(ErrorCode::kInvalidArgument,
                "audit extract event " + std::to_string(e.seq) + " " + what);
  };
  if (act.audit.empty()) return Fail(ErrorCode::kInvalidArgument, "the act has no audit extract");
  for (size_t i = 0; i < act.audit.size(); ++i) {
    const AuditEvent& e = act.audit[i];
    if (e.tenant != act.tenant) return bad(e, "is of another tenant");
    if (e.subject_id != act.subject) return bad(e, "names another subject");
    if (e.hash.size() != kAuditHashSize || e.prev_hash.size() != kAuditHashSize)
      return bad(e, "has no hash of 32 bytes");
    if (i == 0) continue;
    const AuditEvent& before = act.audit[i - 1];
    if (e.seq != before.seq + 1)
      return bad(e, "does not follow event " + std::to_string(before.seq));
    if (e.prev_hash != before.hash) return bad(e, "does not chain to the event before it");
  }
  const AuditEvent& last = act.audit.back();
  if (last.operation != OperationName(Operation::kDestroy) || last.outcome != "ok")
    return bad(last, "is not the destruction");
  return Ok();
}

}  // namespace konfid::domain
