#include "api/gateway.h"

#include <chrono>
#include <cstdio>

#include "api/auth.h"
#include "api/protocol.h"
#include "core/random.h"
#include "core/time.h"
#include "events/cloudevent.h"
#include "service/service_events.h"

namespace baton::api {

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The APIs baton serves: a service's signing name, its model (models/NAME.json), how it
// words refusals, and whether its answers name the address the request came to (SQS's
// QueueUrl): its requests then carry the Host header as the member kHostMember. A new service
// is one line here.
struct Catalogued {
  std::string_view service;
  std::string_view model;
  ValidationStyle style;
  bool passes_host = false;
};

// No member of an AWS model is named so: the name cannot clash.
constexpr std::string_view kHostMember = "@host";

const std::vector<Catalogued>& catalogue() {
  static const std::vector<Catalogued> kApis = {
      {"states", "stepfunctions", {}},
      // Lambda answers an enum it does not know, and a body it cannot read, in its own words.
      {"lambda",
       "lambda",
       {"ValidationException", "InvalidParameterValueException", "InvalidRequestContentException"}},
      {"sqs",
       "sqs",
       {"InvalidParameterValue", "InvalidParameterValue", "InvalidParameterValue", false},
       true},
      {"s3", "s3", {"InvalidArgument", "InvalidArgument", "MalformedXML"}},
      {"sns", "sns", {"ValidationError", "InvalidParameter", "InvalidParameter"}},
      {"events", "events", {}},
      {"scheduler", "scheduler", {}},
      {"apigatewayv2",
       "apigatewayv2",
       {"BadRequestException", "BadRequestException", "BadRequestException"}},
      {"apigateway",
       "apigateway",
       {"BadRequestException", "BadRequestException", "BadRequestException"}},
  };
  return kApis;
}

bool passes_host(std::string_view service) {
  for (const Catalogued& c : catalogue()) {
    if (c.service == service) return c.passes_host;
  }
  return false;
}

// The request value with the Host it came to, for the services that answer with addresses.
json::Value with_host(json::Value input, std::string_view host) {
  if (!input.is_object()) return input;
  json::ObjectBuilder out;
  for (const json::Member& m : input.members()) out.add(m.name(), m.value);
  out.add(kHostMember, json::Value::string(host));
  return out.build();
}

bool is_form(const net::HttpRequest& request) {
  return request.header("content-type").starts_with("application/x-www-form-urlencoded");
}

// The query protocol's parameters: the query string's, then the form body's.
std::map<std::string, std::string> form_of(const net::HttpRequest& request) {
  std::map<std::string, std::string> form = net::parse_query(request.query());
  if (is_form(request)) {
    for (auto& [key, value] : net::form_pairs(request.body)) form[key] = std::move(value);
  }
  return form;
}

}  // namespace

Result<std::vector<ServedApi>> served_apis(const service::Service& service) {
  std::vector<ServedApi> out;
  for (const Catalogued& c : catalogue()) {
    if (!service.serves(c.service)) continue;
    auto text = embedded_model(c.model);
    if (!text) return fail("InvalidModel", "No model " + std::string(c.model) + " in this build");
    auto overrides = embedded_model(std::string(c.model) + ".overrides");
    auto model = Model::parse(*text, overrides ? *overrides : std::string_view());
    if (!model) return Unexpected<Error>(model.error());
    out.push_back(ServedApi{std::string(c.service), std::move(*model), c.style});
  }
  return out;
}

Gateway::Gateway(service::Service& service, std::vector<ServedApi> apis, GatewayOptions options)
    : service_(service), apis_(std::move(apis)), options_(std::move(options)) {}

std::string Gateway::next_request_id() {
  // Unique per request, in the shape AWS gives its request ids.
  Random r(mix64(requests_.fetch_add(1) ^ static_cast<std::uint64_t>(now_us())));
  return uuid_v4(r);
}

