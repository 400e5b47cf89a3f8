#include "app/requests.h"

#include <algorithm>
#include <iterator>
#include <memory>

#include "app/blocks.h"
#include "app/checks.h"
#include "app/sealed_ads.h"
#include "app/subjects.h"
#include "app/tokens.h"
#include "domain/sealed_fields.h"

namespace konfid::app {

using domain::Operation;
using domain::Outcome;
using domain::RequestKind;
using domain::RequestState;
using namespace internal;

namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

// The details as a packed map (domain/sealed_fields.h's grammar, values in the clear), then
// sealed as one value under the subject's key, bound to the request.
Bytes SealDetails(ports::Crypto& crypto, const SecretBytes& key, const std::string& tenant,
                  const std::string& id, const RequestDetails& d) {
  auto bytes = [](const std::string& s) { return Bytes(s.begin(), s.end()); };
  Bytes plain = domain::PackSealedFields({{"document", bytes(d.document)},
                                          {"fields", bytes(Join(d.fields))},
                                          {"ground", bytes(d.ground)},
                                          {"purposes", bytes(Join(d.purposes))},
                                          {"reason", bytes(d.reason)},
                                          {"text", bytes(d.text)}});
  Bytes sealed = crypto.Seal(key, plain, RequestDetailsAd(tenant, id));
  SecureWipe(plain.data(), plain.size());
  return sealed;
}

Result<RequestDetails> OpenDetails(ports::Crypto& crypto, const SecretBytes& key,
                                   const ports::RequestRow& row) {
  KONFID_ASSIGN_OR_RETURN(std::string plain,
                          crypto.Open(key, row.sealed, RequestDetailsAd(row.tenant, row.id)));
  auto packed = domain::UnpackSealedFields(AsBytes(plain));
  SecureWipe(plain.data(), plain.size());
  if (!packed) return Fail(packed.error());
  auto text = [&](const char* name) {
    auto it = packed->find(name);
    return it == packed->end() ? std::string() : std::string(it->second.begin(), it->second.end());
  };
  return RequestDetails{
      text("text"),   text("document"), SplitComma(text("fields")), SplitComma(text("purposes")),
      text("reason"), text("ground")};
}

Operation OperationOf(RequestState state) {
  switch (state) {
    case RequestState::kReceived:
      return Operation::kRequestReceived;
    case RequestState::kInProgress:
      return Operation::kRequestInProgress;
    case RequestState::kExtended:
      return Operation::kRequestExtended;
    case RequestState::kDone:
      return Operation::kRequestDone;
    case RequestState::kRefused:
      return Operation::kRequestRefused;
  }
  return Operation::kRequestReceived;
}

// A request's audit event: the kind as its purpose, the request id as what it was for.
domain::AuditEvent RequestEvent(const Actor& who, RequestState state, const std::string& subject,
                                RequestKind kind, std::vector<std::string> fields,
                                const std::string& id, Outcome outcome = Outcome::kOk,
                                std::string reason = {}) {
  domain::AuditEvent e = MakeEvent(who, OperationOf(state), subject, std::move(fields), outcome,
                                   outcome == Outcome::kOk ? "request:" + id : std::move(reason));
  e.purpose = std::string(domain::RequestKindName(kind));
  return e;
}

Error NoRequest() { return Error(ErrorCode::kNotFound, "no such request").WithReason("not_found"); }

Result<RequestKind> KindOf(const ports::RequestRow& row) {
  auto kind = domain::ParseRequestKind(row.kind);
  if (!kind) return Fail(ErrorCode::kDataLoss, "a request of an unknown kind");
  return *kind;
}

}  // namespace

Result<domain::Date> Requests::LocalDay(const domain::TenantPolicy& policy, UnixMicros at) const {
  return zones_.LocalDate(policy.TimeZone(), at);
}

