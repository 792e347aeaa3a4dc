#pragma once

// The AWS Lambda API of `baton serve` (rest-json, as `aws lambda --endpoint-url` and the SDKs
// send it): functions created, changed, listed, deleted and invoked. It translates the protocol
// and holds no logic of its own.

#include <map>
#include <string>

#include "net/http_server.h"
#include "service/service.h"

namespace baton::api {

class LambdaApi {
 public:
  explicit LambdaApi(service::Service& service) : service_(service) {}

  // Whether the request is for the Lambda API (its paths: /2015-03-31/functions ...).
  static bool handles(const net::HttpRequest& request);
  void handle(net::HttpRequest&& request, net::Responder respond, const std::string& request_id);

  // An operation and the function its path names.
  struct Route {
    std::string operation;
    std::string function;  // from the path, or ""
    int status = 200;      // on success
  };

 private:
  void invoke(net::HttpRequest&& request, const Route& route,
              const std::map<std::string, std::string>& query, const net::Responder& respond,
              const std::string& request_id);

  service::Service& service_;
};

}  // namespace baton::api
