// The HTTP server through real sockets: a server on a free loopback port, and raw TCP clients that
// behave as careless or hostile clients do (malformed requests, trickled bytes, resets, too many
// connections, a process out of descriptors).

#include "net/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace baton::net {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Waits for `condition` until `timeout` passes; returns whether it came true.
template <class Condition>
bool eventually(Condition condition, milliseconds timeout = milliseconds(2000)) {
  auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

int milliseconds_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

// A TCP client on loopback, reading with deadlines.
class Client {
 public:
  // A socket, not yet connected.
  Client() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {}
  explicit Client(std::uint16_t port) : Client() { connect(port); }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connect(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }

  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads until `received` holds `text`, the connection ends, or the time is up; returns what
  // came up to and including `text`, or "" without it.
  std::string read_through(const std::string& text, milliseconds timeout = milliseconds(2000)) {
    auto deadline = Clock::now() + timeout;
    std::size_t at;
    while ((at = received_.find(text)) == std::string::npos) {
      if (!read_some(deadline)) return "";
    }
    std::string head = received_.substr(0, at + text.size());
    received_.erase(0, at + text.size());
    return head;
  }

  // One response: its header and the Content-Length bytes after it; "" if none came in time.
  std::string read_response(milliseconds timeout = milliseconds(2000)) {
    auto deadline = Clock::now() + timeout;
    std::string head = read_through("\r\n\r\n", timeout);
    if (head.empty()) return "";
    std::size_t length = 0;
    auto at = lower(head).find("content-length:");
    if (at != std::string::npos) {
      std::size_t from = head.find_first_not_of(' ', at + 15);
      std::from_chars(head.data() + from, head.data() + head.size(), length);
    }
    while (received_.size() < length) {
      if (!read_some(deadline)) return "";
    }
    std::string body = received_.substr(0, length);
    received_.erase(0, length);
    return head + body;
  }

  // Whether the server closes the connection (FIN or RST) within `timeout`; what it sends
  // before is dropped.
  bool closed_within(milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (!read_some(deadline)) return closed_;
    }
    return closed_;
  }

  // Ends the connection with an RST instead of a FIN.
  void reset() {
    linger option{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &option, sizeof option);
    close();
  }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  int fd() const { return fd_; }

 private:
  static std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }

  // False when nothing came before the deadline or the connection ended.
  bool read_some(Clock::time_point deadline) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, milliseconds_until(deadline)) <= 0) return false;
    char buffer[65536];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    received_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  std::string received_;
  bool closed_ = false;
};

std::string post(const std::string& body) {
  return "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

const std::string kGet = "GET /hello HTTP/1.1\r\nHost: test\r\n\r\n";

// Answers at once with the request's body size, or, under /hold, keeps the Responder for the
// test to answer.
class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpServerOptions options = {}) {
    server_ = std::make_unique<HttpServer>(std::move(options), handler());
    ASSERT_TRUE(server_->start());
  }

  Handler handler() {
    return [this](HttpRequest&& request, Responder respond) {
      if (request.path() == "/hold") {
        std::lock_guard lock(mutex_);
        held_.push_back(std::move(respond));
        gone_.push_back(request.client_gone);
        return;
      }
      HttpResponse response;
      response.body = std::to_string(request.body.size());
      respond(std::move(response));
    };
  }

  std::size_t held() {
    std::lock_guard lock(mutex_);
    return held_.size();
  }

  void TearDown() override {
    if (server_) server_->stop();
  }

  std::uint16_t port() const { return server_->port(); }

  std::unique_ptr<HttpServer> server_;
  std::mutex mutex_;
  std::vector<Responder> held_;
  std::vector<std::shared_ptr<std::atomic<bool>>> gone_;
};

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// --- 1. accept() failing for want of descriptors ---

// CPU time this process has used, in clock ticks: utime + stime of /proc/self/stat, read through
// `stat_fd`, opened while there were descriptors to spare.
long cpu_ticks(int stat_fd) {
  char buffer[1024];
  ssize_t n = ::pread(stat_fd, buffer, sizeof buffer, 0);
  if (n <= 0) return -1;
  std::string_view stat(buffer, static_cast<std::size_t>(n));
  // After the command's name: state is field 3, utime 14, stime 15.
  std::size_t at = stat.rfind(')') + 2;
  long ticks = 0;
  for (int field = 3; field <= 15 && at < stat.size(); ++field) {
    std::size_t end = std::min(stat.find(' ', at), stat.size());
    long value = 0;
    if (field >= 14) std::from_chars(stat.data() + at, stat.data() + end, value);
    ticks += value;
    at = end + 1;
  }
  return ticks;
}

