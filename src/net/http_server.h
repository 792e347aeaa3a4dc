#pragma once

// An HTTP/1.1 server on Boost.Beast and Asio: keep-alive connections, requests handed to one
// handler, responses sent whenever the handler answers, from any thread. A handler that
// answers later (a long-poll) holds no thread while it waits.
//
// Thread-safe: start() and stop() from the owning thread; Responders from any thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "net/http.h"

namespace baton::net {

// Answers one request; call it exactly once, from any thread.
using Responder = std::function<void(HttpResponse)>;
using Handler = std::function<void(HttpRequest&&, Responder)>;

// A listener adopt() added; ports repeat across network namespaces, so these have ids.
enum class ListenerId : std::uint64_t {};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port
  int threads = 2;
  std::size_t max_body_bytes = 8 * 1024 * 1024;
};

class HttpServer {
 public:
  // With no handler, start() listens nowhere; listen() adds listeners.
  HttpServer(HttpServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads. Errors: AddressInUse, InvalidAddress.
  [[nodiscard]] Expected<void, Error> start();
  // The port listened on (the real one when the options asked for 0).
  std::uint16_t port() const;
  // Another listener on the options' host and a free port, with its own handler, served by the
  // same threads; returns its port. Thread-safe; valid once started.
  [[nodiscard]] Result<std::uint16_t> listen(Handler handler);
  // Stops accepting on a port listen() returned. Thread-safe.
  void unlisten(std::uint16_t port);
  // Serves `listening_fd`, a TCP socket already bound and listening (perhaps in another network
  // namespace), with `handler` on the same threads; the server owns the fd from then on, even
  // on error. Thread-safe; valid once started. Errors: ListenFailed.
  [[nodiscard]] Result<ListenerId> adopt(int listening_fd, Handler handler);
  // Stops accepting on, and closes, a listener adopt() returned. Thread-safe.
  void unlisten(ListenerId id);
  // Stops accepting, closes connections, joins the threads.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Handler handler_;  // the main listener's, until start()
};

}  // namespace baton::net
