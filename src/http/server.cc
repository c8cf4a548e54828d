// Boost.Beast server on C++20 coroutines. Each connection is one coroutine on its own strand:
//
//   accepted -> [idle: reading headers] -> [busy: reading body, dispatching, writing]
//                    ^                                  |
//                    +------- keep-alive, not stopping -+--> closed
//
// Shutdown: the acceptor closes, idle connections are cancelled, busy ones finish their
// current response and close; after limits.shutdown_grace the I/O threads stop regardless.
#include "stockroom/http/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fmt/format.h>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "stockroom/http/log.h"
#include "stockroom/http/middleware.h"
#include "stockroom/http/problem.h"

namespace stockroom::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto kTuple = asio::as_tuple(use_awaitable);

Method ToMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get: return Method::kGet;
    case bhttp::verb::head: return Method::kHead;
    case bhttp::verb::post: return Method::kPost;
    case bhttp::verb::put: return Method::kPut;
    case bhttp::verb::patch: return Method::kPatch;
    case bhttp::verb::delete_: return Method::kDelete;
    case bhttp::verb::options: return Method::kOptions;
    default: return Method::kOther;
  }
}

Request ToRequest(bhttp::request<bhttp::string_body>&& message, const std::string& remote) {
  Request request;
  request.method = ToMethod(message.method());
  request.target = std::string(message.target());
  auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  request.headers.reserve(8);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = remote;
  return request;
}

// Errors that mean the client went away or stalled, not that it sent something malformed.
bool ClientGone(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
         ec == asio::error::connection_reset || ec == asio::error::eof || ec == bhttp::error::partial_message;
}

// Message framing that would let two parties disagree about where a request ends (request
// smuggling) or that HTTP/1.1 forbids. RFC 9112 6.1: a Transfer-Encoding whose final coding is
// not chunked is 400; we decode no other coding, so anything but exactly "chunked" is refused
// (501 when it ends in chunked). RFC 9112 3.2: HTTP/1.1 needs exactly one Host.
std::optional<Response> CheckFraming(const bhttp::request<bhttp::string_body>& message) {
  const auto te = message.find(bhttp::field::transfer_encoding);
  if (te != message.end()) {
    std::string value(te->value());
    for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool more = std::next(te) != message.end() && std::next(te)->name() == bhttp::field::transfer_encoding;
    if (value != "chunked" || more || message.count(bhttp::field::transfer_encoding) != 1) {
      const auto comma = value.rfind(',');
      std::string_view last = std::string_view(value).substr(comma == std::string::npos ? 0 : comma + 1);
      while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
      const bool ends_chunked = last == "chunked";
      return ends_chunked ? MakeProblem(501, "unsupported-transfer-coding", "only Transfer-Encoding: chunked is supported")
                          : MakeProblem(400, "malformed-request", "Transfer-Encoding must end with chunked");
    }
  }
  if (message.version() >= 11 && message.count(bhttp::field::host) != 1) {
    return MakeProblem(400, "malformed-request", "an HTTP/1.1 request needs exactly one Host header");
  }
  return std::nullopt;
}

// After refusing a request whose body was not read (413, 400), the client may still be
// sending it; closing a socket with unread input makes the kernel send RST, which can destroy
// the refusal before the client reads it. So: end our side, then discard input until the
// client closes, for at most a second and a few MiB (a "lingering close", as nginx does).
awaitable<void> LingerBeforeClose(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 16 * 1024> sink;
  std::size_t discarded = 0;
  stream.expires_after(std::chrono::seconds(1));
  while (discarded < 8 * 1024 * 1024) {
    auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
    if (read_ec) break;
    discarded += n;
  }
}

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool idle = true;  // only touched on the stream's strand
};

}  // namespace

