// Mapped integrations of REST APIs (AWS and MOCK), as
// https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-data-transformations.html
// and the mapping template reference describe them:
//
// - the request template is the one of the request's Content-Type (application/json when it
//   has none); with none for it, passthroughBehavior decides: WHEN_NO_MATCH passes the body
//   through, WHEN_NO_TEMPLATES only when the integration has no template at all, NEVER never
//   (415 Unsupported Media Type otherwise);
// - requestParameters set the integration request's headers, query string and path variables
//   from the method request ('literal', method.request.{path,querystring,header}.NAME,
//   method.request.body[.JSONPATH], context.NAME, stageVariables.NAME);
// - the integration response is the one whose selectionPattern (a Java regex, matched whole)
//   matches the integration's status code, or, for a Lambda function, the error message of its
//   failure; else the one without a pattern (the default). Its responseTemplates (by the
//   request's Accept, else application/json, else the only one) make the body; its
//   responseParameters the headers; $context.responseOverride the status and headers last.
//
// AWS integrations reach baton's services: Lambda functions (path/2015-03-31/functions/ARN/
// invocations), and any service's action (action/NAME, path/ACCOUNT/QUEUE for SQS): the JSON
// protocols' services take the mapped body as the request; SQS and SNS (query protocol) take
// form parameters (Action=SendMessage&MessageBody=...) from the body and the query string, and
// answer as their JSON form ({"SendMessageResponse": {"SendMessageResult": ...}}).

#include "service/apigateway/rest_mapping.h"

#include <mutex>
#include <unordered_map>

#include "asl/path.h"
#include "core/java_pattern.h"
#include "core/text.h"
#include "events/vtl.h"
#include "net/http.h"
#include "service/apigateway/apigateway.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

std::string content_type_of(const HttpRequestIn& in, std::string_view header = "content-type") {
  auto values = in.header_values(header);
  if (values.empty()) return "application/json";
  std::string type = ascii_lower(trim(values.front().substr(0, values.front().find(';'))));
  return type.empty() ? "application/json" : type;
}

Value object_of(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json::ObjectBuilder b;
  std::map<std::string, std::string> last;
  for (const auto& [k, v] : pairs) last[k] = v;
  for (const auto& [k, v] : last) b.add(k, text(v));
  return b.build();
}

// What mapping reads of the method request: $input.params() and $context.
struct Mapping {
  events::vtl::Input input;
  Value context;
  Value stage_variables;
};

Mapping mapping_of(const MethodCall& call) {
  const HttpRequestIn& in = call.request;
  const ProxyContext& c = call.context;
  Mapping m;
  m.input.body = in.body;
  m.input.path = object_of(c.path_parameters);
  m.input.querystring = object_of(net::form_pairs(in.raw_query));
  m.input.header = object_of(in.headers);
  auto user_agent = in.header_values("user-agent");
  Value identity = json::ObjectBuilder()
                       .add("sourceIp", text(in.source_ip))
                       .add("userAgent", text(user_agent.empty() ? "" : user_agent.front()))
                       .build();
  std::string stage_path = c.stage == "$default" ? c.path : "/" + c.stage + c.path;
  m.context = json::ObjectBuilder()
                  .add("accountId", text(c.account_id))
                  .add("apiId", text(c.api_id))
                  .add("domainName", text(c.domain_name))
                  .add("domainPrefix", text(c.domain_name.substr(0, c.domain_name.find('.'))))
                  .add("extendedRequestId", text(c.request_id))
                  .add("httpMethod", text(in.method))
                  .add("identity", identity)
                  .add("path", text(stage_path))
                  .add("protocol", text(in.protocol))
                  .add("requestId", text(c.request_id))
                  .add("requestTime", text(request_time(c.time_ms)))
                  .add("requestTimeEpoch", Value::integer(c.time_ms))
                  .add("resourceId", text(c.route_key))
                  .add("resourcePath", text(c.route_path))
                  .add("stage", text(c.stage))
                  .build();
  m.stage_variables = c.stage_variables.is_object() ? c.stage_variables : Value::object({});
  return m;
}

