// The consent ledger over HTTP on both backends: recording, the state derived from it, and
// reads for a consent-based purpose that follow it at once.
#include <sodium.h>

#include <boost/json.hpp>
#include <fstream>

#include "api_e2e.h"
#include "core/encoding.h"

namespace konfid::e2e {
namespace {

std::string Code(const HttpResult& r) { return JsonString(r.body, "code"); }

// The tenant's receipt public key (the JWK's "x") as GET /v1/keys/receipt publishes it.
std::string ReceiptPublicKey(unsigned short port, const std::string& tenant) {
  boost::system::error_code ec;
  auto jwks = boost::json::parse(Http(port, "GET", "/v1/keys/receipt?tenant=" + tenant).body, ec);
  if (ec) return "";
  return std::string(jwks.at("keys").at(0).at("x").as_string());
}

// `konfid receipt verify` of a compact JWS, offline, with the public key `x`.
CommandResult VerifyOffline(const std::string& jws, const std::string& x) {
  konfid::testing::TempDir dir;
  std::string file = dir.path() + "/receipt.jws";
  std::ofstream(file) << jws << "\n";
  return RunKonfid({"receipt", "verify", file, "--public-key", x});
}

std::string Sha256Hex(const std::string& text) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : out) hex += {kHex[c >> 4], kHex[c & 15]};
  return hex;
}

const char* kOlga =
    R"({"fields":{"surname":"Орлова","name":"Ольга","email":"olga@example.com","phone":"+79001112233"}})";

// Creates the subject Olga and gives her consent to `purposes`; her id, or "" on a failure.
std::string OlgaWithConsents(Instance& konfid, const std::string& key,
                             std::initializer_list<const char*> purposes) {
  auto created = konfid.Request("POST", "/v1/subjects", kOlga, key);
  std::string id = JsonString(created.body, "id");
  for (const char* purpose : purposes) {
    auto r = konfid.Request("POST", "/v1/subjects/" + id + "/consents",
                            std::string(R"({"action":"give","purpose":")") + purpose + "\"}", key);
    if (r.status != 201) return "";
  }
  return created.status == 201 ? id : "";
}

}  // namespace

TEST_P(ApiE2E, ConsentLedgerDecidesConsentBasedReads) {
  auto created = Post(kOlga);
  ASSERT_EQ(created.status, 201u) << created.body;
  std::string id = JsonString(created.body, "id");
  std::string consents = "/v1/subjects/" + id + "/consents";
  std::string newsletter = "/v1/subjects/" + id + "?purpose=newsletter";

  // No consent yet: a read for the consent-based purpose is refused; a contract one is not.
  auto refused = Get(newsletter);
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(Code(refused), "consent_required");
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=registration").status, 200u);

  auto given = konfid_->Request(
      "POST", consents,
      R"({"purpose":"newsletter","action":"give","method":"form","source":"footer-form",)"
      R"("context":{"ip":"203.0.113.77","user_agent":"Mozilla/5.0 X11"}})",
      admin_);
  ASSERT_EQ(given.status, 201u) << given.body;
  EXPECT_EQ(JsonString(given.body, "kind"), "given");
  EXPECT_EQ(JsonString(given.body, "policy_version"), "1");
  EXPECT_EQ(JsonString(given.body, "ip"), "203.0.113.0/24");  // never the full address
  // The hash is of the exact consent text of that version and language.
  auto text = Http(konfid_->port(), "GET",
                   "/v1/policy?tenant=demo&document=consent/newsletter&lang=ru&format=md");
  EXPECT_EQ(JsonString(given.body, "text_hash"), Sha256Hex(text.body));

  auto read = Get(newsletter);
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(JsonField(read.body, "email"), "olga@example.com");
  EXPECT_EQ(JsonField(read.body, "surname"), "");  // not a newsletter field

  auto state = Get(consents);
  ASSERT_EQ(state.status, 200u) << state.body;
  EXPECT_NE(state.body.find(R"("purpose":"newsletter","state":"given","live":true)"),
            std::string::npos)
      << state.body;
  EXPECT_NE(state.body.find(R"("purpose":"reviews","state":"none","live":false)"),
            std::string::npos);

  // Withdrawal takes effect at once.
  auto withdrawn = konfid_->Request(
      "POST", consents,
      R"({"purpose":"newsletter","action":"withdraw","method":"cabinet","lang":"en"})", admin_);
  ASSERT_EQ(withdrawn.status, 201u) << withdrawn.body;
  EXPECT_NE(JsonString(withdrawn.body, "text_hash"), JsonString(given.body, "text_hash"));
  EXPECT_EQ(Code(Get(newsletter)), "consent_required");
  state = Get(consents);
  EXPECT_NE(state.body.find(R"("purpose":"newsletter","state":"withdrawn","live":false)"),
            std::string::npos)
      << state.body;
  EXPECT_NE(state.body.find("footer-form"), std::string::npos);  // the history stays
}

