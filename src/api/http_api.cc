#include "api/http_api.h"

#include <chrono>
#include <cstdio>

#include "net/sigv4.h"
#include "service/function_url.h"
#include "service/http_api_request.h"

namespace baton::api {

namespace {

using json::Value;

// What a function URL is told of the request's signature (service/http_api_request.h).
std::string signature_of(const net::HttpRequest& request,
                         const std::optional<std::map<std::string, std::string>>& credentials,
                         const std::string& region, std::string& access_key) {
  if (!credentials) return "Off";
  if (!net::sigv4::scope_of(request)) return "None";
  auto secret_of = [&credentials](std::string_view key) -> std::optional<std::string> {
    auto it = credentials->find(std::string(key));
    if (it == credentials->end()) return std::nullopt;
    return it->second;
  };
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  auto verified = net::sigv4::verify(request, secret_of, now_ms, region);
  if (!verified || verified->scope.service != "lambda") return "Invalid";
  access_key = verified->scope.access_key;
  return "Valid";
}

Value request_value(net::HttpRequest&& request) {
  std::vector<Value> headers;
  headers.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) {
    headers.push_back(Value::array({Value::string(name), Value::string(value)}));
  }
  return json::ObjectBuilder()
      .add("Method", Value::string(request.method))
      .add("Path", Value::string(request.path()))
      .add("Query", Value::string(request.query()))
      .add("Headers", Value::array(std::move(headers)))
      .add("Body", Value::string(request.body))
      .add("SourceIp", Value::string(request.remote_address))
      .add("Protocol", Value::string("HTTP/1.1"))
      .build();
}

net::HttpResponse response_of(const Value& answer) {
  net::HttpResponse out;
  const Value* status = answer.find("StatusCode");
  out.status = status != nullptr && status->is_int64() ? static_cast<int>(status->as_int64()) : 500;
  if (const Value* headers = answer.find("Headers"); headers != nullptr && headers->is_array()) {
    for (const Value& pair : headers->as_array()) {
      if (!pair.is_array() || pair.size() != 2) continue;
      out.header(std::string(pair.as_array()[0].as_string()),
                 std::string(pair.as_array()[1].as_string()));
    }
  }
  if (const Value* body = answer.find("Body"); body != nullptr && body->is_string()) {
    out.body = std::string(body->as_string());
  }
  return out;
}

}  // namespace

void HttpApiPort::handle(net::HttpRequest&& request, net::Responder respond) {
  auto started = std::chrono::steady_clock::now();
  std::string what = request.method + " " + request.target;
  LogLevel level = level_;
  // A function URL's Host sends the request to Lambda; any other, to API Gateway.
  bool function_url = service::function_url_id_of_host(request.header("host")).has_value();
  std::string access_key;
  std::string signature =
      function_url ? signature_of(request, credentials_, region_, access_key) : "";
  Value value = request_value(std::move(request));
  if (function_url) {
    value = json::with_member(value, "Signature", Value::string(signature));
    if (!access_key.empty())
      value = json::with_member(value, "AccessKey", Value::string(access_key));
  }
  service_.call(
      function_url ? "lambda" : service::kServingService,
      function_url ? service::kServeFunctionUrl : service::kServeHttpRequest, std::move(value),
      [respond = std::move(respond), what, started, level](Result<Value> answer) {
        net::HttpResponse response;
        if (answer) {
          response = response_of(*answer);
        } else {
          // baton's failure (it is stopping), not the API's.
          response.status = 500;
          response.header("Content-Type", "application/json");
          response.body = R"({"message":"Internal Server Error"})";
          std::fprintf(stderr, "baton: HTTP API %s: %s\n", what.c_str(),
                       answer.error().cause.c_str());
        }
        if (level == LogLevel::Debug) {
          auto ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
          std::fprintf(stderr, "baton: HTTP API %s %d %.1f ms\n", what.c_str(), response.status,
                       ms);
        }
        respond(std::move(response));
      });
}

}  // namespace baton::api
