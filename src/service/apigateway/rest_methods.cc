// A REST API resource's methods, each with its method responses, its integration and the
// integration's responses: kept inside the resource record (resourceMethods), as GetResources
// with embed=methods shows them.

#include "service/apigateway/apigateway.h"
#include "service/apigateway/rest_api.h"
#include "service/apigateway/rest_mapping.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

constexpr std::string_view kMethods[] = {"GET",    "POST", "PUT",     "PATCH",
                                         "DELETE", "HEAD", "OPTIONS", "ANY"};

// The method a request names, in its resource. Errors: NotFoundException.
struct Located {
  RestApi* api = nullptr;
  Value* resource = nullptr;
  std::string method;
  const Value* value = nullptr;  // null when the resource has no such method
};

Result<Located> locate(RestApis& service, const Request& r) {
  auto api = service.requested_api(r);
  if (!api) return Unexpected<Error>(api.error());
  auto resource = requested_resource(**api, r);
  if (!resource) return Unexpected<Error>(resource.error());
  auto method = r.required("httpMethod");
  if (!method) return Unexpected<Error>(method.error());
  Located at{*api, *resource, *method, nullptr};
  if (const Value* methods = (*resource)->find("resourceMethods"))
    at.value = methods->find(*method);
  return at;
}

Result<Located> existing(RestApis& service, const Request& r) {
  auto at = locate(service, r);
  if (!at) return at;
  if (at->value == nullptr) return not_found("Invalid Method identifier specified");
  return at;
}

// `record` with `member` (an object of objects by key) given `key` -> value, or without it.
Value with_keyed(const Value& record, std::string_view member, const std::string& key,
                 std::optional<Value> value) {
  const Value* map = record.find(member);
  json::ObjectBuilder out;
  if (map != nullptr && map->is_object()) {
    for (const json::Member& m : map->members()) {
      if (m.name() != key) out.add(m.name(), m.value);
    }
  }
  if (value) out.add(key, *value);
  return json::with_member(record, member, out.build());
}

Result<const Value*> integration_of(const Located& at) {
  const Value* integration = at.value->find("methodIntegration");
  if (integration == nullptr) return not_found("Invalid Integration identifier specified");
  return integration;
}

void set_method(Value& resource, const std::string& method, std::optional<Value> value) {
  resource = with_keyed(resource, "resourceMethods", method, std::move(value));
}

std::optional<Error> check_integration(const Value& integration) {
  std::string type = string_member(integration, "type");
  static constexpr std::string_view kTypes[] = {"HTTP", "AWS", "MOCK", "HTTP_PROXY", "AWS_PROXY"};
  if (std::find(std::begin(kTypes), std::end(kTypes), type) == std::end(kTypes)) {
    return Error{"BadRequestException", "Invalid integration type specified: '" + type +
                                            "' (one of HTTP, AWS, MOCK, HTTP_PROXY, AWS_PROXY)"};
  }
  if (auto bad = check_templates(integration.find("requestTemplates"), "requestTemplates")) {
    return bad;
  }
  if (type == "MOCK") return std::nullopt;
  if (string_member(integration, "httpMethod").empty()) {
    return Error{"BadRequestException", "Enumeration value for HttpMethod must be non-empty"};
  }
  std::string uri = string_member(integration, "uri");
  if (uri.empty()) {
    return Error{"BadRequestException", "Invalid HTTP endpoint specified for URI"};
  }
  if ((type == "AWS" || type == "AWS_PROXY") && !uri.starts_with("arn:aws:apigateway:")) {
    return Error{"BadRequestException",
                 "AWS ARN for integration must contain path or action (uri '" + uri + "')"};
  }
  if (type == "AWS_PROXY") {
    if (auto function = function_of(uri); !function) return function.error();
  }
  return std::nullopt;
}

}  // namespace

