// A REST API's resources and methods from an OpenAPI document (2.0 or 3.0, in JSON) with API
// Gateway's extensions, as ImportRestApi and PutRestApi read it
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html):
// each path becomes the resources that make it, each operation a method (x-amazon-apigateway-
// any-method: ANY), its parameters the method's request parameters, its responses the method
// responses, and x-amazon-apigateway-integration the integration with its responses (keyed by
// selection pattern; "default" has none). x-amazon-apigateway-binary-media-types sets the API's.

#include "core/json_object.h"
#include "service/apigateway/apigateway.h"
#include "service/apigateway/rest_api.h"
#include "service/apigateway/rest_mapping.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

constexpr std::pair<std::string_view, std::string_view> kOperations[] = {
    {"get", "GET"},         {"post", "POST"},
    {"put", "PUT"},         {"patch", "PATCH"},
    {"delete", "DELETE"},   {"head", "HEAD"},
    {"options", "OPTIONS"}, {"x-amazon-apigateway-any-method", "ANY"}};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The members of `from` named in `names`, as they are.
void copy_members(json::ObjectBuilder& into, const Value& from,
                  std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (const Value* v = from.find(name); v != nullptr && !v->is_null()) into.add(name, *v);
  }
}

Value integration_of(const Value& given) {
  json::ObjectBuilder b;
  b.add("type", text(upper(string_member(given, "type"))));
  copy_members(b, given,
               {"httpMethod", "uri", "credentials", "requestParameters", "requestTemplates",
                "timeoutInMillis", "cacheNamespace", "cacheKeyParameters", "connectionType",
                "connectionId"});
  std::string passthrough = string_member(given, "passthroughBehavior");
  b.add("passthroughBehavior", text(passthrough.empty() ? "WHEN_NO_MATCH" : upper(passthrough)));
  if (std::string handling = string_member(given, "contentHandling"); !handling.empty()) {
    b.add("contentHandling", text(upper(handling)));
  }
  if (given.find("timeoutInMillis") == nullptr) b.add("timeoutInMillis", Value::integer(29000));
  if (const Value* responses = given.find("responses"); responses && responses->is_object()) {
    json::ObjectBuilder by_status;
    for (const json::Member& m : responses->members()) {
      json::ObjectBuilder response;
      std::string status = string_member(m.value, "statusCode");
      response.add("statusCode", text(status));
      if (m.name() != "default") response.add("selectionPattern", text(m.name()));
      copy_members(response, m.value, {"responseParameters", "responseTemplates"});
      if (std::string handling = string_member(m.value, "contentHandling"); !handling.empty()) {
        response.add("contentHandling", text(upper(handling)));
      }
      by_status.add(status, response.build());
    }
    b.add("integrationResponses", by_status.build());
  }
  return b.build();
}

Value method_of(std::string_view http_method, const Value& operation, const Value& path_item) {
  json::ObjectBuilder b;
  b.add("httpMethod", text(http_method));
  std::string authorization = "NONE";
  if (const Value* auth = operation.find("x-amazon-apigateway-auth")) {
    if (upper(string_member(*auth, "type")) == "AWS_IAM") authorization = "AWS_IAM";
  }
  b.add("authorizationType", text(authorization));
  b.add("apiKeyRequired", Value::boolean(false));
  if (std::string id = string_member(operation, "operationId"); !id.empty()) {
    b.add("operationName", text(id));
  }
  // Parameters of the path item, then the operation's (which override them).
  json::ObjectBuilder parameters;
  bool any_parameter = false;
  for (const Value* list : {path_item.find("parameters"), operation.find("parameters")}) {
    if (list == nullptr || !list->is_array()) continue;
    for (const Value& p : list->as_array()) {
      std::string in = string_member(p, "in");
      std::string where = in == "query" ? "querystring" : in;
      if (where != "path" && where != "querystring" && where != "header") continue;
      const Value* required = p.find("required");
      parameters.add(
          "method.request." + where + "." + string_member(p, "name"),
          Value::boolean(required != nullptr && required->is_bool() && required->as_bool()));
      any_parameter = true;
    }
  }
  if (any_parameter) b.add("requestParameters", parameters.build());
  if (const Value* responses = operation.find("responses"); responses && responses->is_object()) {
    json::ObjectBuilder by_status;
    for (const json::Member& m : responses->members()) {
      if (m.name() == "default") continue;
      json::ObjectBuilder response;
      response.add("statusCode", text(m.name()));
      if (const Value* headers = m.value.find("headers"); headers && headers->is_object()) {
        json::ObjectBuilder names;
        for (const json::Member& h : headers->members()) {
          names.add("method.response.header." + std::string(h.name()), Value::boolean(false));
        }
        response.add("responseParameters", names.build());
      }
      by_status.add(m.name(), response.build());
    }
    b.add("methodResponses", by_status.build());
  }
  if (const Value* integration = operation.find("x-amazon-apigateway-integration");
      integration != nullptr && integration->is_object()) {
    b.add("methodIntegration", integration_of(*integration));
  }
  return b.build();
}

}  // namespace

