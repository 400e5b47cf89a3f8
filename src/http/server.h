// HttpServer: Boost.Beast over Asio, one stackful coroutine per connection; one io_context
// per thread, connections dealt round-robin, so a connection's handlers never cross threads.
// Keep-alive, a body limit (413 beyond it), timeouts for a request's header and for an idle
// kept-alive connection, a cap on open connections (503 and close beyond it), and a back-off
// when accept() fails for want of descriptors. Stop() closes the listener, lets requests in
// flight finish and closes idle connections: a drain.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/error.h"
#include "http/api.h"

namespace konfid::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  size_t threads = 2;
  size_t body_limit = 64 * 1024;
  size_t max_connections = 0;  // 0: the open-files limit less a reserve (MaxConnectionsFor)
  std::chrono::milliseconds header_timeout{10'000};  // connect or first byte to end of header
  std::chrono::milliseconds idle_timeout{30'000};    // between requests of a kept-alive connection
};

// The connection cap when none is configured: the soft RLIMIT_NOFILE less what the storage,
// the log and the refusals need, so connections run into the cap before accept() into EMFILE.
size_t MaxConnectionsFor(size_t open_files_limit);

// "127.0.0.1:8080" or "[::1]:8080".
Result<std::pair<std::string, unsigned short>> ParseListen(const std::string& listen);

class HttpServer {
 public:
  // Binds the socket. Unavailable when the address is taken or invalid.
  static Result<std::unique_ptr<HttpServer>> Create(const ServerOptions& options, Api& api);
  ~HttpServer();

  // The port actually bound (useful with port 0).
  unsigned short port() const;
  size_t max_connections() const;
  // Serves until SIGTERM or SIGINT (or Stop()), then drains. Blocks.
  void Run();
  void Stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace konfid::http
