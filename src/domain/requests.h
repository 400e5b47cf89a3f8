// Data-subject requests: their states, the moves between them, the channels they arrive by and
// the history each keeps. The terms they are due in come from deadlines.h. Pure functions; no
// clock, no I/O. docs/requests.md describes the workflow; keep the two in step.
//
// States and moves:
//
//   received ──► in_progress ──► done
//      │  │           │  └─────► refused
//      │  │           └────────► extended ──► done | refused
//      │  └────────────────────► extended
//      └───────────────────────► done | refused
//
// A request is extended at most once (a reasoned notice; the term must allow it). done,
// refused: closed for good. A refusal and an extension carry a reason.
//
// History grammar (the `history` column; times are RFC 3339, UTC):
//   history = *( time SP state LF )
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "domain/deadlines.h"

namespace konfid::domain {

enum class RequestState { kReceived, kInProgress, kExtended, kDone, kRefused };

// "received", "in_progress", "extended", "done", "refused".
std::string_view RequestStateName(RequestState state);
std::optional<RequestState> ParseRequestState(std::string_view name);
// received, in_progress and extended: the request still waits for its answer.
bool IsOpen(RequestState state);

// How a request stands against its term, for statistics: "no_term" when it has none
// (`due_on` empty); open, "overdue" when its last day (`due_on`, YYYY-MM-DD) is before
// `today`, else "pending"; closed, "on_time" when it was closed (`closed_on`) by its last
// day, else "late". Dates are the tenant's civil days, compared as text.
std::string_view RequestTimeliness(bool open, std::string_view due_on, std::string_view today,
                                   std::string_view closed_on);

// Whether a request in `from` may move to `to` (the diagram above).
bool CanMove(RequestState from, RequestState to);

// Whether a stop_processing closed as done stops the purposes on legitimate interest as well as
// those on consent. Under GDPR Art. 21(1) it does ("eu-gdpr"). 152-FZ Art. 21(5.1) exempts the
// grounds of Art. 6(1)(2)-(11), legitimate interest (7) among them ("ru-152fz"); an objection
// under Law 2297-VI (Art. 8(2)(6)) is a reasoned demand that staff weigh and answer with a
// block ("ua-2297"). Neither stops them.
bool StopCoversLegitimateInterest(std::string_view jurisdiction);

// How a request reached the operator: filed by the subject through the self routes, or by
// staff on the subject's behalf from a letter, an email or a visit.
enum class RequestChannel { kSelf, kLetter, kEmail, kInPerson };
std::string_view RequestChannelName(RequestChannel channel);  // self, letter, email, in_person
std::optional<RequestChannel> ParseRequestChannel(std::string_view name);

struct RequestStep {
  UnixMicros time = 0;
  RequestState state = RequestState::kReceived;
  bool operator==(const RequestStep&) const = default;
};

std::string FormatRequestHistory(const std::vector<RequestStep>& steps);
// DataLoss when the text does not follow the grammar.
Result<std::vector<RequestStep>> ParseRequestHistory(std::string_view text);

}  // namespace konfid::domain
