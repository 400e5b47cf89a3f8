#include "app/blocks.h"

#include <memory>

#include "app/checks.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;

Error BlockedError(const std::string& field) {
  return Error(ErrorCode::kConflict,
               field == "*" ? "this subject is blocked: its data is kept but not processed"
                            : "field '" + field +
                                  "' of this subject is blocked: it is kept but "
                                  "not processed")
      .WithReason("blocked");
}

Status Blocks::CheckFields(const domain::TenantPolicy& policy,
                           const std::vector<std::string>& fields) {
  if (fields.empty())
    return Fail(Error(ErrorCode::kInvalidArgument, "name the fields to block, or \"*\"")
                    .WithReason("invalid_value"));
  if (fields.size() == 1 && fields[0] == "*") return Ok();
  for (const auto& f : fields)
    if (!policy.catalogue.Find(f))
      return Fail(Error(ErrorCode::kInvalidArgument, "unknown field '" + f + "'")
                      .WithReason("unknown_field"));
  return Ok();
}

Result<std::vector<std::string>> Blocks::Released(const ports::SubjectRow& row,
                                                  const std::vector<std::string>& asked,
                                                  const domain::Blocked& after) {
  if (after.all) return std::vector<std::string>();
  std::vector<std::string> fields = asked;
  if (asked.size() == 1 && asked[0] == "*") {
    KONFID_ASSIGN_OR_RETURN(fields, internal::SealedFieldNames(row.fields));
  }
  std::vector<std::string> out;
  for (auto& f : fields)
    if (!after.fields.contains(f)) out.push_back(std::move(f));
  return out;
}

Result<domain::Blocked> Blocks::Change(ports::Transaction& txn, AuditWriter& audit,
                                       const Actor& who, const ports::SubjectRow& row,
                                       const std::vector<std::string>& fields, bool lift,
                                       const std::string& holder, const std::string& reason) {
  domain::BlockHolds holds = domain::ParseBlockHolds(row.blocked);
  bool all = fields.size() == 1 && fields[0] == "*";
  if (!holder.empty() && lift) {
    holds.requests.erase(holder);
  } else {
    domain::Blocked& held = holder.empty() ? holds.staff : holds.requests[holder];
    if (lift && all) {
      held = {};
    } else if (all) {
      held = {true, {}};
    } else {
      for (const auto& f : fields) {
        if (lift) {
          held.fields.erase(f);
        } else if (!held.all) {
          held.fields.insert(f);
        }
      }
    }
  }
  // A block is no write of the subject's data: updated_at, from which retention counts a term
  // (domain/retention.h), stays.
  KONFID_TRY(
      txn.SetSubjectBlocked(row.tenant, row.id, domain::FormatBlockHolds(holds), row.updated_at));
  KONFID_TRY(audit.Append(MakeEvent(who, lift ? Operation::kUnblock : Operation::kBlock, row.id,
                                    fields, Outcome::kOk, reason)));
  return holds.Effective();
}

Status Blocks::Stop(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                    const ports::SubjectRow& row,
                    const std::vector<const domain::Purpose*>& purposes,
                    const std::string& reason) {
  domain::BlockHolds holds = domain::ParseBlockHolds(row.blocked);
  for (const domain::Purpose* p : purposes) holds.stopped.insert(p->id);
  KONFID_TRY(
      txn.SetSubjectBlocked(row.tenant, row.id, domain::FormatBlockHolds(holds), row.updated_at));
  for (const domain::Purpose* p : purposes) {
    domain::AuditEvent e = MakeEvent(who, Operation::kBlock, row.id, {}, Outcome::kOk, reason);
    e.purpose = p->id;
    e.ground = p->ground;
    KONFID_TRY(audit.Append(e));
  }
  return Ok();
}

void Blocks::Block(const Actor& actor, const std::string& subject, std::vector<std::string> fields,
                   Callback<domain::Blocked> done) {
  Run(actor, subject, std::move(fields), false, std::move(done));
}

void Blocks::Unblock(const Actor& actor, const std::string& subject,
                     std::vector<std::string> fields, Callback<domain::Blocked> done) {
  Run(actor, subject, std::move(fields), true, std::move(done));
}

void Blocks::Run(const Actor& actor, const std::string& subject, std::vector<std::string> fields,
                 bool lift, Callback<domain::Blocked> done) {
  Operation op = lift ? Operation::kUnblock : Operation::kBlock;
  auto refuse = [&](Error e) {
    k_.Refuse(actor, op, Kernel::IsValidId(subject) ? subject : "", fields, std::move(e),
              [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kSubjectsBlock); !st) return refuse(st.error());
  auto policy = k_.Policy(actor.tenant);
  if (!policy) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  if (auto st = CheckFields(*policy, fields); !st) return refuse(st.error());
  if (!Kernel::IsValidId(subject)) return refuse(internal::NoSubject());
  auto out = std::make_shared<domain::Blocked>();
  Actor who = actor;
  auto names = std::make_shared<std::vector<std::string>>(std::move(fields));
  k_.committer().Submit(
      [this, who, subject, names, lift, out, policy, now = k_.clock().Now()](
          ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, subject));
        if (!row) return Fail(internal::NoSubject());
        KONFID_ASSIGN_OR_RETURN(*out, Change(txn, audit, who, *row, *names, lift, "", ""));
        std::vector<std::string> told = *names;
        if (lift) {
          KONFID_ASSIGN_OR_RETURN(told, Released(*row, *names, *out));
        }
        KONFID_TRY(notices_.Queue(txn, audit, *policy, who.tenant, subject,
                                  lift ? DataChange::kUnrestricted : DataChange::kRestricted, told,
                                  now));
        return Ok();
      },
      [who, subject, names, op](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, op, subject, *names, internal::OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(*out);
      });
}

}  // namespace konfid::app
