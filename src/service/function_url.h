#pragma once

// Lambda function URLs' addresses: the URL id Lambda makes for a function (and alias), the URL
// baton hands out for it, and the Host that names one. Shared by lambda/ (which keeps and serves
// the URLs), the SAM template reader (!GetAtt X.FunctionUrl) and the HTTP API port (which sends
// a request for a function URL to Lambda). Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace baton::service {

// The URL id of the function `function_arn` with `qualifier` ("" for none): 32 lower-case
// letters and digits, as Lambda's. Derived from the two, so the same function and alias get the
// same URL after a restart, a delete and a create, or on another baton.
std::string function_url_id(std::string_view function_arn, std::string_view qualifier);

// The URL clients reach it at: http://URL_ID.lambda-url.localhost:PORT/ on the HTTP API port,
// where Lambda gives https://URL_ID.lambda-url.REGION.on.aws/ (that form when `port` is 0).
std::string function_url(std::string_view url_id, std::uint16_t port, std::string_view region);

// The URL id a Host header names (URL_ID.lambda-url.ANYTHING[:PORT]), or nothing.
std::optional<std::string> function_url_id_of_host(std::string_view host);

}  // namespace baton::service
