// Routes: a route key ("GET /pets/{petId}", "$default") and the integration it targets
// ("integrations/ID"). Keys are checked as the route table reads them; one key per API.

#include "service/apigateway/apigateway.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

// The route's key and target checked against the API: a key no other route has, a target that
// names one of the API's integrations.
std::optional<Error> check_route(const HttpApi& api, const Value& route) {
  std::string id = string_member(route, "RouteId");
  std::string key_text = string_member(route, "RouteKey");
  auto key = RouteKey::parse(key_text);
  if (!key) return key.error();
  for (const auto& [other_id, other] : api.routes) {
    if (other_id != id && string_member(other, "RouteKey") == key_text) {
      return Error{"ConflictException", "Route key '" + key_text + "' already exists in API " +
                                            api.id + " (route " + other_id + ")"};
    }
  }
  const Value* target = route.find("Target");
  if (target == nullptr || target->is_null()) return std::nullopt;
  std::string_view t = target->is_string() ? target->as_string() : std::string_view();
  if (!t.starts_with("integrations/") || !api.integrations.contains(std::string(t.substr(13)))) {
    return Error{"BadRequestException", "Target '" + std::string(t) + "' of route '" + key_text +
                                            "' names no integration of API " + api.id +
                                            " (a route's Target is integrations/INTEGRATION_ID)"};
  }
  return std::nullopt;
}

Result<const Value*> requested_route(const HttpApi& api, const Request& r) {
  auto id = r.required("RouteId");
  if (!id) return Unexpected<Error>(id.error());
  auto it = api.routes.find(*id);
  if (it == api.routes.end()) {
    return not_found("Invalid Route identifier specified " + *id + " in API " + api.id);
  }
  return &it->second;
}

}  // namespace

Result<Value> ApiGateway::new_route(HttpApi& api, const Request& r) {
  auto key = r.required("RouteKey");
  if (!key) return Unexpected<Error>(key.error());
  Value route = merged(Value::object({}), r, {"ApiId"});
  route = json::with_member(route, "RouteId", text(new_id(7)));
  if (route.find("ApiKeyRequired") == nullptr) {
    route = json::with_member(route, "ApiKeyRequired", Value::boolean(false));
  }
  if (route.find("AuthorizationType") == nullptr) {
    route = json::with_member(route, "AuthorizationType", text("NONE"));
  }
  if (auto refused = check_route(api, route)) return Unexpected<Error>(*refused);
  return route;
}

void ApiGateway::create_route(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto route = new_route(**api, r);
  if (!route) return reply(Unexpected<Error>(route.error()));
  (*api)->routes.emplace(string_member(*route, "RouteId"), *route);
  save(**api);
  core.answer(reply, *route);
}

void ApiGateway::get_route(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto route = requested_route(**api, r);
  if (!route) return reply(Unexpected<Error>(route.error()));
  core.answer(reply, **route);
}

void ApiGateway::get_routes(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  core.answer(reply, page(r, (*api)->routes, [](const Value& v) { return v; }));
}

void ApiGateway::update_route(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto route = requested_route(**api, r);
  if (!route) return reply(Unexpected<Error>(route.error()));
  Value updated = merged(**route, r, {"ApiId", "RouteId"});
  if (auto refused = check_route(**api, updated)) return reply(Unexpected<Error>(*refused));
  (*api)->routes[string_member(updated, "RouteId")] = updated;
  save(**api);
  core.answer(reply, updated);
}

void ApiGateway::delete_route(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto route = requested_route(**api, r);
  if (!route) return reply(Unexpected<Error>(route.error()));
  (*api)->routes.erase(string_member(**route, "RouteId"));
  save(**api);
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::apigateway