Result<RequestView> Requests::View(const domain::TenantPolicy& policy, const ports::RequestRow& row,
                                   const SecretBytes* key, UnixMicros now) const {
  RequestView v;
  v.id = row.id;
  v.subject = row.subject;
  KONFID_ASSIGN_OR_RETURN(v.kind, KindOf(row));
  auto state = domain::ParseRequestState(row.state);
  auto channel = domain::ParseRequestChannel(row.channel);
  if (!state || !channel) return Fail(ErrorCode::kDataLoss, "a request's state is damaged");
  v.state = *state;
  v.channel = *channel;
  v.received_on = row.received_on;
  v.due_on = row.due_on;
  if (v.due_on.empty()) v.deadline_error = "calendar_unknown";
  auto term = domain::TermOf(policy.jurisdiction, v.kind);
  if (term) v.source = std::string(term->source);
  bool extended = false;
  KONFID_ASSIGN_OR_RETURN(v.history, domain::ParseRequestHistory(row.history));
  for (const auto& step : v.history) extended |= step.state == RequestState::kExtended;
  v.extendable = domain::IsOpen(v.state) && !extended && term && term->extension > 0;
  KONFID_ASSIGN_OR_RETURN(domain::Date today, LocalDay(policy, now));
  v.overdue = domain::IsOpen(v.state) && !v.due_on.empty() && v.due_on < FormatIsoDate(today);
  if (key) {
    KONFID_ASSIGN_OR_RETURN(v.details, OpenDetails(k_.crypto(), *key, row));
  }
  v.created_at = row.created_at;
  v.updated_at = row.updated_at;
  return v;
}

Status Requests::Check(const domain::TenantPolicy& policy, const NewRequest& request) {
  const RequestDetails& d = request.details;
  if (request.channel != domain::RequestChannel::kSelf && d.document.empty())
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "a request filed on a subject's behalf names the document that identified "
                      "them (`document`)")
                    .WithReason("document_required"));
  bool blocks =
      request.kind == RequestKind::kRectification || request.kind == RequestKind::kBlocking;
  if (blocks) {
    if (request.kind == RequestKind::kRectification && d.fields.size() == 1 && d.fields[0] == "*")
      return Fail(Error(ErrorCode::kInvalidArgument, "a rectification names the fields it corrects")
                      .WithReason("invalid_value"));
    KONFID_TRY(Blocks::CheckFields(policy, d.fields));
  } else if (!d.fields.empty()) {
    return Fail(
        Error(ErrorCode::kInvalidArgument, "only rectification and blocking requests name fields")
            .WithReason("unknown_field"));
  }
  for (const auto& p : d.purposes) {
    const domain::Purpose* purpose = policy.FindPurpose(p);
    if (request.kind != RequestKind::kWithdrawal || !purpose || purpose->ground != "consent")
      return Fail(Error(ErrorCode::kInvalidArgument,
                        "a withdrawal names purposes that rest on consent; '" + p + "' does not")
                      .WithReason("not_consent_purpose"));
  }
  return Ok();
}

Result<bool> Requests::TakeEffect(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                                  const ActivePolicy& active, const ports::SubjectRow& row,
                                  const NewRequest& request, const std::string& id,
                                  UnixMicros now) {
  const std::string reason = "request:" + id;
  switch (request.kind) {
    case RequestKind::kRectification:  // blocked while the claim is checked; closed by staff
      KONFID_TRY(Blocks::Change(txn, audit, who, row, request.details.fields, false, id, reason));
      KONFID_TRY(notices_.Queue(txn, audit, *active.policy, who.tenant, row.id,
                                DataChange::kRestricted, request.details.fields, now));
      return false;
    case RequestKind::kBlocking:  // the block is the answer; lifting it is a staff decision
      KONFID_TRY(Blocks::Change(txn, audit, who, row, request.details.fields, false, "", reason));
      KONFID_TRY(notices_.Queue(txn, audit, *active.policy, who.tenant, row.id,
                                DataChange::kRestricted, request.details.fields, now));
      return true;
    case RequestKind::kObjection:
    case RequestKind::kWithdrawal: {
      for (const domain::Purpose& p : active.policy->purposes) {
        if (p.ground != "consent") continue;
        const auto& named = request.details.purposes;
        bool wanted =
            request.kind == RequestKind::kObjection
                ? p.marketing
                : named.empty() || std::find(named.begin(), named.end(), p.id) != named.end();
        if (!wanted) continue;
        KONFID_TRY(signer_.Withdraw(txn, audit, who, active, row.id, p.id, "request", now));
      }
      return true;
    }
    default:
      return false;
  }
}

