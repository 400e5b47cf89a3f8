// The civil date of a moment in a zone, on either side of midnight and of DST changes, in
// the zones the jurisdictions default to (Europe/Moscow, Europe/Kyiv, UTC) and one of the EU.
#include "adapters/tz/icu_time_zones.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace konfid::adapters {
namespace {

UnixMicros At(const char* rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t) << rfc3339;
  return t.value_or(0);
}

domain::Date D(int y, int m, int d) { return {y, m, d}; }

domain::Date LocalDate(const IcuTimeZones& tz, const char* zone, const char* at) {
  auto date = tz.LocalDate(zone, At(at));
  EXPECT_TRUE(date) << zone << " " << at << ": " << date.error().message();
  return date.value_or(domain::Date{});
}

TEST(IcuTimeZones, MoscowIsThreeHoursAheadAllYear) {
  IcuTimeZones tz;
  EXPECT_EQ(LocalDate(tz, "Europe/Moscow", "2026-12-31T20:59:59Z"), D(2026, 12, 31));
  EXPECT_EQ(LocalDate(tz, "Europe/Moscow", "2026-12-31T21:00:00Z"), D(2027, 1, 1));
  // The last microsecond of the day is still that day.
  EXPECT_EQ(LocalDate(tz, "Europe/Moscow", "2026-12-31T20:59:59.999999Z"), D(2026, 12, 31));
  // No DST since 2014: midsummer's midnight is at 21:00 UTC too.
  EXPECT_EQ(LocalDate(tz, "Europe/Moscow", "2026-06-30T20:59:59Z"), D(2026, 6, 30));
  EXPECT_EQ(LocalDate(tz, "Europe/Moscow", "2026-06-30T21:00:00Z"), D(2026, 7, 1));
}

TEST(IcuTimeZones, KyivMovesItsMidnightWithDst) {
  IcuTimeZones tz;
  // Winter, UTC+2: midnight of 2026-03-28 is 22:00 UTC the day before.
  EXPECT_EQ(LocalDate(tz, "Europe/Kyiv", "2026-03-27T21:59:59Z"), D(2026, 3, 27));
  EXPECT_EQ(LocalDate(tz, "Europe/Kyiv", "2026-03-27T22:00:00Z"), D(2026, 3, 28));
  // Summer time starts on 2026-03-29 at 01:00 UTC (03:00 becomes 04:00): from then UTC+3.
  EXPECT_EQ(LocalDate(tz, "Europe/Kyiv", "2026-03-29T00:59:59Z"), D(2026, 3, 29));
  EXPECT_EQ(LocalDate(tz, "Europe/Kyiv", "2026-03-29T20:59:59Z"), D(2026, 3, 29));
  EXPECT_EQ(LocalDate(tz, "Europe/Kyiv", "2026-03-29T21:00:00Z"), D(2026, 3, 30));
  // It ends on 2026-10-25 at 01:00 UTC (04:00 becomes 03:00): UTC+3 on the 24th's midnight,
  // UTC+2 on the 25th's.
  EXPECT_EQ(LocalDate(tz, "Europe/Kyiv", "2026-10-24T20:59:59Z"), D(2026, 10, 24));
  EXPECT_EQ(LocalDate(tz, "Europe/Kyiv", "2026-10-24T21:00:00Z"), D(2026, 10, 25));
  EXPECT_EQ(LocalDate(tz, "Europe/Kyiv", "2026-10-25T21:59:59Z"), D(2026, 10, 25));
  EXPECT_EQ(LocalDate(tz, "Europe/Kyiv", "2026-10-25T22:00:00Z"), D(2026, 10, 26));
  // The old spelling is a link to the same zone.
  EXPECT_EQ(LocalDate(tz, "Europe/Kiev", "2026-10-25T22:00:00Z"), D(2026, 10, 26));
}

TEST(IcuTimeZones, BerlinIsOneOrTwoHoursAhead) {
  IcuTimeZones tz;
  EXPECT_EQ(LocalDate(tz, "Europe/Berlin", "2026-01-15T22:59:59Z"), D(2026, 1, 15));
  EXPECT_EQ(LocalDate(tz, "Europe/Berlin", "2026-01-15T23:00:00Z"), D(2026, 1, 16));
  EXPECT_EQ(LocalDate(tz, "Europe/Berlin", "2026-07-15T21:59:59Z"), D(2026, 7, 15));
  EXPECT_EQ(LocalDate(tz, "Europe/Berlin", "2026-07-15T22:00:00Z"), D(2026, 7, 16));
}

TEST(IcuTimeZones, UtcIsTheUtcDate) {
  IcuTimeZones tz;
  EXPECT_EQ(LocalDate(tz, "UTC", "2026-12-31T23:59:59.999999Z"), D(2026, 12, 31));
  EXPECT_EQ(LocalDate(tz, "UTC", "2027-01-01T00:00:00Z"), D(2027, 1, 1));
  EXPECT_EQ(LocalDate(tz, "Etc/UTC", "2027-01-01T00:00:00Z"), D(2027, 1, 1));
  // Before 1970 the date is the day the moment falls in, not the day after.
  EXPECT_EQ(*tz.LocalDate("UTC", -1), D(1969, 12, 31));
  EXPECT_EQ(*tz.LocalDate("UTC", -kMicrosPerDay), D(1969, 12, 31));
}

TEST(IcuTimeZones, AnUnknownZoneIsAnErrorNotGmt) {
  IcuTimeZones tz;
  for (const char* zone : {"Mars/Olympus", "", "Etc/Unknown", "europe/moscow ", "GMT+3",
                           "GMT+03:00", "IST", "PST", "SystemV/EST5"}) {
    auto r = tz.LocalDate(zone, At("2026-12-31T21:00:00Z"));
    ASSERT_FALSE(r) << zone;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << zone;
    EXPECT_EQ(r.error().reason(), "unknown_time_zone") << zone;
    EXPECT_EQ(r.error().message(), "unknown time zone '" + std::string(zone) + "'");
    EXPECT_FALSE(tz.Known(zone)) << zone;
  }
}

TEST(IcuTimeZones, KnowsTheIanaIds) {
  IcuTimeZones tz;
  for (const char* zone :
       {"Europe/Moscow", "Europe/Kyiv", "Europe/Kiev", "Europe/Berlin", "UTC", "Etc/UTC", "GMT",
        "Asia/Vladivostok", "Europe/Kaliningrad", "America/New_York", "EST5EDT"})
    EXPECT_TRUE(tz.Known(zone)) << zone;
  // Asked twice (the second time from the cache), the answer is the same.
  EXPECT_TRUE(tz.Known("Europe/Moscow"));
  EXPECT_FALSE(tz.Known("Mars/Olympus"));
  EXPECT_FALSE(tz.Known("Mars/Olympus"));
}

TEST(IcuTimeZones, ThreadsShareOneInstance) {
  IcuTimeZones tz;
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      const char* zones[] = {"Europe/Moscow", "Europe/Kyiv", "Europe/Berlin", "UTC"};
      for (int n = 0; n < 200; ++n) {
        auto d = tz.LocalDate(zones[(i + n) % 4], At("2026-12-31T12:00:00Z"));
        if (!d || *d != D(2026, 12, 31)) ++wrong[i];
      }
    });
  for (auto& t : threads) t.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}

}  // namespace
}  // namespace konfid::adapters
