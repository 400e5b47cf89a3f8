// Data-subject requests end to end, on both backends, against a real SMTP server: a visitor
// proves who they are with a one-time code, reads everything held about them, files requests
// and follows them; staff work the queue. The code's limits hold over HTTP, and the code is in
// no file of the data directory and not in the log.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <regex>

#include "api_e2e.h"

namespace konfid::e2e {
namespace {

std::string Code(const HttpResult& r) { return JsonString(r.body, "code"); }

// The six-digit code in a stored message; "" without one.
std::string CodeIn(const std::string& message) {
  std::smatch m;
  std::string body = MailBody(message);
  return std::regex_search(body, m, std::regex("\\n(\\d{6})\\r?\\n")) ? m[1].str() : "";
}

// A Konfid with mail, jobs run on demand, and a registered subject whose address is confirmed.
class Visitor {
 public:
  explicit Visitor(const std::string& db) : konfid(db, smtp.url()) {
    konfid.AddConfig(kJobsOnTrigger);
    admin = konfid.CreateKey("demo", "admin");
    konfid.Start();
  }

  // Registers `email` (with the newsletter) and follows the confirmation link.
  std::string Register(const std::string& email) {
    auto reg = Post("/v1/registrations",
                    R"({"fields":{"surname":"Смирнова","name":"Мария","email":")" + email +
                        R"("},"consents":{"newsletter":true,"reviews":false,"statistics":false}})",
                    admin);
    EXPECT_EQ(reg.status, 201u) << reg.body;
    std::string token = TokenIn(NextMail());
    EXPECT_EQ(Post("/v1/confirmations", R"({"tenant":"demo","token":")" + token + "\"}").status,
              200u);
    return JsonString(reg.body, "subject");
  }
  // The next message the outbox sends.
  std::string NextMail() {
    EXPECT_EQ(konfid.RunJob("outbox", admin).status, 200u);
    auto all = smtp.WaitFor(++seen);
    return all.size() >= seen ? Newest(all) : "";
  }
  HttpResult Post(const std::string& target, const std::string& body, const std::string& key = "") {
    return konfid.Request("POST", target, body, key);
  }
  HttpResult AskCode(const std::string& email) {
    return Post("/v1/self/codes", R"({"tenant":"demo","email":")" + email + "\"}");
  }
  HttpResult OpenSession(const std::string& challenge, const std::string& code) {
    return Post("/v1/self/sessions",
                R"({"tenant":"demo","challenge":")" + challenge + R"(","code":")" + code + "\"}");
  }
  // A code to `email` and the session it opens.
  std::string SignIn(const std::string& email) {
    auto asked = AskCode(email);
    EXPECT_EQ(asked.status, 202u) << asked.body;
    std::string code = CodeIn(NextMail());
    EXPECT_EQ(code.size(), 6u);
    auto opened = OpenSession(JsonString(asked.body, "challenge"), code);
    EXPECT_EQ(opened.status, 201u) << opened.body;
    return JsonString(opened.body, "session");
  }
  HttpResult Self(const std::string& method, const std::string& target, const std::string& session,
                  const std::string& body = "") {
    return Http(konfid.port(), method, target, body, session);
  }

  konfid::testing::SmtpServer smtp;
  Instance konfid;
  std::string admin;
  size_t seen = 0;

 private:
  // The message that arrived last (the maildir lists them in no order): the one not seen yet.
  std::string Newest(const std::vector<std::string>& all) {
    for (const auto& m : all)
      if (std::find(delivered_.begin(), delivered_.end(), m) == delivered_.end()) {
        delivered_.push_back(m);
        return m;
      }
    return "";
  }
  std::vector<std::string> delivered_;
};

}  // namespace

