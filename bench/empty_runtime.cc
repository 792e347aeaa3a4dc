// empty_runtime: a Lambda custom runtime (the `bootstrap` of a provided function) with an
// empty handler, in C++ with plain sockets: ask for the next event, answer "{}", repeat, on one
// keep-alive connection. What the function benchmarks measure is baton's side of the Runtime
// API, not this program.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int connect_to(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  std::string host = host_port.substr(0, colon);
  int port = std::atoi(host_port.c_str() + colon + 1);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) std::exit(1);
  return fd;
}

void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, 0);
    if (n <= 0) std::exit(1);
    sent += static_cast<std::size_t>(n);
  }
}

// Reads one response; returns its headers (lower-cased) and leaves the rest in `buffer`.
std::string read_response(int fd, std::string& buffer) {
  char chunk[8192];
  std::size_t end;
  while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) std::exit(0);
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  std::string headers = buffer.substr(0, end);
  for (char& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t length = 0;
  if (auto at = headers.find("content-length:"); at != std::string::npos) {
    length = std::strtoul(headers.c_str() + at + 15, nullptr, 10);
  }
  while (buffer.size() < end + 4 + length) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) std::exit(0);
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  std::string original = buffer.substr(0, end);
  buffer.erase(0, end + 4 + length);
  return original;
}

std::string header_value(const std::string& headers, const std::string& lower_name) {
  std::string lower = headers;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto at = lower.find(lower_name + ":");
  if (at == std::string::npos) return "";
  at += lower_name.size() + 1;
  while (at < headers.size() && headers[at] == ' ') ++at;
  return headers.substr(at, headers.find("\r\n", at) - at);
}

}  // namespace

int main() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr) return 1;
  int fd = connect_to(api);
  std::string buffer;
  const std::string next =
      "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: " + std::string(api) + "\r\n\r\n";
  while (true) {
    send_all(fd, next);
    std::string headers = read_response(fd, buffer);
    std::string id = header_value(headers, "lambda-runtime-aws-request-id");
    send_all(fd, "POST /2018-06-01/runtime/invocation/" + id + "/response HTTP/1.1\r\nHost: " +
                     api + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    read_response(fd, buffer);
  }
}
