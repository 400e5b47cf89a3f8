// The route table: every route of the API, read top to bottom like a menu. Matching, 405 with
// Allow, authentication, the permission check, rate limits, metric labels (the path, with
// {name...} written {name}) and the OpenAPI check (tests/docs/check_openapi.py) all come from
// these rows. A new route is one row here, a handler in Api, and its path in openapi.yaml.
#include <stdexcept>

#include "http/api.h"

namespace konfid::http {

std::span<const Route> Routes() {
  using enum Access;
  using P = app::Permission;
  constexpr bool kLimited = true, kOpen = false;
  static const Route kRoutes[] = {
      // {pattern, who may call it, the permission, rate-limited per client, handler}
      // The service: probes and metrics, for every method.
      {"/healthz", kPublic, P::kNone, kOpen, &Api::Health},
      {"/readyz", kPublic, P::kNone, kOpen, &Api::Ready},
      {"/metrics", kPublic, P::kNone, kOpen, &Api::MetricsText},
      // The published policy; a key, if sent, names the tenant.
      {"GET /v1/policy", kKeyOptional, P::kNone, kOpen, &Api::PolicyText},
      {"GET /v1/policy/versions", kKeyOptional, P::kNone, kOpen, &Api::PolicyVersions},
      {"POST /v1/policy/versions", kKey, P::kPolicyPublish, kOpen, &Api::PublishPolicy},
      {"GET /v1/policy/versions/{n}", kKeyOptional, P::kNone, kOpen, &Api::PolicyVersion},
      // The tenant's API keys.
      {"GET /v1/apikeys", kKey, P::kApiKeysManage, kOpen, &Api::ListApiKeys},
      {"DELETE /v1/apikeys/{id}", kKey, P::kApiKeysManage, kOpen, &Api::RevokeApiKey},
      // The periodic jobs: a pass now, and its report.
      {"POST /v1/jobs/{name}/run", kKey, P::kJobsRun, kOpen, &Api::RunJob},
      // Links a subject follows: the token is the credential.
      {"POST /v1/confirmations", kPublic, P::kNone, kLimited, &Api::Confirm},
      {"GET /v1/unsubscribe/{tenant}/{token...}", kPublic, P::kNone, kOpen, &Api::UnsubscribePage},
      {"POST /v1/unsubscribe/{tenant}/{token...}", kPublic, P::kNone, kLimited, &Api::Unsubscribe},
      {"GET /v1/renewals/{tenant}/{token...}", kPublic, P::kNone, kLimited, &Api::RenewalPage},
      {"POST /v1/renewals/{tenant}/{token...}", kPublic, P::kNone, kLimited, &Api::Renew},
      // A visitor's own data, in a self session opened with a one-time code.
      {"POST /v1/self/codes", kPublic, P::kNone, kLimited, &Api::SendCode},
      {"POST /v1/self/sessions", kPublic, P::kNone, kLimited, &Api::OpenSession},
      {"DELETE /v1/self/session", kSelf, P::kNone, kOpen, &Api::CloseSession},
      {"GET /v1/self", kSelf, P::kNone, kOpen, &Api::SelfData},
      {"GET /v1/self/access-reply", kSelf, P::kNone, kOpen, &Api::SelfAccessReply},
      {"GET /v1/self/requests", kSelf, P::kNone, kOpen, &Api::SelfRequests},
      {"POST /v1/self/requests", kSelf, P::kNone, kOpen, &Api::SelfFileRequest},
      {"GET /v1/self/requests/{id}", kSelf, P::kNone, kOpen, &Api::SelfRequest},
      // What a site's pages send of a visit: kept apart from subjects (docs/events.md).
      {"POST /v1/events", kPublic, P::kNone, kOpen, &Api::RecordEvent},
      {"GET /v1/events/beacon", kPublic, P::kNone, kOpen, &Api::Beacon},
      // What anyone may check: the audit checkpoints and the receipts' key.
      {"GET /v1/audit/checkpoints", kPublic, P::kNone, kOpen, &Api::AuditCheckpoints},
      {"GET /v1/keys/receipt", kPublic, P::kNone, kOpen, &Api::ReceiptKey},
      // Subjects and their consents.
      {"POST /v1/registrations", kKey, P::kRegister, kOpen, &Api::Register},
      {"GET /v1/subjects", kKey, P::kSubjectsRead, kOpen, &Api::FindSubject},
      {"POST /v1/subjects", kKey, P::kSubjectsCreate, kOpen, &Api::CreateSubject},
      {"GET /v1/subjects/{id}", kKey, P::kSubjectsRead, kOpen, &Api::GetSubject},
      {"PATCH /v1/subjects/{id}", kKey, P::kSubjectsUpdate, kOpen, &Api::UpdateSubject},
      {"DELETE /v1/subjects/{id}", kKey, P::kSubjectsDelete, kOpen, &Api::DeleteSubject},
      {"GET /v1/subjects/{id}/consents", kKey, P::kConsentsRead, kOpen, &Api::Consents},
      {"POST /v1/subjects/{id}/consents", kKey, P::kConsentsRecord, kOpen, &Api::RecordConsent},
      {"GET /v1/receipts/{id}", kKey, P::kReceiptsRead, kOpen, &Api::Receipt},
      {"POST /v1/subjects/{id}/messages", kKey, P::kMarketingSend, kOpen, &Api::SendMessage},
      {"GET /v1/subjects/{id}/unsubscribe-link", kKey, P::kMarketingSend, kOpen,
       &Api::UnsubscribeLink},
      {"POST /v1/subjects/{id}/blocks", kKey, P::kSubjectsBlock, kOpen, &Api::Block},
      {"DELETE /v1/subjects/{id}/blocks", kKey, P::kSubjectsBlock, kOpen, &Api::Unblock},
      {"GET /v1/subjects/{id}/retention", kKey, P::kSubjectsRead, kOpen, &Api::RetentionSchedule},
      {"POST /v1/subjects/{id}/holds", kKey, P::kSubjectsHold, kOpen, &Api::PlaceHold},
      {"GET /v1/subjects/{id}/holds", kKey, P::kSubjectsHold, kOpen, &Api::ListHolds},
      {"DELETE /v1/subjects/{id}/holds/{hold}", kKey, P::kSubjectsHold, kOpen, &Api::LiftHold},
      {"POST /v1/subjects/{id}/contracts/{purpose}/end", kKey, P::kSubjectsUpdate, kOpen,
       &Api::ContractEnd},
      {"DELETE /v1/subjects/{id}/contracts/{purpose}/end", kKey, P::kSubjectsUpdate, kOpen,
       &Api::ContractEnd},
      // Data-subject requests: the staff queue, filing on a subject's behalf, the workflow.
      {"GET /v1/requests", kKey, P::kRequestsRead, kOpen, &Api::RequestQueue},
      {"POST /v1/requests", kKey, P::kRequestsManage, kOpen, &Api::FileRequest},
      {"GET /v1/requests/{id}", kKey, P::kRequestsRead, kOpen, &Api::GetRequest},
      {"POST /v1/requests/{id}/transitions", kKey, P::kRequestsManage, kOpen, &Api::MoveRequest},
      {"GET /v1/subjects/{id}/access-reply", kKey, P::kRequestsManage, kOpen, &Api::AccessReply},
      // Disclosures to the policy's recipients and to authorities, and their record.
      {"POST /v1/disclosures", kKey, P::kDisclosuresMake, kOpen, &Api::Disclose},
      {"GET /v1/disclosures", kKey, P::kDisclosuresRead, kOpen, &Api::DisclosureList},
      // The acts of destruction (Order 179), each signed, with its audit extract.
      {"GET /v1/destruction-acts", kKey, P::kActsRead, kOpen, &Api::ActList},
      {"GET /v1/destruction-acts/{id}", kKey, P::kActsRead, kOpen, &Api::GetAct},
      // Statistics with small cells suppressed (docs/stats.md).
      {"GET /v1/stats", kKey, P::kStatsRead, kOpen, &Api::StatsQuery},
      // A depersonalized, k-anonymous dataset of a purpose's subjects (docs/stats.md).
      {"POST /v1/exports/depersonalized", kKey, P::kExportDepersonalized, kOpen,
       &Api::ExportDepersonalized},
  };
  return kRoutes;
}

const Router& RouteTable() {
  static const Router router = [] {
    std::vector<std::string_view> patterns;
    for (const Route& r : Routes()) patterns.push_back(r.pattern);
    auto compiled = Router::Create(patterns);
    if (!compiled) throw std::logic_error(compiled.error().message());
    return std::move(*compiled);
  }();
  return router;
}

}  // namespace konfid::http
