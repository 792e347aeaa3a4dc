#pragma once

// HTTP messages as the layers above see them: plain values, no Beast types.

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace baton::net {

struct HttpRequest {
  std::string method;                                        // "GET", "POST" ...
  std::string target;                                        // path and query, as received
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  // The client's address ("127.0.0.1"), as the server saw its connection; "" when unknown.
  std::string remote_address;
  // Set by the server when the client closes its connection before the answer is sent (a
  // worker that gave up a long-poll).
  std::shared_ptr<std::atomic<bool>> client_gone = std::make_shared<std::atomic<bool>>(false);

  // The first header named `name` (in any case), or "".
  std::string_view header(std::string_view name) const;
  std::string_view path() const;   // target without the query
  std::string_view query() const;  // after '?', or ""
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  HttpResponse& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Percent-decoding of a path segment or query value; '+' stays '+'.
std::string url_decode(std::string_view text);
// The parameters of a query string or a form-encoded body, decoded, in the order sent: '+' is
// a space and "%2B" a '+'. Empty pairs ("a=1&&b=2") are skipped.
std::vector<std::pair<std::string, std::string>> form_pairs(std::string_view text);
// The same as a map; a name sent twice keeps its last value.
std::map<std::string, std::string> parse_query(std::string_view query);

}  // namespace baton::net
