#include "domain/disclosure.h"

#include <array>

namespace konfid::domain {

namespace {

struct Named {
  DisclosureGround ground;
  std::string_view name;
};

constexpr std::array kGrounds = {
    Named{DisclosureGround::kConsent, "consent"},
    Named{DisclosureGround::kContract, "contract"},
    Named{DisclosureGround::kLegalObligation, "legal_obligation"},
    Named{DisclosureGround::kLegitimateInterest, "legitimate_interest"},
    Named{DisclosureGround::kAuthorityRequest, "authority_request"},
    Named{DisclosureGround::kProtectionOfRights, "protection_of_rights"},
};

}  // namespace

std::optional<DisclosureGround> ParseDisclosureGround(std::string_view name) {
  for (const auto& g : kGrounds)
    if (g.name == name) return g.ground;
  return std::nullopt;
}

std::string_view DisclosureGroundName(DisclosureGround ground) {
  for (const auto& g : kGrounds)
    if (g.ground == ground) return g.name;
  return "consent";
}

bool RestsOnDocument(DisclosureGround ground) {
  return ground == DisclosureGround::kAuthorityRequest ||
         ground == DisclosureGround::kProtectionOfRights;
}

Bytes PackDocument(const DisclosureDocument& d) {
  Bytes out;
  AppendLengthPrefixed(out, d.authority);
  AppendLengthPrefixed(out, d.number);
  AppendLengthPrefixed(out, FormatIsoDate(d.date));
  return out;
}

std::optional<DisclosureDocument> UnpackDocument(std::string_view in) {
  std::string authority, number, date;
  if (!ReadLengthPrefixed(in, authority) || !ReadLengthPrefixed(in, number) ||
      !ReadLengthPrefixed(in, date) || !in.empty())
    return std::nullopt;
  auto day = ParseIsoDate(date);
  if (!day) return std::nullopt;
  return DisclosureDocument{std::move(authority), std::move(number), *day};
}

std::string DocumentProblem(const DisclosureDocument& d, UnixMicros now) {
  if (d.authority.empty() || d.authority.size() > kMaxDocumentText || d.number.empty() ||
      d.number.size() > kMaxDocumentText)
    return "the document names who issued it and its number, each at most 200 bytes";
  if (DaysSinceEpoch(d.date) > now / kMicrosPerDay + 1)
    return "the document's date is in the future";
  return "";
}

}  // namespace konfid::domain
