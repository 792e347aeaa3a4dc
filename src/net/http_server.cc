#include "net/http_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/text.h"
#include "net/listen_socket.h"
#include "net/tls_context.h"

namespace baton::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint32_t kMaxHeaderBytes = 64 * 1024;
// A failed accept() (out of descriptors or memory: EMFILE, ENFILE, ENOBUFS, ENOMEM) is tried
// again after this, doubled on each failure in a row up to kMaxAcceptBackoff. At once would spin
// a core, since the waiting client keeps the socket readable and nothing has changed.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);
constexpr auto kMaxAcceptBackoff = std::chrono::seconds(1);
// How long a refused request's connection goes on being read (and dropped) before it closes.
constexpr auto kDrainTime = std::chrono::seconds(5);
constexpr std::size_t kReadSize = 4096;
// How often a TLS connection whose answer is pending looks again for its client's FIN, once
// the client sent something while waiting (encrypted, it cannot be told from a close_notify).
constexpr auto kTlsCloseRecheck = std::chrono::milliseconds(250);

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// What a session needs of the server's options; a session can outlive its server.
struct Limits {
  std::size_t max_body;
  std::chrono::milliseconds idle_timeout;
  std::chrono::milliseconds request_timeout;
};

// The open connections of one server against its cap. An accept loop reserves a slot before it
// accepts, so connections never exceed the cap however many listeners there are; a loop that
// finds none waits until a connection closes. Shared by the server and its sessions (a pending
// Responder can keep a session alive after its server is gone). Thread-safe.
class ConnectionSlots {
 public:
  explicit ConnectionSlots(std::size_t max) : max_(std::max<std::size_t>(1, max)) {}

  // Takes a slot, or keeps `resume` to call once one is given back and returns false.
  bool reserve(std::function<void()> resume) {
    std::lock_guard lock(mutex_);
    if (open_ < max_) {
      ++open_;
      return true;
    }
    if (!stopped_) waiting_.push_back(std::move(resume));
    return false;
  }

  void give_back() {
    std::vector<std::function<void()>> resume;
    {
      std::lock_guard lock(mutex_);
      --open_;
      if (stopped_) return;
      resume.swap(waiting_);
    }
    for (auto& f : resume) f();
  }

  // No more resuming: the server's threads are going away.
  void stop() {
    std::vector<std::function<void()>> dropped;
    std::lock_guard lock(mutex_);
    stopped_ = true;
    dropped.swap(waiting_);
  }

 private:
  std::mutex mutex_;
  std::size_t max_;
  std::size_t open_ = 0;
  bool stopped_ = false;
  std::vector<std::function<void()>> waiting_;
};

// The answer to a request refused before it reached the handler. The connection closes after.
HttpResponse refusal(int status, const std::string& type, const std::string& message) {
  HttpResponse response;
  response.status = status;
  response.header("Content-Type", "application/x-amz-json-1.0");
  response.header("X-Amzn-ErrorType", type);
  response.body = R"({"__type":")" + type + R"(","message":")" + message + R"("})";
  return response;
}

HttpResponse bad_request(const std::string& message) {
  return refusal(400, "BadRequestException", message);
}

// The answer to a request the parser stopped at, or nothing when there is no one to answer (the
// client closed or reset the connection, or ran out of time).
std::optional<HttpResponse> refusal_for(beast::error_code ec, const http::request_header<>& header,
                                        std::size_t max_body) {
  bool has_length = header.count(http::field::content_length) > 0;
  bool has_encoding = header.count(http::field::transfer_encoding) > 0;
  if (ec == http::error::body_limit) {
    return refusal(413, "RequestEntityTooLargeException",
                   "Request body exceeds the limit of " + std::to_string(max_body) + " bytes");
  }
  if (ec == http::error::header_limit) {
    return refusal(431, "RequestHeaderFieldsTooLargeException",
                   "Request header section exceeds the limit of " +
                       std::to_string(kMaxHeaderBytes) + " bytes");
  }
  // Beast names the second of the two framing headers as the bad one, whichever came first.
  if ((ec == http::error::bad_content_length && has_encoding) ||
      (ec == http::error::bad_transfer_encoding && has_length)) {
    return bad_request("Request has both Content-Length and Transfer-Encoding");
  }
  if (ec == http::error::bad_content_length) return bad_request("Malformed Content-Length");
  if (ec == http::error::bad_transfer_encoding) return bad_request("Malformed Transfer-Encoding");
  if (ec == http::error::bad_method) return bad_request("Malformed request line: bad method");
  if (ec == http::error::bad_target) return bad_request("Malformed request line: bad target");
  if (ec == http::error::bad_version) {
    return bad_request("Malformed request line: bad version (HTTP/1.0 and HTTP/1.1 are served)");
  }
  if (ec == http::error::bad_line_ending) return bad_request("Malformed line ending");
  if (ec == http::error::bad_field || ec == http::error::bad_value ||
      ec == http::error::bad_obs_fold) {
    return bad_request("Malformed header field");
  }
  if (ec == http::error::bad_chunk || ec == http::error::bad_chunk_extension) {
    return bad_request("Malformed chunked body");
  }
  return std::nullopt;
}

