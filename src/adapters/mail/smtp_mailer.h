// ports::Mailer over SMTP with libcurl: smtp:// (STARTTLS when `require_tls`) or smtps://.
// Thread-compatible: one Send at a time per instance.
#pragma once

#include <memory>
#include <string>

#include "ports/mailer.h"

namespace konfid::adapters {

struct SmtpOptions {
  std::string url = "smtp://127.0.0.1:25";  // smtp://host:port or smtps://host:port
  std::string username;                     // empty: no AUTH
  std::string password;
  bool require_tls = false;  // STARTTLS must succeed on smtp://
  long timeout_seconds = 30;
};

class SmtpMailer : public ports::Mailer {
 public:
  explicit SmtpMailer(SmtpOptions options);
  ~SmtpMailer() override;
  Status Send(const ports::MailMessage& message) override;

 private:
  SmtpOptions options_;
};

}  // namespace konfid::adapters
