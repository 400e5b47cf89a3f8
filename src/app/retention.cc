#include "app/retention.h"

#include <algorithm>
#include <map>
#include <optional>

#include "app/checks.h"
#include "app/holds.h"
#include "app/rekey.h"
#include "domain/blocking.h"
#include "domain/retention.h"
#include "domain/sealed_fields.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;
using namespace internal;

namespace {

constexpr const char* kCursorKey = "retention_cursor";

Actor System(const std::string& tenant) { return Actor{tenant, "system:retention", Role::kAdmin}; }

// "tenant" TAB "id", the place after which the next page starts; empty: the beginning.
std::pair<std::string, std::string> ParseCursor(const std::string& cursor) {
  auto tab = cursor.find('\t');
  if (tab == std::string::npos) return {};
  return {cursor.substr(0, tab), cursor.substr(tab + 1)};
}

// The plan for the subject's row as it stands at `now`, and the facts it was made of.
struct Planned {
  std::vector<domain::FieldPlan> plans;
  domain::RetentionFacts facts;
};
Result<Planned> PlanOf(ports::Transaction& txn, const ActivePolicy& active,
                       const ports::SubjectRow& row, UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(std::vector<std::string> held, SealedFieldNames(row.fields));
  KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListConsentEvents(row.tenant, row.id));
  std::vector<domain::ConsentEvent> events;
  events.reserve(rows.size());
  for (auto& r : rows) events.push_back(std::move(r.event));
  Planned out;
  KONFID_ASSIGN_OR_RETURN(out.facts, internal::RowFacts(txn, row));
  out.facts.consents = domain::DeriveConsents(events, *active.policy, now, active.consent_epochs);
  out.plans = domain::PlanRetention(*active.policy, held, out.facts);
  return out;
}

// Whether the subject withdrew the consent for `purpose` (a refusal is not a withdrawal: the
// data goes because the consent never came).
bool Withdrawn(const domain::RetentionFacts& facts, const std::string& purpose) {
  auto it = facts.consents.find(purpose);
  return it != facts.consents.end() && it->second.last == domain::ConsentKind::kWithdrawn;
}

// Inside ApplyOne's transaction: deletes `fields` of the subject of `row`, their blind-index
// entries, and the email's confirmation with the email.
Status DestroyFields(const Kernel& k, ports::Transaction& txn, AuditWriter& audit,
                     const domain::TenantPolicy& policy, const ports::SubjectRow& row,
                     const std::vector<std::string>& fields) {
  KONFID_ASSIGN_OR_RETURN(domain::SealedFields sealed, domain::UnpackSealedFields(row.fields));
  for (const auto& field : fields) {
    sealed.erase(field);
    KONFID_TRY(txn.DeleteIndex(row.tenant, row.id, field));
  }
  KONFID_TRY(RekeyKeeping(txn, audit, k, row, sealed));
  const domain::FieldSpec* email = EmailSpec(policy);
  if (email && row.email_verified_at != 0 &&
      std::find(fields.begin(), fields.end(), email->name) != fields.end())
    KONFID_TRY(txn.SetEmailVerified(row.tenant, row.id, 0));
  return Ok();
}

}  // namespace

Result<DueFields> FindDue(ports::Transaction& txn, const ActivePolicy& active,
                          const ports::SubjectRow& row, UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(Planned planned, PlanOf(txn, active, row, now));
  const auto& plans = planned.plans;
  domain::Blocked blocked = domain::ParseBlockHolds(row.blocked).Effective();
  DueFields due;
  due.held = plans.size();
  bool any_due = std::any_of(plans.begin(), plans.end(),
                             [&](const domain::FieldPlan& p) { return p.DueAt(now); });
  if (any_due) {  // a legal hold keeps what it names as a block does
    KONFID_ASSIGN_OR_RETURN(auto holds, Holds::Live(txn, row.tenant, row.id, now));
    for (const auto& h : holds)
      for (const auto& f : h.fields) domain::MergeInto(blocked, domain::ParseBlocked(f));
  }
  for (const auto& plan : plans) {
    if (!plan.DueAt(now)) continue;
    if (blocked.all || blocked.fields.contains(plan.field)) {
      due.kept_blocked.push_back(plan.field);
      continue;
    }
    due.destroy.push_back(plan.field);
    if (plan.purpose.empty()) continue;
    due.purposes.insert(plan.purpose);
    due.withdrawn = due.withdrawn || Withdrawn(planned.facts, plan.purpose);
  }
  return due;
}