// What is wrong with how a parsed header frames its body, beyond what Beast refuses: a request
// whose body length two servers could read differently is how requests are smuggled past a
// proxy (RFC 9112 section 6.3).
std::optional<HttpResponse> framing_problem(const http::request_parser<http::string_body>& parser) {
  const auto& header = parser.get();
  if (header.count(http::field::transfer_encoding) == 0) return std::nullopt;
  // Beast takes a Content-Length after a Transfer-Encoding that is not chunked.
  if (header.count(http::field::content_length) > 0) {
    return bad_request("Request has both Content-Length and Transfer-Encoding");
  }
  // Without chunked last, Beast reads no body and would take the body for the next request.
  if (!parser.chunked()) {
    return bad_request("Transfer-Encoding must end with chunked");
  }
  return std::nullopt;
}

// One connection: wait for a request, read it, hand it over, write the answer when it comes,
// repeat. Holds one of the server's connection slots until its socket closes. Lives on its own
// strand. `Stream` is PlainStream or TlsStream (which shakes hands first and says goodbye with a
// close_notify); the two share every step in between.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(tcp::socket socket, std::shared_ptr<const Handler> handler,
          std::shared_ptr<ConnectionSlots> slots, Limits limits,
          std::shared_ptr<asio::ssl::context> tls)
      : tls_(std::move(tls)),
        stream_(open(std::move(socket), tls_.get())),
        handler_(std::move(handler)),
        slots_(std::move(slots)),
        limits_(limits) {}
  ~Session() { give_back_slot(); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->handshake();
      } else {
        self->read();
      }
    });
  }

 private:
  static Stream open(tcp::socket socket, asio::ssl::context* tls) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  // The TCP connection under the stream, which keeps its clocks.
  beast::tcp_stream& connection() { return beast::get_lowest_layer(stream_); }

  // TLS: the handshake must be over within the request timeout of the connection's opening.
  void handshake() {
    connection().expires_after(limits_.request_timeout);
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) {
                              if (ec) return self->close_socket();
                              self->handshaken_ = true;
                              self->read();
                            });
  }

  // Idle until the first byte of the next request, which starts the request's own clock.
  void read() {
    parser_.emplace();
    parser_->body_limit(limits_.max_body);
    parser_->header_limit(kMaxHeaderBytes);
    if (buffer_.size() > 0) return read_header();  // pipelined: it has begun already
    connection().expires_after(limits_.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadSize),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->close();
                              self->read_header();
                            });
  }

  void read_header() {
    connection().expires_after(limits_.request_timeout);  // for header and body together
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  void on_header(beast::error_code ec) {
    if (ec) return refuse(ec);
    if (auto problem = framing_problem(*parser_)) return answer_and_close(std::move(*problem));
    if (parser_->is_done()) return on_request();
    // The client waits for a go-ahead before it sends the body (RFC 9110 section 10.1.1). A
    // body over the limit never gets here: its Content-Length was refused with the header.
    const auto& header = parser_->get();
    if (header.version() == 11 && buffer_.size() == 0 &&
        beast::iequals(header[http::field::expect], "100-continue")) {
      auto go_ahead = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                         header.version());
      return http::async_write(
          stream_, *go_ahead,
          [self = this->shared_from_this(), go_ahead](beast::error_code write_ec, std::size_t) {
            if (write_ec) return self->close();
            self->read_body();
          });
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->refuse(ec);
                       self->on_request();
                     });
  }

  void refuse(beast::error_code ec) {
    auto answer = refusal_for(ec, parser_->get(), limits_.max_body);
    if (!answer) return close();
    answer_and_close(std::move(*answer));
  }

  // After a refused request the stream cannot be trusted to frame the next one.
  void answer_and_close(HttpResponse response) {
    keep_alive_ = false;
    draining_ = true;
    write(std::move(response));
  }

  void on_request() {
    // A request whose answer is pending is not idle: no clock runs until the answer is written.
    connection().expires_never();
    http::request<http::string_body> message = parser_->release();
    keep_alive_ = message.keep_alive();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      request.headers.emplace_back(
          ascii_lower(std::string_view(field.name_string().data(), field.name_string().size())),
          std::string(field.value()));
    }
    request.body = std::move(message.body());
    beast::error_code peer_error;
    auto peer = connection().socket().remote_endpoint(peer_error);
    if (!peer_error) request.remote_address = peer.address().to_string();
    client_gone_ = request.client_gone;
    watch_for_close();
    (*handler_)(std::move(request), [self = this->shared_from_this()](HttpResponse response) {
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->write(std::move(response));
      });
    });
  }

  // While a request waits for its answer, notices the client leaving: the socket turns readable
  // with nothing to read (FIN) or with an error (RST), without consuming a pipelined request.
  void watch_for_close() {
    if (watching_) return;
    watching_ = true;
    connection().socket().async_wait(
        tcp::socket::wait_read, [self = this->shared_from_this()](beast::error_code ec) {
          self->watching_ = false;
          if (!self->client_gone_) return;
          if (ec) return self->client_gone_->store(true);
          char byte;
          ssize_t n = ::recv(self->connection().socket().native_handle(), &byte, 1,
                             MSG_PEEK | MSG_DONTWAIT);
          if (n > 0) {
            // A pipelined request, read once this one is answered; under TLS perhaps a
            // close_notify instead.
            if constexpr (kTls) self->watch_encrypted();
            return;
          }
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return self->watch_for_close();
          }
          // FIN (0), or ECONNRESET and the like after an RST: recv says so, not `ec`.
          self->client_gone_->store(true);
        });
  }

  // Bytes came while the answer is pending, encrypted: a pipelined request or the client's
  // close_notify, which look alike. The FIN after a close_notify does not, so look for it now
  // and every little while after, until it comes or the answer is written.
  void watch_encrypted() {
    pollfd peer{connection().socket().native_handle(), POLLRDHUP, 0};
    if (::poll(&peer, 1, 0) > 0 && (peer.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
      client_gone_->store(true);
      return;
    }
    auto timer = std::make_shared<asio::steady_timer>(stream_.get_executor(), kTlsCloseRecheck);
    timer->async_wait([self = this->shared_from_this(), timer](beast::error_code) {
      if (self->client_gone_) self->watch_for_close();
    });
  }

  void write(HttpResponse response) {
    client_gone_.reset();
    auto message = std::make_shared<http::response<http::string_body>>();
    message->result(static_cast<unsigned>(response.status));
    message->version(11);
    // Inserted, not set: a header may be sent more than once (Set-Cookie).
    for (auto& [name, value] : response.headers) message->insert(name, value);
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive_);
    message->prepare_payload();
    // A client that does not read its answer does not hold the connection forever.
    connection().expires_after(limits_.request_timeout);
    http::async_write(
        stream_, *message,
        [self = this->shared_from_this(), message](beast::error_code ec, std::size_t) {
          if (ec || !self->keep_alive_) return self->close();
          self->read();
        });
  }

  void close() {
    if constexpr (kTls) {
      // A close_notify, and the client's in return for as long as a drain would take; then the
      // socket closes whatever the client did.
      if (!handshaken_ || shutting_down_) return close_socket();
      shutting_down_ = true;
      connection().expires_after(kDrainTime);
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->close_socket(); });
    } else {
      beast::error_code ec;
      connection().socket().shutdown(tcp::socket::shutdown_send, ec);
      if (draining_) return drain();
      close_socket();
    }
  }

  // After refusing a request: read and drop what the client is still sending, for a while, so
  // that it reads the answer instead of a reset connection.
  void drain() {
    draining_ = false;
    connection().expires_after(kDrainTime);
    drain_some();
  }

  void drain_some() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close_socket();
                              self->drain_some();
                            });
  }

  void close_socket() {
    beast::error_code ignored;
    connection().socket().close(ignored);
    give_back_slot();
  }

  void give_back_slot() {
    if (!slots_) return;
    slots_->give_back();
    slots_.reset();
  }

  std::shared_ptr<asio::ssl::context> tls_;  // TLS: outlives the stream that uses it
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<const Handler> handler_;
  std::shared_ptr<ConnectionSlots> slots_;  // empty once the slot is given back
  Limits limits_;
  bool keep_alive_ = true;
  std::shared_ptr<std::atomic<bool>> client_gone_;  // of the request awaiting its answer
  bool watching_ = false;
  bool draining_ = false;
  std::array<char, 16384> scratch_{};
  bool handshaken_ = false;     // TLS
  bool shutting_down_ = false;  // TLS
};

