// Disclosures of a subject's data (app/disclosures.h): the grounds on which data may leave
// the vault, and what each ground asks of a disclosure.
//
// Pure functions over constant tables; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/encoding.h"
#include "core/time.h"
#include "domain/civil_date.h"

namespace konfid::domain {

enum class DisclosureGround {
  kConsent,             // the purpose rests on consent, live for each subject (152-FZ Art. 6(1)(1))
  kContract,            // the purpose performs a contract with the subject (Art. 6(1)(5))
  kLegalObligation,     // a law obliges the operator (Art. 6(1)(2))
  kLegitimateInterest,  // the operator's legitimate interest (Art. 6(1)(7))
  kAuthorityRequest,    // a court, prosecutor, police or other authority asked (Art. 6(1)(2), (3),
                        // (3.1))
  kProtectionOfRights,  // to protect the operator's rights (a claim, a lawsuit: Art. 6(1)(7))
};

std::optional<DisclosureGround> ParseDisclosureGround(std::string_view name);
std::string_view DisclosureGroundName(DisclosureGround ground);

// The grounds that rest on a document (an authority's request, a claim) rather than on the
// policy: the disclosure names the body it goes to and the document, and the fields asked for.
// The others go to a recipient the policy declares, for one of its purposes, on the ground
// that purpose rests on.
bool RestsOnDocument(DisclosureGround ground);

// The document a disclosure on a document ground answers.
struct DisclosureDocument {
  std::string authority;  // who asked: "Prosecutor's office of ...", a court, a claimant
  std::string number;     // the document's number as written on it
  Date date;              // the document's date
};

// lp(authority) lp(number) lp(date), each length-prefixed (core/encoding.h): the layout of a
// document sealed with the disclosure or the legal hold that rests on it. Unpack: nullopt
// for bytes that are not one.
Bytes PackDocument(const DisclosureDocument& d);
std::optional<DisclosureDocument> UnpackDocument(std::string_view in);

// Bytes of an authority's name or a document's number.
inline constexpr size_t kMaxDocumentText = 200;
// Empty when `d` names who issued it and its number (each 1..kMaxDocumentText bytes) and is
// dated no later than the day after `now` (UTC: a document dated by a later time zone); else
// what is wrong, for an invalid_value error.
std::string DocumentProblem(const DisclosureDocument& d, UnixMicros now);

}  // namespace konfid::domain
