// Requests on the HTTP API port: the API and stage they are for, the route they take, the
// Lambda proxy event, the function's invocation and the answer made of its response (or the
// AWS service's operation the integration's subtype names, with the mapped parameters), within
// the integration's timeout, with the integration's response parameters applied.
//
// Which API: a Host of the form API_ID.execute-api.* names one; any other Host (127.0.0.1,
// localhost) reaches every API at once, as `sam local start-api` serves a template's APIs on one
// port: the most specific route of all of them wins, and between equally specific routes of
// two APIs the older API's.

#include <atomic>

#include "core/crypto.h"
#include "service/apigateway/apigateway.h"
#include "service/apigateway/parameter_mapping.h"
#include "service/apigateway/rest_api.h"
#include "service/apigateway/service_integrations.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

Value value_of(HttpAnswer answer, const std::string& request_id) {
  answer.headers.emplace_back("apigw-requestid", request_id);
  return http_answer_value(answer);
}

// API Gateway's ids of requests: 16 characters of base64 ("JKJaXmPLvHcESHA=").
std::string request_id_from(Random& random) {
  std::string bytes;
  for (int i = 0; i < 11; ++i) bytes += static_cast<char>(random.below(256));
  return crypto::base64_encode(bytes);
}

// Answered once: by the function, or by the integration's timeout, whichever comes first. The
// reply (which holds the client's connection) is let go once answered, not when the timer that
// outlives it fires.
struct Pending {
  std::atomic<bool> answered{false};
  Reply reply;
  bool take() { return !answered.exchange(true); }
  // Only by the caller whose take() returned true.
  void answer(Value v) {
    Reply r = std::move(reply);
    reply = nullptr;
    r(std::move(v));
  }
};

}  // namespace

