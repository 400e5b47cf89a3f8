#include "domain/tech_event.h"

#include <gtest/gtest.h>

namespace konfid::domain {
namespace {

TEST(TechEvent, KindsAndCategoriesReadBack) {
  for (auto k : {TechKind::kPageView, TechKind::kPageLeave, TechKind::kCookieChoice})
    EXPECT_EQ(ParseTechKind(TechKindName(k)), k);
  EXPECT_FALSE(ParseTechKind("click"));
  EXPECT_FALSE(ParseTechKind("Page_View"));
  for (auto c : {EventCategory::kNecessary, EventCategory::kAnalytics})
    EXPECT_EQ(ParseEventCategory(EventCategoryName(c)), c);
  EXPECT_FALSE(ParseEventCategory("marketing"));
}

TEST(TechEvent, APageLosesItsQueryFragmentAndUserinfo) {
  EXPECT_EQ(KeptPage("https://Demo.Example/courses/1?email=a%40b.ru#top"),
            "https://demo.example/courses/1");
  EXPECT_EQ(KeptPage("https://ivan:secret@demo.example:8443/a/B"), "https://demo.example:8443/a/B");
  EXPECT_EQ(KeptPage("http://demo.example?q=1"), "http://demo.example/");
  EXPECT_EQ(KeptPage("/courses/2?utm_source=mail"), "/courses/2");
  EXPECT_EQ(KeptPage("/"), "/");
  EXPECT_FALSE(KeptPage(""));
  EXPECT_FALSE(KeptPage("//demo.example/a"));
  EXPECT_FALSE(KeptPage("javascript:alert(1)"));
  EXPECT_FALSE(KeptPage("ftp://demo.example/a"));
  EXPECT_FALSE(KeptPage("https:///a"));
  EXPECT_FALSE(KeptPage("https://:80/a"));
  EXPECT_FALSE(KeptPage("/a\nb"));
  EXPECT_FALSE(KeptPage("/" + std::string(2048, 'a')));
  EXPECT_TRUE(KeptPage("/" + std::string(2047, 'a')));
}

TEST(TechEvent, AReferrerIsKeptAsItsOriginOnly) {
  EXPECT_EQ(ReferrerOrigin("https://yandex.ru/search/?text=%D0%B8%D0%B2%D0%B0%D0%BD"),
            "https://yandex.ru");
  EXPECT_EQ(ReferrerOrigin("HTTP://user@Mail.Example:8080#x"), "http://mail.example:8080");
  EXPECT_EQ(ReferrerOrigin(""), "");
  EXPECT_FALSE(ReferrerOrigin("android-app://com.example"));
  EXPECT_FALSE(ReferrerOrigin("/local/path"));
}

TEST(TechEvent, VisitorIdsAreTheScriptsRandomTokens) {
  EXPECT_TRUE(IsValidVisitorId("AbCdEf0123456789"));
  EXPECT_TRUE(IsValidVisitorId(std::string(64, '-')));
  EXPECT_FALSE(IsValidVisitorId("short"));
  EXPECT_FALSE(IsValidVisitorId(std::string(65, 'a')));
  EXPECT_FALSE(IsValidVisitorId("ivan.petrov@mail.ru"));
}

TEST(TechEvent, ACookieChoiceIsWrittenInAFixedOrderAndReadBack) {
  CookieChoice all{true, true, true};
  EXPECT_EQ(CookieChoiceText(all), "functional,analytics,marketing");
  EXPECT_EQ(CookieChoiceText({}), "");
  EXPECT_EQ(ParseCookieChoiceText(""), CookieChoice{});
  EXPECT_EQ(ParseCookieChoiceText("marketing,functional"), (CookieChoice{true, false, true}));
  EXPECT_EQ(ParseCookieChoiceText(CookieChoiceText(all)), all);
  EXPECT_FALSE(ParseCookieChoiceText("analytics,analytics"));
  EXPECT_FALSE(ParseCookieChoiceText("necessary"));
  EXPECT_FALSE(ParseCookieChoiceText("analytics,"));
  EXPECT_EQ(UnderGpc(all), (CookieChoice{true, false, false}));
}

TEST(TechEvent, AnAnalyticsEventNeedsALiveChoiceForAnalyticsAndNoGpc) {
  const UnixMicros since = 1000;
  LatestChoice yes{{false, true, false}, 2000};
  LatestChoice no{{true, false, true}, 2000};
  LatestChoice old{{false, true, false}, 999};
  EXPECT_EQ(Admit(EventCategory::kAnalytics, yes, false, since), Admission::kKept);
  EXPECT_EQ(Admit(EventCategory::kAnalytics, yes, true, since), Admission::kGpc);
  EXPECT_EQ(Admit(EventCategory::kAnalytics, no, false, since), Admission::kNotAllowed);
  EXPECT_EQ(Admit(EventCategory::kAnalytics, old, false, since), Admission::kNoChoice);
  EXPECT_EQ(Admit(EventCategory::kAnalytics, std::nullopt, false, since), Admission::kNoChoice);
  LatestChoice at_the_edge{{false, true, false}, since};
  EXPECT_EQ(Admit(EventCategory::kAnalytics, at_the_edge, false, since), Admission::kKept);
  for (bool gpc : {false, true}) {
    EXPECT_EQ(Admit(EventCategory::kNecessary, std::nullopt, gpc, since), Admission::kKept);
    EXPECT_EQ(Admit(EventCategory::kNecessary, no, gpc, since), Admission::kKept);
  }
}

}  // namespace
}  // namespace konfid::domain
