#include "app/disclosures.h"

#include <algorithm>
#include <memory>
#include <set>

#include "app/checks.h"
#include "app/sealed_ads.h"
#include "core/encoding.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;
using namespace internal;

namespace {

Error Invalid(std::string message, std::string reason = "invalid_value") {
  return Error(ErrorCode::kInvalidArgument, std::move(message)).WithReason(std::move(reason));
}

Error Denied(std::string message, std::string reason) {
  return Error(ErrorCode::kPermissionDenied, std::move(message)).WithReason(std::move(reason));
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

domain::AuditEvent TransferEvent(const Actor& who, const std::string& subject,
                                 std::vector<std::string> fields, const std::string& purpose,
                                 const std::string& ground, const std::string& to, Outcome outcome,
                                 std::string reason = {}) {
  domain::AuditEvent e = MakeEvent(who, Operation::kTransfer, subject, std::move(fields), outcome,
                                   reason.empty() ? to : std::move(reason));
  e.purpose = purpose;
  e.ground = ground;
  return e;
}

// "recipient:<id>", or "authority" for a document ground: whom the event says data went to.
std::string Destination(const DisclosureOrder& order) {
  return order.recipient.empty() ? "authority" : "recipient:" + order.recipient;
}

Status CheckDocument(const DisclosureOrder& order, bool on_document, UnixMicros now) {
  if (!on_document) {
    if (order.document)
      return Fail(Invalid("only a disclosure on a document ground carries a document"));
    return Ok();
  }
  if (!order.document)
    return Fail(
        Invalid("an " + order.ground + " names the document it answers", "document_required"));
  std::string problem = domain::DocumentProblem(*order.document, now);
  return problem.empty() ? Ok() : Fail(Invalid(std::move(problem)));
}

}  // namespace

std::vector<std::string> DisclosedFields(const ports::DisclosureRow& row) {
  std::vector<std::string> out;
  std::string_view rest = row.fields;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    out.emplace_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return out;
}

std::string JoinFieldNames(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : ",") + f;
  return out;
}

Result<std::vector<ports::DisclosureRow>> SubjectDisclosures(ports::Transaction& txn,
                                                             const std::string& tenant,
                                                             const std::string& subject) {
  constexpr size_t kPage = 1000;
  std::vector<ports::DisclosureRow> out;
  ports::DisclosureFilter filter;
  filter.subject = subject;
  filter.limit = kPage;
  for (;;) {
    KONFID_ASSIGN_OR_RETURN(auto page, txn.ListDisclosures(tenant, filter));
    for (auto& d : page) out.push_back(std::move(d));
    if (page.size() < kPage) return out;
    filter.after = out.back().id;
  }
}

Result<std::vector<std::string>> RecipientProjection(const Actor& actor,
                                                     const domain::TenantPolicy& policy,
                                                     const domain::Purpose& purpose) {
  if (actor.recipient.empty())
    return Fail(
        Denied("a processor's API key reads only when it is bound to a recipient of the "
               "policy (konfid apikey create --recipient)",
               "recipient_required"));
  const domain::Recipient* r = policy.FindRecipient(actor.recipient);
  if (!r)
    return Fail(
        Denied("the policy in force no longer declares this key's recipient", "recipient_unknown"));
  if (!Contains(r->purposes, purpose.id))
    return Fail(
        Denied("the policy gives this key's recipient no data for purpose '" + purpose.id + "'",
               "recipient_purpose"));
  std::vector<std::string> out;
  for (const auto& f : purpose.fields)
    if (Contains(r->fields, f)) out.push_back(f);
  return out;
}

