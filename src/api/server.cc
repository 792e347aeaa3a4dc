#include "api/server.h"

#include <chrono>
#include <cstdio>

#include "api/constraints.h"
#include "api/errors.h"
#include "core/json.h"
#include "core/random.h"

namespace baton::api {

namespace {

constexpr std::string_view kTargetPrefix = "AWSStepFunctions.";

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string Api::next_request_id() {
  // Unique per request, in the shape AWS gives its request ids.
  Random r(mix64(requests_.fetch_add(1) ^ static_cast<std::uint64_t>(now_us())));
  return uuid_v4(r);
}

void Api::handle(net::HttpRequest&& request, net::Responder respond) {
  if (request.method == "GET" && request.path() == "/health") {
    net::HttpResponse ok;
    ok.header("Content-Type", "application/json");
    ok.body = R"({"status":"ok"})";
    return respond(std::move(ok));
  }
  if (request.method == "POST" && !request.header("x-amz-target").empty()) {
    return step_functions(std::move(request), std::move(respond));
  }
  if (LambdaApi::handles(request)) {
    std::string id = next_request_id();
    if (level_ == LogLevel::Debug) {
      std::fprintf(stderr, "baton: Lambda %s %s\n", request.method.c_str(), request.target.c_str());
    }
    return lambda_.handle(std::move(request), std::move(respond), id);
  }
  std::string id = next_request_id();
  respond(json_error(Error{"UnknownOperationException",
                           "No operation at " + request.method + " " + request.target +
                               " (the Step Functions API takes POST / with an X-Amz-Target "
                               "header)"},
                     id));
}

void Api::step_functions(net::HttpRequest&& request, net::Responder respond) {
  std::string id = next_request_id();
  std::string_view target = request.header("x-amz-target");
  std::int64_t started = now_us();
  auto log = [this, started, target = std::string(target)](int status, const std::string& error) {
    if (level_ == LogLevel::Debug || (status >= 500)) {
      std::fprintf(stderr, "baton: %s %d %s %.1f ms\n", target.c_str(), status, error.c_str(),
                   static_cast<double>(now_us() - started) / 1000.0);
    }
  };
  if (!target.starts_with(kTargetPrefix)) {
    auto response = json_error(
        Error{"UnknownOperationException", "Unknown X-Amz-Target '" + std::string(target) + "'"},
        id);
    log(response.status, "UnknownOperationException");
    return respond(std::move(response));
  }
  std::string operation(target.substr(kTargetPrefix.size()));
  json::Value body = json::Value::object({});
  if (!request.body.empty()) {
    auto parsed = json::parse(request.body);
    if (!parsed) {
      auto response = json_error(Error{"SerializationException", "The request body is not JSON: " +
                                                                     parsed.error().describe()},
                                 id);
      log(response.status, "SerializationException");
      return respond(std::move(response));
    }
    body = std::move(*parsed);
  }
  if (service_.implements("states", operation)) {
    if (auto violated = check_constraints(operation, body)) {
      auto response = json_error(*violated, id);
      log(response.status, violated->name);
      return respond(std::move(response));
    }
  }
  auto abandoned = [gone = request.client_gone] { return gone->load(); };
  service_.call(
      "states", operation, std::move(body),
      [respond = std::move(respond), id, log](Result<json::Value> result) {
        if (!result) {
          auto response = json_error(result.error(), id);
          log(response.status, result.error().name);
          return respond(std::move(response));
        }
        net::HttpResponse response;
        response.header("Content-Type", "application/x-amz-json-1.0");
        response.header("x-amzn-RequestId", id);
        response.body = json::to_string(*result);
        log(200, "");
        respond(std::move(response));
      },
      abandoned);
}

}  // namespace baton::api
