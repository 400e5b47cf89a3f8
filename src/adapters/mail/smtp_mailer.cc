#include "adapters/mail/smtp_mailer.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

namespace konfid::adapters {

namespace {

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadChunk(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t n = std::min(size * count, up->data->size() - up->offset);
  std::memcpy(buffer, up->data->data() + up->offset, n);
  up->offset += n;
  return n;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

SmtpMailer::SmtpMailer(SmtpOptions options) : options_(std::move(options)) { GlobalInit(); }

SmtpMailer::~SmtpMailer() = default;

Status SmtpMailer::Send(const ports::MailMessage& message) {
  if (message.to.empty())
    return Fail(Error(ErrorCode::kInvalidArgument, "a message needs a recipient")
                    .WithReason("mail_rejected"));
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Fail(ErrorCode::kUnavailable, "cannot start an SMTP session");
  curl_slist* rcpt = nullptr;
  for (const auto& to : message.to) rcpt = curl_slist_append(rcpt, ("<" + to + ">").c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt_guard(rcpt,
                                                                         &curl_slist_free_all);
  Upload upload{&message.data};
  std::string from = "<" + message.from + ">";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadChunk);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, options_.timeout_seconds);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (options_.require_tls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!options_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return Ok();
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  std::string detail =
      std::string(curl_easy_strerror(rc)) + ", SMTP reply " + std::to_string(reply);
  if (reply >= 500 && reply < 600)
    return Fail(Error(ErrorCode::kInvalidArgument, "the mail server refused the message", detail)
                    .WithReason("mail_rejected"));
  return Fail(ErrorCode::kUnavailable, "the mail server cannot be reached now", detail);
}

}  // namespace konfid::adapters
