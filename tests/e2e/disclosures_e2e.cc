// Disclosures end to end, on both backends, against a real SMTP server: a recipient's key
// reads only its projection; staff disclose to a recipient only what the policy gives it and on
// the ground the purpose rests on, or to an authority what its document asks for; every
// disclosure is listed, reaches the access reply, and a later correction, block or erasure
// tells each recipient that received the data, by mail, without a value in it.
#include <boost/json.hpp>

#include "api_e2e.h"

namespace konfid::e2e {
namespace {

namespace json = boost::json;

std::string Code(const HttpResult& r) { return JsonString(r.body, "code"); }

constexpr char kIrina[] =
    R"({"fields":{"surname":"Горбунова","name":"Ирина","patronymic":"Львовна",)"
    R"("email":"irina.gorbunova@example.com","phone":"+7 912 345-67-89"}})";

// The fields object of the one subject a disclosure returned.
json::object DisclosedFields(const HttpResult& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("subjects")) return {};
  return v.at("subjects").at(0).at("fields").as_object();
}

std::vector<std::string> Names(const json::object& o) {
  std::vector<std::string> out;
  for (const auto& [k, v] : o) out.emplace_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

// The messages among `all` addressed to `to`.
std::vector<std::string> MailTo(const std::vector<std::string>& all, const std::string& to) {
  std::vector<std::string> out;
  for (const auto& m : all)
    if (m.find("To: " + to) != std::string::npos || m.find("To: <" + to + ">") != std::string::npos)
      out.push_back(m);
  return out;
}

class Disclosing {
 public:
  explicit Disclosing(const std::string& db) : konfid(db, smtp.url()) {
    konfid.AddConfig(kJobsOnTrigger);
    admin = konfid.CreateKey("demo", "admin");
    support = konfid.CreateKey("demo", "support");
    payments = konfid.CreateKey("demo", "processor", "payments");
    mailer = konfid.CreateKey("demo", "processor", "mailer");
    konfid.Start();
  }
  HttpResult Disclose(const std::string& body, const std::string& key = "") {
    return konfid.Request("POST", "/v1/disclosures", body, key.empty() ? admin : key);
  }
  HttpResult Get(const std::string& target, const std::string& key) {
    return konfid.Request("GET", target, "", key);
  }
  // Runs the outbox and waits until `count` messages in all have arrived.
  std::vector<std::string> Mail(size_t count) {
    EXPECT_EQ(konfid.RunJob("outbox", admin).status, 200u);
    return smtp.WaitFor(count);
  }

  konfid::testing::SmtpServer smtp;
  Instance konfid;
  std::string admin, support, payments, mailer;
};

}  // namespace

TEST_P(ApiE2E, ARecipientsKeyReadsOnlyItsProjection) {
  Disclosing d(GetParam()());
  auto created = d.konfid.Request("POST", "/v1/subjects", kIrina, d.admin);
  ASSERT_EQ(created.status, 201u) << created.body;
  std::string id = JsonString(created.body, "id");

  // The payment service receives surname, name and email for registration; not the
  // patronymic or the phone the purpose also uses.
  auto read = d.Get("/v1/subjects/" + id + "?purpose=registration", d.payments);
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(JsonField(read.body, "surname"), "Горбунова");
  EXPECT_EQ(JsonField(read.body, "email"), "irina.gorbunova@example.com");
  EXPECT_EQ(read.body.find("Львовна"), std::string::npos) << read.body;
  EXPECT_EQ(read.body.find("\"phone\""), std::string::npos) << read.body;
  // The admin's read of the same purpose has them.
  auto full = d.Get("/v1/subjects/" + id + "?purpose=registration", d.admin);
  EXPECT_NE(full.body.find("Львовна"), std::string::npos) << full.body;

  // A purpose the recipient does not serve, and a search by a field it does not receive.
  auto other = d.Get("/v1/subjects/" + id + "?purpose=support", d.payments);
  EXPECT_EQ(other.status, 403u) << other.body;
  EXPECT_EQ(Code(other), "recipient_purpose");
  auto by_phone = d.Get("/v1/subjects?phone=%2B79123456789&purpose=registration", d.payments);
  EXPECT_EQ(by_phone.status, 403u) << by_phone.body;
  EXPECT_EQ(Code(by_phone), "field_not_disclosed");
  auto by_email =
      d.Get("/v1/subjects?email=irina.gorbunova@example.com&purpose=registration", d.payments);
  EXPECT_EQ(by_email.status, 200u) << by_email.body;
  // The mailer reads for the newsletter only, and only with consent.
  EXPECT_EQ(Code(d.Get("/v1/subjects/" + id + "?purpose=registration", d.mailer)),
            "recipient_purpose");
  EXPECT_EQ(Code(d.Get("/v1/subjects/" + id + "?purpose=newsletter", d.mailer)),
            "consent_required");
  // With consent it gets the name and email the policy gives it, not the phone the newsletter
  // also uses (the defect of issue 15: a processor's key got every field of the purpose).
  ASSERT_EQ(d.konfid
                .Request("POST", "/v1/subjects/" + id + "/consents",
                         R"({"action":"give","purpose":"newsletter"})", d.admin)
                .status,
            201u);
  auto newsletter = d.Get("/v1/subjects/" + id + "?purpose=newsletter", d.mailer);
  ASSERT_EQ(newsletter.status, 200u) << newsletter.body;
  EXPECT_EQ(JsonField(newsletter.body, "name"), "Ирина");
  EXPECT_EQ(newsletter.body.find("\"phone\""), std::string::npos) << newsletter.body;
  EXPECT_NE(d.Get("/v1/subjects/" + id + "?purpose=newsletter", d.admin).body.find("+79123456789"),
            std::string::npos);

  // A processor's key cannot be made without a recipient, nor with one the policy lacks.
  std::vector<std::string> args = {"apikey",   "create", "--data", d.konfid.data_dir(),
                                   "--tenant", "demo",   "--role", "processor"};
  for (auto& a : d.konfid.DbArgs()) args.push_back(a);
  auto unbound = RunKonfid(args);
  EXPECT_NE(unbound.exit_code, 0);
  EXPECT_NE(unbound.output.find("bound to a recipient"), std::string::npos) << unbound.output;
  args.insert(args.end(), {"--recipient", "printer"});
  auto unknown = RunKonfid(args);
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.output.find("declares no recipient 'printer'"), std::string::npos)
      << unknown.output;

