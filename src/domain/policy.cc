#include "domain/policy.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <climits>
#include <set>

#include "core/time.h"

namespace konfid::domain {

namespace {

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool IsCountryCode(std::string_view c) {
  return c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z';
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

const std::set<std::string>& Grounds() {
  static const std::set<std::string> k = {"consent", "contract", "legal_obligation",
                                          "legitimate_interest"};
  return k;
}

// Collects findings; Error and Warn keep the order of the checks, which follow the file.
class Findings {
 public:
  void Error(int line, std::string message) {
    out_.push_back({PolicyFinding::Severity::kError, line, std::move(message)});
  }
  void Warn(int line, std::string message) {
    out_.push_back({PolicyFinding::Severity::kWarning, line, std::move(message)});
  }
  std::vector<PolicyFinding> Take() {
    std::stable_sort(out_.begin(), out_.end(),
                     [](const auto& a, const auto& b) { return a.line < b.line; });
    return std::move(out_);
  }

 private:
  std::vector<PolicyFinding> out_;
};

void CheckLocalized(Findings& f, int line, const Localized& text, const std::string& what) {
  if (text.ru.empty() || text.en.empty())
    f.Error(line, what + " needs both a Russian (ru) and an English (en) text");
}

void CheckOperator(Findings& f, const TenantPolicy& p) {
  const Operator& op = p.op;
  int line = op.line ? op.line : p.line;
  CheckLocalized(f, line, op.legal_name, "[operator] legal_name");
  CheckLocalized(f, line, op.address, "[operator] address");
  if (op.email.empty() || op.email.find('@') == std::string::npos)
    f.Error(line, "[operator] needs the contact email where visitors send requests");
  if (p.jurisdiction == "ru-152fz") {
    if (op.inn.empty())
      f.Error(line, "[operator] has no inn: a Russian operator's policy names its INN");
    else if (!AllDigits(op.inn) || (op.inn.size() != 10 && op.inn.size() != 12))
      f.Error(line, "[operator] inn must be 10 digits (an organisation) or 12 (a person)");
    if (op.ogrn.empty())
      f.Warn(line, "[operator] has no ogrn: visitors and the regulator identify an operator by it");
    else if (!AllDigits(op.ogrn) || (op.ogrn.size() != 13 && op.ogrn.size() != 15))
      f.Error(line, "[operator] ogrn must be 13 digits (OGRN) or 15 (OGRNIP)");
    if (op.responsible.empty())
      f.Warn(line, "[operator] names no person responsible for processing (152-FZ Art. 22.1)");
  }
}

// A term that parses, what happens at its end, and where it starts: from consent only where
// consent is the ground, from a contract's end only where a contract is.
void CheckRetention(Findings& f, const Purpose& pur, const std::string& what) {
  if (pur.retention_text.empty())
    f.Error(pur.line, what + " has no retention: say how long its data is kept");
  else if (!ParseRetention(pur.retention_text))
    f.Error(pur.line, what + " retention " + Quote(pur.retention_text) +
                          " cannot be parsed: write a count and a unit, such as \"30 days\", "
                          "\"6 months\" or \"3 years\"");
  else if (CanOutlast(*ParseRetention(pur.retention_text), {10, Retention::Unit::kYears}))
    f.Warn(pur.line, what + " keeps data longer than 10 years");
  if (pur.on_expiry != "destroy" && pur.on_expiry != "depersonalize")
    f.Error(pur.line, what + " on_expiry must be destroy or depersonalize");
  const std::string& from = pur.retention_from;
  if (from.empty()) return;
  if (from != "consent" && from != "contract_end" && from != "collection")
    f.Error(pur.line, what + " retention_from must be consent, contract_end or collection");
  else if ((from == "consent") != (pur.ground == "consent"))
    f.Error(pur.line, what + " retention_from " + Quote(from) +
                          (pur.ground == "consent" ? " does not fit a consent ground: its term "
                                                     "runs from consent"
                                                   : " needs a consent ground"));
  else if (from == "contract_end" && pur.ground != "contract")
    f.Error(pur.line,
            what + " retention_from " + Quote("contract_end") + " needs a contract ground");
}

// A field's exemption from the notice of Art. 18(3): only for a third party's values, one of
// Art. 18(4)'s, and "made_public" only where the field may be made public at all.
void CheckNoticeExempt(Findings& f, const FieldSpec& field, const std::string& what) {
  if (field.notice_exempt.empty()) return;
  if (field.source != "third_party")
    return f.Error(field.line,
                   what + " has a notice_exempt, which only a third_party source takes");
  bool known = std::any_of(std::begin(kNoticeExemptions), std::end(kNoticeExemptions),
                           [&](const char* e) { return field.notice_exempt == e; });
  if (!known)
    return f.Error(field.line,
                   what +
                       " notice_exempt must be already_notified, law_or_contract, "
                       "made_public, research or third_party_rights (152-FZ Art. 18(4))");
  if (field.notice_exempt == "made_public" && !field.is_public)
    f.Error(field.line, what + " notice_exempt = made_public needs public = true (Art. 10.1)");
}

void CheckFields(Findings& f, const TenantPolicy& p, std::set<std::string>& names) {
  for (const auto& field : p.catalogue.fields()) {
    std::string what = "field " + Quote(field.name);
    if (!names.insert(field.name).second) f.Error(field.line, what + " is declared twice");
    if (field.lookup && field.type != FieldType::kEmail && field.type != FieldType::kPhone)
      f.Error(field.line, what + " has lookup, which only email and phone fields allow");
    if (field.type == FieldType::kEnum && field.values.empty())
      f.Error(field.line, "enum " + what + " lists no values");
    if (field.max_length == 0 || field.max_length > 4096)
      f.Error(field.line, what + " max_length must be 1..4096");
    CheckLocalized(f, field.line, field.label, what + " label");
    if (!field.category.empty() && !p.FindCategory(field.category))
      f.Error(field.line, what + " names unknown category " + Quote(field.category));
    if (field.category.empty()) f.Warn(field.line, what + " belongs to no data category");
    if (field.source != "subject" && field.source != "operator" && field.source != "third_party")
      f.Error(field.line, what + " source must be subject, operator or third_party");
    if (field.source == "third_party")
      CheckLocalized(f, field.line, field.source_name, what + " source_name");
    else if (!field.source_name.ru.empty() || !field.source_name.en.empty())
      f.Error(field.line, what + " has a source_name, which only a third_party source takes");
    CheckNoticeExempt(f, field, what);
    if (!p.FieldHasPurpose(field.name)) {
      if (field.required)
        f.Error(field.line, "required " + what +
                                " is used by no purpose, so it can never be "
                                "written");
      else
        f.Warn(field.line, what + " is used by no purpose: writes of it are refused");
    }
  }
}

void CheckPurposes(Findings& f, const TenantPolicy& p, const std::set<std::string>& names) {
  std::set<std::string> ids;
  for (const auto& pur : p.purposes) {
    std::string what = "purpose " + Quote(pur.id);
    if (!ids.insert(pur.id).second) f.Error(pur.line, what + " is declared twice");
    CheckLocalized(f, pur.line, pur.name, what + " name");
    CheckLocalized(f, pur.line, pur.description, what + " description");
    if (!Grounds().contains(pur.ground))
      f.Error(pur.line, what + " has unknown ground " + Quote(pur.ground) +
                            " (consent, contract, legal_obligation, legitimate_interest)");
    if (pur.fields.empty()) f.Error(pur.line, what + " uses no fields");
    for (const auto& name : pur.fields) {
      if (!names.contains(name)) {
        f.Error(pur.line, what + " names unknown field " + Quote(name));
        continue;
      }
      const FieldSpec* spec = p.catalogue.Find(name);
      const Category* cat = spec ? p.FindCategory(spec->category) : nullptr;
      if (cat && cat->special && pur.ground != "consent")
        f.Error(pur.line, what + " uses special-category field " + Quote(name) +
                              " without consent (152-FZ Art. 10)");
    }
    if (pur.actions.empty()) f.Error(pur.line, what + " lists no actions");
    for (const auto& a : pur.actions)
      if (!Contains(PolicyActions(), a))
        f.Error(pur.line, what + " has unknown action " + Quote(a));
    if (pur.methods != "automated" && pur.methods != "manual" && pur.methods != "mixed")
      f.Error(pur.line, what + " methods must be automated, manual or mixed");
    CheckRetention(f, pur, what);
    if (pur.marketing) {
      if (pur.ground != "consent")
        f.Error(pur.line, what + " is marketing, which needs consent (152-FZ Art. 15)");
      else if (pur.withdrawal.empty())
        f.Error(pur.line, what +
                              " is consent-based marketing without a withdrawal channel: "
                              "list how consent is withdrawn in 'withdrawal'");
      if (pur.channels.empty()) f.Error(pur.line, what + " is marketing but names no channels");
      for (const auto& c : pur.channels)
        if (!Contains(p.channels, c))
          f.Error(pur.line,
                  what + " uses channel " + Quote(c) + " that [tenant] channels does not declare");
      if (Contains(pur.channels, "email") && !Contains(pur.withdrawal, "unsubscribe_link"))
        f.Warn(pur.line, what + " sends email without an unsubscribe_link withdrawal");
    }
    for (const auto& w : pur.withdrawal)
      if (w != "unsubscribe_link" && w != "cabinet" && w != "email")
        f.Error(pur.line, what + " has unknown withdrawal " + Quote(w) +
                              " (unsubscribe_link, cabinet, email)");
    if (pur.ground == "consent" && pur.withdrawal.empty() && !pur.marketing)
      f.Warn(pur.line, what +
                           " is consent-based but lists no withdrawal channel; the contact "
                           "email of [operator] is the only one");
    if (pur.ground == "legitimate_interest" && p.jurisdiction == "ru-152fz")
      f.Warn(pur.line, what +
                           " rests on legitimate interest, which 152-FZ allows only where "
                           "the subject's rights are not violated (Art. 6(1)(7))");
    if (pur.publishes) {
      if (pur.ground != "consent")
        f.Error(pur.line, what +
                              " publishes data, which needs a separate consent (152-FZ "
                              "Art. 10.1)");
      bool any_public = false;
      for (const auto& name : pur.fields)
        if (const FieldSpec* spec = p.catalogue.Find(name); spec && spec->is_public)
          any_public = true;
      if (!any_public)
        f.Error(pur.line, what + " publishes data but none of its fields is public = true");
      CheckLocalized(f, pur.line, pur.published_where, what + " published_where");
    }
  }
}

void CheckRecipients(Findings& f, const TenantPolicy& p, const std::set<std::string>& names) {
  std::set<std::string> ids;
  for (const auto& r : p.recipients) {
    std::string what = "recipient " + Quote(r.id);
    if (!ids.insert(r.id).second) f.Error(r.line, what + " is declared twice");
    CheckLocalized(f, r.line, r.name, what + " name");
    if (r.address.empty()) f.Warn(r.line, what + " has no address; consent texts name it");
    if (!IsCountryCode(r.country))
      f.Error(r.line, what + " country must be a two-letter code such as \"RU\"");
    if (r.role != "processor" && r.role != "third_party")
      f.Error(r.line, what + " role must be processor or third_party");
    if (!Grounds().contains(r.ground))
      f.Error(r.line, what + " has unknown ground " + Quote(r.ground));
    if (r.purposes.empty()) f.Error(r.line, what + " serves no purpose");
    std::set<std::string> allowed;
    for (const auto& id : r.purposes) {
      const Purpose* pur = p.FindPurpose(id);
      if (!pur) {
        f.Error(r.line, what + " names unknown purpose " + Quote(id));
        continue;
      }
      allowed.insert(pur->fields.begin(), pur->fields.end());
    }
    if (r.fields.empty()) f.Error(r.line, what + " receives no fields");
    for (const auto& name : r.fields) {
      if (!names.contains(name))
        f.Error(r.line, what + " names unknown field " + Quote(name));
      else if (!allowed.contains(name))
        f.Error(r.line,
                what + " is given field " + Quote(name) + " that none of its purposes allows");
    }
    if (!r.notify_email.empty() && r.notify_email.find('@') == std::string::npos)
      f.Error(r.line, what + " notify_email is not an email address");
    else if (r.notify_email.empty())
      f.Warn(r.line, what +
                         " has no notify_email: it is not told when data it received is "
                         "corrected, restricted or erased");
    bool abroad = IsCountryCode(r.country) && r.country != p.storage_country;
    if (p.jurisdiction == "ru-152fz" && r.country != "RU" && IsCountryCode(r.country) &&
        !r.cross_border)
      f.Error(r.line, what + " is in " + r.country +
                          ": a transfer abroad needs cross_border = true (152-FZ Art. 12)");
    else if (abroad && !r.cross_border)
      f.Warn(r.line, what + " is outside " + p.storage_country + " but not marked cross_border");
  }
}

void CheckCookies(Findings& f, const TenantPolicy& p) {
  static const std::set<std::string> kCategories = {"necessary", "functional", "analytics",
                                                    "marketing"};
  std::set<std::string> seen;  // category and service: what a cookie is known by (policy_diff)
  for (const auto& c : p.cookies) {
    if (!seen.insert(c.category + ":" + c.service).second)
      f.Error(c.line, "cookie " + Quote(c.service) + " of category " + Quote(c.category) +
                          " is declared twice");
    if (!kCategories.contains(c.category))
      f.Error(c.line, "cookie " + Quote(c.service) + " has unknown category " + Quote(c.category) +
                          " (necessary, functional, analytics, marketing)");
    if (c.service.empty()) f.Error(c.line, "a cookie names no service");
    CheckLocalized(f, c.line, c.purpose, "cookie " + Quote(c.service) + " purpose");
    if (c.retention != "session" && !ParseRetention(c.retention))
      f.Error(c.line, "cookie " + Quote(c.service) + " retention " + Quote(c.retention) +
                          " cannot be parsed: write \"session\" or a count and a unit");
  }
}

void CheckEvents(Findings& f, const TenantPolicy& p) {
  const EventsPolicy& e = p.events;
  for (const auto& [key, text] :
       {std::pair{"retention", &e.retention}, std::pair{"choice_retention", &e.choice_retention}})
    if (!ParseRetention(*text))
      f.Error(e.line, std::string("[events] ") + key + " " + Quote(*text) +
                          " cannot be parsed: write a count and a unit");
}

void CheckStatistics(Findings& f, const TenantPolicy& p) {
  const StatisticsPolicy& s = p.statistics;
  if (s.k < 2 || s.k > 1000) f.Error(s.line, "[statistics] k must be 2..1000");
  if (!(s.epsilon == 0 || (s.epsilon >= 0.01 && s.epsilon <= 100)))
    f.Error(s.line, "[statistics] epsilon must be 0 (no noise) or a number from 0.01 to 100");
  std::set<std::string> seen;
  for (const auto& name : s.quasi_identifiers) {
    const FieldSpec* spec = p.catalogue.Find(name);
    if (!spec)
      f.Error(s.line, "[statistics] quasi_identifiers names '" + name + "', which is not a field");
    else if (spec->identifies || spec->lookup || spec->type == FieldType::kEmail ||
             spec->type == FieldType::kPhone)
      f.Error(s.line, "[statistics] quasi_identifiers may not name '" + name +
                          "': a field that identifies a person (identifies = true), a "
                          "blind-indexed field, an email or a phone number is never exported");
    else if (name == "pseudonym")
      f.Error(s.line,
              "[statistics] quasi_identifiers may not name a field 'pseudonym': an "
              "export's rows carry their pseudonym under that name");
    if (!seen.insert(name).second)
      f.Error(s.line, "[statistics] quasi_identifiers names '" + name + "' twice");
  }
  for (const auto& [name, values] : s.regions) {
    const FieldSpec* spec = p.catalogue.Find(name);
    if (!seen.contains(name) || !spec || spec->type != FieldType::kString)
      f.Error(s.line, "[statistics.regions." + name +
                          "] is for a quasi-identifier of type string, which '" + name +
                          "' is not");
  }
}

}  // namespace

std::optional<int64_t> Retention::Months() const {
  if (unit == Unit::kDays) return std::nullopt;
  return unit == Unit::kYears ? int64_t{count} * 12 : int64_t{count};
}

namespace {

// The shortest and longest span of `months` calendar months in days. The Gregorian calendar
// repeats every 400 years, and a start on days 1 to 28 spans as many days as one on the 1st,
// so the months of one cycle, each from its 1st, 29th, 30th and 31st, are every case there is.
std::pair<int64_t, int64_t> MonthSpanDays(int64_t months) {
  using namespace std::chrono;
  int64_t shortest = INT64_MAX, longest = 0;
  for (year_month ym{year{2000}, January}; ym < year_month{year{2400}, January};
       ym += std::chrono::months{1}) {
    for (unsigned d : {1u, 29u, 30u, 31u}) {
      year_month_day start{ym.year(), ym.month(), day{d}};
      if (!start.ok()) continue;
      UnixMicros from = sys_days{start}.time_since_epoch() / microseconds{1};
      int64_t span = (AddCalendarMonths(from, months) - from) / kMicrosPerDay;
      shortest = std::min(shortest, span);
      longest = std::max(longest, span);
    }
  }
  return {shortest, longest};
}

}  // namespace

int64_t Retention::ShortestDays() const {
  auto months = Months();
  return months ? MonthSpanDays(*months).first : count;
}

int64_t Retention::LongestDays() const {
  auto months = Months();
  return months ? MonthSpanDays(*months).second : count;
}

bool CanOutlast(const Retention& a, const Retention& b) {
  auto am = a.Months(), bm = b.Months();
  if (am && bm) return *am > *bm;  // more months end later from every start
  return a.LongestDays() > b.ShortestDays();
}

UnixMicros AddRetention(UnixMicros from, const Retention& r) {
  switch (r.unit) {
    case Retention::Unit::kDays:
      return from + int64_t{r.count} * kMicrosPerDay;
    case Retention::Unit::kMonths:
      return AddCalendarMonths(from, r.count);
    case Retention::Unit::kYears:
      return AddCalendarMonths(from, int64_t{r.count} * 12);
  }
  return from;
}

std::string_view RetentionStart(const Purpose& purpose) {
  if (!purpose.retention_from.empty()) return purpose.retention_from;
  if (purpose.ground == "consent") return "consent";
  return purpose.ground == "contract" ? "contract_end" : "collection";
}

std::optional<Retention> ParseRetention(std::string_view text) {
  size_t space = text.find(' ');
  if (space == std::string_view::npos || space == 0) return std::nullopt;
  std::string_view num = text.substr(0, space), unit = text.substr(space + 1);
  Retention r;
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), r.count);
  if (ec != std::errc() || ptr != num.data() + num.size() || r.count <= 0 || r.count > 36500)
    return std::nullopt;
  if (unit == "day" || unit == "days")
    r.unit = Retention::Unit::kDays;
  else if (unit == "month" || unit == "months")
    r.unit = Retention::Unit::kMonths;
  else if (unit == "year" || unit == "years")
    r.unit = Retention::Unit::kYears;
  else
    return std::nullopt;
  bool plural = unit.back() == 's';
  if (plural != (r.count != 1)) return std::nullopt;  // "1 years" or "3 year": ask again
  return r;
}

