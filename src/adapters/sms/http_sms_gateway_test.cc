// HttpSmsGateway against a fake gateway served by the test on loopback: a thread with a plain
// socket that records each request and answers the status the test scripted.
#include "adapters/sms/http_sms_gateway.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "test_support.h"

namespace konfid::adapters {
namespace {

using std::chrono::milliseconds;

struct Request {
  std::string method, target, body;
  std::map<std::string, std::string> headers;  // names in lower case
};

// One HTTP/1.1 exchange per connection: reads a request with a Content-Length body, waits
// `delay`, answers `status` with the request's body echoed back (as gateways do), closes.
class FakeGateway {
 public:
  explicit FakeGateway(int status, milliseconds delay = milliseconds(0))
      : status_(status), delay_(delay) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd_, 16) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      ADD_FAILURE() << "the fake gateway cannot listen";
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeGateway() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/send"; }
  std::vector<Request> Requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int conn = accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      timeval tv{2, 0};
      setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      Exchange(conn);
      close(conn);
    }
  }

  void Exchange(int conn) {
    std::string in;
    char buf[4096];
    size_t end;
    while ((end = in.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = read(conn, buf, sizeof buf);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
    }
    Request r;
    std::string head = in.substr(0, end);
    size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    r.method = first.substr(0, first.find(' '));
    r.target = first.substr(r.method.size() + 1, first.rfind(' ') - r.method.size() - 1);
    for (size_t at = line_end; at != std::string::npos && at < head.size();) {
      size_t next = head.find("\r\n", at + 2);
      std::string line =
          head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
      at = next;
    }
    size_t length =
        r.headers.contains("content-length") ? std::stoul(r.headers["content-length"]) : 0;
    r.body = in.substr(end + 4);
    while (r.body.size() < length) {
      ssize_t n = read(conn, buf, sizeof buf);
      if (n <= 0) break;
      r.body.append(buf, static_cast<size_t>(n));
    }
    {
      std::lock_guard lock(mu_);
      requests_.push_back(r);
    }
    for (auto until = std::chrono::steady_clock::now() + delay_;
         !stop_ && std::chrono::steady_clock::now() < until;)
      std::this_thread::sleep_for(milliseconds(10));
    std::string reply = "HTTP/1.1 " + std::to_string(status_) +
                        " Scripted\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(r.body.size()) + "\r\nConnection: close\r\n\r\n" + r.body;
    (void)!write(conn, reply.data(), reply.size());  // the client may have given up
  }

  int status_;
  milliseconds delay_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<Request> requests_;
  std::thread thread_;
};

constexpr char kToken[] = "tok-3f9a7c1e5b";
constexpr char kNumber[] = "+79123456789";
constexpr char kText[] = "Код входа: 482913";

class HttpSmsGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override { std::ofstream(token_file()) << kToken << "\n"; }
  std::string token_file() const { return dir_.path() + "/sms.token"; }
  std::unique_ptr<HttpSmsGateway> Gateway(const std::string& url, long timeout_ms = 10000) {
    auto g = HttpSmsGateway::Create({url, token_file(), "Konfid", 1000, timeout_ms});
    EXPECT_TRUE(g) << g.error().message();
    return g ? std::move(*g) : nullptr;
  }
  // The failure of sending kText to kNumber, checked to hold none of them nor the token.
  Error SendFails(HttpSmsGateway& gateway) {
    auto st = gateway.Send({kNumber, kText});
    if (st) {
      ADD_FAILURE() << "sent";
      return Error(ErrorCode::kInternal, "sent");
    }
    const Error& e = st.error();
    for (const std::string& part : {e.message(), e.detail(), e.reason()})
      for (const char* secret : {kNumber, kNumber + 1, kText, "482913", kToken})
        EXPECT_EQ(part.find(secret), std::string::npos) << part;
    return e;
  }
  konfid::testing::TempDir dir_;
};

TEST(SmsRequestBody, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(SmsRequestBody("Konfid", {"+79123456789", "Код: 1"}),
            R"({"from":"Konfid","to":"+79123456789","text":"Код: 1"})");
  EXPECT_EQ(SmsRequestBody("K\"o", {"+1", std::string("a\\b\nc\x01\x1f\td\re", 11)}),
            R"({"from":"K\"o","to":"+1","text":"a\\b\nc\u0001\u001f\td\re"})");
  EXPECT_EQ(SmsRequestBody("", {"", std::string("\0", 1)}),
            R"({"from":"","to":"","text":"\u0000"})");
}