  // The admin's list of keys says which recipient each processor's key reads for.
  auto keys = d.Get("/v1/apikeys", d.admin);
  ASSERT_EQ(keys.status, 200u) << keys.body;
  EXPECT_NE(keys.body.find(R"("role":"processor","recipient":"payments")"), std::string::npos)
      << keys.body;
  EXPECT_NE(keys.body.find(R"("role":"admin","recipient":null)"), std::string::npos) << keys.body;

  // Both reads are recorded as disclosures to the payment service (the refusals are not).
  auto list = d.Get("/v1/disclosures?recipient=payments", d.support);
  ASSERT_EQ(list.status, 200u) << list.body;
  auto items = json::parse(list.body).at("disclosures").as_array();
  ASSERT_EQ(items.size(), 2u) << list.body;
  EXPECT_EQ(items[0].at("subject").as_string(), id);
  EXPECT_EQ(items[0].at("ground").as_string(), "contract");
  EXPECT_EQ(items[0].at("fields"), json::parse(R"(["email","name","surname"])"));
  EXPECT_EQ(items[0].at("actor").as_string().find("apikey:"), 0u);
}

TEST_P(ApiE2E, StaffDiscloseOnlyWhatThePolicyGivesOnItsGround) {
  Disclosing d(GetParam()());
  auto created = d.konfid.Request("POST", "/v1/subjects", kIrina, d.admin);
  std::string id = JsonString(created.body, "id");
  std::string to_mailer =
      R"({"recipient":"mailer","purpose":"newsletter","ground":"consent","subjects":[")" + id +
      "\"]";

  // Consent first: none yet.
  auto no_consent = d.Disclose(to_mailer + "}");
  EXPECT_EQ(no_consent.status, 403u) << no_consent.body;
  EXPECT_EQ(Code(no_consent), "consent_required");
  ASSERT_EQ(d.konfid
                .Request("POST", "/v1/subjects/" + id + "/consents",
                         R"({"action":"give","purpose":"newsletter"})", d.admin)
                .status,
            201u);
  auto made = d.Disclose(to_mailer + "}");
  ASSERT_EQ(made.status, 200u) << made.body;
  // The newsletter uses the phone too, but the policy gives the mailer name and email only.
  EXPECT_EQ(Names(DisclosedFields(made)), (std::vector<std::string>{"email", "name"}));

  struct Case {
    std::string body;
    unsigned status;
    const char* code;
  };
  const std::string subject = R"(,"subjects":[")" + id + "\"]";
  for (const Case& c : std::vector<Case>{
           {to_mailer + R"(,"fields":["name","surname"]})", 403, "field_not_disclosed"},
           {to_mailer + R"(,"fields":["name","phone"]})", 403, "field_not_disclosed"},
           {R"({"recipient":"mailer","purpose":"newsletter","ground":"contract")" + subject + "}",
            403, "ground_not_declared"},
           {R"({"recipient":"mailer","purpose":"registration","ground":"contract")" + subject + "}",
            403, "recipient_purpose"},
           {R"({"recipient":"printer","purpose":"newsletter","ground":"consent")" + subject + "}",
            400, "unknown_recipient"},
           {R"({"ground":"authority_request","fields":["surname"])" + subject + "}", 400,
            "document_required"},
           {R"({"recipient":"mailer","purpose":"newsletter","ground":"telepathy")" + subject + "}",
            400, "unknown_ground"},
           {R"({"recipient":"mailer","purpose":"newsletter","ground":"consent","subjects":[]})",
            400, "invalid_value"},
           {to_mailer + R"(,"colour":1})", 400, "unknown_field"},
           {to_mailer + R"(,"subjects":["x"]})", 400, "duplicate_field"},
       }) {
    auto r = d.Disclose(c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    EXPECT_EQ(Code(r), c.code) << c.body << " -> " << r.body;
    EXPECT_EQ(r.body.find("Ирина"), std::string::npos) << "no data in a refusal: " << r.body;
  }
  // An order for two subjects of whom one has not consented discloses nothing to either.
  auto other = d.konfid.Request(
      "POST", "/v1/subjects",
      R"({"fields":{"surname":"Орлов","name":"Пётр","email":"p.orlov@example.com"}})", d.admin);
  std::string second = JsonString(other.body, "id");
  auto both = d.Disclose(
      R"({"recipient":"mailer","purpose":"newsletter","ground":"consent","subjects":[")" + id +
      R"(",")" + second + "\"]}");
  EXPECT_EQ(both.status, 403u) << both.body;
  EXPECT_EQ(Code(both), "consent_required");
  EXPECT_EQ(both.body.find("Ирина"), std::string::npos);
  // A blocked field stops a disclosure to a recipient, not one an authority asks for.
  ASSERT_EQ(d.konfid
                .Request("POST", "/v1/subjects/" + second + "/blocks", R"({"fields":["surname"]})",
                         d.admin)
                .status,
            200u);
  auto blocked = d.Disclose(
      R"({"recipient":"payments","purpose":"registration","ground":"contract","subjects":[")" +
      second + "\"]}");
  EXPECT_EQ(blocked.status, 409u) << blocked.body;
  EXPECT_EQ(Code(blocked), "blocked");
  auto court = d.Disclose(
      R"({"ground":"protection_of_rights","fields":["surname"],"subjects":[")" + second +
      R"("],"document":{"authority":"Арбитражный суд города Москвы","number":"А40-1/2026",)"
      R"("date":"2026-11-20"}})");
  EXPECT_EQ(court.status, 200u) << court.body;
  auto court_fields = DisclosedFields(court);
  ASSERT_TRUE(court_fields.contains("surname")) << court.body;
  EXPECT_EQ(court_fields.at("surname").as_string(), "Орлов");
  auto future =
      d.Disclose(R"({"ground":"authority_request","fields":["surname"],"subjects":[")" + second +
                 R"("],"document":{"authority":"Суд","number":"1","date":"2099-01-01"}})");
  EXPECT_EQ(future.status, 400u) << future.body;

  // A support key may list disclosures but not make them.
  auto by_support = d.Disclose(to_mailer + "}", d.support);
  EXPECT_EQ(by_support.status, 403u);
  EXPECT_EQ(Code(by_support), "role");

  // An authority's request: the fields its document asks for, the document recorded.
  auto police = d.Disclose(
      R"({"ground":"authority_request","fields":["surname","phone"],)"
      R"("document":{"authority":"Отдел МВД России по району Хамовники","number":"3/177-12",)"
      R"("date":"2026-11-30"})" +
      subject + "}");
  ASSERT_EQ(police.status, 200u) << police.body;
  EXPECT_EQ(Names(DisclosedFields(police)), (std::vector<std::string>{"phone", "surname"}));

  auto list = d.Get("/v1/disclosures?subject=" + id, d.support);
  ASSERT_EQ(list.status, 200u) << list.body;
  auto items = json::parse(list.body).at("disclosures").as_array();
  ASSERT_EQ(items.size(), 2u) << list.body;  // the refusals disclosed nothing
  EXPECT_EQ(items[0].at("recipient").as_string(), "mailer");
  EXPECT_TRUE(items[1].at("recipient").is_null());
  EXPECT_EQ(items[1].at("ground").as_string(), "authority_request");
  EXPECT_EQ(items[1].at("document").at("number").as_string(), "3/177-12");
  EXPECT_EQ(items[1].at("document").at("date").as_string(), "2026-11-30");

  // The subject's access reply lists both, the authority with its document. Staff build one
  // only to answer an access request.
  auto unasked = d.Get("/v1/subjects/" + id + "/access-reply", d.admin);
  EXPECT_EQ(unasked.status, 409u) << unasked.body;
  EXPECT_EQ(Code(unasked), "no_access_request");
  auto asked = d.konfid.Request(
      "POST", "/v1/requests",
      R"({"subject":")" + id + R"(","kind":"access","channel":"letter","document":"паспорт"})",
      d.admin);
  ASSERT_EQ(asked.status, 201u) << asked.body;
  auto reply = d.Get("/v1/subjects/" + id + "/access-reply", d.admin);
  ASSERT_EQ(reply.status, 200u) << reply.body;
  auto disclosures = json::parse(reply.body).at("disclosures").as_array();
  ASSERT_EQ(disclosures.size(), 2u);
  EXPECT_EQ(disclosures[1].at("document").at("authority").as_string(),
            "Отдел МВД России по району Хамовники");
  auto html = d.Get("/v1/subjects/" + id + "/access-reply?format=html", d.admin);
  EXPECT_NE(html.body.find("ООО «Рассыльщик»"), std::string::npos);
  EXPECT_NE(html.body.find("Отдел МВД России по району Хамовники, № 3/177-12"), std::string::npos);

  // The authority's name and document are sealed: not in any file of the data directory, nor
  // in a dump of the PostgreSQL database when there is one.
  auto files = Files(d.konfid.data_dir());
  if (auto db = d.konfid.DbArgs(); !db.empty()) {
    auto dump = RunProgram({"pg_dump", "--data-only", db[1]});
    ASSERT_EQ(dump.exit_code, 0) << dump.output;
    files["pg_dump"] = dump.output;
  }
  for (const auto& [path, bytes] : files)
    for (const char* secret : {"Хамовники", "3/177-12", "Горбунова", "irina.gorbunova"})
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " in " << path;
}