TEST_P(ApiE2E, AVisitorSignsInWithACodeReadsEverythingAndFilesRequests) {
  Visitor v(GetParam()());
  std::string id = v.Register("maria@example.com");
  std::string session = v.SignIn("MARIA@example.com");  // any spelling of the address
  ASSERT_FALSE(session.empty());

  auto all = v.Self("GET", "/v1/self", session);
  ASSERT_EQ(all.status, 200u) << all.body;
  EXPECT_EQ(JsonString(all.body, "subject"), id);
  for (const char* held : {"maria@example.com", "Смирнова", "\"processing\":true", "\"newsletter\"",
                           "\"inn\":\"7701234567\"", "\"kind\":\"given\""})
    EXPECT_NE(all.body.find(held), std::string::npos) << held;

  auto html = v.Self("GET", "/v1/self/access-reply?lang=en", session);
  ASSERT_EQ(html.status, 200u) << html.body;
  EXPECT_NE(html.headers["content-type"].find("text/html"), std::string::npos);
  EXPECT_NE(html.headers["content-disposition"].find("attachment"), std::string::npos);
  EXPECT_NE(html.body.find("maria@example.com"), std::string::npos);
  EXPECT_NE(html.body.find("lang=\"en\""), std::string::npos);

  // A rectification: the claimed field is blocked to staff reads until the request is closed.
  auto fix = v.Self(
      "POST", "/v1/self/requests", session,
      R"({"kind":"rectification","text":"Моя фамилия — Смирнова-Белова","fields":["surname"]})");
  ASSERT_EQ(fix.status, 201u) << fix.body;
  EXPECT_EQ(JsonString(fix.body, "channel"), "self");
  auto blocked =
      v.konfid.Request("GET", "/v1/subjects/" + id + "?purpose=registration", "", v.admin);
  EXPECT_EQ(blocked.status, 409u) << blocked.body;
  EXPECT_EQ(Code(blocked), "blocked");
  // An objection withdraws the newsletter at once; the request is done when filed.
  auto objection = v.Self("POST", "/v1/self/requests", session, R"({"kind":"objection"})");
  ASSERT_EQ(objection.status, 201u) << objection.body;
  EXPECT_EQ(JsonString(objection.body, "state"), "done");
  auto send =
      v.Post("/v1/subjects/" + id + "/messages",
             R"({"purpose":"newsletter","subject":"Скидки","body":"Новые курсы."})", v.admin);
  EXPECT_EQ(send.status, 403u) << send.body;

  // Staff see both in the queue (without their details), correct the field and close it.
  auto queue = v.konfid.Request("GET", "/v1/requests?state=received", "", v.admin);
  ASSERT_EQ(queue.status, 200u) << queue.body;
  EXPECT_NE(queue.body.find(JsonString(fix.body, "id")), std::string::npos);
  EXPECT_EQ(queue.body.find("Смирнова-Белова"), std::string::npos);
  ASSERT_EQ(v.konfid
                .Request("PATCH", "/v1/subjects/" + id,
                         R"({"fields":{"surname":"Смирнова-Белова"}})", v.admin)
                .status,
            200u);
  auto closed = v.Post("/v1/requests/" + JsonString(fix.body, "id") + "/transitions",
                       R"({"to":"done"})", v.admin);
  ASSERT_EQ(closed.status, 200u) << closed.body;
  EXPECT_EQ(
      v.konfid.Request("GET", "/v1/subjects/" + id + "?purpose=registration", "", v.admin).status,
      200u);

  // The history is part of the reply; the session ends when the visitor signs out.
  auto mine = v.Self("GET", "/v1/self/requests", session);
  ASSERT_EQ(mine.status, 200u);
  EXPECT_NE(mine.body.find("\"state\":\"done\""), std::string::npos);
  EXPECT_EQ(v.Self("DELETE", "/v1/self/session", session).status, 204u);
  auto gone = v.Self("GET", "/v1/self", session);
  EXPECT_EQ(gone.status, 401u);
  EXPECT_EQ(Code(gone), "invalid_session");
}

TEST_P(ApiE2E, OneTimeCodesAreLimitedSingleUseAndNeverStored) {
  Visitor v(GetParam()());
  v.Register("pavel@example.com");
  auto asked = v.AskCode("pavel@example.com");
  ASSERT_EQ(asked.status, 202u);
  std::string challenge = JsonString(asked.body, "challenge");
  std::string code = CodeIn(v.NextMail());
  ASSERT_EQ(code.size(), 6u);
  std::string wrong = code == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i) {
    auto r = v.OpenSession(challenge, wrong);
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(Code(r), "invalid_code");
  }
  auto sixth = v.OpenSession(challenge, code);  // the right code, after five wrong ones
  EXPECT_EQ(sixth.status, 400u) << sixth.body;
  EXPECT_EQ(Code(sixth), "invalid_code");

  // A fresh code works once.
  auto again = v.AskCode("pavel@example.com");
  std::string second = CodeIn(v.NextMail());
  std::string fresh = JsonString(again.body, "challenge");
  EXPECT_EQ(v.OpenSession(fresh, second).status, 201u);
  auto reused = v.OpenSession(fresh, second);
  EXPECT_EQ(reused.status, 400u);
  EXPECT_EQ(Code(reused), "invalid_code");

  // An address no one has gets the same answer, and no mail.
  auto unknown = v.AskCode("nobody@example.com");
  EXPECT_EQ(unknown.status, asked.status);
  EXPECT_EQ(JsonString(unknown.body, "challenge").size(), challenge.size());
  EXPECT_EQ(v.OpenSession(JsonString(unknown.body, "challenge"), code).status, 400u);
  EXPECT_EQ(v.konfid.RunJob("outbox", v.admin).status, 200u);
  EXPECT_EQ(v.smtp.Received().size(), v.seen);
  // And as late as a known one: the route answers no sooner than its floor, either way.
  auto timed = [&](const std::string& email) {
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(v.AskCode(email).status, 202u);
    return std::chrono::steady_clock::now() - start;
  };
  EXPECT_GE(timed("pavel@example.com"), std::chrono::milliseconds(200));
  EXPECT_GE(timed("nobody@example.com"), std::chrono::milliseconds(200));

  // Neither code is in any file of the data directory, the log among them.
  for (const auto& [path, bytes] : Files(v.konfid.data_dir())) {
    EXPECT_EQ(bytes.find(code), std::string::npos) << path;
    EXPECT_EQ(bytes.find(second), std::string::npos) << path;
  }
}