Expected<void, Error> RestApis::import_openapi(RestApi& api, std::string_view document,
                                               bool merge) {
  auto parsed = json::parse(document);
  if (!parsed || !parsed->is_object()) {
    return bad_request(
        "Invalid OpenAPI specification: baton imports OpenAPI 2.0 and 3.0 "
        "documents in JSON" +
        std::string(parsed ? "" : " (" + parsed.error().message + ")"));
  }
  const Value& doc = *parsed;
  if (doc.find("swagger") == nullptr && doc.find("openapi") == nullptr) {
    return bad_request(
        "Invalid OpenAPI specification: the document has neither 'swagger' nor "
        "'openapi'");
  }
  const Value* paths = doc.find("paths");
  if (paths != nullptr && !paths->is_object()) {
    return bad_request("Invalid OpenAPI specification: 'paths' must be an object");
  }
  std::string root = api.root_id();
  if (!merge) {
    std::erase_if(api.current.resources, [&root](const auto& e) { return e.first != root; });
    api.current.resources[root] = json::object({{"id", text(root)}, {"path", text("/")}});
  }
  if (const Value* title = doc.find("info"); title != nullptr && !merge) {
    if (std::string name = string_member(*title, "title"); !name.empty()) {
      api.api = json::with_member(api.api, "name", text(name));
    }
  }
  if (const Value* types = doc.find("x-amazon-apigateway-binary-media-types")) {
    api.api = json::with_member(api.api, "binaryMediaTypes", *types);
  }
  if (paths == nullptr) return {};
  for (const json::Member& entry : paths->members()) {
    std::string path(entry.name());
    if (!path.starts_with("/")) {
      return bad_request("Invalid OpenAPI specification: path '" + path + "' must start with /");
    }
    // The resources that make the path, made where missing.
    std::string at = root;
    std::string_view rest = std::string_view(path).substr(1);
    while (!rest.empty()) {
      std::string_view part = rest.substr(0, rest.find('/'));
      rest = part.size() == rest.size() ? std::string_view() : rest.substr(part.size() + 1);
      if (part.empty()) continue;
      std::string found;
      for (const auto& [id, resource] : api.current.resources) {
        if (string_member(resource, "parentId") == at &&
            string_member(resource, "pathPart") == part) {
          found = id;
        }
      }
      if (found.empty()) {
        found = new_id(6);
        const Value& parent = api.current.resources.at(at);
        api.current.resources.emplace(
            found, json::ObjectBuilder()
                       .add("id", text(found))
                       .add("parentId", text(at))
                       .add("pathPart", text(part))
                       .add("path", text(child_path(string_member(parent, "path"), part)))
                       .build());
      }
      at = found;
    }
    Value& resource = api.current.resources.at(at);
    for (const auto& [key, method] : kOperations) {
      const Value* operation = entry.value.find(key);
      if (operation == nullptr || !operation->is_object()) continue;
      const Value* methods = resource.find("resourceMethods");
      Value all = methods != nullptr && methods->is_object() ? *methods : Value::object({});
      Value made = method_of(method, *operation, entry.value);
      if (const Value* integration = made.find("methodIntegration")) {
        std::string place = "paths['" + path + "']." + std::string(key);
        if (auto bad =
                check_templates(integration->find("requestTemplates"), at + " requestTemplates")) {
          return Unexpected<Error>(*bad);
        }
        if (const Value* responses = integration->find("integrationResponses")) {
          for (const json::Member& r : responses->members()) {
            if (auto bad =
                    check_templates(r.value.find("responseTemplates"), at + " responseTemplates")) {
              return Unexpected<Error>(*bad);
            }
          }
        }
      }
      all = json::with_member(all, method, made);
      resource = json::with_member(resource, "resourceMethods", all);
    }
  }
  return {};
}

}  // namespace baton::service::apigateway