// Takes every free descriptor of the process, under a lowered limit; gives them back when it
// ends, so that a failing test does not starve the next.
class DescriptorsExhausted {
 public:
  explicit DescriptorsExhausted(int any_fd) {
    ::getrlimit(RLIMIT_NOFILE, &before_);
    rlimit low = before_;
    low.rlim_cur = std::min<rlim_t>(before_.rlim_cur, 256);
    ::setrlimit(RLIMIT_NOFILE, &low);
    for (int fd; (fd = ::dup(any_fd)) >= 0;) taken_.push_back(fd);
    exhausted_ = errno == EMFILE;
  }
  ~DescriptorsExhausted() { release(); }
  DescriptorsExhausted(const DescriptorsExhausted&) = delete;
  DescriptorsExhausted& operator=(const DescriptorsExhausted&) = delete;

  bool exhausted() const { return exhausted_; }

  void release() {
    for (int fd : taken_) ::close(fd);
    taken_.clear();
    ::setrlimit(RLIMIT_NOFILE, &before_);
  }

 private:
  rlimit before_{};
  std::vector<int> taken_;
  bool exhausted_ = false;
};

TEST_F(HttpServerTest, AcceptBacksOffWhileOutOfDescriptorsAndServesOnceTheyAreFree) {
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizer build has UBSan too, whose check of an object's dynamic type probes memory
  // through a pipe: with no descriptor left it cannot, and reports a false error.
  GTEST_SKIP() << "UBSan's vptr check needs free descriptors";
#endif
  start();
  Client client;  // its descriptor is taken before there are none left
  int stat_fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(stat_fd, 0);
  DescriptorsExhausted descriptors(stat_fd);
  ASSERT_TRUE(descriptors.exhausted());
  // The kernel completes the handshake; the server cannot accept it.
  ASSERT_TRUE(client.connect(port()));
  ASSERT_TRUE(client.send(kGet));

  long ticks_before = cpu_ticks(stat_fd);
  std::string early = client.read_response(milliseconds(500));
  long used = cpu_ticks(stat_fd) - ticks_before;
  EXPECT_EQ(early, "");
  // A server retrying at once spins a core: ~50 ticks in the 500 ms, at 100 a second.
  EXPECT_LT(used, ::sysconf(_SC_CLK_TCK) / 10) << "the accept loop spins";

  descriptors.release();
  ::close(stat_fd);
  EXPECT_TRUE(starts_with(client.read_response(), "HTTP/1.1 200"));
}

// --- 2. the connection cap ---

TEST_F(HttpServerTest, PastTheConnectionCapClientsWaitUntilAConnectionCloses) {
  HttpServerOptions options;
  options.max_connections = 2;
  start(options);
  Client first(port());
  Client second(port());
  for (Client* c : {&first, &second}) {
    ASSERT_TRUE(c->send(kGet));
    ASSERT_TRUE(starts_with(c->read_response(), "HTTP/1.1 200"));
  }
  Client third(port());  // in the kernel's backlog
  ASSERT_TRUE(third.send(kGet));
  EXPECT_EQ(third.read_response(milliseconds(300)), "") << "served past the cap";
  first.close();
  EXPECT_TRUE(starts_with(third.read_response(), "HTTP/1.1 200"));
}

// --- 3. idle and request timeouts ---

TEST_F(HttpServerTest, IdleConnectionClosesAfterTheIdleTimeout) {
  HttpServerOptions options;
  options.idle_timeout = milliseconds(200);
  start(options);
  Client client(port());
  ASSERT_TRUE(client.send(kGet));
  ASSERT_TRUE(starts_with(client.read_response(), "HTTP/1.1 200"));
  auto sent = Clock::now();
  EXPECT_TRUE(client.closed_within(milliseconds(1500)));
  EXPECT_GE(Clock::now() - sent, milliseconds(150));
}

