// The HTTP/1.1 server: accepts connections, reads requests within limits, authenticates
// bearer tokens, dispatches to routes on their pools, writes responses, logs each request.
// Run() blocks on the calling thread; RequestShutdown() may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "stockroom/auth/authenticator.h"
#include "stockroom/http/router.h"

namespace stockroom::http {

// Every bound of the server, with its unit and why it exists.
struct ServerLimits {
  // Bytes of request line plus headers. Bounds parser memory per connection; a bearer token
  // (8 KiB at most) plus ordinary headers fit.
  std::size_t max_header_bytes = 16 * 1024;
  // Bytes of request body. The API's largest legitimate body is a bulk import; 1 MiB is the
  // documented limit (413 above it).
  std::size_t max_body_bytes = 1024 * 1024;
  // Simultaneous connections; past it new ones get 503 and are closed. Bounds memory and fds.
  std::size_t max_connections = 1024;
  // Time to receive a request's headers once a connection is open or after the previous
  // response (keep-alive idle time); defends against slow-loris clients.
  std::chrono::seconds header_timeout{30};
  // Time to receive a request body once its headers arrived.
  std::chrono::seconds body_timeout{30};
  // Time to write a response.
  std::chrono::seconds write_timeout{30};
  // On shutdown, how long in-flight requests may take before connections are cut.
  std::chrono::seconds shutdown_grace{10};
};

struct ServerConfig {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;  // 0: any free port, logged as "listening"
  unsigned io_threads = 2;
  unsigned database_threads = 4;  // runs Pool::kDatabase handlers
  unsigned hashing_threads = 2;   // runs Pool::kHashing handlers (password hashing)
  ServerLimits limits;
};

class Server {
 public:
  // Binds the listening socket; throws std::system_error when it cannot (start-up failure).
  // `router` and `authenticator` must outlive the server.
  Server(ServerConfig config, const Router& router, const auth::TokenAuthenticator& authenticator);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves until SIGINT/SIGTERM or RequestShutdown(), then stops accepting, lets in-flight
  // requests finish (up to limits.shutdown_grace) and returns.
  void Run();
  void RequestShutdown();
  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stockroom::http