void RestApis::put_method(const Request& r, Reply reply) {
  auto at = locate(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  if (std::find(std::begin(kMethods), std::end(kMethods), at->method) == std::end(kMethods)) {
    return reply(
        bad_request("Invalid HttpMethod specified. Valid options are GET,PUT,POST,"
                    "DELETE,PATCH,OPTIONS,HEAD,ANY (httpMethod '" +
                    at->method + "')"));
  }
  if (at->value != nullptr) return reply(conflict("Method already exists for this resource"));
  auto authorization = r.required("authorizationType");
  if (!authorization) return reply(Unexpected<Error>(authorization.error()));
  Value method = merged(Value::object({}), r, {"restApiId", "resourceId"});
  if (method.find("apiKeyRequired") == nullptr) {
    method = json::with_member(method, "apiKeyRequired", Value::boolean(false));
  }
  set_method(*at->resource, at->method, method);
  save(*at->api);
  core.answer(reply, method);
}

void RestApis::get_method(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  core.answer(reply, *at->value);
}

void RestApis::update_method(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  auto updated = patched(*at->value, r);
  if (!updated) return reply(Unexpected<Error>(updated.error()));
  set_method(*at->resource, at->method, *updated);
  save(*at->api);
  core.answer(reply, *updated);
}

void RestApis::delete_method(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  set_method(*at->resource, at->method, std::nullopt);
  save(*at->api);
  core.answer(reply, Value::object({}));
}

void RestApis::put_method_response(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  auto status = r.required("statusCode");
  if (!status) return reply(Unexpected<Error>(status.error()));
  Value response = merged(Value::object({}), r, {"restApiId", "resourceId", "httpMethod"});
  set_method(*at->resource, at->method,
             with_keyed(*at->value, "methodResponses", *status, response));
  save(*at->api);
  core.answer(reply, response);
}

void RestApis::get_method_response(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  const Value* responses = at->value->find("methodResponses");
  const Value* found = responses ? responses->find(string_member(r.body(), "statusCode")) : nullptr;
  if (found == nullptr) return reply(not_found("Invalid Response status code specified"));
  core.answer(reply, *found);
}

void RestApis::delete_method_response(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  std::string status = string_member(r.body(), "statusCode");
  const Value* responses = at->value->find("methodResponses");
  if (responses == nullptr || responses->find(status) == nullptr) {
    return reply(not_found("Invalid Response status code specified"));
  }
  set_method(*at->resource, at->method,
             with_keyed(*at->value, "methodResponses", status, std::nullopt));
  save(*at->api);
  core.answer(reply, Value::object({}));
}

void RestApis::put_integration(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  Value integration = merged(Value::object({}), r,
                             {"restApiId", "resourceId", "httpMethod", "integrationHttpMethod"});
  if (const Value* m = r.field("integrationHttpMethod")) {
    integration = json::with_member(integration, "httpMethod", *m);
  }
  auto set_default = [&integration](std::string_view member, Value v) {
    if (integration.find(member) == nullptr) {
      integration = json::with_member(integration, member, std::move(v));
    }
  };
  set_default("passthroughBehavior", text("WHEN_NO_MATCH"));
  set_default("timeoutInMillis", Value::integer(29000));
  set_default("cacheNamespace", text(string_member(*at->resource, "id")));
  set_default("cacheKeyParameters", Value::array({}));
  if (auto refused = check_integration(integration)) return reply(Unexpected<Error>(*refused));
  set_method(*at->resource, at->method,
             json::with_member(*at->value, "methodIntegration", integration));
  save(*at->api);
  core.answer(reply, integration);
}

void RestApis::get_integration(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  auto found = integration_of(*at);
  if (!found) return reply(Unexpected<Error>(found.error()));
  const Value* integration = *found;
  core.answer(reply, *integration);
}

void RestApis::update_integration(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  auto found = integration_of(*at);
  if (!found) return reply(Unexpected<Error>(found.error()));
  const Value* integration = *found;
  auto updated = patched(*integration, r);
  if (!updated) return reply(Unexpected<Error>(updated.error()));
  if (auto refused = check_integration(*updated)) return reply(Unexpected<Error>(*refused));
  set_method(*at->resource, at->method,
             json::with_member(*at->value, "methodIntegration", *updated));
  save(*at->api);
  core.answer(reply, *updated);
}

void RestApis::delete_integration(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  if (at->value->find("methodIntegration") == nullptr) {
    return reply(not_found("Invalid Integration identifier specified"));
  }
  json::ObjectBuilder without;
  for (const json::Member& m : at->value->members()) {
    if (m.name() != "methodIntegration") without.add(m.name(), m.value);
  }
  set_method(*at->resource, at->method, without.build());
  save(*at->api);
  core.answer(reply, Value::object({}));
}

void RestApis::put_integration_response(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  auto found = integration_of(*at);
  if (!found) return reply(Unexpected<Error>(found.error()));
  const Value* integration = *found;
  auto status = r.required("statusCode");
  if (!status) return reply(Unexpected<Error>(status.error()));
  const Value* responses = at->value->find("methodResponses");
  if (responses == nullptr || responses->find(*status) == nullptr) {
    return reply(not_found("Invalid Response status code specified"));
  }
  Value response = merged(Value::object({}), r, {"restApiId", "resourceId", "httpMethod"});
  if (auto bad = check_templates(response.find("responseTemplates"), "responseTemplates")) {
    return reply(Unexpected<Error>(*bad));
  }
  Value updated = with_keyed(*integration, "integrationResponses", *status, response);
  set_method(*at->resource, at->method,
             json::with_member(*at->value, "methodIntegration", updated));
  save(*at->api);
  core.answer(reply, response);
}

void RestApis::get_integration_response(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  const Value* integration = at->value->find("methodIntegration");
  const Value* responses = integration ? integration->find("integrationResponses") : nullptr;
  const Value* found = responses ? responses->find(string_member(r.body(), "statusCode")) : nullptr;
  if (found == nullptr) return reply(not_found("Invalid Response status code specified"));
  core.answer(reply, *found);
}

void RestApis::delete_integration_response(const Request& r, Reply reply) {
  auto at = existing(*this, r);
  if (!at) return reply(Unexpected<Error>(at.error()));
  const Value* integration = at->value->find("methodIntegration");
  std::string status = string_member(r.body(), "statusCode");
  const Value* responses = integration ? integration->find("integrationResponses") : nullptr;
  if (responses == nullptr || responses->find(status) == nullptr) {
    return reply(not_found("Invalid Response status code specified"));
  }
  Value updated = with_keyed(*integration, "integrationResponses", status, std::nullopt);
  set_method(*at->resource, at->method,
             json::with_member(*at->value, "methodIntegration", updated));
  save(*at->api);
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::apigateway
