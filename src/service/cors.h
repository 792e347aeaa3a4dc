#pragma once

// An HTTP API's CorsConfiguration as API Gateway applies it
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html): it answers
// preflight OPTIONS requests itself, whatever the routes, and puts its CORS headers on the
// integration's answers in place of any the integration gave. Pure; a plain value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "service/proxy_event.h"

namespace baton::service {

struct Cors {
  std::vector<std::string> allow_origins;
  std::vector<std::string> allow_methods;
  std::vector<std::string> allow_headers;
  std::vector<std::string> expose_headers;
  bool allow_credentials = false;
  std::optional<std::int64_t> max_age;

  // From the API's CorsConfiguration (the model's member names).
  static Cors from(const json::Value& configuration);

  // Whether `request` is a preflight: OPTIONS with Origin and Access-Control-Request-Method.
  static bool is_preflight(const HttpRequestIn& request);
  // The answer to a preflight: 204, with the allowing headers when its origin is allowed.
  HttpAnswer preflight(const HttpRequestIn& request) const;
  // `answer` with the integration's Access-Control-* headers replaced by the configuration's,
  // for a request from an allowed Origin.
  void decorate(const HttpRequestIn& request, HttpAnswer& answer) const;

 private:
  // The Access-Control-Allow-Origin value for `origin`, or nothing when it is not allowed.
  std::optional<std::string> allowed_origin(std::string_view origin) const;
};

}  // namespace baton::service
