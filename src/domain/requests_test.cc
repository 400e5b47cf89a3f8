#include "domain/requests.h"

#include <gtest/gtest.h>

namespace konfid::domain {
namespace {

using enum RequestState;

TEST(RequestStateTest, NamesRoundTrip) {
  for (RequestState s : {kReceived, kInProgress, kExtended, kDone, kRefused})
    EXPECT_EQ(ParseRequestState(RequestStateName(s)), s);
  EXPECT_EQ(ParseRequestState("open"), std::nullopt);
  EXPECT_EQ(ParseRequestState(""), std::nullopt);
}

TEST(RequestStateTest, OnlyTheDiagramsMovesAreAllowed) {
  const RequestState all[] = {kReceived, kInProgress, kExtended, kDone, kRefused};
  // from, to: every allowed move; everything else is refused.
  const std::pair<RequestState, RequestState> allowed[] = {
      {kReceived, kInProgress}, {kReceived, kExtended},   {kReceived, kDone},
      {kReceived, kRefused},    {kInProgress, kExtended}, {kInProgress, kDone},
      {kInProgress, kRefused},  {kExtended, kDone},       {kExtended, kRefused}};
  for (RequestState from : all)
    for (RequestState to : all) {
      bool expected = false;
      for (auto [f, t] : allowed) expected |= (f == from && t == to);
      EXPECT_EQ(CanMove(from, to), expected)
          << RequestStateName(from) << " -> " << RequestStateName(to);
    }
}

TEST(RequestStateTest, TimelinessComparesTheTermsLastDay) {
  EXPECT_EQ(RequestTimeliness(true, "", "2026-12-07", ""), "no_term");
  EXPECT_EQ(RequestTimeliness(false, "", "2026-12-07", "2026-12-01"), "no_term");
  EXPECT_EQ(RequestTimeliness(true, "2026-12-07", "2026-12-07", ""), "pending");  // its last day
  EXPECT_EQ(RequestTimeliness(true, "2026-12-06", "2026-12-07", ""), "overdue");
  EXPECT_EQ(RequestTimeliness(false, "2026-12-06", "2026-12-07", "2026-12-06"), "on_time");
  EXPECT_EQ(RequestTimeliness(false, "2026-12-06", "2026-12-07", "2026-12-07"), "late");
  EXPECT_EQ(RequestTimeliness(false, "2026-12-31", "2027-01-10", "2026-11-30"), "on_time");
}

TEST(RequestStateTest, ClosedStatesAreNotOpen) {
  EXPECT_TRUE(IsOpen(kReceived));
  EXPECT_TRUE(IsOpen(kInProgress));
  EXPECT_TRUE(IsOpen(kExtended));
  EXPECT_FALSE(IsOpen(kDone));
  EXPECT_FALSE(IsOpen(kRefused));
}

TEST(RequestChannelTest, NamesRoundTrip) {
  for (auto c : {RequestChannel::kSelf, RequestChannel::kLetter, RequestChannel::kEmail,
                 RequestChannel::kInPerson})
    EXPECT_EQ(ParseRequestChannel(RequestChannelName(c)), c);
  EXPECT_EQ(ParseRequestChannel("fax"), std::nullopt);
}

TEST(RequestHistoryTest, RoundTripsThroughItsGrammar) {
  std::vector<RequestStep> steps = {{1'764'547'200'000'000, kReceived},
                                    {1'764'633'600'123'456, kInProgress},
                                    {1'764'720'000'000'000, kDone}};
  std::string text = FormatRequestHistory(steps);
  EXPECT_EQ(text,
            "2025-12-01T00:00:00.000000Z received\n"
            "2025-12-02T00:00:00.123456Z in_progress\n"
            "2025-12-03T00:00:00.000000Z done\n");
  auto back = ParseRequestHistory(text);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, steps);
  EXPECT_TRUE(ParseRequestHistory("")->empty());
}

TEST(RequestHistoryTest, DamagedTextIsDataLoss) {
  for (std::string_view bad :
       {"2025-12-01T00:00:00Z received",  // no LF
        "2025-12-01T00:00:00Z\n", "yesterday received\n", "2025-12-01T00:00:00Z opened\n"}) {
    auto r = ParseRequestHistory(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kDataLoss);
  }
}

}  // namespace
}  // namespace konfid::domain
