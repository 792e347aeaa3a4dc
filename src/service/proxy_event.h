#pragma once

// Lambda proxy integrations of API Gateway's APIs (and of function URLs, which send payload 2.0):
// the event a function is sent for a request (payload format 2.0 or 1.0) and the HTTP answer
// made of the function's response, as
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
// describes them. Pure: no I/O, no clock (the time comes in the context). Shared by the
// services that serve HTTP requests (apigateway/, lambda/'s function URLs).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace baton::service {

using Headers = std::vector<std::pair<std::string, std::string>>;
// A route's path variables by name, in the order of the path.
using Parameters = std::vector<std::pair<std::string, std::string>>;

// A request as it came on the wire.
struct HttpRequestIn {
  std::string method;
  std::string raw_path;   // percent-encoded, as requested
  std::string raw_query;  // after '?', as requested
  Headers headers;        // names lower-cased, in the order sent
  std::string body;       // bytes
  std::string source_ip;
  std::string protocol = "HTTP/1.1";

  // The values of header `name` (lower case), in order.
  std::vector<std::string_view> header_values(std::string_view name) const;
  // The host it was sent to, without its port ("localhost" when it names none).
  std::string host() const;
};

// A request as the HTTP API port hands it to a service (service/http_api_request.h).
HttpRequestIn http_request_in(const json::Value& request);

// What API Gateway knows of the request beyond the wire: where it went and when.
struct ProxyContext {
  std::string account_id;
  std::string api_id;
  std::string domain_name;  // the Host the request came to
  std::string stage;        // "$default", or the stage the path named
  std::string path;         // the path without the stage
  std::string route_key;    // the route it took: "GET /pets/{petId}", "$default"
  std::string route_path;   // the route key's path ("/pets/{petId}"); "$default" for $default
  std::string request_id;
  std::int64_t time_ms = 0;
  Parameters path_parameters;
  json::Value stage_variables;  // the stage's StageVariables, an object, or null
};

// Whether API Gateway sends a body of this Content-Type base64-encoded: every type but text,
// JSON, XML and JavaScript ones (form posts are encoded), and any body that is not UTF-8.
bool is_binary(std::string_view content_type, std::string_view body);

// The time as requestContext.time shows it: "12/Mar/2020:19:03:58 +0000".
std::string request_time(std::int64_t ms);

json::Value event_v2(const HttpRequestIn& request, const ProxyContext& context);
json::Value event_v1(const HttpRequestIn& request, const ProxyContext& context);

struct HttpAnswer {
  int status = 200;
  Headers headers;
  std::string body;
};

// An answer as the HTTP API port takes it back (service/http_api_request.h).
json::Value http_answer_value(const HttpAnswer& answer);

// The answer a function's response makes. Errors: MalformedResponse, saying what in the
// response does not follow the format (API Gateway answers that with a 502).
[[nodiscard]] Result<HttpAnswer> answer_v2(std::string_view payload);
[[nodiscard]] Result<HttpAnswer> answer_v1(std::string_view payload);

// API Gateway's own answers: {"message": message}.
HttpAnswer message_answer(int status, std::string_view message);

}  // namespace baton::service
