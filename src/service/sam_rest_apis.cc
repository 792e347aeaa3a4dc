// The REST APIs of a SAM template, each as the OpenAPI document that makes it (what SAM itself
// generates, https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/
// sam-resource-api.html):
// - AWS::Serverless::Api: DefinitionBody (or DefinitionUri, a local JSON or YAML file), else a
//   document made of the Api events that name it; StageName; Variables; BinaryMediaTypes; Cors
//   (an OPTIONS method with a mock integration on every path, as SAM adds them).
// - The implicit ServerlessRestApi of the Api events that name no RestApiId, with stage Prod.
// - Function events of Type Api: a Lambda proxy integration; state machine events of Type Api:
//   an AWS integration to StartExecution whose request template passes the body as the input.
// - AWS::ApiGateway::RestApi (Body, or its AWS::ApiGateway::Resource and Method resources),
//   with the stages its AWS::ApiGateway::Deployment and Stage resources name.

#include <functional>
#include <map>

#include "core/json_object.h"
#include "service/sam_reader.h"

namespace baton::service::sam {

namespace {

using json::Value;

constexpr std::string_view kImplicitApi = "ServerlessRestApi";

Value skeleton(const std::string& title) {
  return json::object({{"swagger", Value::string("2.0")},
                       {"info", json::object({{"title", Value::string(title)}})},
                       {"paths", Value::object({})}});
}

// `doc` with `operation` at paths[path][method] (lower case, or x-amazon-apigateway-any-method).
Value with_operation(const Value& doc, const std::string& path, const std::string& method,
                     const Value& operation) {
  const Value* paths = doc.find("paths");
  Value all = paths != nullptr && paths->is_object() ? *paths : Value::object({});
  const Value* item = all.find(path);
  Value at = item != nullptr && item->is_object() ? *item : Value::object({});
  at = json::with_member(at, method, operation);
  return json::with_member(doc, "paths", json::with_member(all, path, at));
}

std::string openapi_method(std::string method) {
  for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return method == "any" ? "x-amazon-apigateway-any-method" : method;
}

Value proxy_integration(const std::string& function_arn) {
  return json::object(
      {{"type", Value::string("aws_proxy")},
       {"httpMethod", Value::string("POST")},
       {"uri", Value::string("arn:aws:apigateway:" + std::string(kRegion) +
                             ":lambda:path/2015-03-31/functions/" + function_arn + "/invocations")},
       {"passthroughBehavior", Value::string("when_no_match")}});
}

// SAM's integration of a state machine's Api event: StartExecution with the body as input.
Value start_execution_integration(const std::string& state_machine_arn) {
  std::string request =
      "{\"input\": \"$util.escapeJavaScript($input.json('$'))\", "
      "\"stateMachineArn\": \"" +
      state_machine_arn + "\"}";
  Value error = json::object(
      {{"statusCode", Value::string("400")},
       {"responseTemplates",
        json::object({{"application/json",
                       Value::string("{\"error_message\":\"$util.escapeJavaScript($input.path('$."
                                     "message'))\"}")}})}});
  return json::object(
      {{"type", Value::string("aws")},
       {"httpMethod", Value::string("POST")},
       {"uri", Value::string("arn:aws:apigateway:" + std::string(kRegion) +
                             ":states:action/StartExecution")},
       {"passthroughBehavior", Value::string("when_no_match")},
       {"requestTemplates", json::object({{"application/json", Value::string(request)}})},
       {"responses",
        json::object({{"default", json::object({{"statusCode", Value::string("200")}})},
                      {"4\\d{2}", error}})}});
}

// SAM's Cors: an OPTIONS method answering the preflight on every path that has none.
Value with_cors(const Value& doc, const Value& cors) {
  std::string origin, methods, headers, max_age, credentials;
  if (cors.is_string()) {
    origin = std::string(cors.as_string());
  } else if (cors.is_object()) {
    origin = text_member(cors, "AllowOrigin");
    methods = text_member(cors, "AllowMethods");
    headers = text_member(cors, "AllowHeaders");
    max_age = text_member(cors, "MaxAge");
    credentials = text_member(cors, "AllowCredentials");
  }
  if (methods.empty()) methods = "'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT'";
  json::ObjectBuilder parameters, names;
  auto add = [&](const std::string& header, const std::string& value) {
    if (value.empty()) return;
    parameters.add("method.response.header." + header, Value::string(value));
    names.add(header, json::object({{"type", Value::string("string")}}));
  };
  add("Access-Control-Allow-Origin", origin);
  add("Access-Control-Allow-Methods", methods);
  add("Access-Control-Allow-Headers", headers);
  add("Access-Control-Max-Age", max_age);
  if (credentials == "true") add("Access-Control-Allow-Credentials", "'true'");
  Value integration = json::object(
      {{"type", Value::string("mock")},
       {"requestTemplates",
        json::object({{"application/json", Value::string("{\n  \"statusCode\" : 200\n}\n")}})},
       {"responses",
        json::object({{"default", json::object({{"statusCode", Value::string("200")},
                                                {"responseParameters", parameters.build()},
                                                {"responseTemplates",
                                                 json::object({{"application/json",
                                                                Value::string("{}\n")}})}})}})}});
  Value options = json::object(
      {{"x-amazon-apigateway-integration", integration},
       {"responses", json::object({{"200", json::object({{"description", Value::string("")},
                                                         {"headers", names.build()}})}})}});
  Value out = doc;
  if (const Value* paths = doc.find("paths"); paths != nullptr && paths->is_object()) {
    for (const json::Member& p : paths->members()) {
      if (p.value.find("options") == nullptr) {
        out = with_operation(out, std::string(p.name()), "options", options);
      }
    }
  }
  return out;
}

}  // namespace

Result<void> read_rest_apis(const YAML::Node& resources, const Reader& reader,
                            SamProject& project) {
  std::map<std::string, std::size_t> apis;  // logical id -> index in project.rest_apis
  std::map<std::string, Value> cors;        // logical id -> its Cors
  auto add_api = [&](const std::string& id, const std::string& where, const Value& properties,
                     const std::string& type) -> Result<void> {
    SamRestApi api;
    api.where = where;
    api.logical_id = id;
    api.name = text_member(properties, "Name");
    if (api.name.empty()) api.name = type == "AWS::ApiGateway::RestApi" ? id : reader.stack();
    api.tags = deploy_tags(reader, id, properties);
    const Value* body =
        properties.find(type == "AWS::ApiGateway::RestApi" ? "Body" : "DefinitionBody");
    if (body != nullptr && body->is_object()) {
      api.openapi = *body;
    } else if (std::string uri =
                   text_member(properties, type == "AWS::ApiGateway::RestApi" ? "BodyS3Location"
                                                                              : "DefinitionUri");
               !uri.empty()) {
      if (uri.starts_with("{") || uri.starts_with("s3://")) {
        return reader.invalid(where + "/Properties",
                              "baton reads OpenAPI definitions from local "
                              "files, not from S3 (" +
                                  uri + ")");
      }
      YAML::Node file;
      try {
        file = YAML::LoadFile(uri);
      } catch (const YAML::Exception& e) {
        return reader.invalid(where + "/Properties/DefinitionUri",
                              "cannot read " + uri + ": " + e.what());
      }
      auto read = to_json(file, reader, where + "/Properties/DefinitionUri");
      if (!read) return Unexpected<Error>(read.error());
      api.openapi = *read;
    } else {
      api.openapi = skeleton(api.name);
    }
    if (const Value* types = properties.find("BinaryMediaTypes"); types && types->is_array()) {
      std::vector<Value> decoded;
      for (const Value& t : types->as_array()) {
        std::string s = t.is_string() ? std::string(t.as_string()) : "";
        for (auto at = s.find("~1"); at != std::string::npos; at = s.find("~1")) {
          s.replace(at, 2, "/");
        }
        decoded.push_back(Value::string(s));
      }
      api.openapi = json::with_member(api.openapi, "x-amazon-apigateway-binary-media-types",
                                      Value::array(std::move(decoded)));
    }
    if (type != "AWS::ApiGateway::RestApi") {
      std::string stage = text_member(properties, "StageName");
      if (stage.empty() && id != kImplicitApi) {
        return reader.invalid(where + "/Properties/StageName", "is required");
      }
      const Value* variables = properties.find("Variables");
      api.stages.push_back(
          {stage.empty() ? "Prod" : stage, variables != nullptr ? *variables : Value()});
      if (const Value* c = properties.find("Cors")) cors[id] = *c;
    }
    project.rest_apis.push_back(std::move(api));
    apis[id] = project.rest_apis.size() - 1;
    return {};
  };

  std::map<std::string, Value> parts;  // AWS::ApiGateway::Resource/Method/... by logical id
  for (const auto& entry : resources) {
    std::string id = entry.first.Scalar();
    std::string where = "/Resources/" + id;
    std::string type = reader.type_of(id);
    if (type != "AWS::Serverless::Api" && !type.starts_with("AWS::ApiGateway::")) continue;
    auto properties = properties_of(entry.second, reader, where);
    if (!properties) return Unexpected<Error>(properties.error());
    if (type == "AWS::Serverless::Api" || type == "AWS::ApiGateway::RestApi") {
      if (auto added = add_api(id, where, *properties, type); !added) return added;
    } else {
      parts[id] = *properties;
    }
  }
  auto api_named = [&](const std::string& name, const std::string& where) -> Result<SamRestApi*> {
    auto it = apis.find(name);
    if (it == apis.end()) {
      return reader.invalid(where, "'" + name +
                                       "' is no REST API of this template (give !Ref "
                                       "of an AWS::Serverless::Api or "
                                       "AWS::ApiGateway::RestApi)");
    }
    return &project.rest_apis[it->second];
  };

  // AWS::ApiGateway::Resource: its path, from its parent's ("/" is the root's RootResourceId).
  std::map<std::string, std::string> paths;
  std::function<Result<std::string>(const std::string&, int)> path_of =
      [&](const std::string& id, int depth) -> Result<std::string> {
    if (id == "/") return std::string("/");
    if (auto known = paths.find(id); known != paths.end()) return known->second;
    auto it = parts.find(id);
    if (it == parts.end() || reader.type_of(id) != "AWS::ApiGateway::Resource" || depth > 64) {
      return reader.invalid("/Resources/" + id, "names no AWS::ApiGateway::Resource");
    }
    auto parent = path_of(text_member(it->second, "ParentId"), depth + 1);
    if (!parent) return parent;
    std::string path = (*parent == "/" ? "" : *parent) + "/" + text_member(it->second, "PathPart");
    paths[id] = path;
    return path;
  };
  for (const auto& [id, properties] : parts) {
    std::string type = reader.type_of(id);
    std::string where = "/Resources/" + id + "/Properties";
    if (type == "AWS::ApiGateway::Method") {
      auto api = api_named(text_member(properties, "RestApiId"), where + "/RestApiId");
      if (!api) return Unexpected<Error>(api.error());
      auto path = path_of(text_member(properties, "ResourceId"), 0);
      if (!path) return Unexpected<Error>(path.error());
      json::ObjectBuilder operation;
      if (const Value* given = properties.find("Integration"); given && given->is_object()) {
        json::ObjectBuilder integration;
        for (const json::Member& m : given->members()) {
          std::string name(m.name());
          if (name == "IntegrationResponses") continue;
          name = name == "IntegrationHttpMethod" ? "httpMethod" : name;
          name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
          integration.add(name, m.value);
        }
        json::ObjectBuilder responses;
        if (const Value* rs = given->find("IntegrationResponses"); rs && rs->is_array()) {
          for (const Value& r : rs->as_array()) {
            std::string pattern = text_member(r, "SelectionPattern");
            json::ObjectBuilder response;
            response.add("statusCode", Value::string(text_member(r, "StatusCode")));
            if (const Value* t = r.find("ResponseTemplates")) response.add("responseTemplates", *t);
            if (const Value* p = r.find("ResponseParameters"))
              response.add("responseParameters", *p);
            responses.add(pattern.empty() ? "default" : pattern, response.build());
          }
        }
        integration.add("responses", responses.build());
        operation.add("x-amazon-apigateway-integration", integration.build());
      }
      json::ObjectBuilder method_responses;
      if (const Value* rs = properties.find("MethodResponses"); rs && rs->is_array()) {
        for (const Value& r : rs->as_array()) {
          json::ObjectBuilder headers;
          if (const Value* p = r.find("ResponseParameters"); p && p->is_object()) {
            for (const json::Member& h : p->members()) {
              std::string_view n = h.name();
              if (n.starts_with("method.response.header.")) {
                headers.add(n.substr(23), json::object({{"type", Value::string("string")}}));
              }
            }
          }
          method_responses.add(
              text_member(r, "StatusCode"),
              json::object({{"description", Value::string("")}, {"headers", headers.build()}}));
        }
      }
      operation.add("responses", method_responses.build());
      if (text_member(properties, "AuthorizationType") == "AWS_IAM") {
        operation.add("x-amazon-apigateway-auth",
                      json::object({{"type", Value::string("aws_iam")}}));
      }
      (*api)->openapi =
          with_operation((*api)->openapi, *path,
                         openapi_method(text_member(properties, "HttpMethod")), operation.build());
    } else if (type == "AWS::ApiGateway::Deployment" || type == "AWS::ApiGateway::Stage") {
      auto api = api_named(text_member(properties, "RestApiId"), where + "/RestApiId");
      if (!api) return Unexpected<Error>(api.error());
      std::string stage = text_member(properties, "StageName");
      if (stage.empty()) continue;
      const Value* variables = properties.find("Variables");
      std::erase_if((*api)->stages,
                    [&stage](const SamRestApi::Stage& s) { return s.name == stage; });
      (*api)->stages.push_back({stage, variables != nullptr ? *variables : Value()});
    }
  }

  // Functions' and state machines' events of Type Api.
  for (const auto& entry : resources) {
    std::string id = entry.first.Scalar();
    std::string type = reader.type_of(id);
    bool function = type == "AWS::Serverless::Function";
    if (!function && type != "AWS::Serverless::StateMachine") continue;
    std::string where = "/Resources/" + id;
    auto properties = properties_of(entry.second, reader, where);
    if (!properties) return Unexpected<Error>(properties.error());
    const Value* events = properties->find("Events");
    if (events == nullptr || !events->is_object()) continue;
    for (const json::Member& event : events->members()) {
      if (text_member(event.value, "Type") != "Api") continue;
      std::string event_where = where + "/Properties/Events/" + std::string(event.name());
      const Value* found = event.value.find("Properties");
      Value e = found != nullptr && found->is_object() ? *found : Value::object({});
      std::string api_id = text_member(e, "RestApiId");
      if (api_id.empty()) {
        api_id = std::string(kImplicitApi);
        if (!apis.contains(api_id)) {
          if (auto added = add_api(api_id, event_where, Value::object({}), "AWS::Serverless::Api");
              !added) {
            return added;
          }
        }
      }
      auto api = api_named(api_id, event_where + "/Properties/RestApiId");
      if (!api) return Unexpected<Error>(api.error());
      std::string path = text_member(e, "Path");
      std::string method = text_member(e, "Method");
      if (path.empty() || method.empty()) {
        return reader.invalid(event_where + "/Properties",
                              "an Api event needs a Path and a Method");
      }
      Value integration =
          function ? proxy_integration(reader.arn("lambda", "function:" + reader.function_name(id)))
                   : start_execution_integration(
                         reader.arn("states", "stateMachine:" + reader.state_machine_name(id)));
      (*api)->openapi =
          with_operation((*api)->openapi, path, openapi_method(method),
                         json::object({{"x-amazon-apigateway-integration", integration},
                                       {"responses", Value::object({})}}));
    }
  }
  for (const auto& [id, c] : cors) {
    SamRestApi& api = project.rest_apis[apis[id]];
    api.openapi = with_cors(api.openapi, c);
  }
  return {};
}

}  // namespace baton::service::sam