Result<RequestView> Requests::FileIn(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                                     const ActivePolicy& active, const ports::SubjectRow& row,
                                     const NewRequest& request, UnixMicros now) {
  const domain::TenantPolicy& policy = *active.policy;
  KONFID_ASSIGN_OR_RETURN(domain::Date received, LocalDay(policy, now));
  ports::RequestRow r;
  r.tenant = row.tenant;
  r.id = k_.NewId(now);
  r.subject = row.id;
  r.kind = std::string(domain::RequestKindName(request.kind));
  r.channel = std::string(domain::RequestChannelName(request.channel));
  r.received_on = FormatIsoDate(received);
  auto due = domain::Deadline(calendar_, policy.jurisdiction, request.kind, received, false);
  if (!due && due.error().reason() != "calendar_unknown") return Fail(due.error());
  if (due) r.due_on = FormatIsoDate(*due);  // else kept, without a term: View says why
  std::vector<domain::RequestStep> steps = {{now, RequestState::kReceived}};
  KONFID_TRY(audit.Append(RequestEvent(who, RequestState::kReceived, row.id, request.kind,
                                       request.details.fields, r.id)));
  KONFID_ASSIGN_OR_RETURN(bool done, TakeEffect(txn, audit, who, active, row, request, r.id, now));
  if (done) {
    steps.push_back({now, RequestState::kDone});
    KONFID_TRY(
        audit.Append(RequestEvent(who, RequestState::kDone, row.id, request.kind, {}, r.id)));
  }
  r.state = std::string(domain::RequestStateName(steps.back().state));
  r.open = domain::IsOpen(steps.back().state);
  r.history = domain::FormatRequestHistory(steps);
  KONFID_ASSIGN_OR_RETURN(SecretBytes key, k_.SubjectKey(row));
  r.sealed = SealDetails(k_.crypto(), key, r.tenant, r.id, request.details);
  r.created_at = r.updated_at = now;
  KONFID_TRY(txn.InsertRequest(r));
  KONFID_ASSIGN_OR_RETURN(RequestView view, View(policy, r, &key, now));
  KONFID_TRY(Tell(txn, audit, who, policy, row, view, now));
  return view;
}

Status Requests::Tell(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                      const domain::TenantPolicy& policy, const ports::SubjectRow& row,
                      const RequestView& view, UnixMicros now) const {
  if (view.state == RequestState::kInProgress) return Ok();
  text::RequestNews news;
  news.id = view.id;
  news.kind = std::string(domain::RequestKindName(view.kind));
  news.state = std::string(domain::RequestStateName(view.state));
  news.received_on = view.received_on;
  news.due_on = view.due_on;
  if (!domain::IsOpen(view.state)) {
    KONFID_ASSIGN_OR_RETURN(domain::Date today, LocalDay(policy, now));
    news.closed_on = FormatIsoDate(today);
  }
  if (view.details && view.state != RequestState::kDone) news.reason = view.details->reason;
  if (view.details && view.state == RequestState::kRefused) news.ground = view.details->ground;
  news.channel = std::string(domain::RequestChannelName(view.channel));
  if (view.kind == RequestKind::kErasure && view.state == RequestState::kDone) {
    KONFID_ASSIGN_OR_RETURN(auto plans, Subjects::KeptAt(txn, policy, row, now));
    KONFID_ASSIGN_OR_RETURN(auto kept, acts_.Kept(policy, plans));
    for (auto& k : kept)
      news.kept.push_back({std::move(k.field), std::move(k.purpose), std::move(k.until)});
  }
  // A rectification has just blocked or released its fields, the address among them perhaps:
  // read the subject again.
  std::optional<ports::SubjectRow> now_row;
  if (view.kind == RequestKind::kRectification) {
    KONFID_ASSIGN_OR_RETURN(now_row, txn.FindSubject(row.tenant, row.id));
  }
  KONFID_TRY(news_.Queue(txn, audit, who, policy, now_row ? *now_row : row, news, now));
  return Ok();
}

