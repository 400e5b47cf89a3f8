#include "e2e_support.h"

#include "core/encoding.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace konfid::e2e {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

// fork + exec of the konfid binary; stdout and stderr to `out_fd`.
pid_t Spawn(const std::vector<std::string>& args, int out_fd, const std::string& master_key = "",
            unsigned long open_files_limit = 0) {
  std::vector<char*> argv;
  std::string bin = konfid::testing::KonfidBinary();
  argv.push_back(bin.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(out_fd, 2);
    if (open_files_limit > 0) {
      rlimit limit{open_files_limit, open_files_limit};
      if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(126);
    }
    if (master_key.empty()) {
      unsetenv("KONFID_MASTER_KEY");
    } else {
      setenv("KONFID_MASTER_KEY", master_key.c_str(), 1);
    }
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

CommandResult RunProgram(const std::vector<std::string>& args) {
  char path[] = "/tmp/konfid-cmd-XXXXXX";
  int fd = mkstemp(path);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(fd);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  unlink(path);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
}

CommandResult RunKonfid(const std::vector<std::string>& args, const std::string& master_key) {
  char path[] = "/tmp/konfid-cmd-XXXXXX";
  int fd = mkstemp(path);
  pid_t pid = Spawn(args, fd, master_key);
  int status = 0;
  waitpid(pid, &status, 0);
  close(fd);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  unlink(path);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
}

HttpResult Http(unsigned short port, const std::string& method, const std::string& target,
                const std::string& body, const std::string& api_key,
                const std::string& content_type,
                const std::vector<std::pair<std::string, std::string>>& headers) {
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!api_key.empty()) req.set(http::field::authorization, "Bearer " + api_key);
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty()) {
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.body() = body;
  }
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  beast::error_code ec;
  http::read(stream, buffer, parser, ec);
  if (ec) throw std::runtime_error("HTTP read failed: " + ec.message());
  auto res = parser.release();
  HttpResult out{res.result_int(), res.body(), {}};
  for (const auto& h : res) {
    std::string name(h.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(h.value());
  }
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

std::string JsonString(const std::string& json, const std::string& member) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return "";
  auto* m = v.get_object().if_contains(member);
  if (!m) return "";
  if (m->is_string()) return std::string(m->get_string());
  if (m->is_int64()) return std::to_string(m->get_int64());
  return "";
}

std::string JsonField(const std::string& json, const std::string& field) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return "";
  auto* f = v.get_object().if_contains("fields");
  if (!f || !f->is_object()) return "";
  auto* m = f->get_object().if_contains(field);
  return m && m->is_string() ? std::string(m->get_string()) : "";
}

unsigned short FreePort() { return konfid::testing::FreePort(); }

