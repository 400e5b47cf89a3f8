// The legal terms of data-subject requests per jurisdiction and the date each request is due.
// Pure functions over a production calendar: no clock, no I/O. The terms, how they are counted
// and what they rest on are in docs/deadlines.md; keep the two in step.
#pragma once

#include <optional>
#include <string_view>

#include "core/error.h"
#include "domain/civil_date.h"
#include "domain/working_calendar.h"

namespace konfid::domain {

enum class RequestKind {
  kAccess,
  kRectification,
  kBlocking,  // restriction of processing (GDPR Art. 18)
  kErasure,
  kObjection,  // objection to direct marketing
  kStopProcessing,
  kWithdrawal,  // withdrawal of consent
};
inline constexpr RequestKind kRequestKinds[] = {
    RequestKind::kAccess,    RequestKind::kRectification, RequestKind::kBlocking,
    RequestKind::kErasure,   RequestKind::kObjection,     RequestKind::kStopProcessing,
    RequestKind::kWithdrawal};

// "access", "rectification", "blocking", "erasure", "objection", "stop_processing",
// "withdrawal".
std::string_view RequestKindName(RequestKind kind);
// The inverse of RequestKindName; nullopt for any other text.
std::optional<RequestKind> ParseRequestKind(std::string_view name);

// How the length of a term is counted; each unit starts the day after receipt.
enum class TermUnit {
  kAtOnce,        // due the day the request is received
  kWorkingDays,   // working days of the production calendar
  kCalendarDays,  // calendar days
  kMonths,        // calendar months (the same date, or the month's last day)
};

// What happens when a term's last day is not a working day.
enum class DayOffRule {
  kNone,            // it stays (at once; working days always end on one)
  kNextWorkingDay,  // the next working day of the production calendar (Civil Code Art. 193)
  kNextWeekday,     // Saturday or Sunday moves to Monday (Regulation 1182/71 Art. 3(4))
};

struct Term {
  TermUnit unit = TermUnit::kAtOnce;
  int length = 0;     // in `unit`; 0 when at once
  int extension = 0;  // more of `unit` with a reasoned notice; 0 when it cannot be extended
  DayOffRule day_off = DayOffRule::kNone;
  std::string_view source;  // the article the term rests on
};

// The term of `kind` in `jurisdiction` ("ru-152fz", "eu-gdpr", "ua-2297"). Failure:
// InvalidArgument, reason "unknown_jurisdiction", for any other jurisdiction.
Result<Term> TermOf(std::string_view jurisdiction, RequestKind kind);

// The last day on which a request of `kind` received on `received` may be answered in
// `jurisdiction`, with the term's extension when `extended`. `calendar` is the production
// calendar of the jurisdiction's working days (the Russian one for "ru-152fz"; the others do
// not consult it). Failure: InvalidArgument with reason "unknown_jurisdiction"; "invalid_date"
// when `received` does not exist; "not_extendable" when `extended` and the term has no
// extension; "calendar_unknown" when the count reaches a year the calendar does not cover.
Result<Date> Deadline(const WorkingCalendar& calendar, std::string_view jurisdiction,
                      RequestKind kind, Date received, bool extended);

}  // namespace konfid::domain
