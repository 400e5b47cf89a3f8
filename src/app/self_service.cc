#include "app/self_service.h"

#include <algorithm>
#include <memory>

#include "app/checks.h"

namespace konfid::app {

template <typename T, typename Work>
void SelfService::InSession(const std::string& token, Work work, Callback<T> done, bool savepoint) {
  std::string tenant = SelfIdentity::TenantOf(token);
  std::shared_ptr<const ActivePolicy> active = tenant.empty() ? nullptr : k_.Active(tenant);
  if (!active) {
    return done(Fail(
        Error(ErrorCode::kUnauthenticated, "the session is not valid: sign in again with a code")
            .WithReason("invalid_session")));
  }
  auto out = std::make_shared<T>();
  k_.committer().Submit(
      [this, token, active, work, out, now = k_.clock().Now()](ports::Transaction& txn,
                                                               AuditWriter& audit) -> Status {
        KONFID_ASSIGN_OR_RETURN(SelfSubject self, identity_.Resolve(txn, token, now));
        KONFID_ASSIGN_OR_RETURN(*out, work(txn, audit, self, *active, now));
        return Ok();
      },
      nullptr,
      [out, done](Status st) {
        if (!st) return done(Fail(st.error()));
        done(std::move(*out));
      },
      savepoint);
}

void SelfService::Reply(const std::string& token, Callback<AccessReply> done) {
  InSession<AccessReply>(
      token,
      [this](ports::Transaction& txn, AuditWriter& audit, const SelfSubject& self,
             const ActivePolicy& active, UnixMicros now) {
        return replies_.BuildIn(txn, audit, self.actor, active, self.row, now);
      },
      std::move(done));
}

void SelfService::ListRequests(const std::string& token, Callback<std::vector<RequestView>> done) {
  InSession<std::vector<RequestView>>(
      token,
      [this](ports::Transaction& txn, AuditWriter& audit, const SelfSubject& self,
             const ActivePolicy& active, UnixMicros now) -> Result<std::vector<RequestView>> {
        KONFID_ASSIGN_OR_RETURN(auto all, requests_.ForSubject(txn, active, self.row, now));
        // The details are the subject's data: reading them is audited, as staff's reads are.
        KONFID_TRY(audit.Append(MakeEvent(self.actor, domain::Operation::kExtract, self.row.id, {},
                                          domain::Outcome::kOk, "requests")));
        return all;
      },
      std::move(done));
}

void SelfService::GetRequest(const std::string& token, const std::string& id,
                             Callback<RequestView> done) {
  InSession<RequestView>(
      token,
      [this, id](ports::Transaction& txn, AuditWriter& audit, const SelfSubject& self,
                 const ActivePolicy& active, UnixMicros now) -> Result<RequestView> {
        KONFID_ASSIGN_OR_RETURN(auto all, requests_.ForSubject(txn, active, self.row, now));
        auto it =
            std::find_if(all.begin(), all.end(), [&](const RequestView& r) { return r.id == id; });
        if (it == all.end())
          return Fail(Error(ErrorCode::kNotFound, "no such request").WithReason("not_found"));
        domain::AuditEvent e = MakeEvent(self.actor, domain::Operation::kExtract, self.row.id, {},
                                         domain::Outcome::kOk, "request:" + it->id);
        e.purpose = std::string(domain::RequestKindName(it->kind));
        KONFID_TRY(audit.Append(std::move(e)));
        return std::move(*it);
      },
      std::move(done));
}

void SelfService::File(const std::string& token, NewRequest request, Callback<RequestView> done) {
  if (!request.details.document.empty())
    return done(Fail(Error(ErrorCode::kInvalidArgument,
                           "a request filed in a self session needs no document: the code "
                           "identified you")
                         .WithReason("document_given")));
  request.channel = domain::RequestChannel::kSelf;
  auto req = std::make_shared<NewRequest>(std::move(request));
  InSession<RequestView>(
      token,
      [this, req](ports::Transaction& txn, AuditWriter& audit, const SelfSubject& self,
                  const ActivePolicy& active, UnixMicros now) -> Result<RequestView> {
        req->subject = self.row.id;
        KONFID_TRY(Requests::Check(*active.policy, *req));
        return requests_.FileIn(txn, audit, self.actor, active, self.row, *req, now);
      },
      std::move(done));
}

}  // namespace konfid::app
