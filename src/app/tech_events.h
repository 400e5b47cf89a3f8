// TechnicalEvents: what a site's pages send of a visit (a page seen, the time spent on it) and
// the visitor's cookie choices, kept apart from subjects (docs/events.md).
//
// Nothing here is joined to a subject: the rows name no subject, the IP address is cut to its
// /24 or /48 before anything is written, the first-party visitor id is kept only as a keyed
// hash (the tenant's blind-index key, context "visitor"), a page loses its query and
// fragment and a referrer all but its origin (domain/tech_event.h).
//
// An analytics event is kept only when the visitor's latest cookie choice, made within the
// policy's `[events] choice_retention`, allows analytics and the browser does not send Global
// Privacy Control; a necessary event always is, without the visitor id. A choice is always
// recorded (it is the proof of the cookie consent), with analytics and marketing refused when
// the browser sends Global Privacy Control, and the policy version in force.
//
// The rows are not audited one by one: they are technical data, not a subject's, and the table
// is their own record. Purge deletes events past `[events] retention` and choices past
// `choice_retention` and then `retention` more (the last event a choice allowed may be kept
// that long, and the choice is the proof of its consent), tenant by tenant, in bounded batches.
//
// Thread-safe. Callbacks run on the group committer's thread.
#pragma once

#include <optional>
#include <string>

#include "app/kernel.h"
#include "domain/tech_event.h"

namespace konfid::app {

struct TechEventInput {
  std::string tenant;
  std::string kind;                    // page_view, page_leave, cookie_choice
  std::string category = "analytics";  // a page event's: necessary or analytics
  std::string visitor;                 // the first-party id the site's script made
  std::string page;                    // the page's address
  std::string referrer;
  int64_t duration_ms = 0;                     // page_leave: time on the page
  std::optional<domain::CookieChoice> choice;  // cookie_choice: what the visitor allowed
  std::string user_agent;                      // the request's User-Agent
  std::string ip;                              // the client's full address; truncated here
  bool gpc = false;                            // the request carried Sec-GPC: 1
};

struct TechEventOutcome {
  std::string id;
  std::optional<domain::CookieChoice> granted;  // a choice as recorded
};

struct EventsPurgeReport {
  int64_t events_deleted = 0;
  int64_t choices_deleted = 0;
};

class TechnicalEvents {
 public:
  explicit TechnicalEvents(Kernel& kernel) : k_(kernel) {}

  // Keeps the event, or refuses it: InvalidArgument for a malformed value (reasons
  // unknown_kind, invalid_value, invalid_page, invalid_visitor), NotFound
  // (tenant_not_configured), ConsentRequired consent_required (no live choice allowing
  // analytics) or global_privacy_control.
  void Record(TechEventInput in, Callback<TechEventOutcome> done);

  // Deletes every tenant's events and choices past their terms, `batch` rows a transaction.
  Result<EventsPurgeReport> Purge(UnixMicros now, size_t batch = 1000);

 private:
  // The row to write, or the input's first error.
  Result<ports::TechEventRow> PageEvent(const TechEventInput& in, domain::TechKind kind,
                                        UnixMicros now);
  Result<Bytes> VisitorHash(const std::string& tenant, const std::string& visitor);
  void RecordPage(ports::TechEventRow row, UnixMicros choice_since, bool gpc,
                  Callback<TechEventOutcome> done);
  void RecordChoice(const TechEventInput& in, int64_t policy_version, UnixMicros now,
                    Callback<TechEventOutcome> done);
  Result<EventsPurgeReport> PurgeTenant(const std::string& tenant, UnixMicros now, size_t batch);

  Kernel& k_;
};

// The earliest time a row of a term `retention` is kept at `now`: `now` less the term, counted
// by the calendar for months and years. nullopt when the text is not a term.
std::optional<UnixMicros> KeptSince(UnixMicros now, const std::string& retention);

}  // namespace konfid::app
