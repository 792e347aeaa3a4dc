// The HTTP APIs of a SAM template: AWS::Serverless::HttpApi and the implicit ServerlessHttpApi
// (a function's Events of Type HttpApi that name no ApiId), and the CloudFormation resources
// AWS::ApiGatewayV2::Api, Integration, Route and Stage, as the apigatewayv2 requests that make
// them; an OpenAPI DefinitionBody (or an Api's Body) gives routes and integrations, its
// x-amazon-apigateway-integration objects read as CreateIntegration's members. SAM's defaults
// (https://docs.aws.amazon.com/serverless-application-model/latest/
// developerguide/sam-property-function-httpapi.html): PayloadFormatVersion 2.0, TimeoutInMillis
// 5000, no Path and no Method for the $default route, and a $default stage that deploys itself.

#include <algorithm>
#include <map>
#include <utility>

#include "core/text.h"
#include "service/sam_reader.h"

namespace baton::service::sam {

namespace {

using json::Value;

constexpr std::string_view kImplicitApi = "ServerlessHttpApi";

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Value without(const Value& object, std::initializer_list<std::string_view> names) {
  json::ObjectBuilder out;
  for (const json::Member& m : object.members()) {
    if (std::find(names.begin(), names.end(), m.name()) == names.end()) out.add(m.name(), m.value);
  }
  return out.build();
}

SamHttpApi serverless_api(const Reader& reader, const std::string& where,
                          const std::string& logical_id, const Value& properties) {
  SamHttpApi api;
  api.where = where;
  api.logical_id = logical_id;
  json::ObjectBuilder b;
  std::string name = text_member(properties, "Name");
  // CloudFormation names SAM's APIs after the stack.
  b.add("Name", Value::string(name.empty() ? reader.stack() : name));
  b.add("ProtocolType", Value::string("HTTP"));
  if (const Value* cors = properties.find("CorsConfiguration"); cors != nullptr) {
    if (cors->is_bool() && cors->as_bool()) {
      // SAM's `CorsConfiguration: true`: any origin, header and method.
      Value any = Value::array({Value::string("*")});
      b.add("CorsConfiguration", json::ObjectBuilder()
                                     .add("AllowHeaders", any)
                                     .add("AllowMethods", any)
                                     .add("AllowOrigins", any)
                                     .build());
    } else if (cors->is_object()) {
      b.add("CorsConfiguration", *cors);
    }
  }
  if (std::string d = text_member(properties, "Description"); !d.empty()) {
    b.add("Description", Value::string(d));
  }
  b.add("Tags", deploy_tags(reader, logical_id, properties));
  api.api = b.build();
  std::string stage = text_member(properties, "StageName");
  json::ObjectBuilder s;
  s.add("StageName", Value::string(stage.empty() ? "$default" : stage));
  s.add("AutoDeploy", Value::boolean(true));
  if (const Value* v = properties.find("StageVariables"); v != nullptr && v->is_object()) {
    s.add("StageVariables", *v);
  }
  api.stages.push_back(s.build());
  return api;
}

// AWS::ApiGatewayV2::Integration's ResponseParameters ({"200": {"ResponseParameters":
// [{"Destination", "Source"}]}}) as the API takes them ({"200": {Destination: Source}}).
Value api_response_parameters(const Value& cfn) {
  if (!cfn.is_object()) return cfn;
  json::ObjectBuilder out;
  for (const json::Member& status : cfn.members()) {
    const Value* list = status.value.find("ResponseParameters");
    if (list == nullptr || !list->is_array()) {
      out.add(status.name(), status.value);
      continue;
    }
    json::ObjectBuilder mapped;
    for (const Value& p : list->as_array()) {
      mapped.add(text_member(p, "Destination"), Value::string(text_member(p, "Source")));
    }
    out.add(status.name(), mapped.build());
  }
  return out.build();
}

// An OpenAPI x-amazon-apigateway-integration as CreateIntegration's request.
Value openapi_integration(const Value& x) {
  static constexpr std::pair<std::string_view, std::string_view> kMembers[] = {
      {"type", "IntegrationType"},
      {"integrationSubtype", "IntegrationSubtype"},
      {"uri", "IntegrationUri"},
      {"httpMethod", "IntegrationMethod"},
      {"payloadFormatVersion", "PayloadFormatVersion"},
      {"credentials", "CredentialsArn"},
      {"requestParameters", "RequestParameters"},
      {"responseParameters", "ResponseParameters"},
      {"timeoutInMillis", "TimeoutInMillis"},
      {"connectionType", "ConnectionType"},
      {"connectionId", "ConnectionId"},
      {"description", "Description"},
  };
  json::ObjectBuilder out;
  for (const auto& [name, member] : kMembers) {
    const Value* v = x.find(name);
    if (v == nullptr || v->is_null()) continue;
    if (name == "type") {
      out.add(member, Value::string(ascii_upper(text_member(x, "type"))));
    } else if (name == "payloadFormatVersion" && v->is_number()) {
      // YAML reads 1.0 as a number.
      out.add(member, Value::string(v->is_int64() ? std::to_string(v->as_int64()) + ".0"
                                                  : json::to_string(*v)));
    } else {
      out.add(member, *v);
    }
  }
  return out.build();
}

// The routes and integrations of an OpenAPI definition (DefinitionBody, Body): each path and
// method with its x-amazon-apigateway-integration (or a $ref to one under
// components/x-amazon-apigateway-integrations), and x-amazon-apigateway-cors, as
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-open-api.html reads them.
Result<void> read_openapi(const Value& body, const std::string& where, const Reader& reader,
                          bool named, SamHttpApi& api) {
  const Value* paths = body.find("paths");
  if (paths == nullptr || !paths->is_object()) {
    return reader.invalid(where + "/paths", "an OpenAPI definition needs its paths");
  }
  const Value* components = body.find("components");
  const Value* shared =
      components != nullptr ? components->find("x-amazon-apigateway-integrations") : nullptr;
  for (const json::Member& path : paths->members()) {
    if (!path.value.is_object()) continue;
    for (const json::Member& operation : path.value.members()) {
      std::string method = ascii_upper(operation.name());
      if (operation.name() == "x-amazon-apigateway-any-method") method = "ANY";
      static constexpr std::string_view kMethods[] = {"GET",  "PUT",     "POST",  "DELETE",
                                                      "HEAD", "OPTIONS", "PATCH", "ANY"};
      if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
        continue;  // parameters, summary ...
      }
      std::string key =
          path.name() == "/$default" ? "$default" : method + " " + std::string(path.name());
      std::string at =
          where + "/paths/" + std::string(path.name()) + "/" + std::string(operation.name());
      json::ObjectBuilder route;
      route.add("RouteKey", Value::string(key));
      const Value* x = operation.value.find("x-amazon-apigateway-integration");
      if (x != nullptr && x->is_object()) {
        if (std::string ref = text_member(*x, "$ref"); !ref.empty()) {
          constexpr std::string_view kPrefix = "#/components/x-amazon-apigateway-integrations/";
          const Value* found = shared != nullptr && ref.starts_with(kPrefix)
                                   ? shared->find(std::string_view(ref).substr(kPrefix.size()))
                                   : nullptr;
          if (found == nullptr) {
            return reader.invalid(at + "/x-amazon-apigateway-integration/$ref",
                                  "'" + ref +
                                      "' names no integration under "
                                      "components/x-amazon-apigateway-integrations");
          }
          x = found;
        }
        std::string integration = api.logical_id + " " + key;
        api.integrations.emplace_back(integration, openapi_integration(*x));
        route.add("Target", Value::string("integrations/" + integration));
      }
      api.routes.push_back(route.build());
    }
  }
  if (const Value* cors = body.find("x-amazon-apigateway-cors");
      cors != nullptr && cors->is_object() && api.api.find("CorsConfiguration") == nullptr) {
    json::ObjectBuilder c;
    for (const json::Member& m : cors->members()) {
      std::string name(m.name());
      if (!name.empty())
        name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
      c.add(name, m.value);
    }
    api.api = json::with_member(api.api, "CorsConfiguration", c.build());
  }
  // An imported API is named by its title unless the template names it.
  if (const Value* info = body.find("info"); info != nullptr && !named) {
    if (std::string title = text_member(*info, "title"); !title.empty()) {
      api.api = json::with_member(api.api, "Name", Value::string(title));
    }
  }
  return {};
}

}  // namespace

