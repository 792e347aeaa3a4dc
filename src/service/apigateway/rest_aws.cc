// AWS integrations of REST APIs: what the URI arn:aws:apigateway:REGION:SERVICE:action/NAME or
// :SERVICE:path/... names, reached through baton's own services (Core::call).
//
// - Lambda (path/2015-03-31/functions/ARN/invocations): the mapped body is the payload; the
//   X-Amz-Invocation-Type header (a request parameter) may make it Event. A function that fails
//   answers its payload with its errorMessage for the selection patterns.
// - A JSON protocol's service (states, events, scheduler, lambda actions): the mapped body is the
//   operation's request; its answer is the body, 200; an error is {"__type", "message"} with 400
//   (500 for the service's own failures).
// - SQS and SNS (query protocol): the form parameters of the mapped body (and the query string)
//   make the request (Action, when the URI has path/...; SQS's path/ACCOUNT/QUEUE names the
//   queue), MessageAttribute.N.* and MessageAttributes.entry.N.* read as the query protocol has
//   them; the answer is the protocol's JSON form: {"ActionResponse": {"ActionResult": ...,
//   "ResponseMetadata": {"RequestId"}}}, an error {"Error": {"Code", "Message", "Type"}}.

#include <charconv>

#include "core/json_object.h"
#include "core/random.h"
#include "core/text.h"
#include "net/http.h"
#include "service/apigateway/apigateway.h"
#include "service/apigateway/rest_mapping.h"

