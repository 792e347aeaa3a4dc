#pragma once

// What the load drivers (serve_load, sqs_load) share: a keep-alive HTTP/1.1 connection to a
// port on loopback, written and read with plain sockets.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

namespace load {

inline int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, 0);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads one response; returns its status (0 on a broken connection). `buffer` keeps what
// follows it.
inline int read_response(int fd, std::string& buffer, std::string& body) {
  char chunk[16384];
  std::size_t header_end;
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  int status = std::atoi(buffer.c_str() + 9);
  std::size_t length = 0;
  std::string headers = buffer.substr(0, header_end);
  std::transform(headers.begin(), headers.end(), headers.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (auto at = headers.find("content-length:"); at != std::string::npos) {
    length = std::strtoul(headers.c_str() + at + 15, nullptr, 10);
  }
  while (buffer.size() < header_end + 4 + length) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  body = buffer.substr(header_end + 4, length);
  buffer.erase(0, header_end + 4 + length);
  return status;
}

// One keep-alive connection sending AWS JSON protocol requests (X-Amz-Target), reconnecting
// once when the server closed it.
class JsonConnection {
 public:
  explicit JsonConnection(int port) : port_(port), fd_(connect_to(port)) {}
  ~JsonConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  JsonConnection(const JsonConnection&) = delete;
  JsonConnection& operator=(const JsonConnection&) = delete;

  // Sends `body` to `target` (AmazonSQS.SendMessage); returns the status, the body in `answer`.
  int call(const std::string& target, const std::string& body, std::string& answer) {
    std::string request =
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
        "X-Amz-Target: " +
        target +
        "\r\nAuthorization: AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/sqs/"
        "aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0) fd_ = connect_to(port_);
      if (fd_ >= 0 && send_all(fd_, request)) {
        int status = read_response(fd_, buffer_, answer);
        if (status != 0) return status;
      }
      if (fd_ >= 0) ::close(fd_);
      fd_ = -1;
      buffer_.clear();
    }
    return 0;
  }

 private:
  int port_;
  int fd_;
  std::string buffer_;
};

}  // namespace load
