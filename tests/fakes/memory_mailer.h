// A mailer that keeps what it is given, for unit tests of what is sent (tests that need a real
// SMTP server use test_support's SmtpServer, Debian's aiosmtpd). It can refuse the next
// messages as a server that is down (Unavailable) or one that rejects them for good
// (InvalidArgument, mail_rejected) does. Thread-safe.
#pragma once

#include <mutex>
#include <vector>

#include "ports/mailer.h"

namespace konfid::fakes {

class MemoryMailer final : public ports::Mailer {
 public:
  Status Send(const ports::MailMessage& message) override {
    std::lock_guard lock(mu_);
    if (unavailable_ > 0) {
      --unavailable_;
      return Fail(ErrorCode::kUnavailable, "mail server unavailable", "injected");
    }
    if (rejected_ > 0) {
      --rejected_;
      return Fail(Error(ErrorCode::kInvalidArgument, "the server refused the message", "injected")
                      .WithReason("mail_rejected"));
    }
    sent_.push_back(message);
    return Ok();
  }

  // The next `n` sends fail as if the server were unreachable / refused them.
  void FailNext(int n) {
    std::lock_guard lock(mu_);
    unavailable_ = n;
  }
  void RejectNext(int n) {
    std::lock_guard lock(mu_);
    rejected_ = n;
  }
  std::vector<ports::MailMessage> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<ports::MailMessage> sent_;
  int unavailable_ = 0;
  int rejected_ = 0;
};

}  // namespace konfid::fakes