// An acceptor and the handler of the connections it accepts. Its acceptor and timer are used
// on its strand only.
struct Listener {
  explicit Listener(asio::io_context& io)
      : strand(asio::make_strand(io)), acceptor(strand), retry(strand) {}
  asio::strand<asio::io_context::executor_type> strand;
  tcp::acceptor acceptor;
  asio::steady_timer retry;  // after a failed accept
  std::chrono::milliseconds backoff = kAcceptBackoff;
  std::shared_ptr<const Handler> handler;
  std::shared_ptr<asio::ssl::context> tls;  // empty: plain HTTP
};

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  asio::io_context io{1};
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  std::shared_ptr<ConnectionSlots> slots;
  std::mutex mutex;
  std::map<ListenerId, std::shared_ptr<Listener>> listeners;
  ListenerId next_id = 1;

  Limits limits() const {
    return Limits{options.max_body_bytes, options.idle_timeout, options.request_timeout};
  }

  // On the listener's strand.
  void accept(const std::shared_ptr<Listener>& listener) {
    if (!listener->acceptor.is_open()) return;
    bool reserved = slots->reserve(
        [this, listener] { asio::post(listener->strand, [this, listener] { accept(listener); }); });
    // At the cap: clients wait in the kernel's backlog, as a busy server's do, rather than being
    // accepted only to be turned away.
    if (!reserved) return;
    listener->acceptor.async_accept(
        asio::make_strand(io), [this, listener](beast::error_code ec, tcp::socket socket) {
          if (ec || !listener->acceptor.is_open()) {
            slots->give_back();
            if (ec != asio::error::operation_aborted && listener->acceptor.is_open()) {
              back_off(listener, ec);
            }
            return;
          }
          listener->backoff = kAcceptBackoff;
          if (listener->tls) {
            std::make_shared<Session<TlsStream>>(std::move(socket), listener->handler, slots,
                                                 limits(), listener->tls)
                ->start();
          } else {
            std::make_shared<Session<PlainStream>>(std::move(socket), listener->handler, slots,
                                                   limits(), nullptr)
                ->start();
          }
          accept(listener);
        });
  }

  void back_off(const std::shared_ptr<Listener>& listener, beast::error_code ec) {
    if (listener->backoff == kAcceptBackoff) {  // the first failure in a row
      std::fprintf(stderr, "baton: cannot accept connections (%s); trying again\n",
                   ec.message().c_str());
    }
    listener->retry.expires_after(listener->backoff);
    listener->backoff =
        std::min<std::chrono::milliseconds>(listener->backoff * 2, kMaxAcceptBackoff);
    listener->retry.async_wait([this, listener](beast::error_code wait_ec) {
      if (!wait_ec) accept(listener);
    });
  }

  Listening serve(std::shared_ptr<Listener> listener, Handler handler,
                  std::shared_ptr<asio::ssl::context> tls) {
    listener->handler = std::make_shared<const Handler>(std::move(handler));
    listener->tls = std::move(tls);
    Listening listening{0, listener->acceptor.local_endpoint().port()};
    {
      std::lock_guard lock(mutex);
      listening.id = next_id++;
      listeners[listening.id] = listener;
    }
    asio::post(listener->strand, [this, listener] { accept(listener); });
    return listening;
  }

  Result<Listening> open(std::uint16_t wanted, Handler handler,
                         std::shared_ptr<asio::ssl::context> tls = nullptr) {
    auto socket = listen_socket(options.host, wanted);
    if (!socket) return Unexpected<Error>(socket.error());
    return adopt(socket->fd, std::move(handler), std::move(tls));
  }

  Result<Listening> adopt(int fd, Handler handler,
                          std::shared_ptr<asio::ssl::context> tls = nullptr) {
    auto invalid = [fd](const std::string& why) {
      ::close(fd);
      return fail("InvalidSocket", "cannot serve descriptor " + std::to_string(fd) + ": " + why);
    };
    int type = 0;
    int protocol = 0;
    int accepting = 0;
    socklen_t size = sizeof type;
    if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) != 0) {
      return invalid("not a socket");
    }
    size = sizeof protocol;
    ::getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &size);
    if (type != SOCK_STREAM || protocol != IPPROTO_TCP) return invalid("not a TCP socket");
    size = sizeof accepting;
    ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &size);
    if (!accepting) return invalid("not listening");
    sockaddr_storage local{};
    size = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &size) != 0 ||
        (local.ss_family != AF_INET && local.ss_family != AF_INET6)) {
      return invalid("not an IPv4 or IPv6 socket");
    }
    auto listener = std::make_shared<Listener>(io);
    beast::error_code ec;
    listener->acceptor.assign(local.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd, ec);
    if (ec) return invalid(ec.message());
    return serve(std::move(listener), std::move(handler), std::move(tls));
  }

  void close(std::shared_ptr<Listener> listener) {
    asio::post(listener->strand, [listener] {
      beast::error_code ec;
      listener->acceptor.close(ec);
      listener->retry.cancel();
    });
  }
};

