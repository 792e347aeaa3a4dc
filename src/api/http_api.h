#pragma once

// The HTTP API port of `baton serve` (--api-port, as `sam local start-api` serves on 3000):
// each request goes, as a plain value, to API Gateway's service (service::kServeHttpRequest),
// which picks the API, the stage and the route and runs the integration; its answer is written
// back as it comes. No AWS protocol: these are the APIs' own clients. A request whose Host names a
// Lambda function URL goes to Lambda (service::kServeFunctionUrl) instead, with what its SigV4
// signature, if any, was found to be (checked only with --auth sigv4).

#include <map>
#include <optional>
#include <string>

#include "api/gateway.h"
#include "net/http_server.h"
#include "service/service.h"

namespace baton::api {

class HttpApiPort {
 public:
  // `credentials`: the keys signatures are checked with (--auth sigv4), or nothing.
  HttpApiPort(service::Service& service, LogLevel level,
              std::optional<std::map<std::string, std::string>> credentials = std::nullopt,
              std::string region = "us-east-1")
      : service_(service),
        level_(level),
        credentials_(std::move(credentials)),
        region_(std::move(region)) {}

  // The net::Handler of the HTTP API listener. Thread-safe.
  void handle(net::HttpRequest&& request, net::Responder respond);

 private:
  service::Service& service_;
  LogLevel level_;
  std::optional<std::map<std::string, std::string>> credentials_;
  std::string region_;
};

}  // namespace baton::api