// A dotted path's value in `root` ("$.a.b[0]"), or nothing.
std::optional<Value> at_path(const Value& root, std::string_view path) {
  auto compiled = asl::Path::compile_reference(path);
  if (!compiled) return std::nullopt;
  const Value* at = &root;
  for (const auto& step : compiled->reference_steps()) {
    if (step.is_index()) {
      if (!at->is_array() || static_cast<std::size_t>(step.index) >= at->size())
        return std::nullopt;
      at = &at->as_array()[static_cast<std::size_t>(step.index)];
    } else {
      at = at->find(step.name);
      if (at == nullptr) return std::nullopt;
    }
  }
  return *at;
}

std::string text_of(const Value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::to_string(v);
}

// A mapping expression's value: 'literal', method.request.*, integration.response.*, context.*,
// stageVariables.*; nothing when it names nothing there.
std::optional<std::string> source_value(std::string_view expression, const Mapping& m,
                                        std::string_view body, const Value& response_headers) {
  if (expression.size() >= 2 && expression.front() == '\'' && expression.back() == '\'') {
    return std::string(expression.substr(1, expression.size() - 2));
  }
  auto member = [](const Value& object, std::string_view name) -> std::optional<std::string> {
    const Value* v = object.find(name);
    if (v == nullptr) {
      // Headers are found whatever their case.
      for (const json::Member& mb : object.members()) {
        if (ascii_lower(mb.name()) == ascii_lower(name)) return text_of(mb.value);
      }
      return std::nullopt;
    }
    return text_of(*v);
  };
  auto body_value = [&](std::string_view rest) -> std::optional<std::string> {
    if (rest.empty()) return std::string(body);
    auto parsed = json::parse(body);
    if (!parsed) return std::nullopt;
    auto v = at_path(*parsed, "$" + std::string(rest));
    return v ? std::optional<std::string>(text_of(*v)) : std::nullopt;
  };
  for (auto [prefix, object] : {std::pair{"method.request.path.", &m.input.path},
                                std::pair{"method.request.querystring.", &m.input.querystring},
                                std::pair{"method.request.header.", &m.input.header},
                                std::pair{"integration.response.header.", &response_headers},
                                std::pair{"stageVariables.", &m.stage_variables}}) {
    std::string_view p(prefix);
    if (expression.starts_with(p)) return member(*object, expression.substr(p.size()));
  }
  if (expression.starts_with("method.request.body")) {
    return body_value(expression.substr(std::string_view("method.request.body").size()));
  }
  if (expression.starts_with("integration.response.body")) {
    return body_value(expression.substr(std::string_view("integration.response.body").size()));
  }
  if (expression.starts_with("context.")) {
    auto v = at_path(m.context, "$." + std::string(expression.substr(8)));
    return v ? std::optional<std::string>(text_of(*v)) : std::nullopt;
  }
  return std::nullopt;
}

// The template `templates` has for `type`, the passthrough of the body, or a 415.
enum class Chosen { Template, Passthrough, Unsupported };
std::pair<Chosen, std::string> choose_template(const Value& integration, const std::string& type) {
  const Value* templates = integration.find("requestTemplates");
  bool any = templates != nullptr && templates->is_object() && !templates->members().empty();
  if (any) {
    if (const Value* t = templates->find(type); t != nullptr && t->is_string()) {
      return {Chosen::Template, std::string(t->as_string())};
    }
  }
  std::string behavior = string_member(integration, "passthroughBehavior");
  if (behavior == "NEVER" || (behavior == "WHEN_NO_TEMPLATES" && any)) {
    return {Chosen::Unsupported, ""};
  }
  return {Chosen::Passthrough, ""};
}

