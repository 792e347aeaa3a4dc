#pragma once

// The HTTP front of `baton serve`: requests in, Service calls, responses out. It translates
// protocols and holds no logic of its own.
//   POST /  X-Amz-Target: AWSStepFunctions.<Operation>   the Step Functions API (awsJson1_0)
//   GET  /health                                          is the service up
// The Host header is ignored, so the SDKs' "sync-" host prefix does no harm.

#include <atomic>
#include <string>

#include "api/lambda_api.h"
#include "net/http_server.h"
#include "service/service.h"

namespace baton::api {

enum class LogLevel { Debug, Info, Error };

class Api {
 public:
  Api(service::Service& service, LogLevel level)
      : service_(service), lambda_(service), level_(level) {}

  // The net::Handler of the server. Thread-safe.
  void handle(net::HttpRequest&& request, net::Responder respond);

 private:
  void step_functions(net::HttpRequest&& request, net::Responder respond);
  std::string next_request_id();

  service::Service& service_;
  LambdaApi lambda_;
  LogLevel level_;
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace baton::api
