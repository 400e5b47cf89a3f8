// The notice a subject gets when the operator collects their data from someone else (152-FZ
// Art. 18(3)), templates/source-notice.<lang>.txt: the operator's name and address; what was
// received and from whom; the purposes those data serve with their legal grounds and terms;
// who may receive them; the subject's rights under the tenant's law, the person responsible,
// and where the policy and the operator are. Only 152-FZ is cited: the items of GDPR Art. 14
// and Law 2297-VI Art. 12(2) go beyond these (transfer safeguards, for one). No values of
// personal data: the labels of the fields only. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "domain/policy.h"
#include "text/policy_text.h"

namespace konfid::text {

// The email for `fields` (each declared with source third_party) in `lang`. InvalidArgument
// for none, or for a field the policy does not declare as received from a third party.
Result<MailText> RenderSourceNotice(const domain::TenantPolicy& policy,
                                    const std::vector<std::string>& fields, Lang lang);

}  // namespace konfid::text
