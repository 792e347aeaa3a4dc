#pragma once

// The TLS side of HttpServer, inside net/ only (its header shows Asio): a server context made
// from PEM files.

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "core/error.h"
#include "net/http_server.h"

namespace baton::net {

// TLS 1.2 and later, the certificate chain and private key of `files`, no client certificates.
// Errors: InvalidTlsFiles, naming the file and what is wrong with it.
[[nodiscard]] Result<std::shared_ptr<boost::asio::ssl::context>> tls_server_context(
    const TlsFiles& files);

}  // namespace baton::net
