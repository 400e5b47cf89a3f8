// The parsers of request bodies, apart from their routes so that the fuzz targets
// (fuzz/request_body_fuzz.cc) reach exactly what a client's bytes reach. Each refuses what it
// does not understand with InvalidArgument and a stable reason; none throws.
#pragma once

#include <map>
#include <string>

#include "app/consents.h"
#include "app/registrations.h"
#include "http/api.h"

namespace konfid::http {

// POST /v1/subjects and PATCH /v1/subjects/{id}: {"fields": {"name": "value" | null, ...}};
// null (removal) only when `allow_null`.
Result<domain::FieldInput> ParseFieldsBody(const Request& req, bool allow_null);
// POST /v1/registrations.
Result<app::RegistrationInput> ParseRegistrationBody(const Request& req);
// POST /v1/subjects/{id}/consents.
Result<app::ConsentInput> ParseConsentBody(const Request& req);

// POST /v1/renewals/{tenant}/{token}: the form (application/x-www-form-urlencoded) or JSON.
struct RenewalDecision {
  int64_t version = 0;
  std::string lang = "ru";
  std::map<std::string, bool> decisions;
};
Result<RenewalDecision> ParseRenewalDecision(const Request& req);

}  // namespace konfid::http