Result<RetentionReport> Retention::Apply(const std::string& tenant,
                                         const std::vector<std::string>& subjects, UnixMicros now,
                                         const std::string* cursor) {
  auto active = k_.Active(tenant);
  if (!active) return Fail(ErrorCode::kNotFound, "tenant is not configured");
  RetentionReport report;
  KONFID_TRY(k_.committer().Run([&](ports::Transaction& txn, AuditWriter& audit) -> Status {
    report = {};
    for (const auto& subject : subjects)
      KONFID_TRY(ApplyOne(txn, audit, *active, tenant, subject, now, report));
    return cursor ? txn.SetMeta(kCursorKey, *cursor) : Ok();
  }));
  return report;
}

void Retention::Schedule(const Actor& actor, const std::string& subject,
                         Callback<RetentionSchedule> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kExtract, Kernel::IsValidId(subject) ? subject : "", {"retention"},
              std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kSubjectsRead); !st) return refuse(st.error());
  auto active = k_.Active(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  if (!Kernel::IsValidId(subject)) return refuse(NoSubject());
  auto out = std::make_shared<RetentionSchedule>();
  Actor who = actor;
  k_.committer().Submit(
      [out, who, subject, active, now = k_.clock().Now()](ports::Transaction& txn,
                                                          AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, subject));
        if (!row) return Fail(NoSubject());
        KONFID_ASSIGN_OR_RETURN(Planned planned, PlanOf(txn, *active, *row, now));
        out->fields = std::move(planned.plans);
        domain::BlockHolds holds = domain::ParseBlockHolds(row->blocked);
        out->blocked = holds.Effective();
        out->kept = std::move(holds.kept);
        KONFID_ASSIGN_OR_RETURN(auto legal, Holds::Live(txn, who.tenant, subject, now));
        for (const auto& h : legal)
          for (const auto& f : h.fields) domain::MergeInto(out->blocked, domain::ParseBlocked(f));
        return audit.Append(
            MakeEvent(who, Operation::kExtract, subject, {"retention"}, Outcome::kOk));
      },
      [who, subject](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kExtract, subject, {"retention"}, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      /*savepoint=*/false);
}

void Retention::EndContract(const Actor& actor, const std::string& subject,
                            const std::string& purpose, bool ended, Callback<UnixMicros> done) {
  std::string reason = (ended ? "contract_ended:" : "contract_resumed:") + purpose;
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kUpdate, Kernel::IsValidId(subject) ? subject : "", {},
              std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kSubjectsUpdate); !st) return refuse(st.error());
  auto policy = k_.Policy(actor.tenant);
  if (!policy) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  const domain::Purpose* p = policy->FindPurpose(purpose);
  if (!p)
    return refuse(Error(ErrorCode::kInvalidArgument, "unknown purpose '" + purpose + "'")
                      .WithReason("unknown_purpose"));
  if (domain::RetentionStart(*p) != "contract_end")
    return refuse(Error(ErrorCode::kInvalidArgument,
                        "purpose '" + purpose + "' is not counted from a contract's end")
                      .WithReason("not_contract_purpose"));
  if (!Kernel::IsValidId(subject)) return refuse(NoSubject());
  Actor who = actor;
  auto at = std::make_shared<UnixMicros>(ended ? k_.clock().Now() : 0);
  k_.committer().Submit(
      [who, subject, purpose, at, reason](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, subject));
        if (!row) return Fail(NoSubject());
        // Said again, the end stays where it was: a repeated call must not lengthen the term.
        KONFID_ASSIGN_OR_RETURN(auto ends, txn.ListContractEnds(who.tenant, subject));
        for (const auto& [p, when] : ends)
          if (p == purpose && *at != 0) *at = when;
        KONFID_TRY(txn.SetContractEnd(who.tenant, subject, purpose, *at));
        return audit.Append(MakeEvent(who, Operation::kUpdate, subject, {}, Outcome::kOk, reason));
      },
      [who, subject](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kUpdate, subject, {}, OutcomeOf(e), ReasonOf(e)));
      },
      [at, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(*at);
      });
}

