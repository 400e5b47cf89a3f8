#include "http/server.h"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <pthread.h>

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

struct HttpServer::Impl {
  ServerOptions options;
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
  Impl(const ServerOptions& o, Api& a)
      : options(o), api(a), ioc(MakeContexts(contexts, o.threads)) {
    for (auto& c : contexts) guards.push_back(asio::make_work_guard(*c));
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
    while (!stopping) {
      beast_http::request_parser<beast_http::string_body> parser;
      parser.body_limit(options.body_limit);
      parser.header_limit(16 * 1024);
      stream.expires_after(std::chrono::seconds(60));
      beast_http::async_read(stream, buffer, parser, yield[ec]);
      if (ec == beast_http::error::body_limit) {
        Response res =
            Problem(Error(ErrorCode::kTooLarge, "the body is larger than " +
                                                    std::to_string(options.body_limit) + " bytes")
                        .WithReason("body_too_large"),
                    11, false);
        stream.expires_after(std::chrono::seconds(10));
        beast_http::async_write(stream, res, yield[ec]);
        break;
      }
      if (ec) {
        if (ec != beast_http::error::end_of_stream && ec != asio::error::operation_aborted &&
            ec != beast::error::timeout && ec != asio::error::connection_reset && !stopping) {
          Response res = Problem(Error(ErrorCode::kInvalidArgument, "malformed HTTP request")
                                     .WithReason("bad_request"),
                                 11, false);
          stream.expires_after(std::chrono::seconds(10));
          beast_http::async_write(stream, res, yield[ec]);
        }
        break;
      }
      conn->busy = true;
      Request req = parser.release();
      // The read's 60 s deadline also covers handling and writing the response: a request
      // takes milliseconds, and re-arming the timer costs timer-queue work on every request.
      Response res = api.Handle(req, peer, yield);
      if (stopping) res.keep_alive(false);
      beast_http::async_write(stream, res, yield[ec]);
      conn->busy = false;
      if (ec || !res.keep_alive()) break;
    }
    conn->closed = true;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    std::lock_guard lock(mu);
    conns.erase(conn);
  }

  void Accept(Yield yield) {
    while (!stopping) {
      beast::error_code ec;
      asio::io_context& target = *contexts[next_context++ % contexts.size()];
      Socket socket(target.get_executor());
      acceptor.async_accept(socket, yield[ec]);
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) break;
        continue;  // e.g. EMFILE: keep serving the connections we have
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto ex = socket.get_executor();
      asio::spawn(
          ex, [this, s = std::move(socket)](Yield y) mutable { Session(std::move(s), y); },
          [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
          });
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
