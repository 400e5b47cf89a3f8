// SmtpMailer against a real SMTP server on loopback: Debian's python3-aiosmtpd, storing what
// it receives in a maildir.
#include "adapters/mail/smtp_mailer.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "domain/mail.h"
#include "test_support.h"

namespace konfid::adapters {
namespace {

TEST(SmtpMailer, DeliversToARealServerWithTheUnsubscribeHeaders) {
  konfid::testing::SmtpServer server;
  domain::MailContent mail;
  mail.from = "noreply@demo.example";
  mail.from_name = "Демо Курсы";
  mail.to = "olga@example.com";
  mail.subject = "Подтвердите адрес: новости и скидки";
  mail.body = "Здравствуйте!\nЧтобы получать рассылку, подтвердите адрес по ссылке.\n";
  mail.message_id = "0123@demo.example";
  mail.date = 1'795'340'000'000'000;
  mail.unsubscribe_url = "https://demo.example/u/abc";
  SmtpMailer mailer({server.url()});
  auto st = mailer.Send({mail.from, {mail.to}, domain::RenderMail(mail)});
  ASSERT_TRUE(st) << st.error().message() << " " << st.error().detail();

  auto received = server.Received();
  ASSERT_EQ(received.size(), 1u);
  const std::string& m = received[0];
  for (const char* part :
       {"From: =?UTF-8?B?", "To: <olga@example.com>", "Subject: =?UTF-8?B?",
        "List-Unsubscribe: <https://demo.example/u/abc>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "Message-ID: <0123@demo.example>",
        "Content-Type: text/plain; charset=utf-8", "Date: "})
    EXPECT_NE(m.find(part), std::string::npos) << part << "\n" << m;
  // aiosmtpd records the envelope it was given.
  EXPECT_NE(m.find("X-Peer"), std::string::npos);
}

TEST(SmtpMailer, NoServerIsATransientFailure) {
  SmtpMailer mailer(
      {"smtp://127.0.0.1:" + std::to_string(konfid::testing::FreePort()), "", "", false, 5});
  auto st = mailer.Send({"a@demo.example", {"b@example.com"}, "Subject: x\r\n\r\nx\r\n"});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(mailer.Send({"a@demo.example", {}, "x"}).error().reason(), "mail_rejected");
}

}  // namespace
}  // namespace konfid::adapters
