// A tenant's policy: what the service enforces and what the published texts are generated
// from. Read from the tenant's policy file (adapters/config) and checked here, with the line
// of each element kept so that a finding names the place in the file.
//
// Pure data and functions; no I/O.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/field.h"
#include "domain/localized.h"

namespace konfid::domain {

// How long data is kept for a purpose: a count of days, months or years.
struct Retention {
  enum class Unit { kDays, kMonths, kYears };
  int count = 0;
  Unit unit = Unit::kYears;
  // The term in calendar months (a year is 12), or nullopt for a term in days.
  std::optional<int64_t> Months() const;
  // The shortest and the longest the term can be, in days, over every start date: a term in
  // months or years ends on the corresponding day (Civil Code Art. 192), so "1 year" is 365
  // or 366 days and "1 month" 28 to 31.
  int64_t ShortestDays() const;
  int64_t LongestDays() const;
  bool operator==(const Retention&) const = default;
};
// Whether `a` ends later than `b` from at least one start date: "12 months" never outlasts
// "1 year"; "1 year" outlasts "365 days" (from a start before a 29 February), and "365 days"
// never outlasts "1 year".
bool CanOutlast(const Retention& a, const Retention& b);
// "30 days", "6 months", "3 years", "1 year"; nullopt for anything else.
std::optional<Retention> ParseRetention(std::string_view text);
// The end of a term that starts at `from`: days as 24-hour days, months and years by the
// calendar (Civil Code Art. 192), never as 30- or 365-day blocks, which end a day early after
// a 29 February or a 31-day month.
UnixMicros AddRetention(UnixMicros from, const Retention& r);
std::string RetentionText(const Retention& r);  // "3 years", canonical English spelling

struct Operator {
  Localized legal_name;
  std::string inn;   // taxpayer number (Russia)
  std::string ogrn;  // state registration number (Russia)
  Localized address;
  std::string email;
  std::string phone;
  Localized responsible;  // the person responsible for processing
  int line = 0;
};

struct Category {
  std::string id;
  Localized name;
  bool special = false;  // special categories (152-FZ Art. 10): health, beliefs, ...
  int line = 0;
};

struct Purpose {
  std::string id;
  Localized name;
  Localized description;
  std::string ground;                  // consent, contract, legal_obligation, legitimate_interest
  std::vector<std::string> fields;     // fields this purpose may use
  std::vector<std::string> actions;    // 152-FZ actions: collect, record, store, ...
  std::string methods = "mixed";       // automated, manual, mixed
  std::string retention_text;          // as written in the file, e.g. "3 years"
  std::optional<Retention> retention;  // parsed; nullopt when missing or unparseable
  std::string on_expiry = "destroy";   // destroy or depersonalize
  // What the term is counted from (domain/retention.h): "consent" (given or renewed; consent
  // purposes), "contract_end" or "collection" (the last write of the subject's data). Empty
  // in the file: RetentionStart's default for the ground.
  std::string retention_from;
  bool marketing = false;               // direct marketing (152-FZ Art. 15)
  std::vector<std::string> channels;    // for marketing: the channels it uses
  std::vector<std::string> withdrawal;  // how consent is withdrawn: unsubscribe_link, ...
  bool publishes = false;               // makes its public fields public (needs Art. 10.1 consent)
  Localized published_where;
  int line = 0;
};

// What a purpose's term is counted from: its `retention_from`, or by default "consent" for
// a consent ground, "contract_end" for a contract and "collection" otherwise.
std::string_view RetentionStart(const Purpose& purpose);

struct Recipient {
  std::string id;
  Localized name;
  Localized address;
  std::string country;  // ISO 3166 alpha-2
  std::string role;     // processor or third_party
  std::vector<std::string> purposes;
  std::vector<std::string> fields;
  std::string ground;
  bool cross_border = false;  // declared transfer abroad
  // Where the recipient is told that data it received was corrected, restricted or erased
  // (152-FZ Art. 20-21, GDPR Art. 19); empty: it is not told by Konfid.
  std::string notify_email;
  int line = 0;
};

struct Cookie {
  std::string category;  // necessary, functional, analytics, marketing
  std::string service;
  std::string provider;
  Localized purpose;
  std::string retention;  // "session" or a retention such as "1 year"
  int line = 0;
};

// How long technical events (docs/events.md) and a visitor's cookie choice are kept: the
// `[events]` table, or these defaults when the file has none.
struct EventsPolicy {
  std::string retention = "90 days";           // page events, from the time each arrived
  std::string choice_retention = "12 months";  // a cookie choice: it counts, and is kept, so long
  int line = 0;
};

// How statistics are published (docs/stats.md): the `[statistics]` table, or these defaults.
struct StatisticsPolicy {
  int64_t k = 5;       // a cell of fewer persons is suppressed; at least 2
  double epsilon = 0;  // Laplace noise of scale 1/epsilon on every count; 0: none
  // The fields a depersonalized export keeps, generalized, and checks k-anonymity over
  // (app/depersonalized_exports.h); every other field of the subject is left out. Neither a
  // blind-indexed field nor an email or phone number: those identify a person directly.
  std::vector<std::string> quasi_identifiers;
  // By quasi-identifier of type string: the region each value belongs to ("Казань" =
  // "Республика Татарстан"), the level an export raises it to before "*".
  std::map<std::string, std::map<std::string, std::string, std::less<>>> regions;
  int line = 0;
};

struct Publication {
  std::string url;                  // where the policy is published
  std::vector<std::string> notice;  // how changes are announced: email, site, cabinet
  int notice_days = 10;             // how long before a change takes effect
  int line = 0;
};

struct TenantPolicy {
  std::string tenant;
  std::string jurisdiction = "ru-152fz";  // ru-152fz, ua-2297, eu-gdpr
  std::string default_region = "RU";      // for phone numbers written without a country code
  std::string storage_country = "RU";     // where the database is (152-FZ Art. 18(5))
  // The IANA zone whose civil days count the legal terms ("Europe/Moscow"); empty when the
  // file does not say, and then TimeZone() is the jurisdiction's. Whether the zone exists is
  // for ports::TimeZones (the service checks it at start), not for the pure checks here.
  std::string time_zone;
  std::vector<std::string> channels;  // email, sms, calls, push
  // The name of the operator's information system that holds the data, as acts of
  // destruction name it (Order 179); empty: "Konfid (<tenant>)".
  std::string information_system;
  Operator op;
  Publication publication;
  std::vector<Category> categories;
  FieldCatalogue catalogue{{}};
  std::vector<Purpose> purposes;
  std::vector<Recipient> recipients;
  std::vector<Cookie> cookies;
  EventsPolicy events;
  StatisticsPolicy statistics;
  int line = 0;        // of [tenant]
  std::string source;  // the policy file's text, stored with each published version