Status Requests::MoveEffect(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                            const ActivePolicy& active, const ports::SubjectRow& subject,
                            const RequestView& view, const RequestDetails& details, RequestState to,
                            UnixMicros now) {
  const std::string& id = view.id;
  if (view.kind == RequestKind::kRectification && !domain::IsOpen(to)) {
    KONFID_ASSIGN_OR_RETURN(auto after, Blocks::Change(txn, audit, who, subject, details.fields,
                                                       true, id, "request:" + id));
    KONFID_ASSIGN_OR_RETURN(auto released, Blocks::Released(subject, details.fields, after));
    KONFID_TRY(notices_.Queue(txn, audit, *active.policy, who.tenant, subject.id,
                              DataChange::kUnrestricted, released, now));
  }
  if (view.kind == RequestKind::kStopProcessing && to == RequestState::kDone) {
    std::vector<const domain::Purpose*> stopped;
    for (const domain::Purpose& p : active.policy->purposes) {
      if (p.ground == "consent") {
        KONFID_TRY(signer_.Withdraw(txn, audit, who, active, subject.id, p.id, "request", now));
      } else if (p.ground == "legitimate_interest" &&
                 domain::StopCoversLegitimateInterest(active.policy->jurisdiction)) {
        stopped.push_back(&p);
      }
    }
    if (!stopped.empty())
      KONFID_TRY(Blocks::Stop(txn, audit, who, subject, stopped, "request:" + id));
  }
  return Ok();
}

