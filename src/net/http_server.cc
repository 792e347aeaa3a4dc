#include "net/http_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace baton::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// A connection left idle this long between requests is closed.
constexpr auto kIdleTimeout = std::chrono::seconds(300);
constexpr std::uint32_t kMaxHeaderBytes = 64 * 1024;

// One connection: read a request, hand it over, write the answer when it comes, repeat.
// Lives on its own strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<const Handler> handler, std::size_t max_body)
      : stream_(std::move(socket)), handler_(std::move(handler)), max_body_(max_body) {}

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(max_body_);
    parser_->header_limit(kMaxHeaderBytes);
    stream_.expires_after(kIdleTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      draining_ = true;
      HttpResponse too_large;
      too_large.status = 413;
      too_large.header("Content-Type", "application/x-amz-json-1.0");
      too_large.header("X-Amzn-ErrorType", "RequestEntityTooLargeException");
      too_large.body = R"({"__type":"RequestEntityTooLargeException","message":)"
                       R"("Request body exceeds the limit of )" +
                       std::to_string(max_body_) + R"( bytes"})";
      return write(std::move(too_large));
    }
    if (ec) return close();
    stream_.expires_never();
    http::request<http::string_body> message = parser_->release();
    keep_alive_ = message.keep_alive();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.body = std::move(message.body());
    client_gone_ = request.client_gone;
    watch_for_close();
    (*handler_)(std::move(request), [self = shared_from_this()](HttpResponse response) {
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->write(std::move(response));
      });
    });
  }

  // While a request waits for its answer, notices the client closing the connection (the
  // socket turns readable with nothing to read), without consuming a pipelined request.
  void watch_for_close() {
    if (watching_) return;
    watching_ = true;
    stream_.socket().async_wait(
        tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
          self->watching_ = false;
          if (!self->client_gone_) return;
          char byte;
          ssize_t n =
              ::recv(self->stream_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
          if (ec || n == 0) self->client_gone_->store(true);
        });
  }

  void write(HttpResponse response) {
    client_gone_.reset();
    auto message = std::make_shared<http::response<http::string_body>>();
    message->result(static_cast<unsigned>(response.status));
    message->version(11);
    for (auto& [name, value] : response.headers) message->set(name, value);
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive_);
    message->prepare_payload();
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
                        if (ec || !self->keep_alive_) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (draining_) return drain();
    stream_.socket().close(ec);
  }

  // After refusing an oversized body: read and drop what the client is still sending, for a
  // while, so that it reads the answer instead of a reset connection.
  void drain() {
    draining_ = false;
    stream_.expires_after(std::chrono::seconds(5));
    drain_some();
  }

  void drain_some() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) {
                                beast::error_code ignored;
                                self->stream_.socket().close(ignored);
                                return;
                              }
                              self->drain_some();
                            });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<const Handler> handler_;
  std::size_t max_body_;
  bool keep_alive_ = true;
  std::shared_ptr<std::atomic<bool>> client_gone_;  // of the request awaiting its answer
  bool watching_ = false;
  bool draining_ = false;
  std::array<char, 16384> scratch_{};
};

}  // namespace

// An acceptor and the handler of the connections it accepts.
struct Listener {
  explicit Listener(asio::io_context& io) : acceptor(io) {}
  tcp::acceptor acceptor;
  std::shared_ptr<const Handler> handler;
};

struct HttpServer::Impl {
  HttpServerOptions options;
  asio::io_context io{1};
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  std::mutex mutex;
  std::map<std::uint16_t, std::shared_ptr<Listener>> listeners;  // by port
  std::map<std::uint64_t, std::shared_ptr<Listener>> adopted;    // by ListenerId
  std::uint64_t next_adopted = 1;

  void accept(std::shared_ptr<Listener> listener) {
    listener->acceptor.async_accept(asio::make_strand(io), [this, listener](beast::error_code ec,
                                                                            tcp::socket s) {
      if (ec == asio::error::operation_aborted || !listener->acceptor.is_open()) return;
      if (!ec) {
        std::make_shared<Session>(std::move(s), listener->handler, options.max_body_bytes)->start();
      }
      accept(listener);
    });
  }