TEST_P(ApiE2E, ConsentEventsAreCheckedAndRefusalsRecordNothing) {
  auto created = Post(kOlga);
  ASSERT_EQ(created.status, 201u);
  std::string consents = "/v1/subjects/" + JsonString(created.body, "id") + "/consents";
  struct Case {
    std::string body;
    unsigned status;
    std::string code;
  };
  std::vector<Case> cases = {
      {R"({"purpose":"registration","action":"give"})", 400, "not_consent_purpose"},
      {R"({"purpose":"lottery","action":"give"})", 400, "unknown_purpose"},
      {R"({"purpose":"newsletter","action":"maybe"})", 400, "invalid_value"},
      {R"({"purpose":"newsletter"})", 400, "required_field"},
      {R"({"purpose":"newsletter","action":"give","colour":1})", 400, "unknown_field"},
      {R"({"purpose":"newsletter","action":"give","method":"telepathy"})", 400, "invalid_value"},
      {R"({"purpose":"newsletter","action":"give","context":{"ip":"not-an-ip"}})", 400,
       "invalid_value"},
      {R"({"purpose":"newsletter","action":"give","policy_version":7})", 400,
       "unknown_policy_version"},
      {R"({"purpose":"newsletter","action":"give","lang":"de"})", 400, "invalid_value"},
      {"{", 400, "invalid_json"},
  };
  for (const auto& c : cases) {
    auto r = konfid_->Request("POST", consents, c.body, admin_);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    EXPECT_EQ(Code(r), c.code) << c.body;
  }
  EXPECT_EQ(Code(konfid_->Request("POST", consents, R"({"purpose":"newsletter","action":"give"})",
                                  support_)),
            "role");
  EXPECT_EQ(
      konfid_
          ->Request("POST", consents, R"({"purpose":"newsletter","action":"give"})", other_admin_)
          .status,
      404u);  // another tenant's subject
  EXPECT_EQ(konfid_
                ->Request("POST", "/v1/subjects/" + std::string(32, 'a') + "/consents",
                          R"({"purpose":"newsletter","action":"give"})", admin_)
                .status,
            404u);
  // None of it left an event.
  auto state = Get(consents);
  ASSERT_EQ(state.status, 200u);
  EXPECT_NE(state.body.find(R"("events":[])"), std::string::npos) << state.body;
  EXPECT_EQ(Get(consents, analyst_).status, 403u);
}

