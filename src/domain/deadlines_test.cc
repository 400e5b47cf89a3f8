#include "domain/deadlines.h"

#include <gtest/gtest.h>

namespace konfid::domain {
namespace {

using K = RequestKind;

// One request and when it is due. `due` is a date worked out by hand from
// data/calendars/ru-2025.txt and ru-2026.txt (never by the code under test), or the reason of
// the expected error.
struct Row {
  const char* jurisdiction;
  RequestKind kind;
  const char* received;
  bool extended;
  const char* due;
  const char* why;
};

// wd n: the n-th working day after receipt. 2025-12-31 and 2026-01-01..09 are off, so the first
// working day of 2026 is Monday 2026-01-12; 2025-11-01 is a working Saturday.
constexpr Row kRows[] = {
    // ru-152fz, access: 10 wd, +5 wd.
    {"ru-152fz", K::kAccess, "2025-12-26", false, "2026-01-21", "wd 1-2 Dec 29-30, 3 Jan 12"},
    {"ru-152fz", K::kAccess, "2025-12-26", true, "2026-01-28", "wd 11-15 Jan 22-28"},
    {"ru-152fz", K::kAccess, "2025-12-30", false, "2026-01-23", "wd 1 Jan 12"},
    {"ru-152fz", K::kAccess, "2025-01-01", false, "2025-01-22", "received on a holiday"},
    {"ru-152fz", K::kAccess, "2024-12-31", false, "2025-01-22", "the count starts in 2025"},
    {"ru-152fz", K::kAccess, "2025-04-30", false, "2025-05-20", "May 1-2, 8-9 off"},
    {"ru-152fz", K::kAccess, "2025-04-30", true, "2025-05-27", "May holidays, extended"},
    {"ru-152fz", K::kAccess, "2025-10-31", false, "2025-11-17", "wd 1 the working Saturday"},
    {"ru-152fz", K::kAccess, "2025-10-31", true, "2025-11-24", "transfer, extended"},
    {"ru-152fz", K::kAccess, "2025-11-02", false, "2025-11-18", "received on a Sunday"},
    {"ru-152fz", K::kAccess, "2026-03-05", false, "2026-03-20", "Mar 9 off"},
    {"ru-152fz", K::kAccess, "2026-04-30", false, "2026-05-18", "May 1, 11 off"},
    {"ru-152fz", K::kAccess, "2026-04-30", true, "2026-05-25", "May 2026, extended"},
    {"ru-152fz", K::kAccess, "2026-11-02", false, "2026-11-17", "Nov 4 off"},
    {"ru-152fz", K::kAccess, "2026-12-16", false, "2026-12-30", "the last working day of 2026"},
    {"ru-152fz", K::kAccess, "2026-12-16", true, "calendar_unknown", "wd 11 in 2027"},
    {"ru-152fz", K::kAccess, "2026-12-18", false, "calendar_unknown", "wd 9 in 2027"},
    {"ru-152fz", K::kAccess, "2027-02-01", false, "calendar_unknown", "received in 2027"},
    {"ru-152fz", K::kAccess, "2024-12-28", false, "calendar_unknown", "received in 2024"},
    // ru-152fz, rectification: 7 wd.
    {"ru-152fz", K::kRectification, "2025-01-09", false, "2025-01-20", "after the holidays"},
    {"ru-152fz", K::kRectification, "2025-06-10", false, "2025-06-23", "Jun 12-13 off"},
    {"ru-152fz", K::kRectification, "2025-11-01", false, "2025-11-13", "on a working Saturday"},
    {"ru-152fz", K::kRectification, "2025-12-31", false, "2026-01-20", "received on a holiday"},
    {"ru-152fz", K::kRectification, "2026-02-19", false, "2026-03-03", "Feb 23 off"},
    {"ru-152fz", K::kRectification, "2026-12-21", false, "2026-12-30", "ends in 2026"},
    {"ru-152fz", K::kRectification, "2025-06-10", true, "not_extendable", "no extension"},
    // ru-152fz, erasure: 7 wd.
    {"ru-152fz", K::kErasure, "2025-12-26", false, "2026-01-16", "New-Year span"},
    {"ru-152fz", K::kErasure, "2026-06-10", false, "2026-06-22", "Jun 12 off"},
    {"ru-152fz", K::kErasure, "2026-06-10", true, "not_extendable", "no extension"},
    // ru-152fz, stop processing: 10 wd, +5 wd.
    {"ru-152fz", K::kStopProcessing, "2025-05-07", false, "2025-05-23", "May 8-9 off"},
    {"ru-152fz", K::kStopProcessing, "2025-05-07", true, "2025-05-30", "extended"},
    {"ru-152fz", K::kStopProcessing, "2025-12-29", false, "2026-01-22", "the year boundary"},
    {"ru-152fz", K::kStopProcessing, "2025-12-29", true, "2026-01-29", "extended"},
    {"ru-152fz", K::kStopProcessing, "2026-05-08", false, "2026-05-25", "May 11 off"},
    // ru-152fz, withdrawal: 30 calendar days, a day off moves to the next working day.
    {"ru-152fz", K::kWithdrawal, "2025-03-03", false, "2025-04-02", "a working Wednesday"},
    {"ru-152fz", K::kWithdrawal, "2025-01-10", false, "2025-02-10", "Sunday Feb 9"},
    {"ru-152fz", K::kWithdrawal, "2025-04-01", false, "2025-05-05", "May 1 off"},
    {"ru-152fz", K::kWithdrawal, "2025-05-13", false, "2025-06-16", "Jun 12 off"},
    {"ru-152fz", K::kWithdrawal, "2025-10-02", false, "2025-11-01", "the working Saturday"},
    {"ru-152fz", K::kWithdrawal, "2025-10-04", false, "2025-11-05", "Nov 3-4 off"},
    {"ru-152fz", K::kWithdrawal, "2025-12-02", false, "2026-01-12", "Jan 1 2026 off"},
    {"ru-152fz", K::kWithdrawal, "2025-12-10", false, "2026-01-12", "Jan 9 2026 off"},
    {"ru-152fz", K::kWithdrawal, "2026-01-24", false, "2026-02-24", "Feb 23 off"},
    {"ru-152fz", K::kWithdrawal, "2026-02-07", false, "2026-03-10", "Mar 9 off"},
    {"ru-152fz", K::kWithdrawal, "2026-11-20", false, "2026-12-21", "Sunday Dec 20"},
    {"ru-152fz", K::kWithdrawal, "2026-12-01", false, "calendar_unknown", "Dec 31 off, then 2027"},
    {"ru-152fz", K::kWithdrawal, "2025-03-03", true, "not_extendable", "no extension"},
    // ru-152fz, at once: due the day received, a day off included.
    {"ru-152fz", K::kBlocking, "2025-05-01", false, "2025-05-01", "at once, on a holiday"},
    {"ru-152fz", K::kBlocking, "2026-12-31", false, "2026-12-31", "at once"},
    {"ru-152fz", K::kBlocking, "2025-05-01", true, "not_extendable", "no extension"},
    {"ru-152fz", K::kObjection, "2025-11-02", false, "2025-11-02", "at once, on a Sunday"},
    {"ru-152fz", K::kObjection, "2027-03-01", false, "2027-03-01", "needs no calendar"},
    {"ru-152fz", K::kObjection, "2025-11-02", true, "not_extendable", "no extension"},
    // eu-gdpr: one month (+2), a Saturday or Sunday end moves to the Monday; no calendar.
    {"eu-gdpr", K::kAccess, "2025-01-15", false, "2025-02-17", "Saturday Feb 15"},
    {"eu-gdpr", K::kAccess, "2025-01-15", true, "2025-04-15", "Feb 15 + 2 months"},
    {"eu-gdpr", K::kAccess, "2025-01-31", false, "2025-02-28", "no Feb 31"},
    {"eu-gdpr", K::kAccess, "2025-01-31", true, "2025-04-28", "Feb 28 + 2 months"},
    {"eu-gdpr", K::kAccess, "2025-06-01", false, "2025-07-01", "received on a Sunday"},
    {"eu-gdpr", K::kAccess, "2026-12-15", false, "2027-01-15", "beyond the calendars"},
    {"eu-gdpr", K::kRectification, "2025-03-31", false, "2025-04-30", "no Apr 31"},
    {"eu-gdpr", K::kRectification, "2025-02-16", false, "2025-03-17", "Sunday Mar 16"},
    {"eu-gdpr", K::kRectification, "2025-05-31", true, "2025-09-01", "Jun 30 + 2 = Sat Aug 30"},
    {"eu-gdpr", K::kErasure, "2025-12-31", false, "2026-02-02", "Saturday Jan 31"},
    {"eu-gdpr", K::kErasure, "2025-12-31", true, "2026-03-31", "Jan 31 + 2 months"},
    {"eu-gdpr", K::kBlocking, "2026-01-31", false, "2026-03-02", "Saturday Feb 28"},
    {"eu-gdpr", K::kBlocking, "2026-01-31", true, "2026-04-28", "Feb 28 + 2 months"},
    {"eu-gdpr", K::kStopProcessing, "2025-12-08", false, "2026-01-08", "Russian holidays ignored"},
    {"eu-gdpr", K::kStopProcessing, "2025-12-08", true, "2026-03-09", "Sunday Mar 8"},
    {"eu-gdpr", K::kObjection, "2025-06-14", false, "2025-06-14", "at once"},
    {"eu-gdpr", K::kObjection, "2025-06-14", true, "not_extendable", "no extension"},
    {"eu-gdpr", K::kWithdrawal, "2026-05-09", false, "2026-05-09", "at once"},
    {"eu-gdpr", K::kWithdrawal, "2026-05-09", true, "not_extendable", "no extension"},
    // ua-2297: the subject's requests are not deferred.
    {"ua-2297", K::kAccess, "2025-01-01", false, "2025-01-01", "at once"},
    {"ua-2297", K::kAccess, "2025-01-01", true, "not_extendable", "access is not deferred"},
    {"ua-2297", K::kRectification, "2026-05-11", false, "2026-05-11", "at once"},
    {"ua-2297", K::kRectification, "2026-05-11", true, "not_extendable", "no extension"},
    {"ua-2297", K::kBlocking, "2025-11-01", false, "2025-11-01", "at once"},
    {"ua-2297", K::kBlocking, "2025-11-01", true, "not_extendable", "no extension"},
    {"ua-2297", K::kErasure, "2027-06-01", false, "2027-06-01", "at once"},
    {"ua-2297", K::kErasure, "2027-06-01", true, "not_extendable", "no extension"},
    {"ua-2297", K::kObjection, "2025-12-31", false, "2025-12-31", "at once"},
    {"ua-2297", K::kObjection, "2025-12-31", true, "not_extendable", "no extension"},
    {"ua-2297", K::kStopProcessing, "2026-03-09", false, "2026-03-09", "at once"},
    {"ua-2297", K::kStopProcessing, "2026-03-09", true, "not_extendable", "no extension"},
    {"ua-2297", K::kWithdrawal, "2025-06-12", false, "2025-06-12", "at once"},
    {"ua-2297", K::kWithdrawal, "2025-06-12", true, "not_extendable", "no extension"},
    // Neither a jurisdiction nor a date.
    {"us-ccpa", K::kAccess, "2025-03-03", false, "unknown_jurisdiction", "not shipped"},
    {"", K::kAccess, "2025-03-03", false, "unknown_jurisdiction", "empty"},
};

TEST(Deadlines, TheTable) {
  const WorkingCalendar ru = WorkingCalendar::Shipped("ru").value();
  for (const Row& row : kRows) {
    SCOPED_TRACE(std::string(row.jurisdiction) + " " + std::string(RequestKindName(row.kind)) +
                 " received " + row.received + (row.extended ? " extended" : "") + ": " + row.why);
    Date received = ParseIsoDate(row.received).value();
    auto due = Deadline(ru, row.jurisdiction, row.kind, received, row.extended);
    if (auto want = ParseIsoDate(row.due); want.has_value()) {
      ASSERT_TRUE(due.has_value()) << due.error().reason() << ": " << due.error().message();
      EXPECT_EQ(*due, *want);
    } else {
      ASSERT_FALSE(due.has_value()) << FormatIsoDate(*due);
      EXPECT_EQ(due.error().code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(due.error().reason(), row.due);
    }
  }
}

// Every kind has a term in every jurisdiction, and the table above tries each of them.
TEST(Deadlines, EveryKindAndJurisdictionIsInTheTable) {
  for (const char* jurisdiction : {"ru-152fz", "eu-gdpr", "ua-2297"}) {
    for (RequestKind kind : kRequestKinds) {
      auto term = TermOf(jurisdiction, kind);
      ASSERT_TRUE(term.has_value());
      EXPECT_FALSE(term->source.empty());
      bool tried = false, extended = false;
      for (const Row& row : kRows) {
        if (row.jurisdiction != std::string_view(jurisdiction) || row.kind != kind) continue;
        tried = true;
        extended |= row.extended;
      }
      EXPECT_TRUE(tried) << jurisdiction << " " << RequestKindName(kind);
      EXPECT_TRUE(extended) << jurisdiction << " " << RequestKindName(kind) << " extended";
    }
  }
}

TEST(Deadlines, RefusesADateThatDoesNotExist) {
  const WorkingCalendar ru = WorkingCalendar::Shipped("ru").value();
  auto due = Deadline(ru, "ru-152fz", K::kAccess, Date{2025, 2, 29}, false);
  ASSERT_FALSE(due.has_value());
  EXPECT_EQ(due.error().reason(), "invalid_date");
}

TEST(Deadlines, KindNamesRoundTrip) {
  for (RequestKind kind : kRequestKinds)
    EXPECT_EQ(ParseRequestKind(RequestKindName(kind)), kind) << RequestKindName(kind);
  EXPECT_EQ(RequestKindName(K::kStopProcessing), "stop_processing");
  EXPECT_FALSE(ParseRequestKind("Access").has_value());
  EXPECT_FALSE(ParseRequestKind("").has_value());
}

}  // namespace
}  // namespace konfid::domain
