// A tenant's policy as the service enforces it. The policy file's full format grows in
// later work; today it carries the tenant, its jurisdiction and region, the field catalogue
// and the purposes.
#pragma once

#include <string>
#include <vector>

#include "domain/field.h"

namespace konfid::domain {

struct Purpose {
  std::string id;
  std::string ground;               // consent, contract, legal_obligation, legitimate_interest
  std::vector<std::string> fields;  // fields this purpose may use
};

struct TenantPolicy {
  std::string tenant;
  std::string jurisdiction = "ru-152fz";
  std::string default_region = "RU";  // for phone numbers written without a country code
  FieldCatalogue catalogue{{}};
  std::vector<Purpose> purposes;
};

// Checks what the service relies on: a valid tenant id, unique field names, purposes that
// name known fields, lookup only on email and phone fields. Errors name what is wrong.
Status CheckPolicy(const TenantPolicy& policy);

// Tenant ids: 1-63 characters of [a-z0-9-], starting with a letter.
bool IsValidTenantId(std::string_view id);

}  // namespace konfid::domain