void ApiGateway::serve(const Request& r, Reply reply) {
  HttpRequestIn in = http_request_in(r.body());
  std::string request_id = request_id_from(random);
  std::string domain = in.host();
  auto answer = [&reply, &request_id](const HttpAnswer& a) { reply(value_of(a, request_id)); };

  std::vector<HttpApi*> candidates;
  if (auto at = domain.find(".execute-api."); at != std::string::npos) {
    if (auto it = apis.find(domain.substr(0, at)); it != apis.end()) {
      candidates.push_back(&it->second);
    } else {
      return rest_apis->serve(std::move(in), domain.substr(0, at), domain, request_id,
                              std::move(reply));
    }
  } else {
    for (auto& [id, api] : apis) candidates.push_back(&api);
    std::stable_sort(candidates.begin(), candidates.end(), [](const HttpApi* a, const HttpApi* b) {
      return a->created_ms < b->created_ms;
    });
  }

  struct Match {
    HttpApi* api = nullptr;
    std::string stage;
    std::string path;  // without the stage
    RouteTable::Found found;
  };
  // The stage a path is for, and the path within it: /STAGE/... names a stage, else $default.
  auto staged = [&in](const HttpApi& api) -> std::optional<std::pair<std::string, std::string>> {
    std::string_view path = in.raw_path;
    std::string_view first =
        path.substr(1, path.find('/', 1) == std::string_view::npos ? std::string_view::npos
                                                                   : path.find('/', 1) - 1);
    if (!first.empty() && first != "$default" && api.stages.contains(std::string(first))) {
      std::string rest(path.substr(1 + first.size()));
      return std::pair{std::string(first), rest.empty() ? std::string("/") : rest};
    }
    if (api.stages.contains("$default")) return std::pair{std::string("$default"), in.raw_path};
    return std::nullopt;
  };
  auto best_route = [&](std::string_view method) {
    std::optional<Match> best;
    for (HttpApi* api : candidates) {
      auto stage = staged(*api);
      if (!stage) continue;
      auto found = api->table.find(method, stage->second);
      if (!found) continue;
      if (!best || compare_specificity(found->entry->key, best->found.entry->key) < 0) {
        best = Match{api, stage->first, stage->second, std::move(*found)};
      }
    }
    return best;
  };

  if (Cors::is_preflight(in)) {
    // API Gateway answers a preflight itself for an API with a CORS configuration, whatever its
    // routes: the API of the route the actual request would take, or the only one there is.
    auto would = best_route(in.header_values("access-control-request-method").front());
    HttpApi* api = would ? would->api : candidates.size() == 1 ? candidates.front() : nullptr;
    if (api != nullptr && api->cors && staged(*api)) return answer(api->cors->preflight(in));
  }
  auto match = best_route(in.method);
  // No HTTP API route: the REST APIs', if any takes it.
  if (!match && !rest_apis->apis.empty()) {
    return rest_apis->serve(std::move(in), "", domain, request_id, std::move(reply));
  }
  if (!match) return answer(message_answer(404, "Not Found"));
  HttpApi& api = *match->api;
  const Value& route = api.routes.at(match->found.entry->route_id);
  std::string target = string_member(route, "Target");
  auto integration = target.starts_with("integrations/") ? api.integrations.find(target.substr(13))
                                                         : api.integrations.end();
  if (integration == api.integrations.end()) {
    core.warn("HTTP API " + api.id + ": route '" + match->found.entry->key.text +
              "' has no integration (its Target is '" + target + "')");
    return answer(message_answer(500, "Internal Server Error"));
  }
  const Value& chosen = integration->second;

  ProxyContext context;
  context.account_id = core.options.partition.account;
  context.api_id = api.id;
  context.domain_name = domain;
  context.stage = match->stage;
  context.path = match->path;
  context.route_key = match->found.entry->key.text;
  context.route_path =
      match->found.entry->key.is_default ? "$default" : match->found.entry->key.path;
  context.request_id = request_id;
  context.time_ms = core.now_ms();
  context.path_parameters = std::move(match->found.path_parameters);
  if (const Value* variables = api.stages.at(match->stage).find("StageVariables")) {
    context.stage_variables = *variables;
  }
  const Value* requests = chosen.find("RequestParameters");
  Value request_parameters = requests != nullptr ? *requests : Value::object({});
  const Value* responses = chosen.find("ResponseParameters");
  Value response_parameters = responses != nullptr ? *responses : Value::object({});
  std::string where = "HTTP API " + api.id + " route '" + context.route_key + "'";
  std::int64_t timeout_ms = kDefaultTimeoutMs;
  if (const Value* t = chosen.find("TimeoutInMillis"); t != nullptr && t->is_int64()) {
    timeout_ms = t->as_int64();
  }
  auto pending = std::make_shared<Pending>();
  pending->reply = std::move(reply);
  core.at(
      core.now_ms() + timeout_ms,
      [pending, request_id] {
        if (pending->take()) {
          pending->answer(value_of(message_answer(504, "Endpoint request timed out"), request_id));
        }
      },
      false);
  Core* c = &core;

  if (const Subtype* subtype = find_subtype(string_member(chosen, "IntegrationSubtype"))) {
    // A first-class AWS service integration: the mapped parameters make the operation's request.
    MappingInput input{&in, &context, nullptr};
    auto request = service_request(*subtype, request_parameters, input);
    if (!request) {
      core.warn(where + ": " + request.error().cause);
      if (pending->take()) {
        pending->answer(value_of(message_answer(400, "Bad Request"), request_id));
      }
      return;
    }
    core.call(
        subtype->service, subtype->operation, std::move(*request),
        [pending, request_id, cors = api.cors, in, context, response_parameters, c, where,
         subtype](Result<Value> result) {
          if (!pending->take()) return;
          if (!result) {
            c->warn(where + ": " + std::string(subtype->name) + ": " + result.error().name + ": " +
                    result.error().cause);
          }
          HttpAnswer a = service_answer(result);
          apply_response_parameters(response_parameters, MappingInput{&in, &context, nullptr}, a);
          if (cors) cors->decorate(in, a);
          pending->answer(value_of(a, request_id));
        });
    return;
  }

  auto function = function_of(string_member(chosen, "IntegrationUri"));
  if (!function) {
    if (pending->take()) {
      pending->answer(value_of(message_answer(500, "Internal Server Error"), request_id));
    }
    return;
  }
  apply_request_parameters(request_parameters, MappingInput{&in, &context, nullptr}, in);
  bool v1 = string_member(chosen, "PayloadFormatVersion") == "1.0";
  Value event = v1 ? event_v1(in, context) : event_v2(in, context);
  in.body.clear();  // what CORS and the response parameters read of the request
  core.call(
      "lambda", "Invoke",
      json::ObjectBuilder()
          .add("FunctionName", text(*function))
          .add("Payload", Value::string(json::to_string(event)))
          .build(),
      [pending, request_id, v1, cors = api.cors, in = std::move(in), c, where, function = *function,
       context = std::move(context), response_parameters](Result<Value> result) {
        if (!pending->take()) return;
        auto finish = [&](HttpAnswer a) {
          if (cors) cors->decorate(in, a);
          pending->answer(value_of(a, request_id));
        };
        // Lambda refused the call (no such function, throttled): 500; the function failed or
        // answered out of format: 502. As https://docs.aws.amazon.com/lambda/latest/dg/
        // services-apigateway-errors.html describes them.
        if (!result) {
          c->warn(where + ": " + function + ": " + result.error().name + ": " +
                  result.error().cause);
          return finish(message_answer(500, "Internal Server Error"));
        }
        std::string payload = string_member(*result, "Payload");
        if (result->find("FunctionError") != nullptr) {
          c->warn(where + ": " + function + " failed: " + payload);
          return finish(message_answer(502, "Internal server error"));
        }
        auto mapped = v1 ? answer_v1(payload) : answer_v2(payload);
        if (!mapped) {
          c->warn(where + ": " + function + ": " + mapped.error().cause);
          return finish(message_answer(502, "Internal server error"));
        }
        apply_response_parameters(response_parameters, MappingInput{&in, &context, nullptr},
                                  *mapped);
        finish(std::move(*mapped));
      });
}

}  // namespace baton::service::apigateway