Result<size_t> Retention::PruneActs(UnixMicros now, size_t batch) {
  const UnixMicros before = AddCalendarMonths(now, -kActMonths);
  size_t total = 0;
  while (true) {
    uint64_t deleted = 0;
    KONFID_TRY(k_.committer().Run([&](ports::Transaction& txn, AuditWriter&) -> Status {
      KONFID_ASSIGN_OR_RETURN(deleted, txn.DeleteDestructionActsBefore(before, batch));
      return Ok();
    }));
    total += deleted;
    if (deleted < batch) return total;
  }
}

Status Retention::SavePlace(const std::string& cursor) {
  return k_.committer().Run([&](ports::Transaction& txn, AuditWriter&) -> Status {
    return txn.SetMeta(kCursorKey, cursor);
  });
}

Status Retention::RecordFailure(const std::string& tenant, const std::string& subject,
                                const Error& error) {
  return k_.committer().Run([&](ports::Transaction&, AuditWriter& audit) -> Status {
    return audit.Append(MakeEvent(System(tenant), Operation::kDestroy, subject, {},
                                  Outcome::kFailed, ReasonOf(error)));
  });
}

Status Retention::ApplyOne(ports::Transaction& txn, AuditWriter& audit, const ActivePolicy& active,
                           const std::string& tenant, const std::string& subject, UnixMicros now,
                           RetentionReport& report) {
  KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(tenant, subject));
  if (!row) return Ok();  // erased meanwhile
  ++report.subjects;
  KONFID_ASSIGN_OR_RETURN(DueFields due, FindDue(txn, active, *row, now));
  report.kept_blocked += due.kept_blocked.size();
  if (due.destroy.empty()) return Ok();
  // An open request is answered first: its answer needs the address it goes to, and an
  // access request the data itself (152-FZ Art. 14, 20).
  KONFID_ASSIGN_OR_RETURN(auto requests, txn.ListSubjectRequests(tenant, subject));
  for (const auto& r : requests)
    if (r.open) {
      ++report.kept_for_requests;
      return Ok();
    }
  const domain::TenantPolicy& policy = *active.policy;
  AuditCapture extract(audit);
  domain::DestructionFacts facts{.subject = subject,
                                 .destroyed = due.destroy,
                                 .reason = due.withdrawn
                                               ? domain::DestructionReason::kConsentWithdrawn
                                               : domain::DestructionReason::kRetentionExpired,
                                 .actor = System(tenant).id};
  for (const auto& purpose : due.purposes)
    facts.reason_detail += (facts.reason_detail.empty() ? "" : ",") + purpose;
  if (due.destroy.size() == due.held) {  // nothing left: erased as DELETE erases
    KONFID_TRY(internal::DeleteSubjectRows(txn, tenant, subject));
    KONFID_TRY(
        notices_.Queue(txn, audit, policy, tenant, subject, DataChange::kErased, {"*"}, now));
    ++report.subjects_erased;
  } else {
    facts.method = domain::DestructionMethod::kDeletion;
    KONFID_TRY(DestroyFields(k_, txn, audit, policy, *row, due.destroy));
    KONFID_TRY(
        notices_.Queue(txn, audit, policy, tenant, subject, DataChange::kErased, due.destroy, now));
    report.fields_destroyed += due.destroy.size();
  }
  KONFID_TRY(audit.Append(MakeEvent(System(tenant), Operation::kDestroy, subject, due.destroy,
                                    Outcome::kOk, "retention")));
  facts.audit = extract.Take();
  return acts_.Record(txn, policy, std::move(facts));
}

