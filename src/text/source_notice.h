// The notice a subject gets when the operator collects their data from someone else (152-FZ
// Art. 18(3); GDPR Art. 14; Law 2297-VI Art. 12(2)), templates/source-notice.<lang>.txt: the
// operator's name and address; what was received and from whom; the purposes those data serve
// with their legal grounds; who may receive them; the subject's rights, and where the policy
// and the operator are. No values of personal data: the labels of the fields only. Pure;
// thread-safe.
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
