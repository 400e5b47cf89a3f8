#include "app/sealed_ads.h"

namespace konfid::app {

std::string OutboxPayloadAd(const std::string& tenant, const std::string& subject,
                            const std::string& id) {
  std::string ad = "konfid-outbox-v1";
  for (const std::string* part : {&tenant, &subject, &id}) ad += '\0' + *part;
  return ad;
}

std::string RequestDetailsAd(const std::string& tenant, const std::string& id) {
  return "konfid-request-v1|" + tenant + "|" + id;
}

std::string HoldDocumentAd(const std::string& tenant, const std::string& subject,
                           const std::string& id) {
  return "konfid-hold\n" + tenant + "\n" + subject + "\n" + id;
}

std::string DisclosureDocumentAd(const std::string& tenant, const std::string& subject,
                                 const std::string& id) {
  return "konfid-disclosure\n" + tenant + "\n" + subject + "\n" + id;
}

}  // namespace konfid::app
