// The access reply as a document a person reads (templates/access-reply.<lang>.html): every
// item 152-FZ Art. 14(7) asks of the answer to a subject's access request, from the policy in
// force and the facts the vault holds about the subject. http/ sends it as the downloadable
// form of the reply; the JSON form carries the same facts.
//
// Pure: renders what it is given. Values are escaped as HTML. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "domain/policy.h"
#include "text/policy_text.h"

namespace konfid::text {

// What the vault holds about one subject, as text (times RFC 3339, dates YYYY-MM-DD).
struct AccessFacts {
  std::string subject;       // the subject's id
  std::string generated_at;  // when the reply was built
  int64_t policy_version = 0;
  struct Datum {
    std::string field;  // the catalogue's field name; its label comes from the policy
    std::string value;
  };
  std::vector<Datum> data;           // every field held, in catalogue order
  std::vector<std::string> blocked;  // blocked field names; {"*"}: the whole subject
  std::vector<std::string> stopped;  // purposes the subject's objection stopped
  struct Consent {
    std::string purpose;  // a consent-based purpose of the policy
    std::string state;    // none, given, withdrawn, refused, expired, renewed
    bool live = false;
    std::string since;
    std::string expires_at;  // empty when not given
  };
  std::vector<Consent> consents;
  struct Request {
    std::string id;
    std::string kind;   // domain::RequestKindName
    std::string state;  // domain::RequestStateName
    std::string received_on;
    std::string due_on;                // empty when no calendar reaches it
    std::vector<std::string> history;  // "time state", oldest first
  };
  std::vector<Request> requests;
  struct Disclosure {
    std::string recipient;  // the policy's recipient id
    std::vector<std::string> fields;
    std::string purpose;
    std::string time;
  };
  std::vector<Disclosure> disclosures;
};

// The HTML document, whole (<!doctype html> ... </html>), in `lang`. Sections, in order:
// confirmation that data is processed; the operator (name, address, INN/OGRN, contact, the
// person responsible); the data held with its source; each purpose that uses it, with its legal
// ground, actions, methods, term and what happens at its end, and the consent state where it
// rests on consent; the recipients, processors among them with name and address; cross-border
// transfers; where the data is stored; the measures by which the operator meets its duties
// (152-FZ Art. 18.1); the disclosures made; the subject's requests and their history; how to
// exercise the rights (access, rectification, blocking, erasure, objection, withdrawal, complaint
// to the supervisory authority of the jurisdiction). An empty list is said to be empty; a blocked
// field is marked as blocked. Unknown request kinds and states print as they are.
std::string RenderAccessReply(const domain::TenantPolicy& policy, const AccessFacts& facts,
                              Lang lang);

}  // namespace konfid::text
