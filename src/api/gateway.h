#pragma once

// The front of `baton serve`: every emulated AWS service on one port. A request is routed to
// its service as AWS's own front ends route it (the X-Amz-Target prefix of the JSON protocols,
// the service named in the SigV4 credential scope, then the REST path), read by its protocol
// into a plain request value, checked against the service's model, and handed to the service;
// the answer is written back in the protocol the request came in. The services never see
// HTTP.
//   GET /_baton/health   version, uptime, store and services, as JSON
//   GET /_baton/sns/SimpleNotificationService.pem   SNS's signing certificate (SigningCertURL)

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/model.h"
#include "api/validate.h"
#include "net/http_server.h"
#include "service/service.h"

namespace baton::api {

enum class LogLevel { Debug, Info, Error };

// Where SNS's SigningCertURL points on baton's endpoint (service/sns/ hands out the URL).
inline constexpr std::string_view kSnsSigningCertPath = "/_baton/sns/SimpleNotificationService.pem";

// One AWS API the gateway serves: the service's name in the call interface (its SigV4 signing
// name), the model it speaks, and how it words a refused request.
struct ServedApi {
  std::string service;  // "states"
  std::shared_ptr<const Model> model;
  ValidationStyle style;
};

// The APIs baton's models describe (models/*.json, embedded), for the services `service`
// has registered. Errors: a model that does not parse (a build defect).
Result<std::vector<ServedApi>> served_apis(const service::Service& service);

struct GatewayOptions {
  LogLevel level = LogLevel::Info;
  std::string version;
  std::string store;  // what the health check says of the store ("sqlite:/path")
  // With keys (access key id -> secret), every request but the health check must carry a
  // SigV4 signature by one of them, for `region`; without, requests are taken signed or not.
  std::optional<std::map<std::string, std::string>> credentials;
  std::string region = "us-east-1";
  // With --clock-control: the clock GET and POST /_baton/clock read and move forward.
  ShiftedClock* clock = nullptr;
};

class Gateway {
 public:
  Gateway(service::Service& service, std::vector<ServedApi> apis, GatewayOptions options);

  // The net::Handler of the server. Thread-safe.
  void handle(net::HttpRequest&& request, net::Responder respond);

  // The API a request is for, and its operation; nullptr when no API takes it.
  struct Route {
    const ServedApi* api = nullptr;
    const Operation* operation = nullptr;
    Protocol wire = Protocol::Json;
    std::string unknown;  // why no operation was found, for the error
    std::vector<std::pair<std::string, std::string>> labels;
    std::map<std::string, std::string> form;  // the query protocol's parameters
  };
  Route route(const net::HttpRequest& request) const;

 private:
  void health(const net::Responder& respond) const;
  // GET /_baton/clock: {"now", "offsetSeconds"}; POST with {"advanceSeconds": N} moves it N
  // seconds forward first. 404 when baton serve runs on the system's clock alone.
  void clock(const net::HttpRequest& request, const net::Responder& respond);
  // POST /cloudevents[/BUS]: CloudEvents in any of the HTTP binding's content modes, put on the
  // bus (the default one without a name). 202 with {"EventIds"}; 400 with {"message"} for what
  // is not a valid CloudEvent, 404 for a bus that is not there.
  void cloudevents(const net::HttpRequest& request, const net::Responder& respond);
  // GET kSnsSigningCertPath: the certificate SNS's message signatures verify with.
  void sns_certificate(const net::Responder& respond);
  // Checks the signature (with --auth sigv4) and decodes an aws-chunked body in place. The
  // error to answer with, when the request is refused.
  std::optional<Error> authenticate(net::HttpRequest& request, Protocol wire) const;
  std::string next_request_id();

  service::Service& service_;
  std::vector<ServedApi> apis_;
  GatewayOptions options_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace baton::api
