// Integrations: what a route sends its requests to. baton serves Lambda proxy integrations
// (AWS_PROXY, payload format 1.0 or 2.0) and first-class AWS service integrations (AWS_PROXY
// with an IntegrationSubtype); it refuses the other types rather than keep what it would not
// serve.

#include "service/apigateway/apigateway.h"
#include "service/apigateway/parameter_mapping.h"
#include "service/apigateway/service_integrations.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

std::optional<Error> check_integration(const Value& integration) {
  std::string type = string_member(integration, "IntegrationType");
  if (type != "AWS_PROXY") {
    return Error{"BadRequestException",
                 "baton serves Lambda proxy integrations and AWS service integrations "
                 "(IntegrationType AWS_PROXY) only: IntegrationType " +
                     type + " is not supported"};
  }
  if (const Value* response = integration.find("ResponseParameters"); response != nullptr) {
    if (auto checked = check_response_parameters(*response); !checked) return checked.error();
  }
  if (integration.find("IntegrationSubtype") != nullptr) {
    if (auto checked = check_service_integration(integration); !checked) return checked.error();
    return std::nullopt;
  }
  if (const Value* request = integration.find("RequestParameters"); request != nullptr) {
    if (auto checked = check_request_parameters(*request); !checked) return checked.error();
  }
  std::string uri = string_member(integration, "IntegrationUri");
  if (uri.empty()) {
    return Error{"BadRequestException",
                 "IntegrationUri is required for an AWS_PROXY integration: the Lambda "
                 "function's ARN"};
  }
  if (auto function = function_of(uri); !function) return function.error();
  std::string version = string_member(integration, "PayloadFormatVersion");
  if (version != "1.0" && version != "2.0") {
    return Error{"BadRequestException",
                 "PayloadFormatVersion of a Lambda proxy integration must "
                 "be 1.0 or 2.0, not '" +
                     version + "'"};
  }
  return std::nullopt;
}

Result<const Value*> requested_integration(const HttpApi& api, const Request& r) {
  auto id = r.required("IntegrationId");
  if (!id) return Unexpected<Error>(id.error());
  auto it = api.integrations.find(*id);
  if (it == api.integrations.end()) {
    return not_found("Invalid Integration identifier specified " + *id + " in API " + api.id);
  }
  return &it->second;
}

}  // namespace

Result<Value> ApiGateway::new_integration(const Request& r) {
  Value integration = merged(Value::object({}), r, {"ApiId"});
  integration = json::with_member(integration, "IntegrationId", text(new_id(7)));
  auto set_default = [&integration](std::string_view member, Value v) {
    if (integration.find(member) == nullptr) {
      integration = json::with_member(integration, member, std::move(v));
    }
  };
  set_default("ConnectionType", text("INTERNET"));
  set_default("IntegrationMethod", text("POST"));
  // The API's default (the console's is 2.0; SAM's HttpApi events give 2.0).
  set_default("PayloadFormatVersion", text("1.0"));
  set_default("TimeoutInMillis", Value::integer(kDefaultTimeoutMs));
  if (auto refused = check_integration(integration)) return Unexpected<Error>(*refused);
  return integration;
}

void ApiGateway::create_integration(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto integration = new_integration(r);
  if (!integration) return reply(Unexpected<Error>(integration.error()));
  (*api)->integrations.emplace(string_member(*integration, "IntegrationId"), *integration);
  save(**api);
  core.answer(reply, *integration);
}

void ApiGateway::get_integration(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto integration = requested_integration(**api, r);
  if (!integration) return reply(Unexpected<Error>(integration.error()));
  core.answer(reply, **integration);
}

void ApiGateway::get_integrations(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  core.answer(reply, page(r, (*api)->integrations, [](const Value& v) { return v; }));
}

void ApiGateway::update_integration(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto integration = requested_integration(**api, r);
  if (!integration) return reply(Unexpected<Error>(integration.error()));
  Value updated = merged(**integration, r, {"ApiId", "IntegrationId"});
  if (auto refused = check_integration(updated)) return reply(Unexpected<Error>(*refused));
  (*api)->integrations[string_member(updated, "IntegrationId")] = updated;
  save(**api);
  core.answer(reply, updated);
}

void ApiGateway::delete_integration(const Request& r, Reply reply) {
  auto api = requested_api(r);
  if (!api) return reply(Unexpected<Error>(api.error()));
  auto integration = requested_integration(**api, r);
  if (!integration) return reply(Unexpected<Error>(integration.error()));
  std::string id = string_member(**integration, "IntegrationId");
  for (const auto& [route_id, route] : (*api)->routes) {
    if (string_member(route, "Target") == "integrations/" + id) {
      return reply(conflict("Integration " + id + " is the target of route '" +
                            string_member(route, "RouteKey") + "' (" + route_id +
                            "): delete the route or change its Target first"));
    }
  }
  (*api)->integrations.erase(id);
  save(**api);
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::apigateway
