// A REST API method's integration, by type: AWS_PROXY (a Lambda function sent the payload 1.0
// event, its response mapped as https://docs.aws.amazon.com/apigateway/latest/developerguide/
// set-up-lambda-proxy-integrations.html says), AWS and MOCK (mapping templates:
// rest_mapping.cc). HTTP and HTTP_PROXY integrations would reach out of baton: they answer 500
// and say so.

#include <atomic>

#include "core/crypto.h"
#include "core/text.h"
#include "service/apigateway/apigateway.h"
#include "service/apigateway/rest_integration.h"
#include "service/apigateway/rest_mapping.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

// Answered once: by the integration, or by its timeout, whichever comes first.
struct Once {
  std::atomic<bool> answered{false};
  std::function<void(const HttpAnswer&)> done;
  void answer(const HttpAnswer& a) {
    if (answered.exchange(true)) return;
    auto d = std::move(done);
    done = nullptr;
    d(a);
  }
};

bool is_binary_media_type(const Value& types, std::string_view content_type) {
  std::string type = ascii_lower(trim(content_type.substr(0, content_type.find(';'))));
  if (!types.is_array() || type.empty()) return false;
  for (const Value& t : types.as_array()) {
    if (!t.is_string()) continue;
    std::string given = ascii_lower(t.as_string());
    if (given == type || given == "*/*") return true;
    // "image/*": any subtype.
    if (given.ends_with("/*") && type.starts_with(given.substr(0, given.size() - 1))) return true;
  }
  return false;
}

std::int64_t timeout_of(const Value& integration) {
  const Value* t = integration.find("timeoutInMillis");
  return t != nullptr && t->is_int64() && t->as_int64() > 0 ? t->as_int64() : kRestTimeoutMs;
}

void lambda_proxy(Core& core, MethodCall call, const std::shared_ptr<Once>& once,
                  const std::string& where) {
  const Value& integration = *call.method.find("methodIntegration");
  auto function = function_of(string_member(integration, "uri"));
  if (!function) {
    core.warn(where + ": " + function.error().cause);
    return once->answer(message_answer(500, "Internal server error"));
  }
  // A REST API's event names the path without the stage, its requestContext the path with it.
  Value event = event_v1(call.request, call.context);
  event = json::with_member(event, "path", text(call.context.path));
  // A REST API sends a body base64-encoded when its Content-Type is one of the API's
  // binaryMediaTypes, as text otherwise.
  if (!call.request.body.empty()) {
    auto types = call.request.header_values("content-type");
    bool binary = is_binary_media_type(call.binary_media_types,
                                       types.empty() ? std::string_view() : types.front());
    event = json::with_member(
        event, "body", text(binary ? crypto::base64_encode(call.request.body) : call.request.body));
    event = json::with_member(event, "isBase64Encoded", Value::boolean(binary));
  }
  if (const Value* rc = event.find("requestContext"); rc != nullptr && rc->is_object()) {
    std::string staged = "/" + call.context.stage + call.context.path;
    event =
        json::with_member(event, "requestContext", json::with_member(*rc, "path", text(staged)));
  }
  Core* c = &core;
  core.call("lambda", "Invoke",
            json::ObjectBuilder()
                .add("FunctionName", text(*function))
                .add("Payload", Value::string(json::to_string(event)))
                .build(),
            [once, c, where, function = *function](Result<Value> result) {
              if (!result) {
                c->warn(where + ": " + function + ": " + result.error().name + ": " +
                        result.error().cause);
                return once->answer(message_answer(500, "Internal server error"));
              }
              std::string payload = string_member(*result, "Payload");
              if (result->find("FunctionError") != nullptr) {
                c->warn(where + ": " + function + " failed: " + payload);
                return once->answer(message_answer(502, "Internal server error"));
              }
              auto mapped = answer_v1(payload);
              if (!mapped) {
                c->warn(where + ": " + function + ": " + mapped.error().cause);
                return once->answer(message_answer(502, "Internal server error"));
              }
              once->answer(*mapped);
            });
}

}  // namespace

void call_method(Core& core, MethodCall call, std::function<void(const HttpAnswer&)> done) {
  auto once = std::make_shared<Once>();
  once->done = std::move(done);
  std::string where =
      "REST API " + call.context.api_id + " " + call.request.method + " " + call.context.route_path;
  const Value* integration = call.method.find("methodIntegration");
  if (integration == nullptr) {
    core.warn(where + ": the method has no integration");
    return once->answer(message_answer(500, "Internal server error"));
  }
  std::string type = string_member(*integration, "type");
  if (type != "MOCK") {
    core.at(
        core.now_ms() + timeout_of(*integration),
        [once] { once->answer(message_answer(504, "Endpoint request timed out")); }, false);
  }
  if (type == "AWS_PROXY") return lambda_proxy(core, std::move(call), once, where);
  if (type == "AWS" || type == "MOCK") {
    return map_and_call(core, std::move(call), where,
                        [once](const HttpAnswer& a) { once->answer(a); });
  }
  core.warn(where + ": integrations of type " + type +
            " reach outside baton, which serves AWS_PROXY, AWS and MOCK integrations");
  once->answer(message_answer(500, "Internal server error"));
}

}  // namespace baton::service::apigateway