TEST_P(ApiE2E, StaffFileRequestsOnASubjectsBehalfAndWorkTheQueue) {
  Visitor v(GetParam()());
  std::string id = v.Register("olga@example.com");
  std::string support = v.konfid.CreateKey("demo", "support");
  auto no_document = v.Post(
      "/v1/requests", R"({"subject":")" + id + R"(","kind":"access","channel":"letter"})", support);
  EXPECT_EQ(no_document.status, 400u);
  EXPECT_EQ(Code(no_document), "document_required");
  auto filed =
      v.Post("/v1/requests",
             R"({"subject":")" + id +
                 R"(","kind":"access","channel":"letter","document":"паспорт, копия в письме"})",
             support);
  ASSERT_EQ(filed.status, 201u) << filed.body;
  std::string rid = JsonString(filed.body, "id");
  EXPECT_EQ(filed.headers["location"], "/v1/requests/" + rid);
  EXPECT_FALSE(JsonString(filed.body, "due_on").empty());

  auto one = v.konfid.Request("GET", "/v1/requests/" + rid, "", support);
  ASSERT_EQ(one.status, 200u);
  EXPECT_NE(one.body.find("паспорт, копия в письме"), std::string::npos);
  auto bad_query = v.konfid.Request("GET", "/v1/requests?state=open", "", support);
  EXPECT_EQ(bad_query.status, 400u);
  EXPECT_EQ(Code(bad_query), "invalid_query");
  auto overdue = v.konfid.Request("GET", "/v1/requests?overdue=true&kind=access", "", support);
  ASSERT_EQ(overdue.status, 200u);
  EXPECT_EQ(overdue.body.find(rid), std::string::npos);  // not due yet
  // /metrics counts the overdue by tenant and kind (none yet), and those without a term.
  auto metrics = v.konfid.Request("GET", "/metrics", "", "");
  ASSERT_EQ(metrics.status, 200u);
  for (const char* line : {"konfid_requests_overdue{tenant=\"demo\",kind=\"access\"} 0\n",
                           "konfid_requests_overdue{tenant=\"demo\",kind=\"erasure\"} 0\n",
                           "konfid_requests_without_term{tenant=\"demo\"} 0\n"})
    EXPECT_NE(metrics.body.find(line), std::string::npos) << line << metrics.body;
  auto analyst = v.konfid.CreateKey("demo", "analyst");
  EXPECT_EQ(v.konfid.Request("GET", "/v1/requests", "", analyst).status, 403u);

  auto reply = v.konfid.Request("GET", "/v1/subjects/" + id + "/access-reply?format=html&lang=ru",
                                "", support);
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_NE(reply.body.find("olga@example.com"), std::string::npos);
  auto step = v.Post("/v1/requests/" + rid + "/transitions", R"({"to":"in_progress"})", support);
  ASSERT_EQ(step.status, 200u) << step.body;
  auto back = v.Post("/v1/requests/" + rid + "/transitions", R"({"to":"received"})", support);
  EXPECT_EQ(back.status, 409u);
  EXPECT_EQ(Code(back), "invalid_transition");
  auto done = v.Post("/v1/requests/" + rid + "/transitions", R"({"to":"done"})", support);
  ASSERT_EQ(done.status, 200u) << done.body;
  // A refusal gives its reasons and the provision of law it rests on (152-FZ Art. 20(2)).
  auto erasure = v.Post(
      "/v1/requests",
      R"({"subject":")" + id + R"(","kind":"erasure","channel":"letter","document":"письмо № 18"})",
      support);
  ASSERT_EQ(erasure.status, 201u) << erasure.body;
  std::string moves = "/v1/requests/" + JsonString(erasure.body, "id") + "/transitions";
  auto bare = v.Post(moves, R"({"to":"refused","reason":"договор ещё исполняется"})", support);
  EXPECT_EQ(bare.status, 400u);
  EXPECT_EQ(Code(bare), "ground_required");
  auto refused = v.Post(moves,
                        R"({"to":"refused","reason":"договор ещё исполняется",)"
                        R"("ground":"п. 5 ч. 1 ст. 6 Федерального закона № 152-ФЗ"})",
                        support);
  ASSERT_EQ(refused.status, 200u) << refused.body;
  EXPECT_NE(refused.body.find(R"("ground":"п. 5 ч. 1 ст. 6 Федерального закона № 152-ФЗ")"),
            std::string::npos)
      << refused.body;
  // Another tenant's admin finds nothing.
  std::string other = v.konfid.CreateKey("other", "admin");
  EXPECT_EQ(v.konfid.Request("GET", "/v1/requests/" + rid, "", other).status, 404u);
}