std::string SourceFile(const std::string& relative) {
  std::ifstream in(konfid::testing::SourceDir() + "/" + relative);
  if (!in) throw std::runtime_error("cannot read " + relative);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string WaitForPolicyVersion(unsigned short port, const std::string& tenant,
                                 const std::string& want) {
  std::string version;
  for (int i = 0; i < 40; ++i) {
    version = Http(port, "GET", "/v1/policy?tenant=" + tenant).headers["konfid-policy-version"];
    if (version == want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return version;
}

std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("no '" + from + "' to replace");
  return text.replace(at, from.size(), to);
}

Instance::Instance(std::string db, std::string smtp_url, std::string master_key)
    : db_(std::move(db)), master_key_(std::move(master_key)) {
  std::string src = konfid::testing::SourceDir();
  std::ifstream in(src + "/examples/policy.toml");
  std::stringstream policy;
  policy << in.rdbuf();
  std::ofstream(dir_.path() + "/policy.toml") << policy.str();
  std::string other = policy.str();
  other.replace(other.find("id = \"demo\""), 11, "id = \"other\"");
  std::ofstream(dir_.path() + "/other.toml") << other;
  std::ofstream(config_path()) << "[server]\nlisten = \"127.0.0.1:0\"\n"
                               << "[[tenant]]\npolicy = \"policy.toml\"\n"
                               << "[[tenant]]\npolicy = \"other.toml\"\n";
  if (!smtp_url.empty())
    std::ofstream(config_path(), std::ios::app)
        << "[mail]\nsmtp_url = \"" << smtp_url << "\"\nfrom = \"noreply@demo.example\"\n"
        << "from_name = \"Демо Курсы\"\npublic_url = \"https://demo.example/confirm\"\n";
  std::vector<std::string> args = {"init", "--data", data_dir(), "--config", config_path()};
  for (auto& a : DbArgs()) args.push_back(a);
  auto r = RunKonfid(args, master_key_);
  if (r.exit_code != 0) throw std::runtime_error("konfid init failed: " + r.output);
}

std::unique_ptr<Instance> Instance::AnotherNode(const Instance& first) {
  std::unique_ptr<Instance> node(new Instance(first.db_, NoInit{}));
  for (const char* name : {"master.key", "policy.toml", "other.toml", "konfid.toml"})
    std::filesystem::copy_file(first.data_dir() + "/" + name, node->data_dir() + "/" + name);
  return node;
}

Instance::~Instance() {
  if (pid_ > 0) Stop();
}

std::vector<std::string> Instance::DbArgs() const {
  if (db_.empty()) return {};
  return {"--db", db_};
}

std::string Instance::CreateKey(const std::string& tenant, const std::string& role,
                                const std::string& recipient) {
  std::vector<std::string> args = {"apikey",   "create", "--data", data_dir(),
                                   "--tenant", tenant,   "--role", role};
  if (!recipient.empty()) {
    args.push_back("--recipient");
    args.push_back(recipient);
  }
  for (auto& a : DbArgs()) args.push_back(a);
  auto r = RunKonfid(args, master_key_);
  if (r.exit_code != 0) throw std::runtime_error("apikey create failed: " + r.output);
  std::string out = r.output;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

void Instance::AddServerSettings(const std::string& lines) {
  std::ifstream in(config_path());
  std::stringstream config;
  config << in.rdbuf();
  std::ofstream(config_path()) << Replaced(config.str(), "[server]\n", "[server]\n" + lines + "\n");
}

void Instance::AddConfig(const std::string& toml) {
  std::ofstream(config_path(), std::ios::app) << "\n" << toml;
}

void Instance::Start() {
  port_ = FreePort();
  std::vector<std::string> args = {"serve",
                                   "--data",
                                   data_dir(),
                                   "--config",
                                   config_path(),
                                   "--listen",
                                   "127.0.0.1:" + std::to_string(port_)};
  for (auto& a : DbArgs()) args.push_back(a);
  int fd = open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  pid_ = Spawn(args, fd, master_key_, open_files_limit_);
  close(fd);
  for (int i = 0; i < 200; ++i) {
    try {
      if (Http(port_, "GET", "/readyz").status == 200) return;
    } catch (const std::exception&) {
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream log(log_path());
      std::stringstream ss;
      ss << log.rdbuf();
      throw std::runtime_error("konfid serve exited: " + ss.str());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("konfid serve did not become ready");
}

int Instance::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 400; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -2;  // did not drain within 10 s
}

// The text of a base64 message body as aiosmtpd stored it.
std::string MailBody(const std::string& message) {
  size_t start = message.find("\n\n");
  if (start == std::string::npos) start = message.find("\r\n\r\n");
  std::string b64;
  for (char c : message.substr(start)) {
    if (c == '+')
      b64 += '-';
    else if (c == '/')
      b64 += '_';
    else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')
      b64 += c;
  }
  auto bytes = Base64UrlDecode(b64);
  return bytes ? std::string(bytes->begin(), bytes->end()) : "";
}

std::map<std::string, std::string> Files(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) {
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      out[e.path().string()] = ss.str();
    }
  return out;
}

std::string TokenIn(const std::string& message) {
  std::string body = MailBody(message);
  size_t at = body.find("token=");
  if (at == std::string::npos) return "";
  return body.substr(at + 6, body.find_first_of("\r\n ", at) - at - 6);
}

}  // namespace konfid::e2e