  const Purpose* FindPurpose(std::string_view id) const;
  const Recipient* FindRecipient(std::string_view id) const;
  const Category* FindCategory(std::string_view id) const;
  // True when some purpose declares the field: only such fields may be written.
  bool FieldHasPurpose(std::string_view field) const;
  // The zone written in the file, or DefaultTimeZone(jurisdiction).
  std::string_view TimeZone() const;
};

struct PolicyFinding {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  int line = 0;  // 0: the file as a whole
  std::string message;
};

// Every rule a policy must meet (errors) and what is legal but unwise (warnings), in file
// order. Messages name the element and never hold personal data.
std::vector<PolicyFinding> CheckPolicy(const TenantPolicy& policy);
// "path:12: error: purpose 'x' names unknown field 'y'"
std::string FormatFinding(const std::string& path, const PolicyFinding& finding);

// The first error of CheckPolicy as an InvalidArgument naming its line, or Ok.
Status FirstPolicyError(const TenantPolicy& policy);

// The zone in which a jurisdiction's terms are counted when the policy names none: where its
// supervisory authority is (ru-152fz: Europe/Moscow, ua-2297: Europe/Kyiv); UTC for eu-gdpr,
// which spans several zones, so an EU tenant should write its own. Empty for an unknown
// jurisdiction (CheckPolicy refuses it).
std::string_view DefaultTimeZone(std::string_view jurisdiction);

// Tenant ids: 1-63 characters of [a-z0-9-], starting with a letter.
bool IsValidTenantId(std::string_view id);

// The 152-FZ actions (Art. 3(3)) a purpose may list, in the law's order.
const std::vector<std::string>& PolicyActions();

}  // namespace konfid::domain