Gateway::Route Gateway::route(const net::HttpRequest& request) const {
  Route route;
  // 1. The JSON protocols name service and operation in X-Amz-Target.
  std::string_view target = request.header("x-amz-target");
  if (!target.empty()) {
    auto dot = target.rfind('.');
    std::string_view prefix = target.substr(0, dot == std::string_view::npos ? 0 : dot);
    for (const ServedApi& api : apis_) {
      if (api.model->target_prefix() != prefix || prefix.empty()) continue;
      route.api = &api;
      route.operation = api.model->operation(target.substr(dot + 1));
      if (route.operation == nullptr) {
        route.unknown = "The operation " + std::string(target.substr(dot + 1)) + " is not one of " +
                        api.model->service_id() + "'s";
      }
      return route;
    }
    route.unknown = "Unknown X-Amz-Target '" + std::string(target) + "'";
    return route;
  }
  // 2. The service the request was signed for; 3. the path.
  auto scope = net::sigv4::scope_of(request);
  std::string scoped = scope ? scope->service : "";
  auto try_api = [&](const ServedApi& api) {
    const Model& model = *api.model;
    if (model.speaks_query() &&
        (is_form(request) || request.query().find("Action=") != std::string_view::npos)) {
      route.form = form_of(request);
      auto action = route.form.find("Action");
      if (action == route.form.end()) return false;
      route.api = &api;
      route.wire = Protocol::Query;
      route.operation = model.operation(action->second);
      if (route.operation == nullptr) {
        route.unknown = "The action " + action->second + " is not valid for this endpoint.";
      }
      return true;
    }
    if (model.protocol() != Protocol::RestJson && model.protocol() != Protocol::RestXml) {
      return false;
    }
    std::map<std::string, std::string> query = net::parse_query(request.query());
    const Operation* op =
        match_rest(model, request.method, request.path(), query, route.labels, &request);
    if (op == nullptr) return false;
    route.api = &api;
    route.wire = model.protocol();
    route.operation = op;
    return true;
  };
  if (!scoped.empty()) {
    // Several APIs may share a signing name (API Gateway's REST and HTTP APIs): the one whose
    // model has an operation at the path takes the request.
    const ServedApi* signed_for = nullptr;
    for (const ServedApi& api : apis_) {
      if (api.model->signing_name() != scoped && api.model->endpoint_prefix() != scoped) continue;
      if (try_api(api)) return route;
      route = Route{};
      if (signed_for == nullptr) signed_for = &api;
    }
    if (signed_for != nullptr) {
      route.api = signed_for;
      route.wire = signed_for->model->protocol();
      route.unknown = "No " + signed_for->model->service_id() + " operation at " + request.method +
                      " " + std::string(request.path());
      return route;
    }
  }
  // An unsigned query request names no service (SNS's SubscribeURL): the API whose model has
  // its action takes it.
  std::optional<Route> unknown_action;
  for (const ServedApi& api : apis_) {
    // S3's templates ("/{Bucket}") would take every path: only a signed request reaches it.
    if (api.model->protocol() == Protocol::RestXml) continue;
    route = Route{};
    if (!try_api(api)) continue;
    if (route.operation == nullptr && route.wire == Protocol::Query) {
      if (!unknown_action) unknown_action = route;
      continue;
    }
    return route;
  }
  if (unknown_action) return *unknown_action;
  route.unknown = "No operation at " + request.method + " " + request.target +
                  " (the JSON APIs take POST / with an X-Amz-Target header)";
  return route;
}

