// HTTP APIs: CreateApi (with quick create: Target and RouteKey make an integration, a route and
// an automatically deployed $default stage), GetApi(s), UpdateApi, DeleteApi, and the API's
// CORS configuration.

#include "service/apigateway/apigateway.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

constexpr std::string_view kRouteSelection = "$request.method $request.path";

Value without(const Value& record, std::string_view name) {
  json::ObjectBuilder out;
  for (const json::Member& m : record.members()) {
    if (m.name() != name) out.add(m.name(), m.value);
  }
  return out.build();
}

// What HTTP APIs take of the members only WebSocket APIs or REST APIs use.
std::optional<Error> check_api(const Request& r) {
  if (const Value* e = r.field("RouteSelectionExpression");
      e != nullptr && e->is_string() && e->as_string() != kRouteSelection &&
      e->as_string() != "${request.method} ${request.path}") {
    return Error{"BadRequestException", "RouteSelectionExpression of an HTTP API must be '" +
                                            std::string(kRouteSelection) + "', not '" +
                                            std::string(e->as_string()) + "'"};
  }
  return std::nullopt;
}

}  // namespace

Value ApiGateway::describe_api(const HttpApi& api) const {
  Value out = with_dates(api.api, {"CreatedDate"});
  out = json::with_member(out, "ApiEndpoint", text(api_endpoint(api.id)));
  return json::with_member(out, "ApiId", text(api.id));
}

void ApiGateway::create_api(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto protocol = r.required("ProtocolType");
  if (!protocol) return reply(Unexpected<Error>(protocol.error()));
  if (*protocol != "HTTP") {
    return reply(bad_request("baton serves HTTP APIs only: ProtocolType " + *protocol +
                             " is not supported"));
  }
  if (auto refused = check_api(r)) return reply(Unexpected<Error>(*refused));
  auto target = r.string("Target");
  if (!target) return reply(Unexpected<Error>(target.error()));
  auto route_key = r.string("RouteKey");
  if (!route_key) return reply(Unexpected<Error>(route_key.error()));
  if (*route_key && !*target) {
    return reply(
        bad_request("RouteKey is part of quick create: it needs Target, the Lambda "
                    "function the route integrates"));
  }
  HttpApi api;
  api.id = new_id(10);
  api.created_ms = core.now_ms();
  Value record = merged(Value::object({}), r, {"Target", "RouteKey", "CredentialsArn"});
  auto set_default = [&record](std::string_view member, Value v) {
    if (record.find(member) == nullptr) record = json::with_member(record, member, std::move(v));
  };
  set_default("RouteSelectionExpression", text(kRouteSelection));
  set_default("ApiKeySelectionExpression", text("$request.header.x-api-key"));
  set_default("DisableExecuteApiEndpoint", Value::boolean(false));
  set_default("Tags", Value::object({}));
  record = json::with_member(record, "CreatedDate", Value::integer(api.created_ms));
  api.api = record;
  if (*target) {
    auto function = function_of(**target);
    if (!function) {
      return reply(bad_request("Target " + **target +
                               ": baton's quick create takes a Lambda function's ARN"));
    }
    auto key = RouteKey::parse(route_key->value_or("$default"));
    if (!key) return reply(Unexpected<Error>(key.error()));
    std::string integration_id = new_id(7);
    std::string route_id = new_id(7);
    api.integrations.emplace(integration_id,
                             json::ObjectBuilder()
                                 .add("ApiGatewayManaged", Value::boolean(true))
                                 .add("ConnectionType", text("INTERNET"))
                                 .add("IntegrationId", text(integration_id))
                                 .add("IntegrationMethod", text("POST"))
                                 .add("IntegrationType", text("AWS_PROXY"))
                                 .add("IntegrationUri", text(**target))
                                 .add("PayloadFormatVersion", text("2.0"))
                                 .add("TimeoutInMillis", Value::integer(kDefaultTimeoutMs))
                                 .build());
    api.routes.emplace(route_id, json::ObjectBuilder()
                                     .add("ApiGatewayManaged", Value::boolean(true))
                                     .add("ApiKeyRequired", Value::boolean(false))
                                     .add("AuthorizationType", text("NONE"))
                                     .add("RouteId", text(route_id))
                                     .add("RouteKey", text(key->text))
                                     .add("Target", text("integrations/" + integration_id))
                                     .build());
    api.stages.emplace("$default", json::ObjectBuilder()
                                       .add("ApiGatewayManaged", Value::boolean(true))
                                       .add("AutoDeploy", Value::boolean(true))
                                       .add("CreatedDate", Value::integer(api.created_ms))
                                       .add("DefaultRouteSettings", Value::object({}))
                                       .add("LastUpdatedDate", Value::integer(api.created_ms))
                                       .add("RouteSettings", Value::object({}))
                                       .add("StageName", text("$default"))
                                       .add("StageVariables", Value::object({}))
                                       .add("Tags", Value::object({}))
                                       .build());
  }
  save(api);
  Value out = describe_api(api);
  apis.emplace(api.id, std::move(api));
  core.answer(reply, std::move(out));
}

void ApiGateway::get_api(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  core.answer(reply, describe_api(**api));
}

void ApiGateway::get_apis(const Request& r, Reply reply) {
  std::map<std::string, Value> listed;
  for (const auto& [id, api] : apis) listed.emplace(id, describe_api(api));
  auto answer = page(r, listed, [](const Value& v) { return v; });
  core.answer(reply, std::move(answer));
}

void ApiGateway::update_api(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  if (auto refused = check_api(r)) return reply(Unexpected<Error>(*refused));
  if (r.field("Target") != nullptr || r.field("RouteKey") != nullptr) {
    return reply(
        bad_request("baton does not change a quick-created API's Target or RouteKey "
                    "through UpdateApi: update its integration or its route instead"));
  }
  (*api)->api = merged((*api)->api, r, {"ApiId", "CredentialsArn"});
  save(**api);
  core.answer(reply, describe_api(**api));
}

void ApiGateway::delete_api(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  core.stage(store::ops::DeleteResource{store::Kind::HttpApi, api_arn((*api)->id)});
  apis.erase((*api)->id);
  core.answer(reply, Value::object({}));
}

void ApiGateway::delete_cors_configuration(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  (*api)->api = without((*api)->api, "CorsConfiguration");
  save(**api);
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::apigateway