HttpServer::HttpServer(HttpServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>()), handler_(std::move(handler)) {
  impl_->options = std::move(options);
  impl_->slots = std::make_shared<ConnectionSlots>(impl_->options.max_connections);
}

HttpServer::~HttpServer() { stop(); }

Expected<void, Error> HttpServer::start() {
  int given_fd = std::exchange(impl_->options.listening_fd, -1);
  if (handler_) {
    std::shared_ptr<asio::ssl::context> tls;
    if (impl_->options.tls) {
      auto context = tls_server_context(*impl_->options.tls);
      if (!context) {
        if (given_fd >= 0) ::close(given_fd);
        return Unexpected<Error>(context.error());
      }
      tls = std::move(*context);
    }
    auto bound = given_fd >= 0
                     ? impl_->adopt(given_fd, std::move(handler_), std::move(tls))
                     : impl_->open(impl_->options.port, std::move(handler_), std::move(tls));
    if (!bound) return Unexpected<Error>(bound.error());
    impl_->port = bound->port;
  } else if (given_fd >= 0) {
    ::close(given_fd);
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

Result<Listening> HttpServer::listen(Handler handler) { return impl_->open(0, std::move(handler)); }

Result<Listening> HttpServer::adopt(int listening_fd, Handler handler) {
  return impl_->adopt(listening_fd, std::move(handler));
}

void HttpServer::unlisten(ListenerId id) {
  std::shared_ptr<Listener> listener;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->listeners.find(id);
    if (it == impl_->listeners.end()) return;
    listener = std::move(it->second);
    impl_->listeners.erase(it);
  }
  impl_->close(std::move(listener));
}

void HttpServer::stop() {
  if (!impl_) return;
  // Accept loops waiting for a slot hold this server; none may resume from here on.
  impl_->slots->stop();
  if (impl_->threads.empty()) return;
  {
    std::lock_guard lock(impl_->mutex);
    for (auto& entry : impl_->listeners) impl_->close(entry.second);
    impl_->listeners.clear();
  }
  impl_->io.stop();
  for (std::thread& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace baton::net
