#include "adapters/sms/http_sms_gateway.h"

#include <curl/curl.h>

#include <fstream>
#include <iterator>
#include <mutex>

#include "core/json_writer.h"

namespace konfid::adapters {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The reply's body is read and dropped: gateways echo the number and the text in it.
size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

// "+" and 7 to 15 digits, the first not 0: what a normalized number looks like.
bool IsE164(const std::string& to) {
  if (to.size() < 8 || to.size() > 16 || to[0] != '+' || to[1] == '0') return false;
  return to.find_first_not_of("0123456789", 1) == std::string::npos;
}

Error Rejected(std::string message, std::string detail = {}) {
  return Error(ErrorCode::kInvalidArgument, std::move(message), std::move(detail))
      .WithReason("sms_rejected");
}

// A std::string that is wiped when it goes: the Authorization header.
struct WipedString {
  std::string s;
  ~WipedString() { SecureWipe(s.data(), s.size()); }
};

}  // namespace

std::string SmsRequestBody(const std::string& sender, const ports::SmsMessage& message) {
  JsonWriter w;
  w.BeginObject().Member("from", sender).Member("to", message.to).Member("text", message.text);
  return w.EndObject().str();
}

Result<std::unique_ptr<HttpSmsGateway>> HttpSmsGateway::Create(HttpSmsOptions options) {
  if (!options.url.starts_with("http://") && !options.url.starts_with("https://"))
    return Fail(ErrorCode::kInvalidArgument, "the SMS gateway URL must be http:// or https://");
  std::ifstream in(options.token_file, std::ios::binary);
  if (!in)
    return Fail(ErrorCode::kInvalidArgument,
                options.token_file + ": the SMS gateway's token file cannot be read");
  std::string token{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  bool bad = token.empty();
  for (unsigned char c : token) bad = bad || c < 0x21 || c == 0x7f;  // nothing a header splits on
  SecretBytes secret(reinterpret_cast<const uint8_t*>(token.data()), token.size());
  SecureWipe(token.data(), token.size());
  if (bad)
    return Fail(ErrorCode::kInvalidArgument,
                options.token_file +
                    ": the SMS gateway's token must be one line of printable "
                    "characters without spaces");
  GlobalInit();
  return std::unique_ptr<HttpSmsGateway>(new HttpSmsGateway(std::move(options), std::move(secret)));
}

HttpSmsGateway::HttpSmsGateway(HttpSmsOptions options, SecretBytes token)
    : options_(std::move(options)), token_(std::move(token)) {}

HttpSmsGateway::~HttpSmsGateway() = default;

Status HttpSmsGateway::Send(const ports::SmsMessage& message) {
  if (!IsE164(message.to)) return Fail(Rejected("the phone number is not in E.164 form"));
  if (message.text.empty()) return Fail(Rejected("a text message needs a text"));
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl)
    return Fail(ErrorCode::kUnavailable, "cannot start an HTTP request to the SMS gateway");
  WipedString auth{"Authorization: Bearer " +
                   std::string(reinterpret_cast<const char*>(token_.data()), token_.size())};
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr,
                                                                      &curl_slist_free_all);
  for (const char* h : {auth.s.c_str(), "Content-Type: application/json",
                        "Accept: application/json", "Expect:"}) {  // Expect: no 100-continue
    curl_slist* longer = curl_slist_append(headers.get(), h);
    if (!longer) return Fail(ErrorCode::kUnavailable, "out of memory for an SMS request");
    (void)headers.release();  // `longer` is the same list, one header longer
    headers.reset(longer);
  }
  std::string body = SmsRequestBody(options_.sender, message);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(c);
  SecureWipe(body.data(), body.size());
  if (rc != CURLE_OK)
    return Fail(ErrorCode::kUnavailable, "the SMS gateway cannot be reached now",
                std::string("curl: ") + curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  std::string detail = "HTTP " + std::to_string(status);
  if (status >= 200 && status < 300) return Ok();
  if (status >= 400 && status < 500 && status != 429)
    return Fail(Rejected("the SMS gateway refused the message", detail));
  return Fail(ErrorCode::kUnavailable, "the SMS gateway cannot take the message now", detail);
}

}  // namespace konfid::adapters