RetentionJob::RetentionJob(ports::Storage& storage, const PolicyStore& policies,
                           Retention& retention, size_t page)
    : storage_(storage), policies_(policies), retention_(retention), page_(page) {}

namespace {

// An error of one subject's row, not of the database: that subject is skipped.
bool RowFault(const Error& e) {
  return e.code() == ErrorCode::kDataLoss || e.code() == ErrorCode::kInvalidArgument;
}

void Add(RetentionReport& total, const RetentionReport& r) {
  total.fields_destroyed += r.fields_destroyed;
  total.subjects_erased += r.subjects_erased;
  total.kept_for_requests += r.kept_for_requests;
}

}  // namespace

Status RetentionJob::ApplyPage(const std::string& tenant, const std::vector<std::string>& subjects,
                               UnixMicros now, const std::string* cursor, RetentionReport& total,
                               std::vector<Fault>& faults) {
  auto all = retention_.Apply(tenant, subjects, now, cursor);
  if (all) {
    Add(total, *all);
    return Ok();
  }
  if (!RowFault(all.error())) return Fail(all.error());
  for (const auto& id : subjects) {
    auto one = retention_.Apply(tenant, {id}, now);
    if (one) {
      Add(total, *one);
    } else if (RowFault(one.error())) {
      faults.push_back({tenant, id, one.error()});
    } else {
      return Fail(one.error());
    }
  }
  return cursor ? retention_.SavePlace(*cursor) : Ok();
}

Status RetentionJob::RecordFaults(std::vector<Fault>& faults, RetentionReport& total) {
  for (const Fault& f : faults) {
    KONFID_TRY(retention_.RecordFailure(f.tenant, f.subject, f.error));
    ++total.failed;
    if (on_failure_) on_failure_({f.tenant, f.error});
  }
  faults.clear();
  return Ok();
}

Result<RetentionReport> RetentionJob::RunOnce(UnixMicros now) {
  RetentionReport total;
  std::string cursor;
  {
    KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
    KONFID_ASSIGN_OR_RETURN(auto saved, txn->GetMeta(kCursorKey));
    if (saved) cursor = *saved;
  }
  std::vector<Fault> faults;
  while (true) {
    auto [after_tenant, after_id] = ParseCursor(cursor);
    std::map<std::string, std::vector<std::string>> due;  // by tenant
    size_t seen = 0;
    {
      KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
      KONFID_ASSIGN_OR_RETURN(auto keys, txn->ListSubjectKeys(after_tenant, after_id, page_));
      seen = keys.size();
      for (const auto& key : keys) {
        auto active = policies_.Current(key.tenant);
        if (!active) continue;
        auto found = [&]() -> Result<std::optional<DueFields>> {
          KONFID_ASSIGN_OR_RETURN(auto row, txn->FindSubject(key.tenant, key.id));
          if (!row) return std::optional<DueFields>();
          KONFID_ASSIGN_OR_RETURN(DueFields d, FindDue(*txn, *active, *row, now));
          return std::optional<DueFields>(std::move(d));
        }();
        if (!found && !RowFault(found.error())) return Fail(found.error());
        if (!found) faults.push_back({key.tenant, key.id, found.error()});
        if (!found || !*found) continue;
        if (!(*found)->destroy.empty()) due[key.tenant].push_back(key.id);
        total.kept_blocked += (*found)->kept_blocked.size();
      }
      cursor = seen < page_ ? "" : keys.back().tenant + "\t" + keys.back().id;
    }
    total.subjects += seen;
    if (due.empty()) KONFID_TRY(retention_.SavePlace(cursor));
    for (auto it = due.begin(); it != due.end(); ++it) {
      bool last = std::next(it) == due.end();
      KONFID_TRY(ApplyPage(it->first, it->second, now, last ? &cursor : nullptr, total, faults));
    }
    KONFID_TRY(RecordFaults(faults, total));
    if (seen < page_) break;
  }
  KONFID_ASSIGN_OR_RETURN(total.acts_pruned, retention_.PruneActs(now));
  return total;
}

}  // namespace konfid::app