TEST_P(ApiE2E, EachConsentEventHasASignedReceiptAnyoneCanVerify) {
  auto created = Post(kOlga);
  ASSERT_EQ(created.status, 201u);
  std::string id = JsonString(created.body, "id");
  auto given =
      konfid_->Request("POST", "/v1/subjects/" + id + "/consents",
                       R"({"purpose":"newsletter","action":"give","method":"form"})", admin_);
  ASSERT_EQ(given.status, 201u) << given.body;
  std::string event = JsonString(given.body, "id");
  EXPECT_EQ(given.headers["location"], "/v1/receipts/" + event);

  auto jws = Http(konfid_->port(), "GET", "/v1/receipts/" + event, "", admin_, "",
                  {{"Accept", "application/jose"}});
  ASSERT_EQ(jws.status, 200u) << jws.body;
  EXPECT_EQ(jws.body, JsonString(given.body, "receipt"));
  std::string x = ReceiptPublicKey(konfid_->port(), "demo");
  ASSERT_FALSE(x.empty());
  auto verify = VerifyOffline(jws.body, x);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  for (const char* part :
       {R"("consentReceiptID":")", R"("piiController":"ООО «Демо Курсы»")",
        R"("collectionMethod":"form")", R"("event":"given")", R"("purposeCategory":["newsletter"])",
        R"("policyUrl":"https://demo.example/privacy")"})
    EXPECT_NE(verify.output.find(part), std::string::npos) << part << "\n" << verify.output;
  EXPECT_NE(verify.output.find(event), std::string::npos);

  // One changed character of the claims, or another tenant's key, and it no longer verifies.
  std::string forged = jws.body;
  size_t dot = forged.find('.');
  forged[dot + 5] = forged[dot + 5] == 'A' ? 'B' : 'A';
  auto bad = VerifyOffline(forged, x);
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("DOES NOT verify"), std::string::npos);
  std::string other_x = ReceiptPublicKey(konfid_->port(), "other");
  ASSERT_FALSE(other_x.empty());
  EXPECT_NE(other_x, x);
  EXPECT_EQ(VerifyOffline(jws.body, other_x).exit_code, 1);

  // Receipts are the tenant's: another tenant's key sees nothing, an analyst may not read.
  EXPECT_EQ(Http(konfid_->port(), "GET", "/v1/receipts/" + event, "", other_admin_).status, 404u);
  EXPECT_EQ(Http(konfid_->port(), "GET", "/v1/receipts/" + event, "", analyst_).status, 403u);
  auto as_json = Get("/v1/receipts/" + event);
  EXPECT_EQ(JsonString(as_json.body, "subject"), id);
}

TEST_P(ApiE2E, AMaterialChangeNeedsFreshConsentForWhatItWidened) {
  std::string id = OlgaWithConsents(*konfid_, admin_, {"newsletter", "statistics"});
  ASSERT_FALSE(id.empty());
  std::string consents = "/v1/subjects/" + id + "/consents";
  ASSERT_EQ(Get("/v1/subjects/" + id + "?purpose=newsletter").status, 200u);

  // Version 2 widens the newsletter (it now uses the city); statistics stays as it was.
  std::string wider = Replaced(SourceFile("examples/policy.toml"),
                               "fields = [\"name\", \"email\", \"phone\"]\nactions",
                               "fields = [\"name\", \"email\", \"phone\", \"city\"]\nactions");
  auto v2 = Http(konfid_->port(), "POST", "/v1/policy/versions?short_notice=true", wider, admin_,
                 "application/toml");
  ASSERT_EQ(v2.status, 201u) << v2.body;
  EXPECT_NE(v2.body.find("widened  purpose 'newsletter': fields: + city  [material]"),
            std::string::npos)
      << v2.body;

  auto stale = Get("/v1/subjects/" + id + "?purpose=newsletter");
  EXPECT_EQ(stale.status, 403u);
  EXPECT_NE(JsonString(stale.body, "detail").find("changed materially"), std::string::npos)
      << stale.body;
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=statistics").status, 200u);
  auto state = Get(consents);
  EXPECT_NE(state.body.find(
                R"("purpose":"newsletter","state":"given","live":false,"renewal_needed":true)"),
            std::string::npos)
      << state.body;

  // Consent to the new text (version 2) makes it live again.
  auto again =
      konfid_->Request("POST", consents, R"({"purpose":"newsletter","action":"give"})", admin_);
  ASSERT_EQ(again.status, 201u);
  EXPECT_EQ(JsonString(again.body, "policy_version"), "2");
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=newsletter").status, 200u);
}

