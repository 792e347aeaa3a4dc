// The HTTP APIs of a SAM template: AWS::Serverless::HttpApi and the implicit ServerlessHttpApi
// (a function's Events of Type HttpApi that name no ApiId), and the CloudFormation resources
// AWS::ApiGatewayV2::Api, Integration, Route and Stage, as the apigatewayv2 requests that make
// them. SAM's defaults (https://docs.aws.amazon.com/serverless-application-model/latest/
// developerguide/sam-property-function-httpapi.html): PayloadFormatVersion 2.0, TimeoutInMillis
// 5000, no Path and no Method for the $default route, and a $default stage that deploys itself.

#include <map>

#include "core/text.h"
#include "service/sam_reader.h"

namespace baton::service::sam {

namespace {

using json::Value;

constexpr std::string_view kImplicitApi = "ServerlessHttpApi";

std::string text_member(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  if (v == nullptr || v->is_null()) return "";
  return v->is_string() ? std::string(v->as_string()) : json::to_string(*v);
}

Value without(const Value& object, std::initializer_list<std::string_view> names) {
  json::ObjectBuilder out;
  for (const json::Member& m : object.members()) {
    if (std::find(names.begin(), names.end(), m.name()) == names.end()) out.add(m.name(), m.value);
  }
  return out.build();
}

Result<Value> properties_of(const YAML::Node& resource, const Reader& reader,
                            const std::string& where) {
  if (const YAML::Node props = resource["Properties"]; props && props.IsMap()) {
    return to_json(props, reader, where + "/Properties");
  }
  return Value::object({});
}

// The tags by which `baton deploy` finds, on the next deploy and on teardown, what it made.
Value tags_of(const Reader& reader, const std::string& logical_id, const Value& properties) {
  json::ObjectBuilder tags;
  if (const Value* given = properties.find("Tags"); given != nullptr && given->is_object()) {
    for (const json::Member& m : given->members()) tags.add(m.name(), m.value);
  }
  tags.add("baton:stack", Value::string(reader.stack()));
  tags.add("baton:logical-id", Value::string(logical_id));
  return tags.build();
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
  b.add("Tags", tags_of(reader, logical_id, properties));
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
    for (std::string_view openapi : {"DefinitionBody", "DefinitionUri", "Body", "BodyS3Location"}) {
      if (properties->find(openapi) != nullptr) {
        return reader.invalid(where + "/Properties/" + std::string(openapi),
                              "baton does not read OpenAPI definitions of HTTP APIs yet: declare "
                              "the routes as functions' HttpApi events or AWS::ApiGatewayV2 "
                              "resources");
      }
    }
    if (type == "AWS::Serverless::HttpApi") {
      project.http_apis.push_back(serverless_api(reader, where, id, *properties));
    } else {
      if (std::string protocol = text_member(*properties, "ProtocolType"); protocol != "HTTP") {
        return reader.invalid(where + "/Properties/ProtocolType",
                              "baton serves HTTP APIs only, not '" + protocol + "'");
      }
      SamHttpApi api;
      api.where = where;
      api.logical_id = id;
      api.api = json::with_member(without(*properties, {"Tags"}), "Tags",
                                  tags_of(reader, id, *properties));
      project.http_apis.push_back(std::move(api));
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
