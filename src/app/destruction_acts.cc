#include "app/destruction_acts.h"

#include <algorithm>

#include "app/audit_writer.h"
#include "app/checks.h"
#include "app/receipts.h"
#include "domain/civil_date.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;

namespace {

constexpr size_t kMaxListed = 200;
constexpr std::string_view kRequestReason = "request:";

Error NoAct() { return Error(ErrorCode::kNotFound, "no such act").WithReason("no_act"); }

}  // namespace

Result<std::string> SignDestructionAct(ports::Crypto& crypto, const Keyring& keyring,
                                       const domain::DestructionAct& act) {
  KONFID_TRY(domain::CheckActExtract(act));
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, keyring.Tenant(act.tenant));
  if (keys->receipt_key.size() == 0)
    return Fail(ErrorCode::kInternal, "internal error", "tenant has no signing key");
  return SignReceipt(crypto, keys->receipt_key, keys->receipt_key_id,
                     domain::DestructionActClaims(act));
}

Result<std::string> VerifyDestructionAct(ports::Crypto& crypto, std::span<const uint8_t> public_key,
                                         std::string_view jws) {
  return VerifyReceipt(crypto, public_key, jws);
}

Status CheckExtractInLog(ports::Storage& storage, ports::Crypto& crypto, const Keyring& keyring,
                         const domain::DestructionAct& act) {
  KONFID_TRY(domain::CheckActExtract(act));
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, keyring.Tenant(act.tenant));
  auto bad = [](const domain::AuditEvent& e, const std::string& what) {
    return Fail(ErrorCode::kInvalidArgument,
                "audit extract event " + std::to_string(e.seq) + " " + what);
  };
  for (const auto& e : act.audit)
    if (AuditEventMac(crypto, keys->audit_key, e) != e.hash)
      return bad(e, "is not as the tenant's audit key signed it");
  const uint64_t first = act.audit.front().seq, last = act.audit.back().seq;
  size_t found = 0;
  bool past = false;  // the scan stops once it is past the extract
  KONFID_ASSIGN_OR_RETURN(auto txn, storage.Begin(false));
  Status scan = txn->ScanAudit(act.tenant, [&](const domain::AuditEvent& stored) -> Status {
    if (stored.seq < first) return Ok();
    if (stored.seq > last) {
      past = true;
      return Fail(ErrorCode::kInternal, "past the extract");
    }
    const domain::AuditEvent& e = act.audit[stored.seq - first];
    if (stored.hash != e.hash) return bad(e, "differs from the event stored at its seq");
    ++found;
    return Ok();
  });
  if (!scan && !past) return scan;
  if (found != act.audit.size())
    return Fail(ErrorCode::kInvalidArgument, "the audit log holds " + std::to_string(found) +
                                                 " of the extract's " +
                                                 std::to_string(act.audit.size()) + " events");
  return Ok();
}

void SetErasureReason(const std::string& reason, domain::DestructionFacts& facts) {
  if (reason.starts_with(kRequestReason)) {
    facts.reason = domain::DestructionReason::kSubjectRequest;
    facts.reason_detail = reason.substr(kRequestReason.size());
  } else {
    facts.reason = domain::DestructionReason::kStaffErasure;
    facts.reason_detail = reason;
  }
}

Status DestructionActs::Record(ports::Transaction& txn, const domain::TenantPolicy& policy,
                               domain::DestructionFacts facts) {
  if (facts.destroyed.empty()) return Ok();
  if (facts.audit.empty())
    return Fail(ErrorCode::kInternal, "internal error", "an act of destruction with no events");
  facts.destroyed_at = facts.audit.back().time;
  facts.id = k_.NewId(facts.destroyed_at);
  domain::DestructionAct act = domain::MakeDestructionAct(policy, std::move(facts));
  auto jws = SignDestructionAct(k_.crypto(), k_.keyring(), act);
  // The destruction fails with its act as a fault of the server's, never as the caller's (a
  // 400) or as a bad row the retention job would skip.
  if (!jws)
    return Fail(ErrorCode::kInternal, "internal error",
                "the act of destruction cannot be signed: " + jws.error().message());
  return txn.InsertDestructionAct(
      {act.tenant, act.id, act.subject, act.destroyed_at, std::move(*jws)});
}

Result<std::vector<domain::DestructionAct::Kept>> DestructionActs::Kept(
    const domain::TenantPolicy& policy, const std::vector<domain::FieldPlan>& plans) const {
  std::vector<domain::DestructionAct::Kept> out;
  for (const auto& plan : plans) {
    out.push_back({plan.field, plan.purpose, ""});
    if (plan.until == domain::kHeldIndefinitely) continue;  // its term has not started
    KONFID_ASSIGN_OR_RETURN(domain::Date last, zones_.LocalDate(policy.TimeZone(), plan.until));
    out.back().until = domain::FormatIsoDate(last);
  }
  return out;
}

void DestructionActs::List(const Actor& actor, ports::DestructionActFilter filter,
                           Callback<std::vector<ports::DestructionActRow>> done) {
  if (auto st = Kernel::Permit(actor, Permission::kActsRead); !st) {
    return k_.Refuse(actor, Operation::kExtract, "", {"destruction_acts"}, st.error(),
                     [done](Error err) { done(Fail(std::move(err))); });
  }
  filter.limit = std::clamp<size_t>(filter.limit, 1, kMaxListed);
  auto out = std::make_shared<std::vector<ports::DestructionActRow>>();
  Actor who = actor;
  k_.committer().Submit(
      [out, who, filter](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(*out, txn.ListDestructionActs(who.tenant, filter));
        return audit.Append(MakeEvent(who, Operation::kExtract, filter.subject,
                                      {"destruction_acts"}, Outcome::kOk));
      },
      [who, filter](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(MakeEvent(who, Operation::kExtract, filter.subject,
                                      {"destruction_acts"}, Outcome::kFailed, ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      /*savepoint=*/false);
}

void DestructionActs::Find(const Actor& actor, const std::string& id,
                           Callback<ports::DestructionActRow> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kExtract, "", {"destruction_acts"}, std::move(e),
              [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kActsRead); !st) return refuse(st.error());
  if (!Kernel::IsValidId(id)) return refuse(NoAct());
  auto out = std::make_shared<ports::DestructionActRow>();
  Actor who = actor;
  k_.committer().Submit(
      [out, who, id](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindDestructionAct(who.tenant, id));
        if (!row) return Fail(NoAct());
        *out = std::move(*row);
        return audit.Append(MakeEvent(who, Operation::kExtract, out->subject, {"destruction_acts"},
                                      Outcome::kOk, "act:" + id));
      },
      [who, id](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(MakeEvent(who, Operation::kExtract, "", {"destruction_acts"},
                                      internal::OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      /*savepoint=*/false);
}

Result<std::string> DestructionActs::Claims(const ports::DestructionActRow& row) const {
  KONFID_ASSIGN_OR_RETURN(const TenantKeys* keys, k_.keyring().Tenant(row.tenant));
  auto claims = VerifyDestructionAct(k_.crypto(), keys->receipt_public_key, row.jws);
  if (!claims)
    return Fail(ErrorCode::kDataLoss, "internal error",
                "act " + row.id + " does not verify with its tenant's key");
  return claims;
}

}  // namespace konfid::app
