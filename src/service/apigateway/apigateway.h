#pragma once

// API Gateway's HTTP APIs (the apigatewayv2 API; its signing name is "apigateway"): APIs with
// their routes, integrations and stages, each API kept whole as one record in the store
// (store::Kind::HttpApi), and the serving of requests through them (kServeHttpRequest, from the
// HTTP API port): the route a request takes, the Lambda proxy event, the function's invocation
// through Core::call, the answer made of its response. Internal to apigateway/; it lives on the
// service thread (a function's answer is mapped on the thread that ran it).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "core/random.h"
#include "service/apigateway/route_table.h"
#include "service/core.h"
#include "service/cors.h"
#include "service/proxy_event.h"

namespace baton::service::apigateway {

struct RestApis;

// AWS's: an integration waits 30 s at most for an HTTP API, and that by default.
inline constexpr std::int64_t kDefaultTimeoutMs = 30'000;

struct HttpApi {
  std::string id;
  std::int64_t created_ms = 0;
  // Each as the model's shapes describe it (Api, Route, Integration, Stage), without the
  // members made when answering (ApiEndpoint, ApiId); dates in epoch milliseconds.
  json::Value api;
  std::map<std::string, json::Value> routes;        // by RouteId
  std::map<std::string, json::Value> integrations;  // by IntegrationId
  std::map<std::string, json::Value> stages;        // by StageName
  // For serving, remade when the routes or the CORS configuration change.
  RouteTable table;
  std::optional<Cors> cors;
};

struct ApiGateway final : EmulatedService {
  explicit ApiGateway(Core& c);

  std::string_view name() const override { return "apigatewayv2"; }
  std::string_view title() const override { return "API Gateway API"; }
  const std::vector<Operation>& operations() const override { return table; }
  std::string_view unavailable_error() const override { return "TooManyRequestsException"; }
  Expected<void, Error> recover() override;

  // APIs (apis.cc).
  void create_api(const Request& r, Reply reply);
  void get_api(const Request& r, Reply reply);
  void get_apis(const Request& r, Reply reply);
  void update_api(const Request& r, Reply reply);
  void delete_api(const Request& r, Reply reply);
  void delete_cors_configuration(const Request& r, Reply reply);
  // Routes and integrations (routes.cc, integrations.cc), stages (stages.cc).
  void create_route(const Request& r, Reply reply);
  void get_route(const Request& r, Reply reply);
  void get_routes(const Request& r, Reply reply);
  void update_route(const Request& r, Reply reply);
  void delete_route(const Request& r, Reply reply);
  void create_integration(const Request& r, Reply reply);
  void get_integration(const Request& r, Reply reply);
  void get_integrations(const Request& r, Reply reply);
  void update_integration(const Request& r, Reply reply);
  void delete_integration(const Request& r, Reply reply);
  void create_stage(const Request& r, Reply reply);
  void get_stage(const Request& r, Reply reply);
  void get_stages(const Request& r, Reply reply);
  void update_stage(const Request& r, Reply reply);
  void delete_stage(const Request& r, Reply reply);
  // Requests on the HTTP API port (serve.cc).
  void serve(const Request& r, Reply reply);

  // The API a request names by ApiId. Errors: NotFoundException.
  Result<HttpApi*> requested_api(const Request& r);
  // A new id: 10 lower-case letters and digits for an API, 7 for the rest, as AWS makes them.
  std::string new_id(std::size_t length);
  std::string api_arn(std::string_view id) const;
  // Where clients reach the API: on baton's HTTP API port when it has one.
  std::string api_endpoint(std::string_view id) const;
  json::Value describe_api(const HttpApi& api) const;
  void save(HttpApi& api);  // stages the record and remakes what serving reads
  void rebuild(HttpApi& api);

  // Made by quick create, CreateRoute and SAM: checked, defaulted and kept.
  Result<json::Value> new_route(HttpApi& api, const Request& r);
  Result<json::Value> new_integration(const Request& r);
  Result<json::Value> new_stage(HttpApi& api, const Request& r);

  Core& core;
  const std::vector<Operation> table;
  std::map<std::string, HttpApi> apis;  // by ApiId
  // The REST APIs, which serve on the same port what no HTTP API takes (rest_api.h).
  RestApis* rest_apis = nullptr;
  Random random;
};

Unexpected<Error> not_found(const std::string& message);
Unexpected<Error> bad_request(const std::string& message);
Unexpected<Error> conflict(const std::string& message);
json::Value text(std::string_view s);
std::string string_member(const json::Value& object, std::string_view name);
// `record` with the members of the request `r` set over it, but for those in `skip` (the ids
// of the path).
json::Value merged(const json::Value& record, const Request& r,
                   std::initializer_list<std::string_view> skip);
// `record`'s dates (epoch milliseconds under `members`) as the API answers them.
json::Value with_dates(const json::Value& record, std::initializer_list<std::string_view> members);
// One page of `items` (by key) as {Items, NextToken}, reading MaxResults and NextToken.
Result<json::Value> page(const Request& r, const std::map<std::string, json::Value>& items,
                         const std::function<json::Value(const json::Value&)>& describe);
// The function a Lambda integration's URI names: its ARN, from the ARN itself or from
// arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations. Errors:
// BadRequestException.
Result<std::string> function_of(std::string_view integration_uri);

}  // namespace baton::service::apigateway