// A template compiled once for every request that uses it (on any thread).
Result<events::vtl::Template> compiled(std::string_view source) {
  static std::mutex lock;
  static std::unordered_map<std::string, events::vtl::Template> cache;
  constexpr std::size_t kMostKept = 1024;
  std::lock_guard<std::mutex> hold(lock);
  if (auto it = cache.find(std::string(source)); it != cache.end()) return it->second;
  auto made = events::vtl::Template::compile(source);
  if (!made) return made;
  if (cache.size() >= kMostKept) cache.clear();
  cache.emplace(std::string(source), *made);
  return made;
}

Result<events::vtl::Rendered> render(std::string_view source, const Mapping& m,
                                     std::string_view body) {
  auto compiled_template = compiled(source);
  if (!compiled_template) return Unexpected<Error>(compiled_template.error());
  events::vtl::Variables v{m.input, m.context, m.stage_variables};
  v.input.body = std::string(body);
  return events::vtl::render(*compiled_template, v);
}

HttpAnswer method_response(const Value& integration, const Outcome& outcome, const Mapping& m,
                           const HttpRequestIn& request, const std::string& where, Core& core) {
  if (outcome.broken) return message_answer(500, "Internal server error");
  const Value* responses = integration.find("integrationResponses");
  const Value* chosen = nullptr;
  const Value* fallback = nullptr;
  std::string subject = outcome.lambda ? outcome.error_message : std::to_string(outcome.status);
  if (responses != nullptr && responses->is_object()) {
    for (const json::Member& r : responses->members()) {
      std::string pattern = string_member(r.value, "selectionPattern");
      if (pattern.empty()) {
        fallback = &r.value;
        continue;
      }
      // A Lambda function that succeeded has no error message to match: the default answers.
      if (outcome.lambda && outcome.error_message.empty()) continue;
      auto compiled = Pattern::compile(pattern);
      if (compiled && compiled->matches(subject) && chosen == nullptr) chosen = &r.value;
    }
  }
  if (chosen == nullptr) chosen = fallback;
  if (chosen == nullptr) {
    core.warn(where + ": no integration response matches '" + subject +
              "' and none is the default: Execution failed due to configuration error: No match "
              "for output mapping and no default output mapping configured");
    return message_answer(500, "Internal server error");
  }
  HttpAnswer answer;
  std::string status = string_member(*chosen, "statusCode");
  answer.status = std::atoi(status.c_str());
  if (answer.status < 100 || answer.status > 599) answer.status = 500;
  answer.body = outcome.body;
  std::string type = "application/json";
  Value context = m.context;
  if (const Value* templates = chosen->find("responseTemplates");
      templates != nullptr && templates->is_object() && !templates->members().empty()) {
    std::string accept = content_type_of(request, "accept");
    const Value* t = templates->find(accept);
    if (t == nullptr) t = templates->find("application/json");
    if (t == nullptr) {
      t = &templates->members().front().value;
      accept = std::string(templates->members().front().name());
    } else if (templates->find(accept) == nullptr) {
      accept = "application/json";
    }
    type = accept;
    if (t->is_string() && !t->as_string().empty()) {
      auto rendered = render(t->as_string(), m, outcome.body);
      if (!rendered) {
        core.warn(where + ": the response template: " + rendered.error().cause);
        return message_answer(500, "Internal server error");
      }
      answer.body = rendered->text;
      context = rendered->context;
    }
  }
  answer.headers.emplace_back("Content-Type", type);
  if (const Value* parameters = chosen->find("responseParameters");
      parameters != nullptr && parameters->is_object()) {
    for (const json::Member& p : parameters->members()) {
      constexpr std::string_view kHeader = "method.response.header.";
      if (!p.name().starts_with(kHeader) || !p.value.is_string()) continue;
      auto value = source_value(p.value.as_string(), m, outcome.body, outcome.headers);
      if (!value) continue;
      std::string name(p.name().substr(kHeader.size()));
      std::erase_if(answer.headers,
                    [&name](const auto& h) { return ascii_lower(h.first) == ascii_lower(name); });
      answer.headers.emplace_back(name, *value);
    }
  }
  if (const Value* o = context.find("responseOverride"); o != nullptr && o->is_object()) {
    if (const Value* s = o->find("status")) {
      int overridden =
          s->is_int64() ? static_cast<int>(s->as_int64()) : std::atoi(text_of(*s).c_str());
      if (overridden >= 100 && overridden <= 599) answer.status = overridden;
    }
    if (const Value* h = o->find("header"); h != nullptr && h->is_object()) {
      for (const json::Member& each : h->members()) {
        std::string name(each.name());
        std::erase_if(answer.headers,
                      [&name](const auto& x) { return ascii_lower(x.first) == ascii_lower(name); });
        answer.headers.emplace_back(name, text_of(each.value));
      }
    }
  }
  return answer;
}

}  // namespace