void Requests::File(const Actor& actor, NewRequest request, Callback<RequestView> done) {
  auto refuse = [&](Error e) {
    k_.Refuse(actor, Operation::kRequestReceived,
              Kernel::IsValidId(request.subject) ? request.subject : "", request.details.fields,
              std::move(e), [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kRequestsManage); !st) return refuse(st.error());
  std::shared_ptr<const ActivePolicy> active = k_.Active(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  if (request.channel == domain::RequestChannel::kSelf)
    return refuse(Error(ErrorCode::kInvalidArgument,
                        "staff file requests received by letter, email or in person; a subject "
                        "files their own through the self routes")
                      .WithReason("invalid_value"));
  if (auto st = Check(*active->policy, request); !st) return refuse(st.error());
  if (!Kernel::IsValidId(request.subject)) return refuse(NoSubject());
  auto out = std::make_shared<RequestView>();
  auto req = std::make_shared<NewRequest>(std::move(request));
  Actor who = actor;
  k_.committer().Submit(
      [this, who, active, req, out, now = k_.clock().Now()](ports::Transaction& txn,
                                                            AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindSubject(who.tenant, req->subject));
        if (!row) return Fail(NoSubject());
        KONFID_ASSIGN_OR_RETURN(*out, FileIn(txn, audit, who, *active, *row, *req, now));
        return Ok();
      },
      [who, req](ports::Transaction&, AuditWriter& audit, const Error& e) {
        return audit.Append(RequestEvent(who, RequestState::kReceived, req->subject, req->kind,
                                         req->details.fields, "", OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      });
}

void Requests::Get(const Actor& actor, const std::string& id, Callback<RequestView> done) {
  if (auto st = Kernel::Permit(actor, Permission::kRequestsRead); !st) {
    return k_.Refuse(actor, Operation::kExtract, "", {}, st.error(),
                     [done](Error err) { done(Fail(std::move(err))); });
  }
  std::shared_ptr<const ActivePolicy> active = k_.Active(actor.tenant);
  if (!active) return done(Fail(ErrorCode::kNotFound, "tenant is not configured"));
  if (!Kernel::IsValidId(id)) return done(Fail(NoRequest()));
  auto out = std::make_shared<RequestView>();
  Actor who = actor;
  k_.committer().Submit(
      [this, who, id, active, out, now = k_.clock().Now()](ports::Transaction& txn,
                                                           AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto row, txn.FindRequest(who.tenant, id));
        if (!row) return Fail(NoRequest());
        KONFID_ASSIGN_OR_RETURN(auto subject, txn.FindSubject(who.tenant, row->subject));
        std::optional<SecretBytes> key;
        if (subject) {
          KONFID_ASSIGN_OR_RETURN(key, k_.SubjectKey(*subject));
        }
        KONFID_ASSIGN_OR_RETURN(*out, View(*active->policy, *row, key ? &*key : nullptr, now));
        // Reading a request's details is a read of the subject's data.
        domain::AuditEvent e = MakeEvent(who, Operation::kExtract, row->subject, {}, Outcome::kOk,
                                         "request:" + row->id);
        e.purpose = row->kind;
        return audit.Append(std::move(e));
      },
      nullptr,
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      /*savepoint=*/false);
}

Result<RequestView> Requests::MoveIn(ports::Transaction& txn, AuditWriter& audit, const Actor& who,
                                     const ActivePolicy& active, const std::string& id,
                                     const RequestMove& move, UnixMicros now) {
  const RequestState to = move.to;
  KONFID_ASSIGN_OR_RETURN(auto row, txn.FindRequest(who.tenant, id));
  if (!row) return Fail(NoRequest());
  KONFID_ASSIGN_OR_RETURN(auto subject, txn.FindSubject(who.tenant, row->subject));
  // An erased subject's requests still move (an erasure is closed after the DELETE that
  // fulfils it); their details went with the subject's key and stay as they are.
  std::optional<SecretBytes> key;
  if (subject) {
    KONFID_ASSIGN_OR_RETURN(key, k_.SubjectKey(*subject));
  }
  KONFID_ASSIGN_OR_RETURN(RequestView view, View(*active.policy, *row, key ? &*key : nullptr, now));
  if (!domain::CanMove(view.state, to))
    return Fail(Error(ErrorCode::kConflict,
                      "a request that is " + std::string(domain::RequestStateName(view.state)) +
                          " cannot move to " + std::string(domain::RequestStateName(to)))
                    .WithReason("invalid_transition"));
  if ((to == RequestState::kExtended || to == RequestState::kRefused) && move.reason.empty())
    return Fail(Error(ErrorCode::kInvalidArgument, "an extension or a refusal gives its reason")
                    .WithReason("reason_required"));
  // A refusal names the provision of law it rests on (152-FZ Art. 20(2)); no other move has one.
  if (to == RequestState::kRefused && move.ground.find_first_not_of(" \t\r\n") == std::string::npos)
    return Fail(Error(ErrorCode::kInvalidArgument,
                      "a refusal names the provision of law it rests on (ground)")
                    .WithReason("ground_required"));
  if (to != RequestState::kRefused && !move.ground.empty())
    return Fail(Error(ErrorCode::kInvalidArgument, "only a refusal has a ground")
                    .WithReason("invalid_value"));
  // Closing an erasure as done destroys the subject: the role must be one that may.
  const bool erases = subject && view.kind == RequestKind::kErasure && to == RequestState::kDone;
  if (erases) KONFID_TRY(Kernel::Permit(who, Permission::kSubjectsDelete));
  if (to == RequestState::kExtended) {
    if (!view.extendable)
      return Fail(Error(ErrorCode::kInvalidArgument, "this request's term cannot be extended")
                      .WithReason("not_extendable"));
    // The reasoned notice must come within the first term (152-FZ Art. 20(1), GDPR Art. 12(3)).
    if (view.overdue)
      return Fail(Error(ErrorCode::kInvalidArgument,
                        "this request is past its term: an extension had to be given within it")
                      .WithReason("not_extendable"));
    KONFID_ASSIGN_OR_RETURN(domain::Date received, domain::ParseIsoDate(row->received_on));
    // The notice must name the new term: without a calendar for it there is none to name.
    auto due = domain::Deadline(calendar_, active.policy->jurisdiction, view.kind, received, true);
    if (!due && due.error().reason() == "calendar_unknown")
      return Fail(Error(ErrorCode::kConflict,
                        "the extended term reaches a year without a production calendar: "
                        "install it under [calendars] (docs/requests.md)",
                        due.error().message())
                      .WithReason("calendar_unknown"));
    if (!due) return Fail(due.error());
    row->due_on = FormatIsoDate(*due);
  }
  RequestDetails details = view.details ? std::move(*view.details) : RequestDetails{};
  if (!move.reason.empty()) details.reason = move.reason;
  if (to == RequestState::kRefused) details.ground = move.ground;
  if (subject) {
    KONFID_TRY(MoveEffect(txn, audit, who, active, *subject, view, details, to, now));
  }
  view.history.push_back({now, to});
  row->state = std::string(domain::RequestStateName(to));
  row->open = domain::IsOpen(to);
  row->history = domain::FormatRequestHistory(view.history);
  if (key) row->sealed = SealDetails(k_.crypto(), *key, row->tenant, row->id, details);
  row->updated_at = now;
  KONFID_TRY(txn.UpdateRequest(*row));
  KONFID_TRY(audit.Append(RequestEvent(who, to, row->subject, view.kind, details.fields, id)));
  KONFID_ASSIGN_OR_RETURN(RequestView moved,
                          View(*active.policy, *row, key ? &*key : nullptr, now));
  if (subject) {
    KONFID_TRY(Tell(txn, audit, who, *active.policy, *subject, moved, now));
  }
  // The erasure is carried out after its news is queued (sealed so that it outlives the key).
  if (erases)
    KONFID_TRY(Subjects::EraseIn(k_, txn, audit, who, notices_, acts_, *active.policy, *subject,
                                 "request:" + id, now));
  return moved;
}

void Requests::Move(const Actor& actor, const std::string& id, RequestMove move,
                    Callback<RequestView> done) {
  const RequestState to = move.to;
  auto refuse = [&](Error e) {
    k_.Refuse(actor, OperationOf(to), "", {}, std::move(e),
              [done](Error err) { done(Fail(std::move(err))); });
  };
  if (auto st = Kernel::Permit(actor, Permission::kRequestsManage); !st) return refuse(st.error());
  std::shared_ptr<const ActivePolicy> active = k_.Active(actor.tenant);
  if (!active) return refuse(Error(ErrorCode::kNotFound, "tenant is not configured"));
  if (to == RequestState::kReceived)
    return refuse(Error(ErrorCode::kConflict, "a request cannot move back to received")
                      .WithReason("invalid_transition"));
  if (!Kernel::IsValidId(id)) return refuse(NoRequest());
  auto out = std::make_shared<RequestView>();
  Actor who = actor;
  k_.committer().Submit(
      [this, who, active, id, move = std::move(move), out, now = k_.clock().Now()](
          ports::Transaction& txn, AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(*out, MoveIn(txn, audit, who, *active, id, move, now));
        return Ok();
      },
      [who, to, id](ports::Transaction& txn, AuditWriter& audit, const Error& e) {
        // Named by its subject, so that the refusal is found among the subject's events.
        std::string subject;
        if (auto row = txn.FindRequest(who.tenant, id); row && *row) subject = (*row)->subject;
        return audit.Append(
            MakeEvent(who, OperationOf(to), subject, {}, OutcomeOf(e), ReasonOf(e)));
      },
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      });
}

void Requests::Queue(const Actor& actor, const RequestQuery& query, Callback<RequestPage> done) {
  if (auto st = Kernel::Permit(actor, Permission::kRequestsRead); !st)
    return done(Fail(st.error()));
  std::shared_ptr<const ActivePolicy> active = k_.Active(actor.tenant);
  if (!active) return done(Fail(ErrorCode::kNotFound, "tenant is not configured"));
  UnixMicros now = k_.clock().Now();
  auto today = LocalDay(*active->policy, now);
  if (!today) return done(Fail(today.error()));
  ports::RequestFilter filter;
  if (query.state) filter.state = std::string(domain::RequestStateName(*query.state));
  if (query.kind) filter.kind = std::string(domain::RequestKindName(*query.kind));
  if (query.overdue_only) filter.due_before = FormatIsoDate(*today);
  filter.without_term = query.without_term_only;
  filter.after = query.after;
  filter.limit = query.limit + 1;  // one more tells whether a next page exists
  auto page = std::make_shared<RequestPage>();
  Actor who = actor;
  k_.committer().Submit(
      [this, who, active, filter, page, limit = query.limit, now](ports::Transaction& txn,
                                                                  AuditWriter&) -> Status {
        KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListRequests(who.tenant, filter));
        bool more = rows.size() > limit;
        if (more) rows.resize(limit);
        for (const auto& r : rows) {
          KONFID_ASSIGN_OR_RETURN(auto v, View(*active->policy, r, nullptr, now));
          page->requests.push_back(std::move(v));
        }
        if (more) page->next = page->requests.back().id;
        return Ok();
      },
      nullptr,
      [page, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*page));
      },
      /*savepoint=*/false);
}