TEST_F(HttpServerTest, RequestAwaitingItsAnswerIsNotIdle) {
  HttpServerOptions options;
  options.idle_timeout = milliseconds(100);
  options.request_timeout = milliseconds(100);
  start(options);
  Client client(port());
  ASSERT_TRUE(client.send("GET /hold HTTP/1.1\r\nHost: test\r\n\r\n"));
  ASSERT_TRUE(eventually([&] { return held() == 1; }));
  // Five times either timeout: a long-poll waits longer than a connection may idle.
  EXPECT_FALSE(client.closed_within(milliseconds(500)));
  {
    std::lock_guard lock(mutex_);
    held_[0](HttpResponse{200, {}, "late"});
  }
  EXPECT_TRUE(starts_with(client.read_response(), "HTTP/1.1 200"));
}

TEST_F(HttpServerTest, RequestTrickledAByteAtATimeIsCutByTheRequestTimeout) {
  HttpServerOptions options;
  options.idle_timeout = std::chrono::seconds(30);
  options.request_timeout = milliseconds(300);
  start(options);
  Client client(port());
  ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nX-Slow"));
  auto deadline = Clock::now() + milliseconds(1500);
  bool cut = false;
  // Each byte comes well within the idle timeout; the request as a whole does not.
  while (!cut && Clock::now() < deadline) {
    cut = !client.send("w") || client.closed_within(milliseconds(50));
  }
  EXPECT_TRUE(cut);
}

// --- 4. malformed requests get an answer, then the connection closes ---

struct Malformed {
  std::string what;
  std::string request;
  std::string status;
  std::string type;
  std::string message;
};

TEST_F(HttpServerTest, MalformedRequestIsAnsweredBeforeTheConnectionCloses) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  start(options);
  const std::string both = "Request has both Content-Length and Transfer-Encoding";
  const std::vector<Malformed> cases = {
      {"garbage", "GARBAGE\r\n\r\n", "400", "BadRequestException", "Malformed request line"},
      {"bad method", "G@T / HTTP/1.1\r\nHost: test\r\n\r\n", "400", "BadRequestException",
       "Malformed request line: bad method"},
      {"bad version", "GET / HTTP/1.x\r\nHost: test\r\n\r\n", "400", "BadRequestException",
       "Malformed request line: bad version"},
      {"version 2.0", "GET / HTTP/2.0\r\nHost: test\r\n\r\n", "400", "BadRequestException",
       "Malformed request line: bad version"},
      {"length, then chunked",
       "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
       "400", "BadRequestException", both},
      {"chunked, then length",
       "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
       "400", "BadRequestException", both},
      {"gzip and length",
       "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\n",
       "400", "BadRequestException", both},
      {"chunked not last",
       "POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "400",
       "BadRequestException", "Transfer-Encoding must end with chunked"},
      {"header section over 64 KiB",
       "GET / HTTP/1.1\r\nHost: test\r\nX-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n", "431",
       "RequestHeaderFieldsTooLargeException",
       "Request header section exceeds the limit of 65536 bytes"},
      {"body over the limit", post(std::string(2000, 'b')), "413", "RequestEntityTooLargeException",
       "Request body exceeds the limit of 1000 bytes"},
  };
  for (const Malformed& c : cases) {
    SCOPED_TRACE(c.what);
    Client client(port());
    ASSERT_TRUE(client.send(c.request));
    std::string response = client.read_response();
    EXPECT_TRUE(starts_with(response, "HTTP/1.1 " + c.status + " ")) << response;
    EXPECT_NE(response.find("X-Amzn-ErrorType: " + c.type + "\r\n"), std::string::npos);
    EXPECT_NE(response.find("Connection: close\r\n"), std::string::npos);
    EXPECT_NE(response.find(R"({"__type":")" + c.type + R"(","message":")" + c.message),
              std::string::npos)
        << response;
    EXPECT_TRUE(client.closed_within(milliseconds(2000)));
  }
}

// --- 5. Expect: 100-continue ---

