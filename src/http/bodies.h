// The parsers of request bodies, apart from their routes so that the fuzz targets
// (fuzz/request_body_fuzz.cc) reach exactly what a client's bytes reach. Each refuses what it
// does not understand with InvalidArgument and a stable reason; none throws.
#pragma once

#include <map>
#include <string>

#include "app/consents.h"
#include "app/disclosures.h"
#include "app/holds.h"
#include "app/registrations.h"
#include "app/requests.h"
#include "app/tech_events.h"
#include "http/api.h"

namespace konfid::http {

// POST /v1/subjects and PATCH /v1/subjects/{id}: {"fields": {"name": "value" | null, ...}};
// null (removal) only when `allow_null`.
Result<domain::FieldInput> ParseFieldsBody(const Request& req, bool allow_null);
// POST /v1/registrations.
Result<app::RegistrationInput> ParseRegistrationBody(const Request& req);
// POST /v1/subjects/{id}/consents.
Result<app::ConsentInput> ParseConsentBody(const Request& req);

// POST /v1/requests (staff, `staff`: subject, channel and document) and POST
// /v1/self/requests (the session names the subject).
Result<app::NewRequest> ParseRequestBody(const Request& req, bool staff);
// POST /v1/requests/{id}/transitions: {"to": state, "reason": "...", "ground": "..."}.
Result<app::RequestMove> ParseMoveBody(const Request& req);
// POST /v1/subjects/{id}/blocks and its DELETE: {"fields": ["surname", ...] | ["*"]}.
Result<std::vector<std::string>> ParseBlocksBody(const Request& req);
// POST /v1/disclosures (app/disclosures.h).
Result<app::DisclosureOrder> ParseDisclosureBody(const Request& req);
// POST /v1/subjects/{id}/holds: {"reason", "until": "YYYY-MM-DD", "fields": [...],
// "document": {"authority", "number", "date"}}.
Result<app::HoldOrder> ParseHoldBody(const Request& req);
// POST /v1/exports/depersonalized: {"purpose": "<id>"}.
Result<std::string> ParseExportBody(const Request& req);
// POST /v1/self/codes: {"tenant", "email" | "phone"}.
struct CodeRequest {
  std::string tenant;
  std::string channel;  // email, phone
  std::string address;
};
Result<CodeRequest> ParseCodeBody(const Request& req);
// POST /v1/self/sessions: {"tenant", "challenge", "code"}.
struct SessionRequest {
  std::string tenant;
  std::string challenge;
  std::string code;
};
Result<SessionRequest> ParseSessionBody(const Request& req);
// POST /v1/events: {"tenant", "kind", "visitor", "page", "referrer", "category", "duration_ms",
// "categories": {"functional", "analytics", "marketing": true|false}}, as application/json
// or text/plain (what navigator.sendBeacon sends a string as). Shapes only; the values are
// app::TechnicalEvents's to check.
Result<app::TechEventInput> ParseEventBody(const Request& req);

// POST /v1/renewals/{tenant}/{token}: the form (application/x-www-form-urlencoded) or JSON.
struct RenewalDecision {
  int64_t version = 0;
  std::string lang = "ru";
  std::map<std::string, bool> decisions;
};
Result<RenewalDecision> ParseRenewalDecision(const Request& req);

}  // namespace konfid::http
