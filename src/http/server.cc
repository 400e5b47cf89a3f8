#include "http/server.h"

#include "http/request_id.h"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace konfid::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Stream = beast::basic_stream<tcp, Executor>;

Result<std::pair<std::string, unsigned short>> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Fail(ErrorCode::kInvalidArgument, "listen address must be HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos)
    return Fail(ErrorCode::kInvalidArgument, "listen port must be a number 0..65535");
  int p = std::stoi(port);
  if (p > 65535) return Fail(ErrorCode::kInvalidArgument, "listen port must be a number 0..65535");
  return std::pair{host, static_cast<unsigned short>(p)};
}

// A connection as the drain sees it: closed at once when idle, after its response when busy.
// `closed` is only touched on the connection's thread; `busy` is read by the drain.
struct Conn {
  Stream* stream;
  std::atomic<bool> busy{false};
  bool closed = false;
};

// Reading a body, handling the request and writing the response, under one deadline: a
// request takes milliseconds, and a timer for each step would cost timer-queue work.
constexpr std::chrono::seconds kRequestTimeout{60};

size_t MaxConnectionsFor(size_t open_files_limit) {
  return open_files_limit > 256 ? open_files_limit - 128
                                : std::max<size_t>(open_files_limit / 2, 1);
}

struct HttpServer::Impl {
  ServerOptions options;
  size_t max_connections;
  Api& api;
  // One io_context per thread: a connection lives on one thread, so its handlers need no
  // strand and no other thread is woken for them. The acceptor and signals live on the first.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  size_t next_context = 0;
  asio::io_context& ioc;
  asio::basic_socket_acceptor<tcp, Executor> acceptor{ioc.get_executor()};
  asio::signal_set signals{ioc, SIGTERM, SIGINT};
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::set<std::shared_ptr<Conn>> conns;