TEST_F(HttpServerTest, ExpectContinueGetsTheInterimAnswerBeforeTheBodyIsSent) {
  start();
  Client client(port());
  std::string body(5000, 'x');
  ASSERT_TRUE(
      client.send("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 5000\r\n"
                  "Expect: 100-continue\r\n\r\n"));
  EXPECT_EQ(client.read_through("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(client.send(body));
  std::string response = client.read_response();
  EXPECT_TRUE(starts_with(response, "HTTP/1.1 200")) << response;
  EXPECT_TRUE(response.ends_with("\r\n\r\n5000")) << response;
  // The connection carries on: the next request needs no go-ahead.
  ASSERT_TRUE(client.send(post("abc")));
  EXPECT_TRUE(client.read_response().ends_with("\r\n\r\n3"));
}

TEST_F(HttpServerTest, ExpectContinueWithABodyOverTheLimitGets413AtOnce) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  start(options);
  Client client(port());
  ASSERT_TRUE(
      client.send("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 5000\r\n"
                  "Expect: 100-continue\r\n\r\n"));
  std::string response = client.read_response();
  EXPECT_TRUE(starts_with(response, "HTTP/1.1 413 ")) << response;
  EXPECT_TRUE(client.closed_within(milliseconds(2000)));
}

// --- 6. a client that resets its connection while its answer is pending ---

TEST_F(HttpServerTest, ClientResettingWhileItsAnswerIsPendingIsGone) {
  start();
  Client client(port());
  ASSERT_TRUE(client.send("GET /hold HTTP/1.1\r\nHost: test\r\n\r\n"));
  ASSERT_TRUE(eventually([&] { return held() == 1; }));
  std::shared_ptr<std::atomic<bool>> gone;
  {
    std::lock_guard lock(mutex_);
    gone = gone_[0];
  }
  EXPECT_FALSE(gone->load());
  client.reset();
  EXPECT_TRUE(eventually([&] { return gone->load(); }));
}

TEST_F(HttpServerTest, ClientClosingWhileItsAnswerIsPendingIsGone) {
  start();
  Client client(port());
  ASSERT_TRUE(client.send("GET /hold HTTP/1.1\r\nHost: test\r\n\r\n"));
  ASSERT_TRUE(eventually([&] { return held() == 1; }));
  client.close();
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(mutex_);
    return gone_[0]->load();
  }));
}

// --- adopting a listening socket opened elsewhere ---

// A TCP socket bound to a free loopback port and listening, as another process or namespace
// would hand it over.
int listening_socket() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 16) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::uint16_t local_port(int fd) {
  sockaddr_in address{};
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  return ntohs(address.sin_port);
}

TEST_F(HttpServerTest, AdoptedSocketIsServedUntilUnlistened) {
  server_ = std::make_unique<HttpServer>(HttpServerOptions{}, nullptr);
  ASSERT_TRUE(server_->start());
  int fd = listening_socket();
  ASSERT_GE(fd, 0);
  std::uint16_t bound = local_port(fd);
  auto adopted = server_->adopt(fd, handler());
  ASSERT_TRUE(adopted) << adopted.error().cause;
  EXPECT_EQ(adopted->port, bound);
  auto listened = server_->listen(handler());
  ASSERT_TRUE(listened);
  EXPECT_NE(listened->id, adopted->id);
  {
    Client client(adopted->port);
    ASSERT_TRUE(client.send(post("four")));
    std::string response = client.read_response();
    EXPECT_TRUE(starts_with(response, "HTTP/1.1 200")) << response;
    EXPECT_TRUE(response.ends_with("\r\n\r\n4"));
  }
  server_->unlisten(adopted->id);
  // Its socket closed. (Not probed by connecting: another process may listen on the port by
  // then, and be disturbed by the probes.)
  EXPECT_TRUE(eventually([&] { return ::fcntl(fd, F_GETFD) == -1 && errno == EBADF; }));
  // The other listener carries on.
  Client other(listened->port);
  ASSERT_TRUE(other.send(kGet));
  EXPECT_TRUE(starts_with(other.read_response(), "HTTP/1.1 200"));
}

TEST_F(HttpServerTest, MainHandlerServesTheListeningSocketOfItsOptions) {
  int fd = listening_socket();
  ASSERT_GE(fd, 0);
  HttpServerOptions options;
  options.listening_fd = fd;
  start(options);
  EXPECT_EQ(port(), local_port(fd));
  Client client(port());
  ASSERT_TRUE(client.send(post("four")));
  std::string response = client.read_response();
  EXPECT_TRUE(starts_with(response, "HTTP/1.1 200")) << response;
  EXPECT_TRUE(response.ends_with("\r\n\r\n4"));
}

TEST_F(HttpServerTest, AdoptRefusesASocketThatIsNotListening) {
  server_ = std::make_unique<HttpServer>(HttpServerOptions{}, nullptr);
  ASSERT_TRUE(server_->start());
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto adopted = server_->adopt(fd, handler());
  ASSERT_FALSE(adopted);
  EXPECT_EQ(adopted.error().name, "InvalidSocket");
  // Owned and closed, also on failure.
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  ::close(pipe_fds[1]);
  EXPECT_FALSE(server_->adopt(pipe_fds[0], handler()));
}

}  // namespace
}  // namespace baton::net