void Gateway::handle(net::HttpRequest&& request, net::Responder respond) {
  std::string_view path = request.path();
  if (request.method == "GET" && (path == "/_baton/health" || path == "/health")) {
    return health(respond);
  }
  if (request.method == "GET" && path == kSnsSigningCertPath) return sns_certificate(respond);
  if (path == "/_baton/clock") return clock(request, respond);
  if (path == "/cloudevents" || path.starts_with("/cloudevents/")) {
    return cloudevents(request, respond);
  }
  std::string id = next_request_id();
  Route found = route(request);
  std::int64_t started = now_us();
  std::string what = found.operation != nullptr ? found.api->service + "." + found.operation->name
                                                : request.method + " " + std::string(path);
  LogLevel level = options_.level;
  auto log = [level, started, what](int status, const std::string& error) {
    if (level == LogLevel::Debug || status >= 500) {
      std::fprintf(stderr, "baton: %s %d %s %.1f ms\n", what.c_str(), status, error.c_str(),
                   static_cast<double>(now_us() - started) / 1000.0);
    }
  };
  // What answers a request no API takes: a model of nothing, in the JSON protocol.
  static const std::shared_ptr<const Model> kNoModel =
      *Model::parse(R"({"metadata":{"protocol":"json"},"operations":{},"shapes":{}})");
  const Model& model = found.api != nullptr ? *found.api->model : *kNoModel;
  Protocol wire = found.api != nullptr ? found.wire : Protocol::Json;
  auto refuse = [&](const Error& error) {
    auto response = encode_error(model, wire, error, id);
    log(response.status, error.name);
    respond(std::move(response));
  };
  // SNS's SubscribeURL and UnsubscribeURL are followed unsigned, as AWS's are.
  bool sns_link =
      found.operation != nullptr && found.api->service == "sns" && request.method == "GET" &&
      (found.operation->name == "ConfirmSubscription" || found.operation->name == "Unsubscribe") &&
      !net::sigv4::scope_of(request);
  if (!sns_link) {
    if (auto refused = authenticate(request, wire)) return refuse(*refused);
  }
  if (found.operation == nullptr) {
    return refuse(Error{wire == Protocol::Query ? "InvalidAction" : "UnknownOperationException",
                        found.unknown});
  }
  const ServedApi& api = *found.api;
  const Operation& op = *found.operation;
  if (!service_.implements(api.service, op.name)) {
    return refuse(Error{
        wire == Protocol::Query ? "InvalidAction" : "UnknownOperationException",
        "The " + api.model->service_id() + " operation " + op.name + " is not supported by baton"});
  }
  Result<json::Value> input = wire == Protocol::Json ? decode_json(op.input, request.body)
                              : wire == Protocol::Query
                                  ? decode_query(op.input, found.form)
                                  : decode_rest(model, op, found.labels, request);
  if (!input) {
    Error e = input.error();
    if (e.name == "SerializationException") e.name = api.style.type_error;
    return refuse(e);
  }
  if (op.input != nullptr) {
    if (auto violated = validate(*op.input, *input, api.style)) return refuse(*violated);
  }
  if (passes_host(api.service)) input = with_host(std::move(*input), request.header("host"));
  auto abandoned = [gone = request.client_gone] { return gone->load(); };
  service_.call(
      api.service, op.name, std::move(*input),
      [respond = std::move(respond), id, log, &api, &op, wire](Result<json::Value> result) {
        if (!result) {
          auto response = encode_error(*api.model, wire, result.error(), id);
          log(response.status, result.error().name);
          return respond(std::move(response));
        }
        // A service that names the request itself (Lambda's Invoke answers with the
        // invocation's id) gives it as a RequestId member its output shape does not have.
        std::string answered_id = id;
        if (const json::Value* own = result->is_object() ? result->find("RequestId") : nullptr;
            own != nullptr && own->is_string() &&
            (op.output == nullptr || op.output->find("RequestId") == nullptr)) {
          answered_id = std::string(own->as_string());
        }
        auto response = encode_output(*api.model, op, wire, *result, answered_id);
        log(response.status, "");
        respond(std::move(response));
      },
      abandoned);
}

std::optional<Error> Gateway::authenticate(net::HttpRequest& request, Protocol wire) const {
  namespace sigv4 = net::sigv4;
  bool presigned = request.query().find("X-Amz-Signature=") != std::string_view::npos;
  std::optional<sigv4::Verified> verified;
  if (options_.credentials) {
    const auto& keys = *options_.credentials;
    auto secret_of = [&keys](std::string_view key) -> std::optional<std::string> {
      auto it = keys.find(std::string(key));
      if (it == keys.end()) return std::nullopt;
      return it->second;
    };
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    auto checked = sigv4::verify(request, secret_of, now_ms, options_.region);
    if (!checked) return signature_error(wire, checked.error(), presigned, options_.region);
    verified = std::move(*checked);
  }
  if (sigv4::is_aws_chunked(request)) {
    auto decoded = sigv4::decode_aws_chunked(request, verified ? &*verified : nullptr);
    if (!decoded) return signature_error(wire, decoded.error(), presigned, options_.region);
    request.body = std::move(decoded->body);
    for (auto& [name, value] : decoded->trailers) request.headers.emplace_back(name, value);
  }
  return std::nullopt;
}

void Gateway::sns_certificate(const net::Responder& respond) {
  auto not_served = [respond] {
    net::HttpResponse missing;
    missing.status = 404;
    missing.header("Content-Type", "text/plain");
    missing.body = "SNS is not served here\n";
    respond(std::move(missing));
  };
  if (!service_.serves("sns")) return not_served();
  service_.call("sns", "SigningCertificate", json::Value::object({}),
                [respond, not_served](Result<json::Value> answer) {
                  const json::Value* pem = answer ? answer->find("Certificate") : nullptr;
                  if (pem == nullptr || !pem->is_string()) return not_served();
                  net::HttpResponse ok;
                  ok.status = 200;
                  ok.header("Content-Type", "application/x-pem-file");
                  ok.body = std::string(pem->as_string());
                  respond(std::move(ok));
                });
}

