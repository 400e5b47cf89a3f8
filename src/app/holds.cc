#include "app/holds.h"

#include <algorithm>
#include <memory>

#include "app/blocks.h"
#include "app/checks.h"
#include "app/disclosures.h"
#include "app/sealed_ads.h"
#include "domain/blocking.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;
using namespace internal;

namespace {

Error Invalid(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message)).WithReason("invalid_value");
}

Error NoHold() {
  return Error(ErrorCode::kNotFound, "this subject has no such hold in force")
      .WithReason("no_such_hold");
}

std::vector<std::string> FieldsOf(const std::string& text) {
  domain::Blocked scope = domain::ParseBlocked(text);
  if (scope.all) return {"*"};
  return {scope.fields.begin(), scope.fields.end()};
}

// The end of an order's last day, checked: from today to kMaxYears ahead.
Result<UnixMicros> EndOf(const std::string& until, UnixMicros now) {
  auto day = domain::ParseIsoDate(until);
  if (!day) return Fail(Invalid("'until' must be the hold's last day, YYYY-MM-DD"));
  int64_t days = domain::DaysSinceEpoch(*day), today = now / kMicrosPerDay;
  int64_t latest =
      domain::DaysSinceEpoch(domain::AddMonths(domain::DateFromDays(today), 12 * Holds::kMaxYears));
  if (days < today || days > latest)
    return Fail(Invalid("a hold's last day is from today to 10 years ahead"));
  return (days + 1) * kMicrosPerDay;
}

Status CheckOrder(const domain::TenantPolicy& policy, const HoldOrder& order, UnixMicros now) {
  if (order.reason != "dispute" && order.reason != "authority_request")
    return Fail(Invalid("a hold's reason is dispute or authority_request"));
  if (!order.document)
    return Fail(
        Invalid("a hold names the document it rests on (a claim, a court's or an "
                "authority's request)"));
  if (std::string problem = domain::DocumentProblem(*order.document, now); !problem.empty())
    return Fail(Invalid(std::move(problem)));
  return Blocks::CheckFields(policy, order.fields);
}

// A hold as stored, its document not opened.
HoldView ViewOf(const ports::HoldRow& r) {
  return {r.id,    r.subject,   r.reason,    FieldsOf(r.fields), std::nullopt,
          r.until, r.placed_by, r.placed_at, r.lifted_by,        r.lifted_at};
}

domain::AuditEvent HoldEvent(const Actor& who, Operation op, const std::string& subject,
                             std::vector<std::string> fields, Outcome outcome, std::string reason) {
  return MakeEvent(who, op, subject, std::move(fields), outcome, std::move(reason));
}

}  // namespace

HoldView Holds::Open(const ports::SubjectRow* subject, const ports::HoldRow& row) const {
  HoldView v = ViewOf(row);
  if (!subject) return v;
  auto key = k_.SubjectKey(*subject);
  if (!key) return v;
  auto plain =
      k_.crypto().Open(*key, row.document, HoldDocumentAd(row.tenant, row.subject, row.id));
  if (plain) v.document = domain::UnpackDocument(*plain);
  return v;
}