Result<std::vector<std::string>> Disclosures::CheckOrder(const domain::TenantPolicy& policy,
                                                         const DisclosureOrder& order) const {
  auto ground = domain::ParseDisclosureGround(order.ground);
  if (!ground)
    return Fail(Invalid("unknown ground '" + order.ground +
                            "': consent, contract, legal_obligation, legitimate_interest, "
                            "authority_request or protection_of_rights",
                        "unknown_ground"));
  bool on_document = domain::RestsOnDocument(*ground);
  KONFID_TRY(CheckDocument(order, on_document, k_.clock().Now()));
  if (order.subjects.empty() || order.subjects.size() > kMaxSubjects)
    return Fail(Invalid("a disclosure names 1 to 100 subjects"));
  std::set<std::string> seen;
  for (const auto& id : order.subjects)
    if (!Kernel::IsValidId(id) || !seen.insert(id).second)
      return Fail(Invalid("subjects are distinct subject ids"));
  for (const auto& f : order.fields)
    if (!policy.catalogue.Find(f))
      return Fail(Invalid("unknown field '" + f + "'", "unknown_field"));
  if (on_document) {
    if (!order.recipient.empty() || !order.purpose.empty())
      return Fail(
          Invalid("a disclosure on a document ground names the body in its document, "
                  "not a recipient or purpose of the policy"));
    if (order.fields.empty()) return Fail(Invalid("name the fields the document asks for"));
    return order.fields;
  }
  const domain::Recipient* r = policy.FindRecipient(order.recipient);
  if (!r)
    return Fail(
        Invalid("the policy declares no recipient '" + order.recipient + "'", "unknown_recipient"));
  const domain::Purpose* purpose = policy.FindPurpose(order.purpose);
  if (!purpose) return Fail(Invalid("unknown purpose '" + order.purpose + "'", "unknown_purpose"));
  if (!Contains(r->purposes, purpose->id))
    return Fail(Denied(
        "the policy gives recipient '" + r->id + "' no data for purpose '" + purpose->id + "'",
        "recipient_purpose"));
  if (purpose->ground != order.ground)
    return Fail(Denied(
        "purpose '" + purpose->id + "' rests on " + purpose->ground + ", not on " + order.ground,
        "ground_not_declared"));
  std::vector<std::string> projection;
  for (const auto& f : purpose->fields)
    if (Contains(r->fields, f)) projection.push_back(f);
  for (const auto& f : order.fields)
    if (!Contains(projection, f))
      return Fail(Denied("the policy does not give recipient '" + r->id + "' field '" + f +
                             "' for purpose '" + purpose->id + "'",
                         "field_not_disclosed"));
  return order.fields.empty() ? projection : order.fields;
}

