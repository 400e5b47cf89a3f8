// The associated data that binds each thing sealed under a subject's data key to its row, in
// one place: whoever seals it, opens it, or seals it anew under another key (app/rekey.h)
// names the same bytes. Each begins with its own label, so no sealed thing opens as another.
#pragma once

#include <string>

namespace konfid::app {

// An outbox payload, bound to its tenant, subject and message.
std::string OutboxPayloadAd(const std::string& tenant, const std::string& subject,
                            const std::string& id);
// A request's sealed details, bound to its tenant and request.
std::string RequestDetailsAd(const std::string& tenant, const std::string& id);
// A legal hold's document, bound to its tenant, subject and hold.
std::string HoldDocumentAd(const std::string& tenant, const std::string& subject,
                           const std::string& id);
// A disclosure's document, bound to its tenant, subject and disclosure.
std::string DisclosureDocumentAd(const std::string& tenant, const std::string& subject,
                                 const std::string& id);

}  // namespace konfid::app
