#include "domain/mail.h"

#include <gtest/gtest.h>

namespace konfid::domain {
namespace {

TEST(Mail, HeadersAreEncodedAndCannotBeInjected) {
  MailContent m;
  m.from = "noreply@demo.example";
  m.to = "a@example.com";
  m.subject = "Hello\r\nBcc: victim@example.com";
  m.body = "text";
  m.message_id = "1@demo.example";
  m.date = 0;
  std::string out = RenderMail(m);
  EXPECT_EQ(out.find("\r\nBcc:"), std::string::npos) << out;
  EXPECT_NE(out.find("Subject: Hello  Bcc: victim@example.com\r\n"), std::string::npos);
  EXPECT_NE(out.find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"), std::string::npos);
  EXPECT_EQ(out.find("List-Unsubscribe"), std::string::npos);      // only for marketing
  EXPECT_NE(out.find("\r\n\r\ndGV4dA==\r\n"), std::string::npos);  // base64 of "text"

  m.subject = "Подтвердите адрес";
  m.unsubscribe_url = "https://demo.example/u/t";
  out = RenderMail(m);
  EXPECT_NE(out.find("Subject: =?UTF-8?B?0J/QvtC00YLQstC10YDQtNC40YLQtSDQsNC00YDQtdGB?="),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("List-Unsubscribe: <https://demo.example/u/t>\r\n"
                     "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
            std::string::npos);
  for (size_t pos = 0, nl; (nl = out.find("\r\n", pos)) != std::string::npos; pos = nl + 2)
    EXPECT_LE(nl - pos, 78u);  // RFC 5322 line length
}

}  // namespace
}  // namespace konfid::domain