TEST_P(ApiE2E, RegistrationWithDoubleOptInOverRealSmtp) {
  konfid::testing::SmtpServer smtp;
  Instance konfid(GetParam()(), smtp.url());
  std::string admin = konfid.CreateKey("demo", "admin");
  konfid.Start();
  auto post = [&](const std::string& target, const std::string& body, const std::string& key) {
    return konfid.Request("POST", target, body, key);
  };
  const std::string form =
      R"({"fields":{"surname":"Орлова","name":"Ольга","email":"Olga@Example.com"},)"
      R"("consents":{"newsletter":true,"reviews":false,"statistics":false},)"
      R"("lang":"ru","context":{"form":"signup","ip":"198.51.100.23","user_agent":"UA",)"
      R"("page":"https://demo.example/join?ref=olga@example.com#top"}})";

  // Every consent purpose needs an explicit choice.
  auto missing = post(
      "/v1/registrations",
      R"({"fields":{"surname":"A","name":"B","email":"x@example.com"},"consents":{"newsletter":true}})",
      admin);
  EXPECT_EQ(missing.status, 400u);
  EXPECT_EQ(JsonString(missing.body, "code"), "consent_choice_missing");

  auto reg = post("/v1/registrations", form, admin);
  ASSERT_EQ(reg.status, 201u) << reg.body;
  std::string id = JsonString(reg.body, "subject");
  EXPECT_NE(reg.body.find(R"("created":true)"), std::string::npos);
  EXPECT_NE(reg.body.find(R"("kind":"refused")"), std::string::npos);  // recorded at once
  // The source names the form and its page, without the page's query (here, an address).
  EXPECT_NE(reg.body.find(R"("source":"signup https://demo.example/join")"), std::string::npos)
      << reg.body;
  EXPECT_EQ(reg.body.find("ref="), std::string::npos);
  // Nothing for marketing before the address is confirmed.
  EXPECT_EQ(konfid.Request("GET", "/v1/subjects/" + id + "?purpose=newsletter", "", admin).status,
            403u);
  EXPECT_NE(konfid.Request("GET", "/v1/subjects/" + id + "?purpose=registration", "", admin)
                .body.find(R"("email_verified_at":null)"),
            std::string::npos);

  auto mail = smtp.WaitFor(1);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_NE(mail[0].find("To: <olga@example.com>"), std::string::npos) << mail[0];
  EXPECT_NE(mail[0].find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_EQ(mail[0].find("List-Unsubscribe"), std::string::npos);  // not a marketing message
  std::string body = MailBody(mail[0]);
  EXPECT_NE(body.find("Чтобы подтвердить его"), std::string::npos) << body;
  size_t at = body.find("token=");
  ASSERT_NE(at, std::string::npos) << body;
  std::string token = body.substr(at + 6, body.find_first_of("\r\n ", at) - at - 6);
  EXPECT_NE(body.find("https://demo.example/confirm?tenant=demo&token="), std::string::npos);

  // A forged token does nothing and says so; the real one works once.
  auto forged = post("/v1/confirmations", R"({"tenant":"demo","token":"AAAA"})", "");
  EXPECT_EQ(JsonString(forged.body, "code"), "invalid_token");
  auto ok = post("/v1/confirmations", R"({"tenant":"demo","token":")" + token + "\"}", "");
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_NE(ok.body.find(R"("purpose":"newsletter","kind":"given")"), std::string::npos);
  EXPECT_EQ(JsonString(
                post("/v1/confirmations", R"({"tenant":"demo","token":")" + token + "\"}", "").body,
                "code"),
            "invalid_token");
  auto read = konfid.Request("GET", "/v1/subjects/" + id + "?purpose=newsletter", "", admin);
  EXPECT_EQ(read.status, 200u) << read.body;
  EXPECT_TRUE(JsonString(read.body, "email_verified_at").starts_with("20")) << read.body;
  EXPECT_EQ(konfid.Request("GET", "/v1/subjects/" + id + "?purpose=statistics", "", admin).status,
            403u);  // refused stays refused

  // Someone registering the same address changes nothing of that subject and gets a new link.
  auto again = post("/v1/registrations",
                    R"({"fields":{"surname":"Чужой","name":"Иван","email":"olga@example.com"},)"
                    R"("consents":{"newsletter":true,"reviews":true,"statistics":true}})",
                    admin);
  ASSERT_EQ(again.status, 201u) << again.body;
  EXPECT_NE(again.body.find(R"("created":false)"), std::string::npos);
  EXPECT_EQ(JsonString(again.body, "subject"), id);
  auto same = konfid.Request("GET", "/v1/subjects/" + id + "?purpose=registration", "", admin);
  EXPECT_EQ(JsonField(same.body, "surname"), "Орлова");
  EXPECT_EQ(smtp.WaitFor(2).size(), 2u);
  EXPECT_FALSE(JsonString(same.body, "email_verified_at").empty());  // still confirmed
  EXPECT_EQ(konfid.Request("GET", "/v1/subjects/" + id + "?purpose=reviews", "", admin).status,
            403u);  // not until the owner of the address confirms

  // A second new address: its refusals are signed before the transaction now that the text's
  // hash is known, and their receipts name this subject and verify.
  auto other = post("/v1/registrations",
                    R"({"fields":{"surname":"Новикова","name":"Вера","email":"vera@example.com"},)"
                    R"("consents":{"newsletter":false,"reviews":false,"statistics":true}})",
                    admin);
  ASSERT_EQ(other.status, 201u) << other.body;
  boost::system::error_code ec;
  auto other_json = boost::json::parse(other.body, ec);
  ASSERT_FALSE(ec);
  std::string vera(other_json.at("subject").as_string());
  const auto& refusals = other_json.at("refused").as_array();
  ASSERT_EQ(refusals.size(), 2u);
  std::string refusal(refusals.at(0).at("id").as_string());
  auto jws = Http(konfid.port(), "GET", "/v1/receipts/" + refusal, "", admin, "",
                  {{"Accept", "application/jose"}});
  ASSERT_EQ(jws.status, 200u) << jws.body;
  auto verify = VerifyOffline(jws.body, ReceiptPublicKey(konfid.port(), "demo"));
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find(R"("event":"refused")"), std::string::npos) << verify.output;
  EXPECT_NE(verify.output.find(vera), std::string::npos) << verify.output;
  EXPECT_EQ(smtp.WaitFor(3).size(), 3u);

  // The same address spelled differently stays confirmed; a new address is not.
  auto patch = [&](const std::string& email) {
    return konfid.Request("PATCH", "/v1/subjects/" + id, R"({"fields":{"email":")" + email + "\"}}",
                          admin);
  };
  auto registration = [&] {
    return konfid.Request("GET", "/v1/subjects/" + id + "?purpose=registration", "", admin).body;
  };
  ASSERT_EQ(patch("OLGA@example.com").status, 200u);
  EXPECT_FALSE(JsonString(registration(), "email_verified_at").empty());
  ASSERT_EQ(patch("olga.new@example.com").status, 200u);
  EXPECT_NE(registration().find(R"("email_verified_at":null)"), std::string::npos);

  // Guessing tokens is rate-limited per address.
  std::string code;
  for (int i = 0; i < 12 && code != "rate_limited"; ++i)
    code = JsonString(post("/v1/confirmations", R"({"tenant":"demo","token":"guess"})", "").body,
                      "code");
  EXPECT_EQ(code, "rate_limited");
  EXPECT_EQ(konfid.Stop(), 0);
}

