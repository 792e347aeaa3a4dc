#include "net/listen_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace baton::net {

Result<ListeningSocket> listen_socket(const std::string& host, std::uint16_t port) {
  sockaddr_storage address{};
  socklen_t size = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    size = sizeof *v4;
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    size = sizeof *v6;
  } else {
    return fail("InvalidAddress", "'" + host + "' is not an IP address");
  }
  int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  bool listening = fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
                   ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
                   ::listen(fd, SOMAXCONN) == 0 &&
                   ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  if (!listening) {
    int why = errno;
    if (fd >= 0) ::close(fd);
    return fail(
        why == EADDRINUSE ? "AddressInUse" : "ListenFailed",
        "cannot listen on " + host + ":" + std::to_string(port) + ": " + std::strerror(why));
  }
  return ListeningSocket{fd, ntohs(address.ss_family == AF_INET ? v4->sin_port : v6->sin6_port)};
}

}  // namespace baton::net
