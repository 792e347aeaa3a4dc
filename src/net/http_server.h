#pragma once

// An HTTP/1.1 server on Boost.Beast and Asio: keep-alive connections, requests handed to one
// handler, responses sent whenever the handler answers, from any thread. A handler that
// answers later (a long-poll) holds no thread while it waits.
//
// What a client cannot do to it: hold more than `max_connections` sockets open (past the cap the
// server stops accepting and the kernel's backlog holds new clients), keep a connection idle
// longer than `idle_timeout`, take longer than `request_timeout` to send a request once it began,
// or send a header section over 64 KiB or a body over `max_body_bytes`. A malformed request gets
// an error answer (400, 431, 413) before its connection closes.
//
// Thread-safe: start() and stop() from the owning thread; Responders from any thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "net/http.h"

namespace baton::net {

// Answers one request; call it exactly once, from any thread.
using Responder = std::function<void(HttpResponse)>;
using Handler = std::function<void(HttpRequest&&, Responder)>;

// A certificate chain and its private key, in PEM files, for a listener that speaks TLS.
struct TlsFiles {
  std::string certificate_file;  // the server's certificate first, then any intermediates
  std::string private_key_file;  // unencrypted
};

// Whether `files` can be served: both readable, PEM, and the key the certificate's. Errors:
// InvalidTlsFiles, naming the file and what is wrong.
[[nodiscard]] Result<void> check_tls_files(const TlsFiles& files);

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port
  int threads = 2;
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  // Open connections, over all listeners; at the cap new clients wait in the kernel's backlog
  // until one closes.
  std::size_t max_connections = 10'000;
  // How long a connection may wait for the first byte of its next request. A request whose
  // answer is pending (a long-poll) is not idle, however long it waits.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
  // How long a request may take to arrive once its first byte has, header and body together
  // (against clients that trickle a byte a minute); also how long a client may take to read
  // its answer.
  std::chrono::milliseconds request_timeout = std::chrono::seconds(60);
  // When set, the main handler's listener speaks HTTP/1.1 over TLS (1.2 or later) only. The
  // listeners listen() and adopt() add stay plain HTTP.
  std::optional<TlsFiles> tls;
  // A listening TCP socket someone else bound, for the main handler to be served on instead of
  // `host` and `port` (as adopt() serves one). The server owns it from start() on, also when
  // start() fails.
  int listening_fd = -1;
};

// Names one listener of a server; never reused by that server, unlike ports (an adopted socket
// may have any port, and sockets in other network namespaces may share one).
using ListenerId = std::uint64_t;

struct Listening {
  ListenerId id = 0;
  std::uint16_t port = 0;  // the local port, as the kernel bound it
};

class HttpServer {
 public:
  // With no handler, start() listens nowhere; listen() and adopt() add listeners.
  HttpServer(HttpServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds (or takes options.listening_fd), listens and starts the threads. Errors: AddressInUse,
  // InvalidAddress, InvalidSocket, InvalidTlsFiles.
  [[nodiscard]] Expected<void, Error> start();
  // The port listened on (the real one when the options asked for 0).
  std::uint16_t port() const;
  // Another listener on the options' host and a free port, with its own handler, served by the
  // same threads. Thread-safe; valid once started.
  [[nodiscard]] Result<Listening> listen(Handler handler);
  // Serves `listening_fd`, a TCP socket someone else bound and made listen (in a network
  // namespace of its own, say), as listen() serves its own. Takes ownership of the descriptor,
  // also when it fails (InvalidSocket: not a listening TCP socket). Thread-safe.
  [[nodiscard]] Result<Listening> adopt(int listening_fd, Handler handler);
  // Stops accepting on a listener listen() or adopt() returned, and closes its socket; its
  // open connections carry on. Thread-safe.
  void unlisten(ListenerId id);
  // Stops accepting, closes connections, joins the threads.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Handler handler_;  // the main listener's, until start()
};

}  // namespace baton::net