void Holds::Place(const Actor& actor, const std::string& subject, HoldOrder order,
                  Callback<HoldView> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kHoldPlaced, Kernel::IsValidId(subject) ? subject : "",
              order.fields, std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (order.fields.empty()) order.fields = {"*"};
  if (auto st = Kernel::Permit(actor, Permission::kSubjectsHold); !st) return refuse(st.error());
  auto policy = k_.Policy(actor.tenant);
  if (!policy) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  if (!Kernel::IsValidId(subject)) return refuse(NoSubject());
  UnixMicros now = k_.clock().Now();
  if (auto st = CheckOrder(*policy, order, now); !st) return refuse(st.error());
  auto end = EndOf(order.until, now);
  if (!end) return refuse(end.error());
  auto row = std::make_shared<ports::HoldRow>();
  *row = {actor.tenant,
          k_.NewId(now),
          subject,
          order.reason,
          domain::FormatBlocked(domain::ParseBlocked(JoinFieldNames(order.fields))),
          {},
          *end,
          actor.id,
          now,
          "",
          0};
  auto document = std::make_shared<domain::DisclosureDocument>(*order.document);
  auto out = std::make_shared<HoldView>();
  Actor who = actor;
  k_.committer().Submit(
      [this, row, document, out, who](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto found, txn.FindSubject(who.tenant, row->subject));
        if (!found) return Fail(NoSubject());
        KONFID_ASSIGN_OR_RETURN(SecretBytes key, k_.SubjectKey(*found));
        row->document = k_.crypto().Seal(key, domain::PackDocument(*document),
                                         HoldDocumentAd(row->tenant, row->subject, row->id));
        KONFID_TRY(txn.InsertHold(*row));
        *out = Open(&*found, *row);
        return audit.Append(HoldEvent(who, Operation::kHoldPlaced, row->subject,
                                      FieldsOf(row->fields), Outcome::kOk, "hold:" + row->id));
      },
      [who, row](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(HoldEvent(who, Operation::kHoldPlaced, row->subject,
                                      FieldsOf(row->fields), OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      });
}

void Holds::Lift(const Actor& actor, const std::string& subject, const std::string& hold,
                 Callback<HoldView> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kHoldLifted, Kernel::IsValidId(subject) ? subject : "", {},
              std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kSubjectsHold); !st) return refuse(st.error());
  if (!Kernel::IsValidId(subject)) return refuse(NoSubject());
  if (!Kernel::IsValidId(hold)) return refuse(NoHold());
  auto out = std::make_shared<HoldView>();
  Actor who = actor;
  k_.committer().Submit(
      [out, who, subject, hold, now = k_.clock().Now()](ports::Transaction& txn,
                                                        AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListSubjectHolds(who.tenant, subject));
        for (auto& r : rows) {
          if (r.id != hold || r.lifted_at != 0) continue;
          KONFID_ASSIGN_OR_RETURN(bool lifted, txn.LiftHold(who.tenant, hold, who.id, now));
          if (!lifted) break;
          r.lifted_by = who.id;
          r.lifted_at = now;
          *out = ViewOf(r);  // its document is shown by List, an audited read
          return audit.Append(HoldEvent(who, Operation::kHoldLifted, subject, out->fields,
                                        Outcome::kOk, "hold:" + hold));
        }
        return Fail(NoHold());
      },
      [who, subject](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            HoldEvent(who, Operation::kHoldLifted, subject, {}, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      });
}

void Holds::List(const Actor& actor, const std::string& subject,
                 Callback<std::vector<HoldView>> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kExtract, Kernel::IsValidId(subject) ? subject : "", {"holds"},
              std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kSubjectsHold); !st) return refuse(st.error());
  if (!Kernel::IsValidId(subject)) return refuse(NoSubject());
  auto out = std::make_shared<std::vector<HoldView>>();
  Actor who = actor;
  k_.committer().Submit(
      [this, out, who, subject](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto found, txn.FindSubject(who.tenant, subject));
        if (!found) return Fail(NoSubject());
        KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListSubjectHolds(who.tenant, subject));
        for (const auto& r : rows) out->push_back(Open(&*found, r));
        return audit.Append(
            MakeEvent(who, Operation::kExtract, subject, {"holds"}, Outcome::kOk, "holds"));
      },
      [who, subject](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kExtract, subject, {"holds"}, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      /*savepoint=*/false);
}

Result<std::vector<HoldView>> Holds::Live(ports::Transaction& txn, const std::string& tenant,
                                          const std::string& subject, UnixMicros now) {
  KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListSubjectHolds(tenant, subject));
  std::vector<HoldView> out;
  for (const auto& r : rows) {
    HoldView v = ViewOf(r);
    if (v.LiveAt(now)) out.push_back(std::move(v));
  }
  return out;
}

Error Holds::Refusal(const std::vector<HoldView>& live) {
  UnixMicros last = 0;
  for (const auto& h : live) last = std::max(last, h.until);
  std::string day = domain::FormatIsoDate(domain::DateFromDays(last / kMicrosPerDay - 1));
  return Error(ErrorCode::kConflict,
               "this subject's data is under a legal hold (a dispute or an authority's request) "
               "through " +
                   day + ": it cannot be erased before the hold ends or is lifted")
      .WithReason("legal_hold");
}

}  // namespace konfid::app
