// News of a data-subject request for its subject (templates/request-update.<lang>.txt): that
// it was received and by when it is answered, that its term was extended (with the reasons
// and the new term), that it was fulfilled, or that it was refused (with the reasons and where
// the refusal can be challenged, 152-FZ Art. 20(2)); for a fulfilled access request, where the
// reply is: in the cabinet for a request filed there, else sent in the form the request came
// in (Art. 14(3)); for an erasure, what is kept because a law obliges the operator to keep
// it, for which purpose and until when. The staff's reasons and ground go in as they are written.
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "domain/policy.h"
#include "text/policy_text.h"

namespace konfid::text {

struct RequestNews {
  std::string id;
  std::string kind;         // domain::RequestKindName
  std::string state;        // received, extended, done or refused (domain::RequestStateName)
  std::string received_on;  // YYYY-MM-DD
  std::string due_on;       // YYYY-MM-DD; empty when no calendar reaches it
  std::string closed_on;    // YYYY-MM-DD, for done and refused
  std::string reason;       // the staff's, for extended and refused
  std::string ground;       // the provision of law a refusal rests on
  std::string channel;      // how it came: self, letter, email, in_person (where an access
                            // reply is delivered)
  // For an erasure done: what a legal obligation keeps (app/subjects.h), by field.
  struct Kept {
    std::string field;    // of the policy's catalogue
    std::string purpose;  // of the policy, on a legal obligation
    std::string until;    // YYYY-MM-DD, when it is destroyed; empty when its term has not
                          // started (it runs from a contract's end)
  };
  std::vector<Kept> kept;
};

// The email for `news` in `lang`. InvalidArgument for a state the subject is not told of
// (in_progress) or an unknown kind.
Result<MailText> RenderRequestNews(const domain::TenantPolicy& policy, const RequestNews& news,
                                   Lang lang);

}  // namespace konfid::text