TEST_P(ApiE2E, RecipientsAreToldOfCorrectionsBlocksAndErasures) {
  Disclosing d(GetParam()());
  auto created = d.konfid.Request("POST", "/v1/subjects", kIrina, d.admin);
  std::string id = JsonString(created.body, "id");
  ASSERT_EQ(d.konfid
                .Request("POST", "/v1/subjects/" + id + "/consents",
                         R"({"action":"give","purpose":"newsletter"})", d.admin)
                .status,
            201u);
  // The payment service read surname, name and email; the mailer was given name and email.
  ASSERT_EQ(d.Get("/v1/subjects/" + id + "?purpose=registration", d.payments).status, 200u);
  ASSERT_EQ(d.Disclose(R"({"recipient":"mailer","purpose":"newsletter","ground":"consent",)"
                       R"("fields":["name","email"],"subjects":[")" +
                       id + "\"]}")
                .status,
            200u);

  // A corrected surname: only the payment service received it.
  ASSERT_EQ(
      d.konfid
          .Request("PATCH", "/v1/subjects/" + id, R"({"fields":{"surname":"Лебедева"}})", d.admin)
          .status,
      200u);
  auto mail = d.Mail(1);
  ASSERT_EQ(mail.size(), 1u);
  auto to_payments = MailTo(mail, "privacy@platezhny-servis.example");
  ASSERT_EQ(to_payments.size(), 1u) << mail[0];
  std::string body = MailBody(to_payments[0]);
  EXPECT_NE(body.find("уточнил"), std::string::npos) << body;
  EXPECT_NE(body.find("фамилия"), std::string::npos) << body;
  EXPECT_NE(body.find(id), std::string::npos) << body;
  EXPECT_EQ(body.find("Лебедева"), std::string::npos) << "no value in a notice: " << body;

  // A block of the email reaches both; an erasure too.
  ASSERT_EQ(
      d.konfid.Request("POST", "/v1/subjects/" + id + "/blocks", R"({"fields":["email"]})", d.admin)
          .status,
      200u);
  mail = d.Mail(3);
  ASSERT_EQ(mail.size(), 3u);
  EXPECT_EQ(MailTo(mail, "dpo@rassylshchik.example").size(), 1u);
  EXPECT_EQ(MailTo(mail, "privacy@platezhny-servis.example").size(), 2u);
  // Lifting it is told too.
  ASSERT_EQ(
      d.konfid
          .Request("DELETE", "/v1/subjects/" + id + "/blocks", R"({"fields":["email"]})", d.admin)
          .status,
      200u);
  mail = d.Mail(5);
  ASSERT_EQ(mail.size(), 5u);
  // A rectification claim blocks the name while it is checked, and closing it releases it
  // (issue 13): both told each time.
  auto claim = d.konfid.Request("POST", "/v1/requests",
                                R"({"subject":")" + id +
                                    R"(","kind":"rectification","channel":"letter",)"
                                    R"("document":"паспорт","fields":["name"]})",
                                d.admin);
  ASSERT_EQ(claim.status, 201u) << claim.body;
  mail = d.Mail(7);
  ASSERT_EQ(mail.size(), 7u);
  ASSERT_EQ(d.konfid
                .Request("POST", "/v1/requests/" + JsonString(claim.body, "id") + "/transitions",
                         R"({"to":"done"})", d.admin)
                .status,
            200u);
  mail = d.Mail(9);
  ASSERT_EQ(mail.size(), 9u);
  EXPECT_EQ(MailTo(mail, "dpo@rassylshchik.example").size(), 4u);
  ASSERT_EQ(d.konfid.Request("DELETE", "/v1/subjects/" + id, "", d.admin).status, 204u);
  mail = d.Mail(11);
  ASSERT_EQ(mail.size(), 11u);
  auto to_mailer = MailTo(mail, "dpo@rassylshchik.example");
  ASSERT_EQ(to_mailer.size(), 5u);
  std::string told;
  for (const auto& m : to_mailer) told += MailBody(m);
  for (const char* change : {"заблокировал", "снял блокирование", "уничтожил"})
    EXPECT_NE(told.find(change), std::string::npos) << change;
  for (const auto& m : mail) {
    std::string text = MailBody(m);
    for (const char* value : {"Ирина", "Горбунова", "Лебедева", "irina.gorbunova", "3456789"})
      EXPECT_EQ(text.find(value), std::string::npos) << value << " in " << text;
  }
  // The record of what went where outlives the erasure; it holds no values.
  auto list = d.Get("/v1/disclosures?subject=" + id, d.support);
  ASSERT_EQ(list.status, 200u);
  EXPECT_EQ(json::parse(list.body).at("disclosures").as_array().size(), 2u);
}

}  // namespace konfid::e2e