namespace baton::service::apigateway {

using json::Value;

namespace {

struct Target {
  std::string service;  // baton's name of it: states, sqs, ...
  std::string action;   // from action/NAME; empty for path/...
  std::string path;     // after path/
};

std::optional<Target> target_of(std::string_view uri) {
  // arn:aws:apigateway:REGION:SERVICE:KIND/REST
  std::vector<std::string_view> parts;
  std::size_t at = 0;
  for (int i = 0; i < 5; ++i) {
    std::size_t colon = uri.find(':', at);
    if (colon == std::string_view::npos) return std::nullopt;
    parts.push_back(uri.substr(at, colon - at));
    at = colon + 1;
  }
  std::string_view rest = uri.substr(at);
  Target t;
  std::string_view service = parts[4];
  t.service = std::string(
      service.substr(service.rfind('.') == std::string_view::npos ? 0 : service.rfind('.') + 1));
  if (rest.starts_with("action/")) {
    t.action = std::string(rest.substr(7));
  } else if (rest.starts_with("path/")) {
    t.path = std::string(rest.substr(5));
  } else {
    return std::nullopt;
  }
  return t;
}

bool is_query_service(std::string_view service) { return service == "sqs" || service == "sns"; }

Value error_body(const Error& e) {
  return json::object({{"__type", text(e.name)}, {"message", text(e.cause)}});
}

int error_status(const Error& e) {
  return e.name == "ServiceException" || e.name == "InternalError" ||
                 e.name == "InternalServerError" || e.name == "ServiceUnavailable"
             ? 500
             : 400;
}

// The query protocol's form parameters as the members of a request.
Value query_request(const std::vector<std::pair<std::string, std::string>>& form) {
  static constexpr std::string_view kIntegers[] = {"DelaySeconds", "MaxNumberOfMessages",
                                                   "VisibilityTimeout", "WaitTimeSeconds"};
  json::ObjectBuilder out;
  // Message attributes: SQS's MessageAttribute.N.Name, SNS's MessageAttributes.entry.N.Name.
  std::map<std::string, std::map<std::string, std::string>> attributes;  // by N
  for (const auto& [key, value] : form) {
    std::string_view k = key;
    for (std::string_view prefix : {"MessageAttribute.", "MessageAttributes.entry."}) {
      if (!k.starts_with(prefix)) continue;
      std::string_view rest = k.substr(prefix.size());
      std::size_t dot = rest.find('.');
      if (dot != std::string_view::npos) {
        attributes[std::string(rest.substr(0, dot))][std::string(rest.substr(dot + 1))] = value;
      }
      k = {};
      break;
    }
    if (k.empty() || k == "Action" || k == "Version" || k.find('.') != std::string_view::npos) {
      continue;
    }
    bool integer = std::find(std::begin(kIntegers), std::end(kIntegers), k) != std::end(kIntegers);
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (integer && ec == std::errc() && end == value.data() + value.size()) {
      out.add(k, Value::integer(n));
    } else {
      out.add(k, text(value));
    }
  }
  if (!attributes.empty()) {
    json::ObjectBuilder all;
    for (const auto& entry : attributes) {
      const std::map<std::string, std::string>& fields = entry.second;
      auto field = [&fields](const std::string& name) {
        auto it = fields.find(name);
        return it == fields.end() ? std::string() : it->second;
      };
      json::ObjectBuilder v;
      v.add("DataType", text(field("Value.DataType")));
      if (fields.contains("Value.StringValue"))
        v.add("StringValue", text(field("Value.StringValue")));
      if (fields.contains("Value.BinaryValue"))
        v.add("BinaryValue", text(field("Value.BinaryValue")));
      all.add(field("Name"), v.build());
    }
    out.add("MessageAttributes", all.build());
  }
  return out.build();
}

void invoke_function(Core& core, const std::string& function, IntegrationRequest request,
                     const std::string& where, std::function<void(const Outcome&)> done) {
  std::string type = "RequestResponse";
  for (const auto& [name, value] : request.headers) {
    if (ascii_lower(name) == "x-amz-invocation-type") type = value;
  }
  Core* c = &core;
  core.call("lambda", "Invoke",
            json::ObjectBuilder()
                .add("FunctionName", text(function))
                .add("InvocationType", text(type))
                .add("Payload", Value::string(request.body))
                .build(),
            [c, where, function, done = std::move(done)](Result<Value> result) {
              Outcome outcome;
              outcome.lambda = true;
              if (!result) {
                c->warn(where + ": " + function + ": " + result.error().name + ": " +
                        result.error().cause);
                outcome.broken = true;
                return done(outcome);
              }
              outcome.body = string_member(*result, "Payload");
              if (result->find("FunctionError") != nullptr) {
                auto payload = json::parse(outcome.body);
                outcome.error_message =
                    payload && payload->is_object() ? string_member(*payload, "errorMessage") : "";
                if (outcome.error_message.empty()) outcome.error_message = outcome.body;
              }
              done(outcome);
            });
}

}  // namespace

void call_aws_service(Core& core, const std::string& uri, IntegrationRequest request,
                      const std::string& where, std::function<void(const Outcome&)> done) {
  auto target = target_of(uri);
  if (target && target->service == "lambda" && !target->path.empty()) {
    auto function = function_of(uri);
    if (function) return invoke_function(core, *function, std::move(request), where, done);
  }
  Outcome broken;
  broken.broken = true;
  if (!target) {
    core.warn(where + ": the integration's URI '" + uri + "' names no action or path");
    return done(broken);
  }
  bool query = is_query_service(target->service);
  Value call = Value::object({});
  std::string action = target->action;
  if (query) {
    auto form = net::form_pairs(request.body);
    for (auto& pair : request.query) form.push_back(pair);
    for (const auto& [k, v] : form) {
      if (k == "Action" && action.empty()) action = v;
    }
    call = query_request(form);
    if (target->service == "sqs" && !target->path.empty() && call.find("QueueUrl") == nullptr) {
      call = json::with_member(
          call, "QueueUrl",
          text("https://sqs." + core.options.partition.region + ".amazonaws.com/" + target->path));
    }
  } else {
    auto parsed = json::parse(request.body.empty() ? std::string_view("{}") : request.body);
    if (!parsed || !parsed->is_object()) {
      Outcome refused;
      refused.status = 400;
      refused.body = json::to_string(error_body(Error{
          "SerializationException",
          "The request body of " + target->service + "'s " + action + " must be a JSON object"}));
      return done(refused);
    }
    call = *parsed;
  }
  if (action.empty() || !core.implements(target->service, action)) {
    core.warn(where + ": baton does not serve " + target->service + "'s action '" + action +
              "' (the integration's URI is " + uri + ")");
    return done(broken);
  }
  core.call(
      target->service, action, std::move(call),
      [query, action, done = std::move(done)](Result<Value> result) {
        Outcome outcome;
        Random random(os_entropy());
        if (!result) {
          outcome.status = error_status(result.error());
          outcome.body = json::to_string(
              query ? json::object({{"Error", json::object({{"Code", text(result.error().name)},
                                                            {"Message", text(result.error().cause)},
                                                            {"Type", text("Sender")}})},
                                    {"RequestId", text(uuid_v4(random))}})
                    : error_body(result.error()));
          return done(outcome);
        }
        outcome.body = json::to_string(
            query ? json::object(
                        {{action + "Response",
                          json::object({{action + "Result", *result},
                                        {"ResponseMetadata",
                                         json::object({{"RequestId", text(uuid_v4(random))}})}})}})
                  : *result);
        done(outcome);
      });
}

}  // namespace baton::service::apigateway