  static asio::io_context& MakeContexts(std::vector<std::unique_ptr<asio::io_context>>& v,
                                        size_t n) {
    for (size_t i = 0; i < std::max<size_t>(n, 1); ++i)
      v.push_back(std::make_unique<asio::io_context>(1));
    return *v[0];
  }
  static size_t OpenFilesLimit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1 << 20;
    return static_cast<size_t>(limit.rlim_cur);
  }
  Impl(const ServerOptions& o, Api& a)
      : options(o),
        max_connections(o.max_connections ? o.max_connections
                                          : MaxConnectionsFor(OpenFilesLimit())),
        api(a),
        ioc(MakeContexts(contexts, o.threads)) {
    for (auto& c : contexts) guards.push_back(asio::make_work_guard(*c));
  }

  // Waits for the first byte of the next request: a new connection has header_timeout to
  // start talking, a kept-alive one idle_timeout. False when the connection is to end.
  bool AwaitRequest(Stream& stream, beast::flat_buffer& buffer, bool first, Yield yield) {
    if (buffer.size() > 0) return true;  // pipelined: the next request is already here
    stream.expires_after(first ? options.header_timeout : options.idle_timeout);
    beast::error_code ec;
    size_t n = stream.async_read_some(buffer.prepare(4096), yield[ec]);
    buffer.commit(n);
    return !ec && n > 0;
  }

  // Reads one request: its header within header_timeout of its first byte (a client that
  // trickles a header ties up a descriptor), then its body under kRequestTimeout, which also
  // covers handling and writing the response.
  void ReadRequest(Stream& stream, beast::flat_buffer& buffer,
                   beast_http::request_parser<beast_http::string_body>& parser,
                   beast::error_code& ec, Yield yield) {
    stream.expires_after(options.header_timeout);
    beast_http::async_read_header(stream, buffer, parser, yield[ec]);
    if (ec) return;
    stream.expires_after(kRequestTimeout);
    if (!parser.is_done()) beast_http::async_read(stream, buffer, parser, yield[ec]);
  }

  // Answers a request that could not be read whole (too large, malformed); false when the
  // connection just ended (closed, reset, timed out, draining).
  bool Refusal(beast::error_code ec, const std::string& request_id, Response& res) {
    if (ec == beast_http::error::body_limit) {
      res = Problem(Error(ErrorCode::kTooLarge, "the body is larger than " +
                                                    std::to_string(options.body_limit) + " bytes")
                        .WithReason("body_too_large"),
                    11, false);
    } else if (ec != beast_http::error::end_of_stream && ec != asio::error::operation_aborted &&
               ec != beast::error::timeout && ec != asio::error::connection_reset && !stopping) {
      res = Problem(
          Error(ErrorCode::kInvalidArgument, "malformed HTTP request").WithReason("bad_request"),
          11, false);
    } else {
      return false;
    }
    res.set("X-Request-Id", request_id);
    return true;
  }

  void Session(Socket socket, Yield yield) {
    beast::error_code peer_ec;
    auto endpoint = socket.remote_endpoint(peer_ec);
    std::string peer = peer_ec ? "" : endpoint.address().to_string();
    Stream stream(std::move(socket));
    auto conn = std::make_shared<Conn>();
    conn->stream = &stream;
    {
      std::lock_guard lock(mu);
      conns.insert(conn);
    }
    beast::flat_buffer buffer;
    beast::error_code ec;
    for (bool first = true; !stopping && AwaitRequest(stream, buffer, first, yield);
         first = false) {
      beast_http::request_parser<beast_http::string_body> parser;
      parser.body_limit(options.body_limit);
      parser.header_limit(16 * 1024);
      ReadRequest(stream, buffer, parser, ec, yield);
      if (ec) {
        Response res;
        if (Refusal(ec, RequestIdOf(parser.get()["X-Request-Id"]), res)) {
          stream.expires_after(std::chrono::seconds(10));
          beast_http::async_write(stream, res, yield[ec]);
        }
        break;
      }
      conn->busy = true;
      Request req = parser.release();
      Response res = api.Handle(req, peer, yield);
      if (stopping) res.keep_alive(false);
      beast_http::async_write(stream, res, yield[ec]);
      conn->busy = false;
      if (ec || !res.keep_alive()) break;
    }
    conn->closed = true;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    api.metrics().ConnectionClosed();
    std::lock_guard lock(mu);
    conns.erase(conn);
  }

  // Over the cap: a 503 the client can read, then close. The connection's unread request is
  // drained for up to a second first, so the close does not reset the answer away.
  static void Refuse(Socket socket, Yield yield) {
    Stream stream(std::move(socket));
    Response res = Problem(Error(ErrorCode::kUnavailable, "too many connections; try again later")
                               .WithReason("too_many_connections"),
                           11, false);
    res.erase(kErrorCodeField);
    res.erase(kErrorDetailField);
    res.set(beast_http::field::retry_after, "1");
    res.set("X-Request-Id", RequestIdOf(""));
    beast::error_code ec;
    stream.expires_after(std::chrono::seconds(1));
    beast_http::async_write(stream, res, yield[ec]);
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    char sink[1024];
    while (!ec) stream.async_read_some(asio::buffer(sink), yield[ec]);
  }

  // accept() failed. Out of descriptors (EMFILE, ENFILE) or memory it would fail again at
  // once: wait, doubling from 10 ms to 1 s, while open connections finish or time out. The
  // first failure of a run is logged; every one is counted.
  void AcceptFailed(const beast::error_code& ec, std::chrono::milliseconds& backoff, Yield yield) {
    api.metrics().AcceptFailed();
    if (ec == asio::error::connection_aborted) return;  // that client gave up: nothing to wait for
    if (backoff.count() == 0)
      api.events().Write(
          api.clock().Now(), LogLevel::kWarn, "accept_failed",
          {{"error", ec.message()}, {"open_connections", api.metrics().connections_open()}});
    backoff =
        std::clamp(backoff * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    asio::basic_waitable_timer<std::chrono::steady_clock,
                               asio::wait_traits<std::chrono::steady_clock>, Executor>
        timer(ioc.get_executor(), backoff);
    beast::error_code ignored;
    timer.async_wait(yield[ignored]);
  }

  void Accept(Yield yield) {
    std::chrono::milliseconds backoff{0};
    while (!stopping) {
      beast::error_code ec;
      asio::io_context& target = *contexts[next_context++ % contexts.size()];
      Socket socket(target.get_executor());
      acceptor.async_accept(socket, yield[ec]);
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) break;
        AcceptFailed(ec, backoff, yield);
        continue;
      }
      backoff = std::chrono::milliseconds(0);
      socket.set_option(tcp::no_delay(true), ec);
      auto ex = socket.get_executor();
      auto rethrow = [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      };
      if (api.metrics().connections_open() >= max_connections) {
        api.metrics().ConnectionRefused();
        asio::spawn(
            ex, [s = std::move(socket)](Yield y) mutable { Refuse(std::move(s), y); }, rethrow);
        continue;
      }
      api.metrics().ConnectionOpened();
      asio::spawn(
          ex, [this, s = std::move(socket)](Yield y) mutable { Session(std::move(s), y); },
          rethrow);
    }
  }

  void BeginDrain() {
    if (stopping.exchange(true)) return;
    spdlog::info("draining: no new connections; finishing requests in flight");
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    for (auto& g : guards) g.reset();  // each thread returns once its connections are done
    std::lock_guard lock(mu);
    for (const auto& c : conns) {
      if (c->busy) continue;  // closes itself after its response
      auto conn = c;
      asio::post(c->stream->get_executor(), [conn] {
        beast::error_code ignored;
        if (!conn->closed && !conn->busy) conn->stream->socket().cancel(ignored);
      });
    }
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::Create(const ServerOptions& options, Api& api) {
  auto impl = std::make_unique<Impl>(options, api);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec)
    return Fail(ErrorCode::kInvalidArgument, "listen host must be an IP address, e.g. 127.0.0.1");
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Fail(ErrorCode::kUnavailable, "cannot listen on " + options.host + ":" +
                                             std::to_string(options.port) + ": " + ec.message());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

unsigned short HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }
size_t HttpServer::max_connections() const { return impl_->max_connections; }

void HttpServer::Stop() {
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->BeginDrain(); });
}

void HttpServer::Run() {
  Impl& s = *impl_;
  s.signals.async_wait([&s](const boost::system::error_code& ec, int) {
    if (!ec) s.BeginDrain();
  });
  asio::spawn(
      s.ioc.get_executor(), [&s](Yield yield) { s.Accept(yield); },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  std::vector<std::thread> threads;
  for (size_t i = 1; i < s.contexts.size(); ++i)
    threads.emplace_back([&s, i] { s.contexts[i]->run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
}

}  // namespace konfid::http
