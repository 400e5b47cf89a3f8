// Technical events: what a site's pages report of a visit (a page seen, the time spent on it)
// and the visitor's cookie choices. They are kept apart from subjects and never joined to
// them (docs/events.md); this file holds the rules for what of an event may be kept.
//
// Pure functions; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace konfid::domain {

enum class TechKind {
  kPageView,      // a page was opened
  kPageLeave,     // a page was left, with the time spent on it
  kCookieChoice,  // the visitor chose, in the banner, which cookies the site may set
};
std::optional<TechKind> ParseTechKind(
    std::string_view name);  // page_view, page_leave, cookie_choice
std::string_view TechKindName(TechKind kind);

// A page event is analytics unless the site says it is strictly necessary (it serves the
// site's own working, not a count of its audience). A cookie choice is necessary: it is the
// record of the consent itself.
enum class EventCategory { kNecessary, kAnalytics };
std::optional<EventCategory> ParseEventCategory(std::string_view name);  // necessary, analytics
std::string_view EventCategoryName(EventCategory category);

// The cookie categories a visitor chooses; strictly necessary ones are always on.
struct CookieChoice {
  bool functional = false;
  bool analytics = false;
  bool marketing = false;
  bool operator==(const CookieChoice&) const = default;
};
// "functional,analytics" (in that order; "" when nothing is allowed), and back. nullopt for
// a name that is not one of the three or is given twice.
std::string CookieChoiceText(const CookieChoice& choice);
std::optional<CookieChoice> ParseCookieChoiceText(std::string_view text);
// A browser that sends Global Privacy Control has refused analytics and marketing, whatever
// the banner was told.
CookieChoice UnderGpc(CookieChoice choice);

// A page's address as kept: an absolute http(s) URL or a path, cut before its query and
// fragment (they can carry what the visitor typed: a search, an address). nullopt for anything
// else, for more than 2,048 bytes, or for control characters.
std::optional<std::string> KeptPage(std::string_view page);
// A referrer as kept: its origin (scheme, host and port), never its path or query, which can
// name what the visitor read or searched elsewhere. "" for none; nullopt when it is not an
// http(s) URL.
std::optional<std::string> ReferrerOrigin(std::string_view referrer);
// A first-party visitor id as a site's script makes it: 16 to 64 of [A-Za-z0-9_-].
bool IsValidVisitorId(std::string_view id);

// Whether a page event may be kept. Necessary events always are. An analytics event needs
// the visitor's latest cookie choice to allow analytics, made after `choice_since` (the
// choice's own term, EventsPolicy::choice_retention), and no Global Privacy Control signal.
enum class Admission { kKept, kNoChoice, kNotAllowed, kGpc };
struct LatestChoice {
  CookieChoice choice;
  UnixMicros at = 0;
};
Admission Admit(EventCategory category, const std::optional<LatestChoice>& latest, bool gpc,
                UnixMicros choice_since);

}  // namespace konfid::domain
