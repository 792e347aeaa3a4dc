#pragma once

// API Gateway's REST APIs (the apigateway API, version 2015-07-09): APIs with their tree of
// resources, each resource's methods with their integrations and responses, deployments (a
// snapshot of the resources) and stages (a name for a deployment, with variables), each API kept
// whole as one record in the store (store::Kind::RestApi); and the serving of requests through a
// stage's deployment (rest_serve.cc): Lambda proxy integrations with payload format 1.0, Lambda
// and AWS service integrations with mapping templates, and mock integrations. Internal to
// apigateway/; it lives on the service thread.

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
#include "service/proxy_event.h"

namespace baton::service::apigateway {

// A set of resources as a deployment snapshots them (or the API holds them now), by resource id,
// with the table that routes requests to their methods.
struct ResourceTree {
  std::map<std::string, json::Value> resources;  // Resource shapes, with resourceMethods
  RouteTable table;                              // route ids: "RESOURCE_ID METHOD"
  void rebuild();
};

struct RestApi {
  std::string id;
  std::int64_t created_ms = 0;
  json::Value api;  // the RestApi shape, createdDate in epoch milliseconds
  ResourceTree current;
  std::map<std::string, json::Value> deployments;  // by id; each with its "resources" snapshot
  std::map<std::string, ResourceTree> deployed;    // by deployment id, for serving
  std::map<std::string, json::Value> stages;       // by stageName
  std::string root_id() const;
};

struct RestApis final : EmulatedService {
  explicit RestApis(Core& c);

  std::string_view name() const override { return "apigateway"; }
  std::string_view title() const override { return "API Gateway API"; }
  const std::vector<Operation>& operations() const override { return table; }
  std::string_view unavailable_error() const override { return "TooManyRequestsException"; }
  Expected<void, Error> recover() override;

  // APIs (rest_apis.cc).
  void create_rest_api(const Request& r, Reply reply);
  void import_rest_api(const Request& r, Reply reply);
  void put_rest_api(const Request& r, Reply reply);
  void get_rest_api(const Request& r, Reply reply);
  void get_rest_apis(const Request& r, Reply reply);
  void update_rest_api(const Request& r, Reply reply);
  void delete_rest_api(const Request& r, Reply reply);
  // Resources, methods, integrations and their responses (rest_resources.cc, rest_methods.cc).
  void get_resources(const Request& r, Reply reply);
  void get_resource(const Request& r, Reply reply);
  void create_resource(const Request& r, Reply reply);
  void update_resource(const Request& r, Reply reply);
  void delete_resource(const Request& r, Reply reply);
  void put_method(const Request& r, Reply reply);
  void get_method(const Request& r, Reply reply);
  void update_method(const Request& r, Reply reply);
  void delete_method(const Request& r, Reply reply);
  void put_method_response(const Request& r, Reply reply);
  void get_method_response(const Request& r, Reply reply);
  void delete_method_response(const Request& r, Reply reply);
  void put_integration(const Request& r, Reply reply);
  void get_integration(const Request& r, Reply reply);
  void update_integration(const Request& r, Reply reply);
  void delete_integration(const Request& r, Reply reply);
  void put_integration_response(const Request& r, Reply reply);
  void get_integration_response(const Request& r, Reply reply);
  void delete_integration_response(const Request& r, Reply reply);
  // Deployments and stages (rest_stages.cc).
  void create_deployment(const Request& r, Reply reply);
  void get_deployment(const Request& r, Reply reply);
  void get_deployments(const Request& r, Reply reply);
  void delete_deployment(const Request& r, Reply reply);
  void create_stage(const Request& r, Reply reply);
  void get_stage(const Request& r, Reply reply);
  void get_stages(const Request& r, Reply reply);
  void update_stage(const Request& r, Reply reply);
  void delete_stage(const Request& r, Reply reply);
  // A request of the HTTP API port, or of TestInvokeMethod (rest_serve.cc).
  void test_invoke_method(const Request& r, Reply reply);

  // Whether `api_id` names a REST API.
  bool has(std::string_view api_id) const { return apis.contains(std::string(api_id)); }
  // Serves a request the HTTP APIs did not take: `api_id` names the API (from the Host) or is
  // empty (any API may take it). Answers as the HTTP API port's kServeHttpRequest.
  void serve(HttpRequestIn in, const std::string& api_id, const std::string& domain,
             const std::string& request_id, Reply reply);

  Result<RestApi*> requested_api(const Request& r);
  // A new API with its root resource, of CreateRestApi's members in `r`; not kept yet.
  RestApi new_api(const Request& r);
  // Stores a new API, keeps it and answers its description.
  void keep(RestApi api, const Reply& reply);
  std::string new_id(std::size_t length);
  std::string api_arn(std::string_view id) const;
  json::Value describe_api(const RestApi& api) const;
  void save(RestApi& api);
  // The API's resources made from an OpenAPI 2.0 or 3.0 document (JSON); `merge` keeps the
  // resources and methods the document does not name. Errors: BadRequestException.
  Expected<void, Error> import_openapi(RestApi& api, std::string_view document, bool merge);

  Core& core;
  const std::vector<Operation> table;
  std::map<std::string, RestApi> apis;  // by id
  Random random;
};

// The resource a request names by resourceId. Errors: NotFoundException.
Result<json::Value*> requested_resource(RestApi& api, const Request& r);
// A resource's child with the path `path`: its full path from its parent's and its part.
std::string child_path(std::string_view parent_path, std::string_view part);
// A record with `patchOperations` applied: op add/replace/remove on /a/b paths (~1 for '/',
// ~0 for '~'). Errors: BadRequestException naming the operation.
Result<json::Value> patched(const json::Value& record, const Request& r);
// The position and limit of a page (the `position` and `limit` query parameters; 25 by
// default), and that page of `all` as {position?, items}.
Result<std::pair<std::size_t, std::size_t>> position_and_limit(const Request& r);
json::Value items_page(std::vector<json::Value> all, std::size_t from, std::size_t limit);
// A deployment's snapshot of resources, with its routes.
ResourceTree tree_of(const json::Value& deployment);

}  // namespace baton::service::apigateway
