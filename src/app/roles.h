// Roles of API keys and the permission table: what each role may do.
//
// A Permission is one operation a request performs; every authenticated route of
// http/routes.cc names the one it performs, and this table says which roles hold it. Pure
// functions over constant tables; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace konfid::app {

enum class Role { kAdmin, kOperator, kSupport, kMarketing, kAnalyst, kProcessor };

std::optional<Role> ParseRole(std::string_view name);
std::string_view RoleName(Role role);

// The operations of the API. kNone: a public route, or a read any key may make.
enum class Permission {
  kNone,
  kSubjectsCreate,  // collect a subject's data (POST /v1/subjects)
  kSubjectsRead,    // extract: read a subject by id or lookup field
  kSubjectsUpdate,
  kSubjectsDelete,
  kRegister,              // a registration form: subject, consents, confirmation email
  kConsentsRecord,        // record a consent given, withdrawn or refused
  kConsentsRead,          // a subject's consent ledger
  kReceiptsRead,          // a consent receipt
  kMarketingSend,         // a marketing message, or the unsubscribe link that goes with one
  kPolicyPublish,         // publish a new version of the tenant's policy
  kApiKeysManage,         // list and revoke the tenant's API keys
  kJobsRun,               // run a pass of a periodic job now (it works for every tenant)
  kRequestsRead,          // the data-subject request queue and one request with its details
  kRequestsManage,        // file a request on a subject's behalf, move it, build its access reply
  kSubjectsBlock,         // block a subject or fields, and lift a block (a staff decision)
  kDisclosuresMake,       // disclose subjects' data to a recipient or an authority
  kDisclosuresRead,       // the list of disclosures made, with authorities' documents
  kSubjectsReadKept,      // read what an erasure kept for a legal obligation, for that purpose
  kSubjectsHold,          // place, lift and list legal holds on a subject's data
  kActsRead,              // the acts of destruction (Order 179), each with its audit extract
  kStatsRead,             // statistics with small cells suppressed (GET /v1/stats)
  kExportDepersonalized,  // a depersonalized, k-anonymous dataset of a purpose's subjects
  kExportReidentify,      // the subject a pseudonym of an export stands for
};

// Whether a key of `role` may perform `permission`; kNone: every role.
bool RoleMay(Role role, Permission permission);
// The public message of a refusal (403, reason `role`); names no value.
std::string_view RefusalMessage(Permission permission);
// True for the operations on personal data whose refusal is itself an audit event (152-FZ
// asks who tried what): the use case checks RoleMay and records the refusal in the audit
// chain, so the route table leaves the check to it. False: the route table refuses first.
bool CheckedByUseCase(Permission permission);

}  // namespace konfid::app
