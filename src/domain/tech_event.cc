#include "domain/tech_event.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace konfid::domain {

namespace {

constexpr size_t kMaxPageBytes = 2048;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// An http(s) URL split at the end of its authority:
//   url       = scheme "://" authority rest
//   scheme    = "http" | "https"              (any case)
//   authority = [ userinfo "@" ] host [ ":" port ], up to the first "/", "?" or "#"
// The userinfo is dropped (it can be a name and a password); the host must not be empty.
struct SplitUrl {
  std::string origin;  // scheme "://" host [":" port], lower-cased
  std::string_view rest;
};

std::optional<SplitUrl> SplitHttpUrl(std::string_view url) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  std::string scheme = Lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::string_view after = url.substr(sep + 3);
  size_t end = std::min(after.find_first_of("/?#"), after.size());
  std::string_view authority = after.substr(0, end);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority = authority.substr(at + 1);
  if (authority.empty() || authority.front() == ':') return std::nullopt;
  return SplitUrl{scheme + "://" + Lower(authority), after.substr(end)};
}

constexpr std::array<std::pair<std::string_view, bool CookieChoice::*>, 3> kChoiceNames = {{
    {"functional", &CookieChoice::functional},
    {"analytics", &CookieChoice::analytics},
    {"marketing", &CookieChoice::marketing},
}};

}  // namespace

std::optional<TechKind> ParseTechKind(std::string_view name) {
  if (name == "page_view") return TechKind::kPageView;
  if (name == "page_leave") return TechKind::kPageLeave;
  if (name == "cookie_choice") return TechKind::kCookieChoice;
  return std::nullopt;
}

std::string_view TechKindName(TechKind kind) {
  switch (kind) {
    case TechKind::kPageView:
      return "page_view";
    case TechKind::kPageLeave:
      return "page_leave";
    case TechKind::kCookieChoice:
      return "cookie_choice";
  }
  return "";
}

std::optional<EventCategory> ParseEventCategory(std::string_view name) {
  if (name == "necessary") return EventCategory::kNecessary;
  if (name == "analytics") return EventCategory::kAnalytics;
  return std::nullopt;
}

std::string_view EventCategoryName(EventCategory category) {
  return category == EventCategory::kNecessary ? "necessary" : "analytics";
}

std::string CookieChoiceText(const CookieChoice& choice) {
  std::string out;
  for (const auto& [name, member] : kChoiceNames)
    if (choice.*member) out += (out.empty() ? "" : ",") + std::string(name);
  return out;
}

std::optional<CookieChoice> ParseCookieChoiceText(std::string_view text) {
  CookieChoice choice;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view name = text.substr(0, comma);
    auto it = std::find_if(kChoiceNames.begin(), kChoiceNames.end(),
                           [&](const auto& entry) { return entry.first == name; });
    if (it == kChoiceNames.end() || choice.*(it->second)) return std::nullopt;
    choice.*(it->second) = true;
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return std::nullopt;  // a trailing comma
  }
  return choice;
}

CookieChoice UnderGpc(CookieChoice choice) {
  choice.analytics = false;
  choice.marketing = false;
  return choice;
}

std::optional<std::string> KeptPage(std::string_view page) {
  if (page.empty() || page.size() > kMaxPageBytes || HasControl(page)) return std::nullopt;
  if (page.front() == '/') {
    if (page.size() > 1 && page[1] == '/') return std::nullopt;  // "//host": a URL without scheme
    return std::string(page.substr(0, page.find_first_of("?#")));
  }
  auto url = SplitHttpUrl(page);
  if (!url) return std::nullopt;
  std::string_view path = url->rest.substr(0, url->rest.find_first_of("?#"));
  return url->origin + std::string(path.empty() ? "/" : path);
}

std::optional<std::string> ReferrerOrigin(std::string_view referrer) {
  if (referrer.empty()) return std::string();
  if (referrer.size() > kMaxPageBytes || HasControl(referrer)) return std::nullopt;
  auto url = SplitHttpUrl(referrer);
  if (!url) return std::nullopt;
  return url->origin;
}

bool IsValidVisitorId(std::string_view id) {
  if (id.size() < 16 || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

Admission Admit(EventCategory category, const std::optional<LatestChoice>& latest, bool gpc,
                UnixMicros choice_since) {
  if (category == EventCategory::kNecessary) return Admission::kKept;
  if (gpc) return Admission::kGpc;
  if (!latest || latest->at < choice_since) return Admission::kNoChoice;
  return latest->choice.analytics ? Admission::kKept : Admission::kNotAllowed;
}

}  // namespace konfid::domain