struct Server::Impl {
  Impl(ServerConfig cfg, const Router& r, const auth::TokenAuthenticator& a)
      : config(std::move(cfg)),
        router(r),
        authenticator(a),
        ioc(static_cast<int>(std::max(1u, config.io_threads))),
        acceptor(asio::make_strand(ioc)),
        database_pool(std::max(1u, config.database_threads)),
        hashing_pool(std::max(1u, config.hashing_threads)),
        signals(ioc, SIGINT, SIGTERM) {
    std::random_device rd;
    request_id_prefix = fmt::format("{:08x}", rd());
    tcp::endpoint endpoint(asio::ip::make_address(config.listen_host), config.listen_port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    port = acceptor.local_endpoint().port();
  }

  awaitable<void> AcceptLoop();
  awaitable<void> RunConnection(std::shared_ptr<Connection> connection, std::uint64_t id);
  awaitable<Response> Dispatch(Request& request);
  awaitable<void> RejectBusy(tcp::socket socket);
  void BeginShutdown();
  awaitable<void> Drain();

  ServerConfig config;
  const Router& router;
  const auth::TokenAuthenticator& authenticator;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::thread_pool database_pool;
  asio::thread_pool hashing_pool;
  asio::signal_set signals;
  std::uint16_t port = 0;
  std::string request_id_prefix;
  std::atomic<std::uint64_t> next_request_id{1};
  std::atomic<bool> stopping{false};

  std::mutex connections_mutex;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections;
  std::uint64_t next_connection_id = 1;
};

awaitable<void> Server::Impl::AcceptLoop() {
  while (!stopping.load()) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
    if (ec) {
      if (stopping.load() || ec == asio::error::operation_aborted) co_return;
      // EMFILE and friends: log, back off briefly, keep accepting.
      Log(LogLevel::kWarn, "accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::shared_ptr<Connection> connection;
    std::uint64_t id = 0;
    {
      std::lock_guard lock(connections_mutex);
      if (connections.size() < config.limits.max_connections) {
        connection = std::make_shared<Connection>(std::move(socket));
        id = next_connection_id++;
        connections.emplace(id, connection);
      }
    }
    if (!connection) {
      auto executor = socket.get_executor();
      asio::co_spawn(executor, RejectBusy(std::move(socket)), asio::detached);
      continue;
    }
    asio::co_spawn(connection->stream.get_executor(), RunConnection(connection, id),
                   asio::detached);
  }
}

awaitable<void> Server::Impl::RejectBusy(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  Response problem = MakeProblem(503, "overloaded", "too many connections; retry later");
  bhttp::response<bhttp::string_body> res{bhttp::status::service_unavailable, 11};
  for (auto& [name, value] : problem.headers) res.set(name, value);
  res.set(bhttp::field::retry_after, "1");
  res.keep_alive(false);
  res.body() = std::move(problem.body);
  res.prepare_payload();
  stream.expires_after(std::chrono::seconds(5));
  co_await bhttp::async_write(stream, res, kTuple);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

awaitable<Response> Server::Impl::Dispatch(Request& request) {
  Router::Match match = router.Find(request.method, request.path);
  bool head_as_get = false;
  if (!match.route && request.method == Method::kHead) {
    match = router.Find(Method::kGet, request.path);
    head_as_get = match.route != nullptr;
  }
  if (!match.route) {
    if (match.path_known) {
      Response response = MakeProblem(405, "method-not-allowed",
                                      fmt::format("{} is not allowed here", MethodName(request.method)));
      response.SetHeader("allow", match.allowed_methods);
      co_return response;
    }
    co_return MakeProblem(404, "not-found", "no such resource");
  }
  const Route& route = *match.route;
  Context context{request, std::move(match.params), std::nullopt};
  if (!route.access.is_public) {
    if (auto refusal = Authorize(authenticator, route.access, context)) co_return std::move(*refusal);
  }
  Response response;
  try {
    switch (route.pool) {
      case Pool::kInline:
        response = route.handler(context);
        break;
      case Pool::kDatabase:
      case Pool::kHashing: {
        auto& pool = route.pool == Pool::kDatabase ? database_pool : hashing_pool;
        response = co_await asio::co_spawn(
            pool, [&]() -> awaitable<Response> { co_return route.handler(context); }, use_awaitable);
        break;
      }
    }
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "unhandled exception",
        {{"request_id", request.request_id}, {"error", e.what()}});
    response = MakeProblem(500, "internal", fmt::format("internal error; request id {}", request.request_id));
  }
  if (head_as_get) {
    response.SetHeader("content-length", std::to_string(response.body.size()));
    response.body.clear();
  }
  if (context.principal) response.SetHeader("x-stockroom-sub", context.principal->subject);
  co_return response;
}

awaitable<void> Server::Impl::RunConnection(std::shared_ptr<Connection> connection, std::uint64_t id) {
  auto& stream = connection->stream;
  beast::flat_buffer buffer;
  std::string remote;
  {
    beast::error_code ec;
    auto endpoint = stream.socket().remote_endpoint(ec);
    if (!ec) remote = endpoint.address().to_string();
  }
  const auto& limits = config.limits;
  while (!stopping.load()) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    connection->idle = true;
    stream.expires_after(limits.header_timeout);
    auto [read_ec, header_bytes] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    connection->idle = false;
    const auto started = std::chrono::steady_clock::now();

    std::optional<Response> early;  // an answer decided before the body is read
    if (read_ec == bhttp::error::header_limit) {
      early = MakeProblem(431, "headers-too-large",
                          fmt::format("request headers exceed {} bytes", limits.max_header_bytes));
    } else if (read_ec == bhttp::error::body_limit) {  // Content-Length already over the limit
      early = MakeProblem(413, "body-too-large",
                          fmt::format("request body exceeds {} bytes", limits.max_body_bytes));
    } else if (read_ec) {
      if (ClientGone(read_ec)) break;
      early = MakeProblem(400, "malformed-request", fmt::format("malformed HTTP request: {}", read_ec.message()));
    } else if (auto framing = CheckFraming(parser.get())) {
      early = std::move(*framing);
    } else if (auto length = parser.content_length();
               length && *length > limits.max_body_bytes) {
      early = MakeProblem(413, "body-too-large",
                          fmt::format("request body exceeds {} bytes", limits.max_body_bytes));
    }

    Request request;
    if (!early) {
      if (parser.get()[bhttp::field::expect] == "100-continue") {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
        stream.expires_after(limits.write_timeout);
        auto [cont_ec, cont_bytes] = co_await bhttp::async_write(stream, cont, kTuple);
        if (cont_ec) break;
      }
      stream.expires_after(limits.body_timeout);
      auto [body_ec, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      if (body_ec == bhttp::error::body_limit) {
        early = MakeProblem(413, "body-too-large",
                            fmt::format("request body exceeds {} bytes", limits.max_body_bytes));
      } else if (body_ec && ClientGone(body_ec)) {
        break;
      } else if (body_ec) {  // a malformed chunk size, chunk extension or trailer
        early = MakeProblem(400, "malformed-request", fmt::format("malformed request body: {}", body_ec.message()));
      }
    }
    bool keep_alive = false;
    Response response;
    std::string request_id = fmt::format("{}-{:x}", request_id_prefix, next_request_id.fetch_add(1));
    if (early) {
      response = std::move(*early);
      request.method = ToMethod(parser.get().method());
      request.path = std::string(parser.get().target().substr(0, parser.get().target().find('?')));
      request.request_id = std::move(request_id);
    } else {
      keep_alive = parser.get().keep_alive();
      request = ToRequest(parser.release(), remote);
      request.request_id = std::move(request_id);
      response = co_await Dispatch(request);
    }
    keep_alive = keep_alive && !stopping.load();

    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), 11};
    bool has_length = false;
    for (auto& [name, value] : response.headers) {
      if (name == "x-stockroom-sub") continue;
      if (name == "content-length") has_length = true;
      res.set(name, value);
    }
    res.set(bhttp::field::server, "stockroom");
    res.set("x-request-id", request.request_id);
    res.keep_alive(keep_alive);
    if (!has_length) {
      res.body() = std::move(response.body);
      res.prepare_payload();
    }
    stream.expires_after(limits.write_timeout);
    auto [write_ec, written] = co_await bhttp::async_write(stream, res, kTuple);

    const auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
    boost::json::object fields{{"method", MethodName(request.method)},
                               {"path", request.path},
                               {"status", response.status},
                               // integer microseconds: exact, and readable (a double prints as 9.21E-1)
                               {"duration_us", static_cast<std::int64_t>(std::llround(elapsed.count() * 1000))},
                               {"request_id", request.request_id},
                               {"remote", remote}};
    if (auto sub = response.Header("x-stockroom-sub")) fields["sub"] = *sub;
    Log(LogLevel::kInfo, "request", std::move(fields));
    if (early && !write_ec) co_await LingerBeforeClose(stream);
    if (write_ec || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
  std::lock_guard lock(connections_mutex);
  connections.erase(id);
}

void Server::Impl::BeginShutdown() {
  if (stopping.exchange(true)) return;
  Log(LogLevel::kInfo, "shutting down", {{"grace_s", config.limits.shutdown_grace.count()}});
  asio::post(acceptor.get_executor(), [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
  });
  {
    std::lock_guard lock(connections_mutex);
    for (auto& [id, connection] : connections) {
      asio::post(connection->stream.get_executor(), [connection] {
        if (connection->idle) connection->stream.cancel();
      });
    }
  }
  // Outside the lock: Drain takes connections_mutex itself, and co_spawn may run it inline.
  asio::co_spawn(ioc, Drain(), asio::detached);
}

awaitable<void> Server::Impl::Drain() {
  const auto deadline = std::chrono::steady_clock::now() + config.limits.shutdown_grace;
  asio::steady_timer timer(ioc);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(connections_mutex);
      if (connections.empty()) break;
    }
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(kTuple);
  }
  ioc.stop();
}

Server::Server(ServerConfig config, const Router& router, const auth::TokenAuthenticator& authenticator)
    : impl_(std::make_unique<Impl>(std::move(config), router, authenticator)) {}

Server::~Server() {
  impl_->database_pool.join();
  impl_->hashing_pool.join();
}

std::uint16_t Server::port() const { return impl_->port; }

void Server::RequestShutdown() {
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->BeginShutdown(); });
}

void Server::Run() {
  Impl& impl = *impl_;
  impl.signals.async_wait([&impl](const beast::error_code& ec, int) {
    if (!ec) impl.BeginShutdown();
  });
  asio::co_spawn(impl.acceptor.get_executor(), impl.AcceptLoop(), asio::detached);
  Log(LogLevel::kInfo, "listening",
      {{"address", fmt::format("{}:{}", impl.config.listen_host, impl.port)}, {"port", impl.port}});
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < std::max(1u, impl.config.io_threads); ++i) {
    threads.emplace_back([&impl] { impl.ioc.run(); });
  }
  impl.ioc.run();
  for (auto& thread : threads) thread.join();
  impl.database_pool.join();
  impl.hashing_pool.join();
  Log(LogLevel::kInfo, "stopped");
}

}  // namespace stockroom::http