  Result<std::uint16_t> open(std::uint16_t wanted, Handler handler) {
    beast::error_code ec;
    auto address = asio::ip::make_address(options.host, ec);
    if (ec) return fail("InvalidAddress", "'" + options.host + "' is not an IP address");
    tcp::endpoint endpoint(address, wanted);
    auto listener = std::make_shared<Listener>(io);
    listener->handler = std::make_shared<const Handler>(std::move(handler));
    listener->acceptor.open(endpoint.protocol(), ec);
    if (!ec) listener->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) listener->acceptor.bind(endpoint, ec);
    if (!ec) listener->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return fail(
          ec == asio::error::address_in_use ? "AddressInUse" : "ListenFailed",
          "cannot listen on " + options.host + ":" + std::to_string(wanted) + ": " + ec.message());
    }
    std::uint16_t bound = listener->acceptor.local_endpoint().port();
    {
      std::lock_guard lock(mutex);
      listeners[bound] = listener;
    }
    asio::post(io, [this, listener] { accept(listener); });
    return bound;
  }

  Result<ListenerId> adopt(int fd, Handler handler) {
    sockaddr_storage address{};
    socklen_t size = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      ::close(fd);
      return fail("ListenFailed", std::string("cannot adopt a listener: ") + std::strerror(errno));
    }
    auto listener = std::make_shared<Listener>(io);
    listener->handler = std::make_shared<const Handler>(std::move(handler));
    beast::error_code ec;
    listener->acceptor.assign(address.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd, ec);
    if (ec) {
      ::close(fd);
      return fail("ListenFailed", "cannot adopt a listener: " + ec.message());
    }
    ListenerId id;
    {
      std::lock_guard lock(mutex);
      id = ListenerId{next_adopted++};
      adopted[static_cast<std::uint64_t>(id)] = listener;
    }
    asio::post(io, [this, listener] { accept(listener); });
    return id;
  }
};

HttpServer::HttpServer(HttpServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>()), handler_(std::move(handler)) {
  impl_->options = std::move(options);
}

HttpServer::~HttpServer() { stop(); }

Expected<void, Error> HttpServer::start() {
  if (handler_) {
    auto bound = impl_->open(impl_->options.port, std::move(handler_));
    if (!bound) return Unexpected<Error>(bound.error());
    impl_->port = *bound;
  }
  int threads = std::max(1, impl_->options.threads);
  for (int i = 0; i < threads; ++i) {
    impl_->threads.emplace_back([this] {
      auto work = asio::make_work_guard(impl_->io);
      impl_->io.run();
    });
  }
  return {};
}

std::uint16_t HttpServer::port() const { return impl_->port; }

Result<std::uint16_t> HttpServer::listen(Handler handler) {
  return impl_->open(0, std::move(handler));
}

void HttpServer::unlisten(std::uint16_t port) {
  std::shared_ptr<Listener> listener;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->listeners.find(port);
    if (it == impl_->listeners.end()) return;
    listener = std::move(it->second);
    impl_->listeners.erase(it);
  }
  asio::post(impl_->io, [listener] {
    beast::error_code ec;
    listener->acceptor.close(ec);
  });
}

Result<ListenerId> HttpServer::adopt(int listening_fd, Handler handler) {
  return impl_->adopt(listening_fd, std::move(handler));
}

void HttpServer::unlisten(ListenerId id) {
  std::shared_ptr<Listener> listener;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->adopted.find(static_cast<std::uint64_t>(id));
    if (it == impl_->adopted.end()) return;
    listener = std::move(it->second);
    impl_->adopted.erase(it);
  }
  asio::post(impl_->io, [listener] {
    beast::error_code ec;
    listener->acceptor.close(ec);
  });
}

void HttpServer::stop() {
  if (!impl_ || impl_->threads.empty()) return;
  {
    std::lock_guard lock(impl_->mutex);
    auto close_all = [this](auto& listeners) {
      for (auto& entry : listeners) {
        asio::post(impl_->io, [listener = entry.second] {
          beast::error_code ec;
          listener->acceptor.close(ec);
        });
      }
      listeners.clear();
    };
    close_all(impl_->listeners);
    close_all(impl_->adopted);
  }
  impl_->io.stop();
  for (std::thread& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace baton::net