std::string RetentionText(const Retention& r) {
  const char* unit = r.unit == Retention::Unit::kDays     ? "day"
                     : r.unit == Retention::Unit::kMonths ? "month"
                                                          : "year";
  return std::to_string(r.count) + " " + unit + (r.count == 1 ? "" : "s");
}

const std::vector<std::string>& PolicyActions() {
  static const std::vector<std::string> k = {
      "collect", "record",   "systematize",   "accumulate", "store",  "update", "extract",
      "use",     "transfer", "depersonalize", "block",      "delete", "destroy"};
  return k;
}

const Purpose* TenantPolicy::FindPurpose(std::string_view id) const {
  for (const auto& p : purposes)
    if (p.id == id) return &p;
  return nullptr;
}

const Recipient* TenantPolicy::FindRecipient(std::string_view id) const {
  for (const auto& r : recipients)
    if (r.id == id) return &r;
  return nullptr;
}

const Category* TenantPolicy::FindCategory(std::string_view id) const {
  for (const auto& c : categories)
    if (c.id == id) return &c;
  return nullptr;
}

bool TenantPolicy::FieldHasPurpose(std::string_view field) const {
  for (const auto& p : purposes)
    if (Contains(p.fields, field)) return true;
  return false;
}

std::string_view TenantPolicy::TimeZone() const {
  return time_zone.empty() ? DefaultTimeZone(jurisdiction) : std::string_view(time_zone);
}