void Gateway::clock(const net::HttpRequest& request, const net::Responder& respond) {
  net::HttpResponse out;
  out.header("Content-Type", "application/json");
  auto refuse = [&](int status, const std::string& message) {
    out.status = status;
    out.body =
        json::to_string(json::ObjectBuilder().add("message", json::Value::string(message)).build());
    respond(std::move(out));
  };
  if (options_.clock == nullptr) {
    return refuse(404,
                  "baton serve runs on the system's clock: start it with --clock-control "
                  "to move its clock forward");
  }
  if (request.method == "POST") {
    auto body = json::parse(request.body);
    const json::Value* advance = body && body->is_object() ? body->find("advanceSeconds") : nullptr;
    if (advance == nullptr || !advance->is_number() || advance->as_double() < 0) {
      return refuse(400,
                    "the body must be {\"advanceSeconds\": N}, N >= 0: the clock only "
                    "moves forward");
    }
    options_.clock->advance_millis(static_cast<std::int64_t>(advance->as_double() * 1000));
    service_.wake();
  } else if (request.method != "GET") {
    return refuse(405, "GET reads the clock; POST {\"advanceSeconds\": N} moves it forward");
  }
  out.status = 200;
  out.body = json::to_string(
      json::ObjectBuilder()
          .add("now", json::Value::string(format_rfc3339_millis(options_.clock->now())))
          .add("offsetSeconds",
               json::Value::number(static_cast<double>(options_.clock->offset_millis()) / 1000.0))
          .build());
  respond(std::move(out));
}

void Gateway::cloudevents(const net::HttpRequest& request, const net::Responder& respond) {
  auto answer = [respond](int status, const json::Value& body) {
    net::HttpResponse out;
    out.status = status;
    out.header("Content-Type", "application/json");
    out.body = json::to_string(body);
    respond(std::move(out));
  };
  auto message = [](const std::string& text) {
    return json::ObjectBuilder().add("message", json::Value::string(text)).build();
  };
  if (request.method != "POST") return answer(405, message("CloudEvents are POSTed"));
  auto events = events::read_http_cloudevents(request.headers, request.body);
  if (!events) return answer(400, message(events.error().cause));
  json::ObjectBuilder put;
  std::string_view path = request.path();
  if (path.size() > std::string_view("/cloudevents/").size()) {
    put.add("EventBusName", json::Value::string(net::url_decode(
                                path.substr(std::string_view("/cloudevents/").size()))));
  }
  put.add("Events", json::Value::array(std::move(*events)));
  service_.call("events", service::kPutCloudEvents, put.build(),
                [answer, message](Result<json::Value> put_answer) {
                  if (!put_answer) {
                    bool missing = put_answer.error().name == "ResourceNotFoundException";
                    return answer(missing ? 404 : 500, message(put_answer.error().cause));
                  }
                  answer(202, *put_answer);
                });
}

void Gateway::health(const net::Responder& respond) const {
  auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started_)
                    .count();
  std::vector<json::Value> services;
  for (const ServedApi& api : apis_) {
    services.push_back(
        json::ObjectBuilder()
            .add("name", json::Value::string(api.service))
            .add("api", json::Value::string(api.model->service_id()))
            .add("protocol", json::Value::string(protocol_name(api.model->protocol())))
            .add("status", json::Value::string("ok"))
            .build());
  }
  bool degraded = service_.degraded();
  net::HttpResponse ok;
  ok.status = degraded ? 503 : 200;
  ok.header("Content-Type", "application/json");
  ok.body = json::to_string(
      json::ObjectBuilder()
          .add("status", json::Value::string(degraded ? "degraded" : "ok"))
          .add("version", json::Value::string(options_.version))
          .add("uptimeSeconds", json::Value::number(static_cast<double>(uptime) / 1000.0))
          .add("store", json::ObjectBuilder()
                            .add("location", json::Value::string(options_.store))
                            .add("writable", json::Value::boolean(!degraded))
                            .build())
          .add("services", json::Value::array(std::move(services)))
          .build());
  respond(std::move(ok));
}

}  // namespace baton::api