TEST_P(ApiE2E, OneClickUnsubscribeWithdrawsExactlyThatConsent) {
  std::string id = OlgaWithConsents(*konfid_, admin_, {"newsletter", "statistics"});
  ASSERT_FALSE(id.empty());
  std::string consents = "/v1/subjects/" + id + "/consents";
  auto link = Get("/v1/subjects/" + id + "/unsubscribe-link?purpose=newsletter");
  ASSERT_EQ(link.status, 200u) << link.body;
  std::string url = JsonString(link.body, "url");
  EXPECT_NE(link.body.find(R"("List-Unsubscribe-Post":"List-Unsubscribe=One-Click")"),
            std::string::npos);
  std::string path = url.substr(url.find("/v1/unsubscribe/"));
  // Not a marketing purpose: no link.
  EXPECT_EQ(
      JsonString(Get("/v1/subjects/" + id + "/unsubscribe-link?purpose=statistics").body, "code"),
      "unknown_purpose");

  // A forged or altered token does nothing and says so.
  std::string altered = path;
  altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
  auto forged = Http(konfid_->port(), "POST", altered, "List-Unsubscribe=One-Click", "",
                     "application/x-www-form-urlencoded");
  EXPECT_EQ(forged.status, 400u);
  EXPECT_EQ(JsonString(forged.body, "code"), "invalid_token");
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=newsletter").status, 200u);

  // The real one, as a mail client sends it: no cookie, no key. Idempotent.
  auto first = Http(konfid_->port(), "POST", path, "List-Unsubscribe=One-Click", "",
                    "application/x-www-form-urlencoded");
  ASSERT_EQ(first.status, 200u) << first.body;
  EXPECT_NE(first.body.find(R"("changed":true)"), std::string::npos);
  auto second = Http(konfid_->port(), "POST", path, "List-Unsubscribe=One-Click", "",
                     "application/x-www-form-urlencoded");
  EXPECT_EQ(second.status, 200u);
  EXPECT_NE(second.body.find(R"("changed":false)"), std::string::npos);
  EXPECT_EQ(JsonString(Get("/v1/subjects/" + id + "?purpose=newsletter").body, "code"),
            "consent_required");
  EXPECT_EQ(Get("/v1/subjects/" + id + "?purpose=statistics").status, 200u);  // untouched
  auto state = Get(consents);
  EXPECT_NE(state.body.find(R"("kind":"withdrawn","policy_version":1)"), std::string::npos);
  EXPECT_NE(state.body.find(R"("method":"unsubscribe_link")"), std::string::npos) << state.body;
}