void Disclosures::Disclose(const Actor& actor, DisclosureOrder order,
                           Callback<SealedDisclosure> done) {
  auto refuse = [&](Error e) {
    k_.RefuseEvent(
        std::make_shared<domain::AuditEvent>(TransferEvent(
            actor,
            order.subjects.size() == 1 && Kernel::IsValidId(order.subjects[0]) ? order.subjects[0]
                                                                               : "",
            order.fields, order.purpose, order.ground, Destination(order), OutcomeOf(e),
            ReasonOf(e))),
        std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kDisclosuresMake); !st) return refuse(st.error());
  std::shared_ptr<const ActivePolicy> active = k_.Active(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  auto fields = CheckOrder(*active->policy, order);
  if (!fields) return refuse(fields.error());
  auto out = std::make_shared<SealedDisclosure>();
  out->time = k_.clock().Now();
  auto ord = std::make_shared<DisclosureOrder>(std::move(order));
  auto wanted = std::make_shared<std::vector<std::string>>(std::move(*fields));
  Actor who = actor;
  auto at = std::make_shared<std::string>();  // the subject being disclosed: a refusal names it
  k_.committer().Submit(
      [this, out, ord, wanted, who, active, at](ports::Transaction& txn,
                                                AuditWriter& audit) -> Status {
        bool on_document = ord->document.has_value();
        const domain::Purpose* purpose =
            on_document ? nullptr : active->policy->FindPurpose(ord->purpose);
        for (const auto& id : ord->subjects) {
          *at = id;
          KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, id));
          if (!row)
            return Fail(
                Error(ErrorCode::kNotFound, "no such subject: " + id).WithReason("not_found"));
          KONFID_ASSIGN_OR_RETURN(auto held, SealedFieldNames(row->fields));
          std::vector<std::string> given;
          for (const auto& f : *wanted)
            if (Contains(held, f)) given.push_back(f);
          if (purpose) {
            KONFID_TRY(CheckGround(txn, *active, *purpose, who.tenant, id, out->time));
            KONFID_TRY(CheckNotBlocked(*row, given));
            KONFID_TRY(CheckPurposeOpen(*row, *purpose, who));
          }
          ports::DisclosureRow d{who.tenant,   k_.NewId(out->time),
                                 id,           ord->recipient,
                                 ord->purpose, JoinFieldNames(given),
                                 ord->ground,  {},
                                 who.id,       out->time};
          if (on_document) {
            KONFID_ASSIGN_OR_RETURN(SecretBytes key, k_.SubjectKey(*row));
            d.sealed = k_.crypto().Seal(key, domain::PackDocument(*ord->document),
                                        DisclosureDocumentAd(who.tenant, id, d.id));
          }
          KONFID_TRY(txn.InsertDisclosure(d));
          KONFID_TRY(audit.Append(TransferEvent(who, id, given, ord->purpose, ord->ground,
                                                Destination(*ord), Outcome::kOk)));
          out->subjects.push_back({d.id, std::move(*row), std::move(given)});
        }
        return Ok();
      },
      [ord, who, at](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(TransferEvent(who, *at, {}, ord->purpose, ord->ground,
                                          Destination(*ord), OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      });
}

Result<std::vector<DisclosedSubject>> Disclosures::Open(const SealedDisclosure& made) const {
  std::vector<DisclosedSubject> out;
  for (const auto& s : made.subjects) {
    KONFID_ASSIGN_OR_RETURN(domain::FieldValues values, k_.OpenFields(s.row, &s.fields));
    out.push_back({s.disclosure_id, s.row.id, std::move(values)});
  }
  return out;
}

Result<DisclosureView> Disclosures::View(const ports::DisclosureRow& row,
                                         const ports::SubjectRow* subject) const {
  DisclosureView v{row.id,     row.subject, row.recipient,  row.purpose,  DisclosedFields(row),
                   row.ground, row.actor,   row.created_at, std::nullopt, false};
  if (row.sealed.empty()) return v;
  if (!subject) {
    v.document_erased = true;
    return v;
  }
  KONFID_ASSIGN_OR_RETURN(SecretBytes key, k_.SubjectKey(*subject));
  KONFID_ASSIGN_OR_RETURN(
      std::string plain,
      k_.crypto().Open(key, row.sealed, DisclosureDocumentAd(row.tenant, row.subject, row.id)));
  v.document = domain::UnpackDocument(plain);
  SecureWipe(plain.data(), plain.size());
  if (!v.document) return Fail(Error(ErrorCode::kDataLoss, "a disclosure's document is damaged"));
  return v;
}

Result<std::vector<DisclosureView>> Disclosures::OfSubject(ports::Transaction& txn,
                                                           const std::string& tenant,
                                                           const std::string& subject,
                                                           const ports::SubjectRow* row) const {
  KONFID_ASSIGN_OR_RETURN(auto rows, SubjectDisclosures(txn, tenant, subject));
  std::vector<DisclosureView> out;
  for (const auto& d : rows) {
    KONFID_ASSIGN_OR_RETURN(auto v, View(d, row));
    out.push_back(std::move(v));
  }
  return out;
}

void Disclosures::List(const Actor& actor, ports::DisclosureFilter filter,
                       Callback<std::vector<DisclosureView>> done) {
  if (auto st = Kernel::Permit(actor, Permission::kDisclosuresRead); !st) {
    return k_.Refuse(actor, Operation::kExtract, "", {}, st.error(),
                     [done](Error err) { done(Fail(std::move(err))); });
  }
  filter.limit = std::clamp<size_t>(filter.limit, 1, kMaxListed);
  auto out = std::make_shared<std::vector<DisclosureView>>();
  Actor who = actor;
  k_.committer().Submit(
      [this, out, who, filter](ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListDisclosures(who.tenant, filter));
        std::set<std::string> opened;  // subjects whose documents the list shows
        for (const auto& d : rows) {
          KONFID_ASSIGN_OR_RETURN(auto subject, txn.FindSubject(who.tenant, d.subject));
          KONFID_ASSIGN_OR_RETURN(auto v, View(d, subject ? &*subject : nullptr));
          if (v.document) opened.insert(d.subject);
          out->push_back(std::move(v));
        }
        // An authority's document is the subject's data: each subject whose is shown is named.
        for (const auto& subject : opened)
          KONFID_TRY(audit.Append(
              MakeEvent(who, Operation::kExtract, subject, {}, Outcome::kOk, "disclosures")));
        return audit.Append(
            MakeEvent(who, Operation::kExtract, filter.subject, {}, Outcome::kOk, "disclosures"));
      },
      [who, filter](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(
            MakeEvent(who, Operation::kExtract, filter.subject, {}, Outcome::kFailed, ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      });
}

Status Disclosures::RecordRead(Kernel& kernel, ports::Transaction& txn, const Actor& who,
                               const domain::Purpose& purpose, const std::string& subject,
                               const std::vector<std::string>& fields, UnixMicros now) {
  return txn.InsertDisclosure({who.tenant,
                               kernel.NewId(now),
                               subject,
                               who.recipient,
                               purpose.id,
                               JoinFieldNames(fields),
                               purpose.ground,
                               {},
                               who.id,
                               now});
}

}  // namespace konfid::app