Result<void> read_http_apis(const YAML::Node& resources, const Reader& reader,
                            SamProject& project) {
  std::map<std::string, std::size_t> apis;  // logical id -> index in project.http_apis
  // The APIs first: the integrations, routes, stages and events name them.
  for (const auto& entry : resources) {
    std::string id = entry.first.Scalar();
    std::string where = "/Resources/" + id;
    std::string type = reader.type_of(id);
    if (type != "AWS::Serverless::HttpApi" && type != "AWS::ApiGatewayV2::Api") continue;
    auto properties = properties_of(entry.second, reader, where);
    if (!properties) return Unexpected<Error>(properties.error());
    for (std::string_view openapi : {"DefinitionUri", "BodyS3Location"}) {
      if (properties->find(openapi) != nullptr) {
        return reader.invalid(where + "/Properties/" + std::string(openapi),
                              "baton reads an OpenAPI definition written in the template "
                              "(DefinitionBody, Body), not one in a file");
      }
    }
    const Value* body =
        properties->find(type == "AWS::Serverless::HttpApi" ? "DefinitionBody" : "Body");
    if (type == "AWS::Serverless::HttpApi") {
      project.http_apis.push_back(serverless_api(reader, where, id, *properties));
    } else {
      std::string protocol = text_member(*properties, "ProtocolType");
      // An API imported from an OpenAPI Body is an HTTP API.
      bool imported = protocol.empty() && body != nullptr;
      if (imported) protocol = "HTTP";
      if (protocol != "HTTP") {
        return reader.invalid(where + "/Properties/ProtocolType",
                              "baton serves HTTP APIs only, not '" + protocol + "'");
      }
      SamHttpApi api;
      api.where = where;
      api.logical_id = id;
      api.api = json::with_member(without(*properties, {"Tags", "Body"}), "Tags",
                                  deploy_tags(reader, id, *properties));
      if (imported) api.api = json::with_member(api.api, "ProtocolType", Value::string("HTTP"));
      project.http_apis.push_back(std::move(api));
    }
    if (body != nullptr && body->is_object()) {
      std::string at =
          where + "/Properties/" + (type == "AWS::Serverless::HttpApi" ? "DefinitionBody" : "Body");
      if (auto read = read_openapi(*body, at, reader, properties->find("Name") != nullptr,
                                   project.http_apis.back());
          !read)
        return read;
    }
    apis[id] = project.http_apis.size() - 1;
  }
  auto api_named = [&](const Value& properties, const std::string& where) -> Result<SamHttpApi*> {
    std::string api_id = text_member(properties, "ApiId");
    auto it = apis.find(api_id);
    if (it == apis.end()) {
      return reader.invalid(where + "/Properties/ApiId",
                            "'" + api_id +
                                "' is no HTTP API of this template (give !Ref of an "
                                "AWS::ApiGatewayV2::Api or AWS::Serverless::HttpApi)");
    }
    return &project.http_apis[it->second];
  };
  for (const auto& entry : resources) {
    std::string id = entry.first.Scalar();
    std::string where = "/Resources/" + id;
    std::string type = reader.type_of(id);
    bool part = type == "AWS::ApiGatewayV2::Integration" || type == "AWS::ApiGatewayV2::Route" ||
                type == "AWS::ApiGatewayV2::Stage";
    if (!part && type != "AWS::Serverless::Function") continue;
    auto properties = properties_of(entry.second, reader, where);
    if (!properties) return Unexpected<Error>(properties.error());
    if (part) {
      auto api = api_named(*properties, where);
      if (!api) return Unexpected<Error>(api.error());
      Value request = without(*properties, {"ApiId"});
      if (type == "AWS::ApiGatewayV2::Integration") {
        if (const Value* r = request.find("ResponseParameters")) {
          request = json::with_member(request, "ResponseParameters", api_response_parameters(*r));
        }
        (*api)->integrations.emplace_back(id, request);
      } else if (type == "AWS::ApiGatewayV2::Route") {
        (*api)->routes.push_back(request);
      } else {
        (*api)->stages.push_back(request);
      }
      continue;
    }
    const Value* events = properties->find("Events");
    if (events == nullptr || !events->is_object()) continue;
    for (const json::Member& event : events->members()) {
      if (text_member(event.value, "Type") != "HttpApi") continue;
      std::string event_where = where + "/Properties/Events/" + std::string(event.name());
      const Value* found = event.value.find("Properties");
      Value e = found != nullptr && found->is_object() ? *found : Value::object({});
      SamHttpApi* api = nullptr;
      if (e.find("ApiId") != nullptr) {
        auto named = api_named(e, event_where);
        if (!named) return Unexpected<Error>(named.error());
        api = *named;
      } else {
        if (!apis.contains(std::string(kImplicitApi))) {
          project.http_apis.push_back(
              serverless_api(reader, event_where, std::string(kImplicitApi), Value::object({})));
          apis[std::string(kImplicitApi)] = project.http_apis.size() - 1;
        }
        api = &project.http_apis[apis[std::string(kImplicitApi)]];
      }
      std::string path = text_member(e, "Path");
      std::string method = ascii_lower(text_member(e, "Method"));
      if (path.empty() && !method.empty()) {
        return reader.invalid(event_where + "/Properties/Path",
                              "is required with a Method (leave out both for the $default route)");
      }
      std::string key = "$default";
      if (!path.empty()) {
        for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        key = (method.empty() ? std::string("ANY") : method) + " " + path;
      }
      std::string integration = id + std::string(event.name());
      std::string version = text_member(e, "PayloadFormatVersion");
      const Value* timeout = e.find("TimeoutInMillis");
      api->integrations.emplace_back(
          integration,
          json::ObjectBuilder()
              .add("IntegrationType", Value::string("AWS_PROXY"))
              .add("IntegrationUri",
                   Value::string(reader.arn("lambda", "function:" + reader.function_name(id))))
              .add("PayloadFormatVersion", Value::string(version.empty() ? "2.0" : version))
              .add("TimeoutInMillis",
                   timeout != nullptr && timeout->is_int64() ? *timeout : Value::integer(5000))
              .build());
      api->routes.push_back(json::ObjectBuilder()
                                .add("RouteKey", Value::string(key))
                                .add("Target", Value::string("integrations/" + integration))
                                .build());
    }
  }
  return {};
}

}  // namespace baton::service::sam
