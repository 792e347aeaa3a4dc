// Requests to REST APIs on the HTTP API port (those no HTTP API route took), and
// TestInvokeMethod: the API and stage a request is for, the resource and method it takes, and the
// method's integration (rest_integrations.cc for the ones with mapping templates).
//
// Which stage: a first path segment naming one of the API's stages selects that stage's
// deployment (the segment is not part of the resource path), as AWS's URLs
// (https://ID.execute-api.REGION.amazonaws.com/STAGE/path) have it. A request to the API's own
// host (ID.execute-api.*) must name a stage, as on AWS; one to any other host (127.0.0.1,
// localhost) without a stage reaches the API's current resources, deployed or not, as
// `sam local start-api` serves a template.

#include "core/text.h"
#include "service/apigateway/apigateway.h"
#include "service/apigateway/rest_api.h"
#include "service/apigateway/rest_integration.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

struct Match {
  RestApi* api = nullptr;
  const ResourceTree* tree = nullptr;
  std::string stage;
  std::string path;  // without the stage
  RouteTable::Found found;
};

}  // namespace

void RestApis::serve(HttpRequestIn in, const std::string& api_id, const std::string& domain,
                     const std::string& request_id, Reply reply) {
  std::vector<RestApi*> candidates;
  if (!api_id.empty()) {
    if (auto it = apis.find(api_id); it != apis.end()) candidates.push_back(&it->second);
  } else {
    for (auto& [id, api] : apis) candidates.push_back(&api);
    std::stable_sort(candidates.begin(), candidates.end(), [](const RestApi* a, const RestApi* b) {
      return a->created_ms < b->created_ms;
    });
  }
  std::optional<Match> best;
  for (RestApi* api : candidates) {
    std::string_view path = in.raw_path;
    std::size_t slash = path.find('/', 1);
    std::string first(path.substr(1, slash == std::string_view::npos ? path.npos : slash - 1));
    Match m;
    m.api = api;
    if (auto stage = api->stages.find(first); !first.empty() && stage != api->stages.end()) {
      auto tree = api->deployed.find(string_member(stage->second, "deploymentId"));
      if (tree == api->deployed.end()) continue;
      m.tree = &tree->second;
      m.stage = first;
      m.path = slash == std::string_view::npos ? "/" : std::string(path.substr(slash));
    } else if (api_id.empty()) {
      m.tree = &api->current;
      m.stage = api->stages.empty() ? "$default" : api->stages.begin()->first;
      m.path = std::string(path);
    } else {
      continue;
    }
    auto found = m.tree->table.find(in.method, m.path);
    if (!found) continue;
    if (!best || compare_specificity(found->entry->key, best->found.entry->key) < 0) {
      m.found = std::move(*found);
      best = std::move(m);
    }
  }
  // AWS adds the request's id to a REST API's answers.
  auto respond = [reply = std::move(reply), request_id](HttpAnswer a) {
    a.headers.emplace_back("x-amzn-RequestId", request_id);
    reply(http_answer_value(a));
  };
  if (!best) {
    // AWS's answer to a path or method an API does not have, or a stage it does not have.
    if (!api_id.empty() && candidates.empty()) return respond(message_answer(404, "Not Found"));
    return respond(message_answer(403, "Missing Authentication Token"));
  }
  const RestApi& api = *best->api;
  const std::string& route_id = best->found.entry->route_id;
  std::string resource_id = route_id.substr(0, route_id.find(' '));
  std::string method = route_id.substr(route_id.find(' ') + 1);
  const Value& resource = best->tree->resources.at(resource_id);

  MethodCall call;
  call.method = *resource.find("resourceMethods")->find(method);
  call.binary_media_types = api.api.find("binaryMediaTypes") != nullptr
                                ? *api.api.find("binaryMediaTypes")
                                : Value::array({});
  ProxyContext& context = call.context;
  context.account_id = core.options.partition.account;
  context.api_id = api.id;
  context.domain_name = domain;
  context.stage = best->stage;
  context.path = best->path;
  context.route_key = resource_id;
  context.route_path = string_member(resource, "path");
  context.request_id = request_id;
  context.time_ms = core.now_ms();
  context.path_parameters = std::move(best->found.path_parameters);
  if (auto stage = api.stages.find(best->stage); stage != api.stages.end()) {
    if (const Value* variables = stage->second.find("variables"))
      context.stage_variables = *variables;
  }
  call.request = std::move(in);
  call_method(core, std::move(call), std::move(respond));
}

void RestApis::test_invoke_method(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto resource = requested_resource(**api, r);
  if (!resource) return reply(Unexpected<Error>(resource.error()));
  std::string method = string_member(r.body(), "httpMethod");
  const Value* methods = (*resource)->find("resourceMethods");
  const Value* chosen = methods != nullptr ? methods->find(method) : nullptr;
  if (chosen == nullptr) return reply(not_found("Invalid Method identifier specified"));

  MethodCall call;
  call.method = *chosen;
  call.binary_media_types = Value::array({});
  std::string target = string_member(r.body(), "pathWithQueryString");
  if (target.empty()) target = string_member(**resource, "path");
  auto question = target.find('?');
  call.request.method = method == "ANY" ? "GET" : method;
  call.request.raw_path = target.substr(0, question);
  call.request.raw_query = question == std::string::npos ? "" : target.substr(question + 1);
  call.request.body = string_member(r.body(), "body");
  if (const Value* headers = r.field("headers"); headers != nullptr && headers->is_object()) {
    for (const json::Member& h : headers->members()) {
      call.request.headers.emplace_back(ascii_lower(h.name()), string_member(*headers, h.name()));
    }
  }
  ProxyContext& context = call.context;
  context.account_id = core.options.partition.account;
  context.api_id = (*api)->id;
  context.domain_name = "testPrefix.testDomainName";
  context.stage = "test-invoke-stage";
  context.path = call.request.raw_path;
  context.route_key = string_member(**resource, "id");
  context.route_path = string_member(**resource, "path");
  context.request_id = new_id(8) + "-test-invoke-request";
  context.time_ms = core.now_ms();
  if (auto parsed = RouteKey::parse("ANY " + context.route_path)) {
    if (auto parameters = parsed->match("ANY", call.request.raw_path)) {
      context.path_parameters = std::move(*parameters);
    }
  }
  if (const Value* variables = r.field("stageVariables")) context.stage_variables = *variables;
  std::int64_t started = core.now_ms();
  Core* c = &core;
  call_method(core, std::move(call), [reply = std::move(reply), started, c](const HttpAnswer& a) {
    std::map<std::string, std::vector<Value>> grouped;
    for (const auto& [name, value] : a.headers) grouped[name].push_back(text(value));
    json::ObjectBuilder headers;
    json::ObjectBuilder multi;
    for (auto& [name, values] : grouped) {
      headers.add(name, values.back());
      multi.add(name, Value::array(std::move(values)));
    }
    reply(json::ObjectBuilder()
              .add("status", Value::integer(a.status))
              .add("body", text(a.body))
              .add("headers", headers.build())
              .add("multiValueHeaders", multi.build())
              .add("log", text(""))
              .add("latency", Value::integer(c->now_ms() - started))
              .build());
  });
}

}  // namespace baton::service::apigateway