TEST_P(ApiE2E, MarketingMailCarriesOneClickUnsubscribeAndStopsAfterIt) {
  konfid::testing::SmtpServer smtp;
  Instance konfid(GetParam()(), smtp.url());
  std::string admin = konfid.CreateKey("demo", "admin");
  konfid.AddConfig(kJobsOnTrigger);
  konfid.Start();
  // Marketing goes only to a confirmed address: Olga registers and confirms hers.
  auto reg =
      konfid.Request("POST", "/v1/registrations",
                     R"({"fields":{"surname":"Орлова","name":"Ольга","email":"olga@example.com"},)"
                     R"("consents":{"newsletter":true,"reviews":false,"statistics":false}})",
                     admin);
  ASSERT_EQ(reg.status, 201u) << reg.body;
  std::string id = JsonString(reg.body, "subject");
  EXPECT_EQ(JsonString(konfid.RunJob("outbox", admin).body, "sent"), "1");
  auto confirmation = smtp.WaitFor(1);
  ASSERT_EQ(confirmation.size(), 1u);
  std::string text = MailBody(confirmation[0]);
  size_t token_at = text.find("token=");
  ASSERT_NE(token_at, std::string::npos) << text;
  std::string token =
      text.substr(token_at + 6, text.find_first_of("\r\n ", token_at) - token_at - 6);
  ASSERT_EQ(
      konfid
          .Request("POST", "/v1/confirmations", R"({"tenant":"demo","token":")" + token + "\"}", "")
          .status,
      200u);
  const std::string message =
      R"({"purpose":"newsletter","subject":"Скидки недели","body":"Новые курсы со скидкой."})";
  auto queued = konfid.Request("POST", "/v1/subjects/" + id + "/messages", message, admin);
  ASSERT_EQ(queued.status, 202u) << queued.body;

  EXPECT_EQ(JsonString(konfid.RunJob("outbox", admin).body, "sent"), "1");
  auto mail = smtp.WaitFor(2);
  ASSERT_EQ(mail.size(), 2u);
  if (mail[0].find("List-Unsubscribe") == std::string::npos) mail.erase(mail.begin());
  EXPECT_NE(mail[0].find("To: <olga@example.com>"), std::string::npos) << mail[0];
  EXPECT_NE(mail[0].find("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), std::string::npos);
  size_t at = mail[0].find("List-Unsubscribe: <");
  ASSERT_NE(at, std::string::npos) << mail[0];
  std::string url = mail[0].substr(at + 19, mail[0].find('>', at) - at - 19);
  EXPECT_NE(MailBody(mail[0]).find("Новые курсы со скидкой."), std::string::npos);

  // The mail client's one-click POST to the link in the header.
  auto unsubscribed = Http(konfid.port(), "POST", url.substr(url.find("/v1/unsubscribe/")),
                           "List-Unsubscribe=One-Click", "", "application/x-www-form-urlencoded");
  ASSERT_EQ(unsubscribed.status, 200u) << unsubscribed.body;

  // Suppressed at once: nothing more is queued or sent.
  auto refused = konfid.Request("POST", "/v1/subjects/" + id + "/messages", message, admin);
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(JsonString(refused.body, "code"), "consent_required");
  auto pass = konfid.RunJob("outbox", admin);
  EXPECT_EQ(pass.body, R"({"job":"outbox","sent":0,"retried":0,"failed":0})");
  EXPECT_EQ(smtp.Received().size(), 2u);
  // Only email marketing purposes can be sent to.
  EXPECT_EQ(JsonString(konfid
                           .Request("POST", "/v1/subjects/" + id + "/messages",
                                    R"({"purpose":"statistics","subject":"x","body":"y"})", admin)
                           .body,
                       "code"),
            "unknown_purpose");
  EXPECT_EQ(konfid.Stop(), 0);
}

}  // namespace konfid::e2e
