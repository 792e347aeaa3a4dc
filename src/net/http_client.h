#pragma once

// Outbound HTTP, with libcurl behind it. Blocking: call it from a thread that may wait
// (the service's dispatch threads), never from the service thread.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace baton::net {

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long timeout_seconds = 60;  // AWS's limit on an HTTP Task's request
};

struct HttpClientResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Sends the request and waits for the whole response. Errors (name HttpError): the request
// could not be sent or no response came (connection refused, timeout, bad URL).
[[nodiscard]] Result<HttpClientResponse> http_request(const HttpClientRequest& request);

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string url_encode(std::string_view text);

}  // namespace baton::net