std::optional<Error> check_templates(const Value* templates, std::string_view member) {
  if (templates == nullptr || !templates->is_object()) return std::nullopt;
  for (const json::Member& t : templates->members()) {
    if (!t.value.is_string()) continue;
    auto made = compiled(t.value.as_string());
    if (!made) {
      return Error{made.error().name, made.error().cause + " (" + std::string(member) + " '" +
                                          std::string(t.name()) + "')"};
    }
  }
  return std::nullopt;
}

void map_and_call(Core& core, MethodCall call, const std::string& where,
                  std::function<void(const HttpAnswer&)> done) {
  const Value integration = *call.method.find("methodIntegration");
  std::string type = string_member(integration, "type");
  auto m = std::make_shared<Mapping>(mapping_of(call));
  auto [chosen, source] = choose_template(integration, content_type_of(call.request));
  if (chosen == Chosen::Unsupported) {
    return done(message_answer(415, "Unsupported Media Type"));
  }
  IntegrationRequest out;
  out.body = call.request.body;
  if (chosen == Chosen::Template) {
    auto rendered = render(source, *m, call.request.body);
    if (!rendered) {
      core.warn(where + ": the request template: " + rendered.error().cause);
      return done(message_answer(500, "Internal server error"));
    }
    out.body = rendered->text;
  }
  if (const Value* parameters = integration.find("requestParameters");
      parameters != nullptr && parameters->is_object()) {
    for (const json::Member& p : parameters->members()) {
      if (!p.value.is_string()) continue;
      auto value = source_value(p.value.as_string(), *m, call.request.body, Value::object({}));
      if (!value) continue;
      std::string_view name = p.name();
      if (name.starts_with("integration.request.header.")) {
        out.headers.emplace_back(std::string(name.substr(27)), *value);
      } else if (name.starts_with("integration.request.querystring.")) {
        out.query.emplace_back(std::string(name.substr(32)), *value);
      } else if (name.starts_with("integration.request.path.")) {
        out.path[std::string(name.substr(25))] = *value;
      }
    }
  }
  auto request = std::make_shared<HttpRequestIn>(std::move(call.request));
  request->body.clear();
  auto finish = [integration, m, request, where, &core, done](const Outcome& outcome) {
    done(method_response(integration, outcome, *m, *request, where, core));
  };

  if (type == "MOCK") {
    // The request template's {"statusCode": N} is the integration's status.
    Outcome outcome;
    auto parsed = json::parse(out.body);
    if (parsed && parsed->is_object()) {
      if (const Value* s = parsed->find("statusCode")) {
        outcome.status =
            s->is_int64() ? static_cast<int>(s->as_int64()) : std::atoi(text_of(*s).c_str());
      }
    }
    outcome.body.clear();
    return finish(outcome);
  }
  call_aws_service(core, string_member(integration, "uri"), std::move(out), where, finish);
}

}  // namespace baton::service::apigateway
