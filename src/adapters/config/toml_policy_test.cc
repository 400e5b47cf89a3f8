// The policy checks, each error class on a copy of the example policy with one mistake: the
// finding must name the file and the line of the element that is wrong.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "adapters/config/toml_config.h"
#include "domain/policy_diff.h"
#include "test_support.h"

namespace konfid::adapters {
namespace {

std::string Example() {
  std::ifstream in(konfid::testing::SourceDir() + "/examples/policy.toml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The line of the table header ([...] or [[...]]) that holds `marker`.
int HeaderLineOf(const std::string& text, const std::string& marker) {
  size_t at = text.find(marker);
  EXPECT_NE(at, std::string::npos) << marker;
  size_t header = text.rfind("\n[", at);
  return 2 + static_cast<int>(std::count(text.begin(), text.begin() + header, '\n'));
}

struct Case {
  const char* name;
  std::function<std::string(const std::string&)> mutate;
  const char* marker;      // text inside the element the error must point at
  const char* message;     // part of the error
  bool at_marker = false;  // the error names the marker's own line, not its table's
};

int LineOf(const std::string& text, const std::string& marker) {
  size_t at = text.find(marker);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

class PolicyChecks : public ::testing::TestWithParam<Case> {};

TEST_P(PolicyChecks, NameFileLineAndWhatIsWrong) {
  const Case& c = GetParam();
  konfid::testing::TempDir dir;
  std::string text = c.mutate(Example());
  std::string path = dir.path() + "/policy.toml";
  std::ofstream(path) << text;
  auto r = LoadPolicyFile(path);
  ASSERT_FALSE(r) << c.name;
  int line = c.at_marker ? LineOf(text, c.marker) : HeaderLineOf(text, c.marker);
  std::string expected = path + ":" + std::to_string(line) + ": error: ";
  EXPECT_NE(r.error().message().find(expected), std::string::npos)
      << r.error().message() << "\nexpected " << expected;
  EXPECT_NE(r.error().message().find(c.message), std::string::npos) << r.error().message();
  // The reader the service uses for stored versions says the same.
  auto again = TomlPolicyReader().Read(text, "v");
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message().find(c.message), std::string::npos);
}

const Case kCases[] = {
    {"unknown_field_in_purpose",
     [](const std::string& t) {
       return Replace(t, "fields = [\"birth_date\", \"city\"]",
                      "fields = [\"birth_date\", \"town\"]");
     },
     "id = \"statistics\"", "purpose 'statistics' names unknown field 'town'"},
    {"required_field_without_purpose",
     [](const std::string& t) {
       return Replace(t, "[[purpose]]\nid = \"registration\"",
                      "[[field]]\nname = \"passport\"\nrequired = true\nlabel = \"passport\"\n"
                      "category = \"identity\"\n\n[[purpose]]\nid = \"registration\"");
     },
     "name = \"passport\"", "required field 'passport' is used by no purpose"},
    {"marketing_without_withdrawal",
     [](const std::string& t) {
       return Replace(t, "withdrawal = [\"unsubscribe_link\", \"cabinet\", \"email\"]\n", "");
     },
     "id = \"newsletter\"", "consent-based marketing without a withdrawal channel"},
    {"recipient_field_beyond_purposes",
     [](const std::string& t) {
       return Replace(t, "fields = [\"name\", \"email\"]\nground = \"consent\"",
                      "fields = [\"name\", \"email\", \"birth_date\"]\nground = \"consent\"");
     },
     "id = \"mailer\"", "recipient 'mailer' is given field 'birth_date' that none of its purposes"},
    {"recipient_abroad_without_flag",
     [](const std::string& t) {
       return Replace(t, "country = \"RU\"\nrole = \"processor\"\npurposes = [\"newsletter\"]",
                      "country = \"DE\"\nrole = \"processor\"\npurposes = [\"newsletter\"]");
     },
     "id = \"mailer\"", "needs cross_border = true"},
    {"cookie_declared_twice",
     [](const std::string& t) {
       return t +
              "\n[[cookie]]\ncategory = \"analytics\"\nservice = \"Konfid statistics\"\n"
              "provider = \"copy.example\"\npurpose = { ru = \"Копия.\", en = \"A copy.\" }\n"
              "retention = \"session\"\n";
     },
     "provider = \"copy.example\"",
     "cookie 'Konfid statistics' of category 'analytics' is declared twice"},
    {"field_source_unknown",
     [](const std::string& t) {
       return Replace(t, "name = \"city\"\n", "name = \"city\"\nsource = \"rumour\"\n");
     },
     "name = \"city\"", "field 'city' source must be subject, operator or third_party"},
    {"field_third_party_unnamed",
     [](const std::string& t) {
       return Replace(t, "name = \"city\"\n", "name = \"city\"\nsource = \"third_party\"\n");
     },
     "name = \"city\"", "field 'city' source_name"},
    {"field_source_name_without_third_party",
     [](const std::string& t) {
       return Replace(t, "name = \"city\"\n",
                      "name = \"city\"\nsource_name = { ru = \"Банк\", en = \"A bank\" }\n");
     },
     "name = \"city\"", "has a source_name, which only a third_party source takes"},
    {"field_notice_exempt_without_third_party",
     [](const std::string& t) {
       return Replace(t, "name = \"city\"\n",
                      "name = \"city\"\nnotice_exempt = \"law_or_contract\"\n");
     },
     "name = \"city\"", "has a notice_exempt, which only a third_party source takes"},
    {"field_notice_exempt_unknown",
     [](const std::string& t) {
       return Replace(t, "name = \"city\"\n",
                      "name = \"city\"\nsource = \"third_party\"\n"
                      "source_name = { ru = \"Банк\", en = \"A bank\" }\n"
                      "notice_exempt = \"busy\"\n");
     },
     "name = \"city\"", "notice_exempt must be already_notified, law_or_contract"},
    {"field_notice_exempt_made_public_not_public",
     [](const std::string& t) {
       return Replace(t, "name = \"patronymic\"\n",
                      "name = \"patronymic\"\nsource = \"third_party\"\n"
                      "source_name = { ru = \"Банк\", en = \"A bank\" }\n"
                      "notice_exempt = \"made_public\"\n");
     },
     "name = \"patronymic\"", "notice_exempt = made_public needs public = true"},
    {"retention_from_unknown",
     [](const std::string& t) {
       return Replace(
           t, "retention = \"1 year\"\non_expiry = \"destroy\"\n",
           "retention = \"1 year\"\nretention_from = \"dawn\"\non_expiry = \"destroy\"\n");
     },
     "id = \"support\"",
     "purpose 'support' retention_from must be consent, contract_end or collection"},
    {"retention_from_consent_without_consent",
     [](const std::string& t) {
       return Replace(
           t, "retention = \"1 year\"\non_expiry = \"destroy\"\n",
           "retention = \"1 year\"\nretention_from = \"consent\"\non_expiry = \"destroy\"\n");
     },
     "id = \"support\"", "purpose 'support' retention_from 'consent' needs a consent ground"},
    {"retention_unparseable",
     [](const std::string& t) {
       return Replace(t, "retention = \"3 years\"       # after", "retention = \"three years\" #");
     },
     "id = \"registration\"", "retention 'three years' cannot be parsed"},
    {"russian_operator_without_inn",
     [](const std::string& t) { return Replace(t, "inn = \"7701234567\"\n", ""); },
     "legal_name =", "[operator] has no inn"},
    {"marketing_without_consent",
     [](const std::string& t) {
       return Replace(
           t, "ground = \"consent\"\nfields = [\"name\", \"email\", \"phone\"]",
           "ground = \"legitimate_interest\"\nfields = [\"name\", \"email\", \"phone\"]");
     },
     "id = \"newsletter\"", "is marketing, which needs consent"},
    {"recipient_unknown_purpose",
     [](const std::string& t) {
       return Replace(t, "purposes = [\"registration\"]\n", "purposes = [\"billing\"]\n");
     },
     "id = \"payments\"", "names unknown purpose 'billing'"},
    {"publishing_without_consent",
     [](const std::string& t) {
       return Replace(t, "ground = \"consent\"\nfields = [\"name\", \"city\", \"email\"]",
                      "ground = \"contract\"\nfields = [\"name\", \"city\", \"email\"]");
     },
     "id = \"reviews\"", "publishes data, which needs a separate consent"},
    {"storage_abroad",
     [](const std::string& t) {
       return Replace(t, "storage_country = \"RU\"", "storage_country = \"NL\"");
     },
     "id = \"demo\"", "storage_country must be RU"},
    {"structural_unknown_key",
     [](const std::string& t) {
       return Replace(t, "methods = \"automated\"", "method = \"automated\"");
     },
     "method = \"automated\"", "unknown key 'method' in [[purpose]]", true},
    {"structural_float_length",  // toml++ would cast a float unchecked (the fuzzer's find)
     [](const std::string& t) { return Replace(t, "max_length = 100", "max_length = 1e30"); },
     "max_length = 1e30", "max_length must be a positive integer", true},
    {"structural_float_notice_days",
     [](const std::string& t) { return Replace(t, "notice_days = 10 ", "notice_days = 10.0 "); },
     "notice_days = 10.0", "notice_days must be 0..365", true},
    {"structural_time_zone_not_a_string",
     [](const std::string& t) {
       return Replace(t, "time_zone = \"Europe/Moscow\"", "time_zone = 3");
     },
     "time_zone = 3", "'time_zone' must be a string", true},
    {"structural_time_zone_empty",
     [](const std::string& t) {
       return Replace(t, "time_zone = \"Europe/Moscow\"", "time_zone = \"\"");
     },
     "time_zone = \"\"", "'time_zone' must name a zone", true},
    {"events_retention_unparseable",
     [](const std::string& t) {
       return Replace(t, "retention = \"90 days\"", "retention = \"a season\"");
     },
     "choice_retention", "[events] retention 'a season' cannot be parsed"},
    {"events_unknown_key",
     [](const std::string& t) {
       return Replace(t, "choice_retention = \"12 months\"", "choices = \"12 months\"");
     },
     "choices = ", "unknown key 'choices' in [events]", true},
    {"statistics_k_below_two", [](const std::string& t) { return Replace(t, "k = 5 ", "k = 1 "); },
     "k = 1", "[statistics] k must be 2..1000"},
    {"statistics_k_not_whole",
     [](const std::string& t) { return Replace(t, "k = 5 ", "k = 5.5 "); }, "k = 5.5",
     "[statistics] k must be a whole number", true},
    {"statistics_epsilon_negative",
     [](const std::string& t) { return Replace(t, "epsilon = 0 ", "epsilon = -1.0 "); },
     "epsilon = -1.0", "[statistics] epsilon must be 0 (no noise) or a number from 0.01"},
    {"statistics_epsilon_too_small",
     [](const std::string& t) { return Replace(t, "epsilon = 0 ", "epsilon = 0.001 "); },
     "epsilon = 0.001", "[statistics] epsilon must be 0 (no noise) or a number from 0.01"},
    {"statistics_k_too_large",
     [](const std::string& t) { return Replace(t, "k = 5 ", "k = 1001 "); }, "k = 1001",
     "[statistics] k must be 2..1000"},
    {"statistics_unknown_key",
     [](const std::string& t) { return Replace(t, "epsilon = 0 ", "delta = 0 "); }, "delta = 0",
     "unknown key 'delta' in [statistics]", true},
    {"statistics_quasi_identifier_unknown",
     [](const std::string& t) {
       return Replace(t, "quasi_identifiers = [\"birth_date\", \"city\"]",
                      "quasi_identifiers = [\"birth_date\", \"town\"]");
     },
     "k = 5 ", "[statistics] quasi_identifiers names 'town', which is not a field"},
    {"statistics_quasi_identifier_direct",
     [](const std::string& t) {
       return Replace(t, "quasi_identifiers = [\"birth_date\", \"city\"]",
                      "quasi_identifiers = [\"birth_date\", \"email\"]");
     },
     "k = 5 ", "[statistics] quasi_identifiers may not name 'email'"},
    {"statistics_quasi_identifier_identifies",
     [](const std::string& t) {
       return Replace(t, "quasi_identifiers = [\"birth_date\", \"city\"]",
                      "quasi_identifiers = [\"birth_date\", \"surname\"]");
     },
     "k = 5 ", "[statistics] quasi_identifiers may not name 'surname'"},
    {"statistics_quasi_identifier_named_pseudonym",
     [](std::string t) {  // the field city renamed, wherever it is named
       for (size_t at; (at = t.find("\"city\"")) != std::string::npos;)
         t.replace(at, 6, "\"pseudonym\"");
       return t;
     },
     "k = 5 ", "[statistics] quasi_identifiers may not name a field 'pseudonym'"},
    {"statistics_regions_of_a_date",
     [](const std::string& t) {
       return Replace(t, "[statistics.regions.city]", "[statistics.regions.birth_date]");
     },
     "k = 5 ", "[statistics.regions.birth_date] is for a quasi-identifier of type string"},
    {"statistics_region_not_a_string",
     [](const std::string& t) {
       return Replace(t, "\"Тверь\" = \"Тверская область\"", "\"Тверь\" = 69");
     },
     "\"Тверь\" = 69", "a region in [statistics.regions.city] must be a non-empty string", true},
    {"statistics_quasi_identifier_twice",
     [](const std::string& t) {
       return Replace(t, "quasi_identifiers = [\"birth_date\", \"city\"]",
                      "quasi_identifiers = [\"city\", \"city\"]");
     },
     "k = 5 ", "[statistics] quasi_identifiers names 'city' twice"},
    {"structural_unknown_type",
     [](const std::string& t) { return Replace(t, "type = \"date\"", "type = \"calendar\""); },
     "name = \"birth_date\"", "unknown type 'calendar'"},
};

INSTANTIATE_TEST_SUITE_P(EachErrorClass, PolicyChecks, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(PolicyFile, ExampleHasNoFindings) {
  auto p = ParsePolicyFile(konfid::testing::SourceDir() + "/examples/policy.toml");
  ASSERT_TRUE(p) << p.error().message();
  for (const auto& f : domain::CheckPolicy(*p)) ADD_FAILURE() << f.message;
  EXPECT_EQ(p->purposes.size(), 6u);
  EXPECT_EQ(p->recipients.size(), 3u);
  EXPECT_EQ(p->op.inn, "7701234567");
}

TEST(PolicyFile, TimeZoneIsTheWrittenOneOrTheJurisdictions) {
  auto written = ParsePolicy(
      Replace(Example(), "time_zone = \"Europe/Moscow\"", "time_zone = \"Asia/Vladivostok\""),
      "tz.toml");
  ASSERT_TRUE(written) << written.error().message();
  EXPECT_EQ(written->time_zone, "Asia/Vladivostok");
  EXPECT_EQ(written->TimeZone(), "Asia/Vladivostok");

  const std::string without = Replace(Example(), "time_zone = \"Europe/Moscow\"", "");
  for (auto [jurisdiction, zone] :
       {std::pair{"ru-152fz", "Europe/Moscow"}, std::pair{"ua-2297", "Europe/Kyiv"},
        std::pair{"eu-gdpr", "UTC"}}) {
    auto p = ParsePolicy(Replace(without, "jurisdiction = \"ru-152fz\"",
                                 std::string("jurisdiction = \"") + jurisdiction + "\""),
                         "tz.toml");
    ASSERT_TRUE(p) << jurisdiction << ": " << p.error().message();
    EXPECT_EQ(p->time_zone, "") << jurisdiction;
    EXPECT_EQ(p->TimeZone(), zone) << jurisdiction;
    EXPECT_EQ(domain::DefaultTimeZone(jurisdiction), zone);
  }
  EXPECT_EQ(domain::DefaultTimeZone("xx-none"), "");
  // The reader checks the syntax only: whether the zone exists is the service's check at start.
  auto unknown = ParsePolicy(
      Replace(Example(), "time_zone = \"Europe/Moscow\"", "time_zone = \"Mars/Olympus\""),
      "tz.toml");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->TimeZone(), "Mars/Olympus");
}

TEST(PolicyFile, TheEventsTermsAreTheWrittenOnesOrTheDefaults) {
  auto example = ParsePolicy(Example(), "ev.toml");
  ASSERT_TRUE(example) << example.error().message();
  EXPECT_EQ(example->events.retention, "90 days");
  EXPECT_EQ(example->events.choice_retention, "12 months");
  EXPECT_GT(example->events.line, 0);
  auto written = ParsePolicy(
      Replace(Example(), "retention = \"90 days\"", "retention = \"30 days\""), "ev.toml");
  ASSERT_TRUE(written);
  EXPECT_EQ(written->events.retention, "30 days");
  auto diff = domain::DiffPolicies(*example, *written);
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_FALSE(diff[0].material);
  std::string text = Example();
  text.erase(text.find("\n# Technical events"));
  auto without = ParsePolicy(text, "ev.toml");
  ASSERT_TRUE(without) << without.error().message();
  EXPECT_EQ(without->events.retention, "90 days");
  EXPECT_EQ(without->events.choice_retention, "12 months");
  EXPECT_EQ(without->events.line, 0);
  EXPECT_TRUE(domain::CheckPolicy(*without).empty());
}

TEST(PolicyFile, TheInformationSystemIsOptionalAndAString) {
  auto example = ParsePolicy(Example(), "is.toml");
  ASSERT_TRUE(example) << example.error().message();
  EXPECT_EQ(example->information_system, "");
  const std::string zone = "time_zone = \"Europe/Moscow\"";
  auto named =
      ParsePolicy(Replace(Example(), zone, zone + "\ninformation_system = \"CRM\""), "is.toml");
  ASSERT_TRUE(named) << named.error().message();
  EXPECT_EQ(named->information_system, "CRM");
  EXPECT_FALSE(ParsePolicy(Replace(Example(), zone, zone + "\ninformation_system = 3"), "is.toml"));
}

TEST(PolicyFile, WarningsDoNotStopThePolicy) {
  std::string text = Replace(Example(), "[[purpose]]\nid = \"registration\"",
                             "[[field]]\nname = \"nickname\"\nlabel = \"nickname\"\n"
                             "category = \"profile\"\n\n[[purpose]]\nid = \"registration\"");
  auto p = ParsePolicy(text, "w.toml");
  ASSERT_TRUE(p);
  auto findings = domain::CheckPolicy(*p);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, domain::PolicyFinding::Severity::kWarning);
  EXPECT_EQ(findings[0].line, HeaderLineOf(text, "name = \"nickname\""));
  EXPECT_NE(findings[0].message.find("used by no purpose"), std::string::npos);
  EXPECT_TRUE(TomlPolicyReader().Read(text, "w.toml"));
}

TEST(PolicyFile, ARecipientWithoutANoticeAddressIsWarnedOfAndABadOneRefused) {
  std::string quiet = Replace(Example(), "notify_email = \"dpo@rassylshchik.example\"\n", "");
  auto p = ParsePolicy(quiet, "q.toml");
  ASSERT_TRUE(p);
  auto findings = domain::CheckPolicy(*p);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, domain::PolicyFinding::Severity::kWarning);
  EXPECT_EQ(findings[0].line, HeaderLineOf(quiet, "id = \"mailer\""));
  EXPECT_NE(findings[0].message.find("recipient 'mailer' has no notify_email"), std::string::npos)
      << findings[0].message;
  EXPECT_EQ(p->FindRecipient("payments")->notify_email, "privacy@platezhny-servis.example");

  auto bad = ParsePolicy(
      Replace(Example(), "\"dpo@rassylshchik.example\"", "\"rassylshchik.example\""), "b.toml");
  ASSERT_TRUE(bad);
  auto error = domain::FirstPolicyError(*bad);
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().message().find("notify_email is not an email address"),
            std::string::npos);
}

TEST(PolicyFile, SyntaxErrorsNameTheLine) {
  auto r = ParsePolicy("[tenant]\nid = \"demo\"\n[[field]\n", "s.toml");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("s.toml:3"), std::string::npos) << r.error().message();
  auto missing = LoadPolicyFile("/nonexistent/policy.toml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("cannot be read"), std::string::npos);
}

}  // namespace
}  // namespace konfid::adapters