namespace {

// On SQLite, the sizes of the stored payloads of the outbox's messages of `kind`; empty on
// PostgreSQL (no file to open).
std::vector<int> PayloadSizes(const Instance& konfid, const std::string& kind) {
  std::vector<int> out;
  std::string db = konfid.data_dir() + "/konfid.db";
  if (!std::filesystem::exists(db)) return out;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(h, "SELECT length(payload) FROM outbox WHERE kind = ?", -1, &s, nullptr);
    sqlite3_bind_text(s, 1, kind.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(s) == SQLITE_ROW) out.push_back(sqlite3_column_int(s, 0));
    sqlite3_finalize(s);
  }
  sqlite3_close(h);
  return out;
}

}  // namespace

// An erasure is carried out when staff close it as done, by a role that may destroy subjects;
// the confirmation reaches the address destroyed with it, and then nothing of it is kept.
TEST_P(ApiE2E, AnErasureClosedAsDoneErasesTheSubjectAndConfirmsItByMail) {
  Visitor v(GetParam()());
  std::string id = v.Register("erase.me@example.com");
  std::string session = v.SignIn("erase.me@example.com");
  auto filed = v.Self("POST", "/v1/self/requests", session,
                      R"({"kind":"erasure","text":"Прошу удалить мои данные"})");
  ASSERT_EQ(filed.status, 201u) << filed.body;
  std::string rid = JsonString(filed.body, "id");
  EXPECT_NE(MailBody(v.NextMail()).find(rid), std::string::npos);  // received, with its term
  std::string moves = "/v1/requests/" + rid + "/transitions";
  std::string subject = "/v1/subjects/" + id + "?purpose=registration";

  // Support works requests but may not destroy a subject: the request stays open, nothing goes.
  std::string support = v.konfid.CreateKey("demo", "support");
  auto refused = v.Post(moves, R"({"to":"done"})", support);
  EXPECT_EQ(refused.status, 403u) << refused.body;
  EXPECT_EQ(v.konfid.Request("GET", subject, "", v.admin).status, 200u);
  EXPECT_EQ(JsonString(v.konfid.Request("GET", "/v1/requests/" + rid, "", v.admin).body, "state"),
            "received");

  auto done = v.Post(moves, R"({"to":"done"})", v.admin);
  ASSERT_EQ(done.status, 200u) << done.body;
  EXPECT_EQ(JsonString(done.body, "state"), "done");
  EXPECT_EQ(v.konfid.Request("GET", subject, "", v.admin).status, 404u);
  EXPECT_EQ(v.Self("GET", "/v1/self", session).status, 401u);  // nobody to act for

  std::string confirmation = v.NextMail();
  EXPECT_NE(confirmation.find("To: <erase.me@example.com>"), std::string::npos) << confirmation;
  std::string body = MailBody(confirmation);
  EXPECT_NE(body.find(rid), std::string::npos) << body;
  EXPECT_NE(body.find("удовлетворено"), std::string::npos) << body;
  EXPECT_NE(body.find("Ваши персональные данные уничтожены"), std::string::npos) << body;
  // Sent: its payload, sealed under the tenant's outbox key, is wiped.
  for (int size : PayloadSizes(v.konfid, "erasure_done")) EXPECT_EQ(size, 0);
  for (int size : PayloadSizes(v.konfid, "request_update")) EXPECT_EQ(size, 0);
}

}  // namespace konfid::e2e
