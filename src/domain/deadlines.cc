#include "domain/deadlines.h"

#include <array>
#include <utility>

namespace konfid::domain {
namespace {

constexpr std::array<std::pair<RequestKind, std::string_view>, 7> kNames = {{
    {RequestKind::kAccess, "access"},
    {RequestKind::kRectification, "rectification"},
    {RequestKind::kBlocking, "blocking"},
    {RequestKind::kErasure, "erasure"},
    {RequestKind::kObjection, "objection"},
    {RequestKind::kStopProcessing, "stop_processing"},
    {RequestKind::kWithdrawal, "withdrawal"},
}};

constexpr Term AtOnce(std::string_view source) {
  return {TermUnit::kAtOnce, 0, 0, DayOffRule::kNone, source};
}
constexpr Term WorkingDays(int length, int extension, std::string_view source) {
  return {TermUnit::kWorkingDays, length, extension, DayOffRule::kNone, source};
}

// 152-FZ as amended to 24.06.2025 (../shared/LEGAL.md). Where LEGAL.md has no row for a kind
// the shortest term the law's text gives is taken; docs/deadlines.md says why for each.
Term Ru152Fz(RequestKind kind) {
  switch (kind) {
    case RequestKind::kAccess:
      return WorkingDays(10, 5, "152-FZ Art. 14(3), 20(1)");
    case RequestKind::kRectification:
      return WorkingDays(7, 0, "152-FZ Art. 20(3), 21(2)");
    case RequestKind::kBlocking:  // blocked while the claim is checked
      return AtOnce("152-FZ Art. 21(1)");
    case RequestKind::kErasure:  // 7 wd of Art. 20(3) is within the 10 wd of Art. 21(3)
      return WorkingDays(7, 0, "152-FZ Art. 20(3)");
    case RequestKind::kObjection:
      return AtOnce("152-FZ Art. 15(2)");
    case RequestKind::kStopProcessing:
      return WorkingDays(10, 5, "152-FZ Art. 21(5.1)");
    case RequestKind::kWithdrawal:
      return {TermUnit::kCalendarDays, 30, 0, DayOffRule::kNextWorkingDay,
              "152-FZ Art. 21(5); Civil Code Art. 191, 193"};
  }
  return AtOnce("152-FZ");
}

// GDPR Art. 12(3): one month, two more with notice, for every right of Art. 15-22; counted by
// Regulation 1182/71. Marketing objections and withdrawals take effect at once.
Term EuGdpr(RequestKind kind) {
  switch (kind) {
    case RequestKind::kObjection:
      return AtOnce("GDPR Art. 21(3)");
    case RequestKind::kWithdrawal:
      return AtOnce("GDPR Art. 7(3)");
    default:
      return {TermUnit::kMonths, 1, 2, DayOffRule::kNextWeekday,
              "GDPR Art. 12(3); Regulation 1182/71 Art. 3"};
  }
}

// Law 2297-VI (LEGAL.md, a summary): the subject's access "is not deferred" and no other term
// of the subject's requests is given, so all are due at once, the strictest reading.
Term Ua2297(RequestKind kind) {
  return AtOnce(kind == RequestKind::kAccess ? "Law 2297-VI Art. 16" : "Law 2297-VI Art. 8");
}

Date NextWeekday(Date d) {
  while (IsWeekend(d)) d = AddDays(d, 1);
  return d;
}

}  // namespace

std::string_view RequestKindName(RequestKind kind) {
  for (const auto& [k, name] : kNames)
    if (k == kind) return name;
  return "unknown";
}

std::optional<RequestKind> ParseRequestKind(std::string_view name) {
  for (const auto& [k, n] : kNames)
    if (n == name) return k;
  return std::nullopt;
}

Result<Term> TermOf(std::string_view jurisdiction, RequestKind kind) {
  if (jurisdiction == "ru-152fz") return Ru152Fz(kind);
  if (jurisdiction == "eu-gdpr") return EuGdpr(kind);
  if (jurisdiction == "ua-2297") return Ua2297(kind);
  return Fail(
      Error(ErrorCode::kInvalidArgument, "jurisdiction must be ru-152fz, ua-2297 or eu-gdpr")
          .WithReason("unknown_jurisdiction"));
}

Result<Date> Deadline(const WorkingCalendar& calendar, std::string_view jurisdiction,
                      RequestKind kind, Date received, bool extended) {
  if (!IsValidDate(received))
    return Fail(Error(ErrorCode::kInvalidArgument, "the date of receipt does not exist")
                    .WithReason("invalid_date"));
  KONFID_ASSIGN_OR_RETURN(Term term, TermOf(jurisdiction, kind));
  if (extended && term.extension == 0)
    return Fail(Error(ErrorCode::kInvalidArgument, "this request's term cannot be extended")
                    .WithReason("not_extendable"));
  int extra = extended ? term.extension : 0;
  Date end = received;
  switch (term.unit) {
    case TermUnit::kAtOnce:
      return received;
    case TermUnit::kWorkingDays:
      return calendar.AddWorkingDays(received, term.length + extra);
    case TermUnit::kCalendarDays:
      end = AddDays(received, term.length + extra);
      break;
    case TermUnit::kMonths:
      // The extension runs from the first term's own end, before any weekend moves it: the
      // earlier of the two readings when that end was clipped to a short month's last day.
      end = AddMonths(AddMonths(received, term.length), extra);
      break;
  }
  switch (term.day_off) {
    case DayOffRule::kNone:
      return end;
    case DayOffRule::kNextWorkingDay:
      return calendar.WorkingDayOnOrAfter(end);
    case DayOffRule::kNextWeekday:
      return NextWeekday(end);
  }
  return end;
}

}  // namespace konfid::domain
