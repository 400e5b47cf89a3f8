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

bool Listening(unsigned short port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(s);
  return ok;
}

// aiosmtpd with its Mailbox handler: every message becomes a file under maildir/new.
class SmtpServer {
 public:
  SmtpServer() : port_(konfid::testing::FreePort()) {
    std::string maildir = dir_.path() + "/maildir";
    pid_ = fork();
    if (pid_ == 0) {
      std::string listen = "127.0.0.1:" + std::to_string(port_);
      // Debian's python3, which has python3-aiosmtpd (not a python3 earlier on PATH).
      execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
            "aiosmtpd.handlers.Mailbox", maildir.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 100 && !Listening(port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~SmtpServer() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> Received() const {
    std::vector<std::string> out;
    std::filesystem::path dir = dir_.path() + "/maildir/new";
    if (!std::filesystem::exists(dir)) return out;
    for (const auto& f : std::filesystem::directory_iterator(dir)) {
      std::ifstream in(f.path());
      std::stringstream s;
      s << in.rdbuf();
      out.push_back(s.str());
    }
    return out;
  }

 private:
  konfid::testing::TempDir dir_;
  unsigned short port_;
  pid_t pid_ = -1;
};

TEST(SmtpMailer, DeliversToARealServerWithTheUnsubscribeHeaders) {
  SmtpServer server;
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
