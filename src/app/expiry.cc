#include "app/expiry.h"

#include "domain/consent.h"

namespace konfid::app {

ExpiryJob::ExpiryJob(ports::Storage& storage, const PolicyStore& policies, ConsentExpiry& expiry,
                     size_t page)
    : storage_(storage), policies_(policies), expiry_(expiry), page_(page) {}

Result<size_t> ExpiryJob::RunOnce(UnixMicros now) {
  size_t appended = 0;
  for (const auto& tenant : policies_.Tenants()) {
    auto active = policies_.Current(tenant);
    if (!active) continue;
    std::string after;
    while (true) {
      std::vector<ExpiredConsent> found;
      size_t seen = 0;
      {
        KONFID_ASSIGN_OR_RETURN(auto txn, storage_.Begin(false));
        KONFID_ASSIGN_OR_RETURN(auto subjects, txn->ListConsentSubjects(tenant, after, page_));
        seen = subjects.size();
        for (const auto& subject : subjects) {
          KONFID_ASSIGN_OR_RETURN(auto rows, txn->ListConsentEvents(tenant, subject));
          std::vector<domain::ConsentEvent> events;
          std::map<std::string, domain::ConsentKind> last;  // the ledger's own last word
          for (auto& r : rows) {
            last[r.event.purpose] = r.event.kind;
            events.push_back(std::move(r.event));
          }
          for (const auto& [purpose, state] :
               domain::DeriveConsents(events, *active->policy, now, active->consent_epochs))
            if (state.last == domain::ConsentKind::kExpired &&
                last[purpose] != domain::ConsentKind::kExpired)
              found.push_back({subject, purpose});
        }
        if (!subjects.empty()) after = subjects.back();
      }
      if (!found.empty()) {
        KONFID_ASSIGN_OR_RETURN(size_t n, expiry_.Expire(tenant, found));
        appended += n;
      }
      if (seen < page_) break;
    }
  }
  return appended;
}

}  // namespace konfid::app