Result<std::vector<RequestView>> Requests::ForSubject(ports::Transaction& txn,
                                                      const ActivePolicy& active,
                                                      const ports::SubjectRow& row,
                                                      UnixMicros now) const {
  KONFID_ASSIGN_OR_RETURN(auto rows, txn.ListSubjectRequests(row.tenant, row.id));
  KONFID_ASSIGN_OR_RETURN(SecretBytes key, k_.SubjectKey(row));
  std::vector<RequestView> out;
  for (const auto& r : rows) {
    KONFID_ASSIGN_OR_RETURN(auto v, View(*active.policy, r, &key, now));
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<std::pair<std::string, uint64_t>>> Requests::Overdue(ports::Transaction& txn,
                                                                        const std::string& tenant,
                                                                        UnixMicros now) const {
  auto policy = k_.Policy(tenant);
  if (!policy) return Fail(ErrorCode::kNotFound, "tenant is not configured");
  KONFID_ASSIGN_OR_RETURN(domain::Date today, LocalDay(*policy, now));
  return txn.CountOverdueRequests(tenant, FormatIsoDate(today));
}

Result<size_t> Requests::FillTerms(ports::Transaction& txn, const std::string& tenant,
                                   UnixMicros now) const {
  auto policy = k_.Policy(tenant);
  if (!policy) return Fail(ErrorCode::kNotFound, "tenant is not configured");
  std::vector<ports::RequestRow> rows;
  for (ports::RequestFilter page{.without_term = true, .limit = 500};;) {
    KONFID_ASSIGN_OR_RETURN(auto more, txn.ListRequests(tenant, page));
    if (more.empty()) break;
    page.after = more.back().id;
    std::move(more.begin(), more.end(), std::back_inserter(rows));
  }
  size_t filled = 0;
  for (ports::RequestRow& row : rows) {
    auto kind = domain::ParseRequestKind(row.kind);
    KONFID_ASSIGN_OR_RETURN(domain::Date received, domain::ParseIsoDate(row.received_on));
    KONFID_ASSIGN_OR_RETURN(auto history, domain::ParseRequestHistory(row.history));
    bool extended = std::any_of(history.begin(), history.end(), [](const domain::RequestStep& s) {
      return s.state == RequestState::kExtended;
    });
    if (!kind) return Fail(ErrorCode::kDataLoss, "a stored request has an unknown kind", row.id);
    auto due = domain::Deadline(calendar_, policy->jurisdiction, *kind, received, extended);
    if (!due && due.error().reason() == "calendar_unknown") continue;  // not yet
    if (!due) return Fail(due.error());
    row.due_on = FormatIsoDate(*due);
    row.updated_at = now;
    KONFID_TRY(txn.UpdateRequest(row));
    ++filled;
  }
  return filled;
}

}  // namespace konfid::app