std::string_view DefaultTimeZone(std::string_view jurisdiction) {
  if (jurisdiction == "ru-152fz") return "Europe/Moscow";
  if (jurisdiction == "ua-2297") return "Europe/Kyiv";
  if (jurisdiction == "eu-gdpr") return "UTC";
  return {};
}

bool IsValidTenantId(std::string_view id) {
  if (id.empty() || id.size() > 63 || !(id[0] >= 'a' && id[0] <= 'z')) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::vector<PolicyFinding> CheckPolicy(const TenantPolicy& p) {
  Findings f;
  if (!IsValidTenantId(p.tenant))
    f.Error(p.line,
            "tenant id must be 1-63 characters of a-z, 0-9 and '-', starting with a "
            "letter");
  if (p.jurisdiction != "ru-152fz" && p.jurisdiction != "ua-2297" && p.jurisdiction != "eu-gdpr")
    f.Error(p.line, "jurisdiction must be ru-152fz, ua-2297 or eu-gdpr");
  if (!IsCountryCode(p.default_region)) f.Error(p.line, "default_region must be a code like RU");
  if (!IsCountryCode(p.storage_country))
    f.Error(p.line, "storage_country must be a two-letter code such as \"RU\"");
  else if (p.jurisdiction == "ru-152fz" && p.storage_country != "RU")
    f.Error(p.line,
            "a ru-152fz tenant stores its data in Russia (152-FZ Art. 18(5)): "
            "storage_country must be RU");
  for (const auto& c : p.channels)
    if (c != "email" && c != "sms" && c != "calls" && c != "push")
      f.Error(p.line, "unknown channel " + Quote(c) + " (email, sms, calls, push)");
  CheckOperator(f, p);
  if (p.publication.url.empty())
    f.Warn(p.publication.line ? p.publication.line : p.line,
           "[publication] has no url: the policy must be published where anyone can read it");
  for (const auto& n : p.publication.notice)
    if (n != "email" && n != "site" && n != "cabinet")
      f.Error(p.publication.line, "unknown notice channel " + Quote(n) + " (email, site, cabinet)");
  std::set<std::string> category_ids;
  for (const auto& c : p.categories) {
    if (!category_ids.insert(c.id).second)
      f.Error(c.line, "category " + Quote(c.id) + " is declared twice");
    CheckLocalized(f, c.line, c.name, "category " + Quote(c.id) + " name");
  }
  std::set<std::string> names;
  CheckFields(f, p, names);
  CheckPurposes(f, p, names);
  CheckRecipients(f, p, names);
  CheckCookies(f, p);
  CheckEvents(f, p);
  CheckStatistics(f, p);
  return f.Take();
}

std::string FormatFinding(const std::string& path, const PolicyFinding& f) {
  return path + ":" + std::to_string(f.line) + ": " +
         (f.severity == PolicyFinding::Severity::kError ? "error: " : "warning: ") + f.message;
}

Status FirstPolicyError(const TenantPolicy& policy) {
  for (const auto& finding : CheckPolicy(policy))
    if (finding.severity == PolicyFinding::Severity::kError)
      return Fail(
          ErrorCode::kInvalidArgument,
          (finding.line ? "line " + std::to_string(finding.line) + ": " : "") + finding.message);
  return Ok();
}

}  // namespace konfid::domain