TEST_F(HttpSmsGatewayTest, PostsTheMessageAsJsonWithTheBearerToken) {
  FakeGateway server(202);
  auto gateway = Gateway(server.url());
  auto st = gateway->Send({kNumber, kText});
  ASSERT_TRUE(st) << st.error().message() << " " << st.error().detail();
  auto requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const Request& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/v1/send");
  EXPECT_EQ(r.headers.at("authorization"), std::string("Bearer ") + kToken);  // newline dropped
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  EXPECT_FALSE(r.headers.contains("expect"));
  EXPECT_EQ(r.body, R"({"from":"Konfid","to":"+79123456789","text":"Код входа: 482913"})");
}

TEST_F(HttpSmsGatewayTest, AnyTwoHundredIsAccepted) {
  for (int status : {200, 201, 204}) {
    FakeGateway server(status);
    EXPECT_TRUE(Gateway(server.url())->Send({kNumber, kText})) << status;
  }
}

TEST_F(HttpSmsGatewayTest, TooManyRequestsAndServerErrorsAreTransient) {
  for (int status : {429, 500, 502, 503, 301}) {
    FakeGateway server(status);
    Error e = SendFails(*Gateway(server.url()));
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << status;
    EXPECT_EQ(e.detail(), "HTTP " + std::to_string(status));
    EXPECT_EQ(server.Requests().size(), 1u);
  }
}

TEST_F(HttpSmsGatewayTest, OtherClientErrorsAreARefusalForGood) {
  for (int status : {400, 401, 403, 404, 422}) {
    FakeGateway server(status);
    Error e = SendFails(*Gateway(server.url()));
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << status;
    EXPECT_EQ(e.reason(), "sms_rejected");
    EXPECT_EQ(e.detail(), "HTTP " + std::to_string(status));
  }
}

TEST_F(HttpSmsGatewayTest, NoGatewayListeningIsTransient) {
  auto gateway = Gateway("http://127.0.0.1:" + std::to_string(konfid::testing::FreePort()) + "/");
  Error e = SendFails(*gateway);
  EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  EXPECT_NE(e.detail().find("curl: "), std::string::npos) << e.detail();
}

TEST_F(HttpSmsGatewayTest, AGatewayTooSlowToAnswerTimesOut) {
  FakeGateway server(200, milliseconds(5000));
  auto gateway = Gateway(server.url(), 300);
  auto start = std::chrono::steady_clock::now();
  Error e = SendFails(*gateway);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(3000));
  EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(e.detail(), "curl: Timeout was reached");
}

TEST_F(HttpSmsGatewayTest, ANumberNotInE164IsRefusedWithoutARequest) {
  FakeGateway server(200);
  auto gateway = Gateway(server.url());
  for (const char* to : {"", "89123456789", "+0123456789", "+7 912 345 67 89", "+7912", "+7"}) {
    auto st = gateway->Send({to, kText});
    ASSERT_FALSE(st) << to;
    EXPECT_EQ(st.error().reason(), "sms_rejected");
    if (*to != '\0') {
      EXPECT_EQ(st.error().message().find(to), std::string::npos);
    }
  }
  EXPECT_EQ(gateway->Send({kNumber, ""}).error().reason(), "sms_rejected");
  EXPECT_TRUE(server.Requests().empty());
}

TEST_F(HttpSmsGatewayTest, SendsFromManyThreadsAtOnce) {
  FakeGateway server(200);
  auto gateway = Gateway(server.url());
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i)
        if (gateway->Send({kNumber, kText})) ++accepted;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted, 12);
  EXPECT_EQ(server.Requests().size(), 12u);
}

TEST_F(HttpSmsGatewayTest, CreateRefusesABadUrlOrToken) {
  auto fails = [&](const std::string& url, const std::string& file) {
    auto g = HttpSmsGateway::Create({url, file, "Konfid"});
    if (g) return std::string("created");
    EXPECT_EQ(g.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(g.error().message().find(kToken), std::string::npos);
    return g.error().message();
  };
  EXPECT_NE(fails("ftp://127.0.0.1/", token_file()).find("http:// or https://"), std::string::npos);
  EXPECT_NE(fails("127.0.0.1:80", token_file()).find("http:// or https://"), std::string::npos);
  EXPECT_NE(fails("http://127.0.0.1/", dir_.path() + "/none").find("cannot be read"),
            std::string::npos);
  for (const std::string& bad : {std::string(""), std::string("\n"), std::string(kToken) + " x",
                                 std::string(kToken) + "\nsecond line"}) {
    std::ofstream(token_file(), std::ios::trunc) << bad;
    EXPECT_NE(fails("https://sms.example/v1/send", token_file()).find("one line"),
              std::string::npos)
        << bad;
  }
}

}  // namespace
}  // namespace konfid::adapters
