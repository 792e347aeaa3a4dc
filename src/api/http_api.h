#pragma once

// The HTTP API port of `baton serve` (--api-port, as `sam local start-api` serves on 3000):
// each request goes, as a plain value, to API Gateway's service (service::kServeHttpRequest),
// which picks the API, the stage and the route and runs the integration; its answer is written
// back as it comes. No signature, no AWS protocol: these are the APIs' own clients.

#include "api/gateway.h"
#include "net/http_server.h"
#include "service/service.h"

namespace baton::api {

class HttpApiPort {
 public:
  HttpApiPort(service::Service& service, LogLevel level) : service_(service), level_(level) {}

  // The net::Handler of the HTTP API listener. Thread-safe.
  void handle(net::HttpRequest&& request, net::Responder respond);

 private:
  service::Service& service_;
  LogLevel level_;
};

}  // namespace baton::api
