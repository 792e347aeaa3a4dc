#pragma once

// A TCP socket bound and listening, before any server serves it (HttpServer::adopt): its port is
// known, and connections wait in its backlog until then.

#include <cstdint>
#include <string>

#include "core/error.h"

namespace baton::net {

struct ListeningSocket {
  int fd = -1;  // close-on-exec; the caller owns it
  std::uint16_t port = 0;
};

// Listens on `host` (an IPv4 or IPv6 address) and `port` (0: a free port). Errors:
// InvalidAddress, AddressInUse, ListenFailed.
[[nodiscard]] Result<ListeningSocket> listen_socket(const std::string& host, std::uint16_t port);

}  // namespace baton::net
