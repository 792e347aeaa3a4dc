// Task states that call another emulated service through the one call interface: the
// optimized integrations (sqs:sendMessage, sns:publish, events:putEvents) and the AWS SDK
// integrations (aws-sdk:sqs:*, aws-sdk:sns:*, ...). The call runs in the group of the step that
// scheduled it, so what it changes (the message sent) commits with that step; an answer given at
// once completes the task in the same commit.

#include "service/states/service_tasks.h"

#include "core/random.h"
#include "service/states/sdk_metadata.h"
#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

// The optimized integrations run through another service: resource service -> {action, the
// operation it calls, the parameter sent as a string when given as JSON}.
struct Optimized {
  std::string_view service;
  std::string_view action;
  std::string_view operation;
  std::string_view text_parameter;
};
constexpr Optimized kOptimized[] = {
    {"sqs", "sendMessage", "SendMessage", "MessageBody"},
    {"sns", "publish", "Publish", "Message"},
    {"events", "putEvents", "PutEvents", ""},
};

// events:putEvents sends each entry's Detail as JSON text and appends the execution's and its
// state machine's ARNs to the entry's Resources, as Step Functions does. A command (DetailType
// "cmd.NAME") sent by a task that waits for its token gets the conversation's reference first
// in its Resources (its CloudEvent's subject): "EXECUTION_ARN#NAME#TOKEN".
Value put_events_request(const Value& request, const std::vector<std::string>& resources,
                         const std::string& correlation) {
  const Value* entries = request.find("Entries");
  if (entries == nullptr || !entries->is_array()) return request;
  std::vector<Value> out;
  for (const Value& entry : entries->as_array()) {
    if (!entry.is_object()) {
      out.push_back(entry);
      continue;
    }
    Value e = entry;
    if (const Value* detail = e.find("Detail"); detail != nullptr && !detail->is_string()) {
      e = json::with_member(e, "Detail", Value::string(json::to_string(*detail)));
    }
    std::vector<Value> listed;
    const Value* type = e.find("DetailType");
    if (!correlation.empty() && type != nullptr && type->is_string() &&
        type->as_string().starts_with("cmd.") && type->as_string().size() > 4) {
      std::string name(type->as_string().substr(4));
      std::size_t hash = correlation.find('#');
      listed.push_back(
          Value::string(correlation.substr(0, hash) + "#" + name + correlation.substr(hash)));
    }
    if (const Value* given = e.find("Resources"); given != nullptr && given->is_array()) {
      listed.assign(given->as_array().begin(), given->as_array().end());
    }
    for (const std::string& arn : resources) listed.push_back(Value::string(arn));
    out.push_back(json::with_member(e, "Resources", Value::array(std::move(listed))));
  }
  return json::with_member(request, "Entries", Value::array(std::move(out)));
}

// An AWS SDK integration's service name -> baton's service (its signing name).
std::string_view served_name(std::string_view sdk_service) {
  if (sdk_service == "sfn") return "states";
  if (sdk_service == "eventbridge") return "events";
  return sdk_service;
}

// The prefix of an error's name, as Step Functions names the service: SQS.QueueDoesNotExist-
// Exception for the optimized integration, Sqs.QueueDoesNotExistException for the SDK's.
std::string error_prefix(std::string_view service, bool sdk) {
  if (!sdk) {
    if (service == "dynamodb") return "DynamoDB";
    std::string upper(service);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper;
  }
  if (service == "dynamodb") return "DynamoDb";
  if (service == "secretsmanager") return "SecretsManager";
  if (service == "eventbridge") return "EventBridge";
  std::string pascal(service);
  if (!pascal.empty())
    pascal[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(pascal[0])));
  return pascal;
}

// What AWS calls the service in a cause's "(Service: ...)".
std::string_view cause_service(std::string_view service) {
  if (service == "sqs") return "AmazonSQS";
  if (service == "sns") return "AmazonSNS";
  if (service == "dynamodb") return "AmazonDynamoDBv2";
  return service;
}

// The request id an answer is known by: derived from the task's token, so a task carried out
// again reports the same one.
std::string request_id_for(const std::string& token) {
  Random r(mix64(std::hash<std::string>{}(token) ^ 0x5eedULL));
  return uuid_v4(r);
}

}  // namespace

std::optional<ServiceCall> service_call(const asl::Resource& r, const Value& payload,
                                        const std::vector<std::string>& resources,
                                        const std::string& correlation) {
  bool sdk = r.service.starts_with("aws-sdk:");
  ServiceCall call;
  call.sdk = sdk;
  call.request = payload.is_object() ? payload : Value::object({});
  if (sdk) {
    std::string_view name = std::string_view(r.service).substr(8);
    call.error_service = std::string(name);
    call.service = std::string(served_name(name));
    if (r.action.empty()) return std::nullopt;
    call.operation = r.action;
    call.operation[0] =
        static_cast<char>(std::toupper(static_cast<unsigned char>(call.operation[0])));
  } else {
    const Optimized* found = nullptr;
    for (const Optimized& o : kOptimized) {
      if (o.service == r.service && o.action == r.action) found = &o;
    }
    if (found == nullptr) return std::nullopt;
    call.service = std::string(found->service);
    call.error_service = call.service;
    call.operation = std::string(found->operation);
    if (call.service == "events") {
      call.request = put_events_request(call.request, resources, correlation);
    }
    // A JSON value where the API takes text is sent as its JSON text.
    if (const Value* v =
            found->text_parameter.empty() ? nullptr : call.request.find(found->text_parameter);
        v != nullptr && !v->is_string()) {
      call.request = json::with_member(call.request, found->text_parameter,
                                       Value::string(json::to_string(*v)));
    }
  }
  return call;
}

engine::Event service_call_event(const ServiceCall& call, const engine::commands::InvokeTask& task,
                                 const Result<Value>& answer, Timestamp now) {
  std::string request_id = request_id_for(task.token);
  if (!answer) {
    const Error& e = answer.error();
    std::string name = e.name;
    if (!name.ends_with("Exception")) name += "Exception";
    std::string cause = e.cause + " (Service: " + std::string(cause_service(call.error_service)) +
                        "; Status Code: 400; Error Code: " + e.name +
                        "; Request ID: " + request_id + "; Proxy: null)";
    return engine::events::TaskFailed{
        now, task.token, error_prefix(call.error_service, call.sdk) + "." + name, std::move(cause)};
  }
  if (call.sdk) return engine::events::TaskSucceeded{now, task.token, *answer};
  if (call.service == "events") {
    // An entry EventBridge refused fails the task, with the answer as its cause.
    const Value* failed = answer->find("FailedEntryCount");
    if (failed != nullptr && failed->is_int64() && failed->as_int64() > 0) {
      return engine::events::TaskFailed{now, task.token, "EventBridge.FailedEntry",
                                        json::to_string(*answer)};
    }
    return engine::events::TaskSucceeded{now, task.token, *answer};
  }
  // The optimized integrations answer what the AWS SDK for Java reads from the query
  // protocol's XML answer, with its HTTP metadata.
  std::string length = std::to_string(json::serialized_size(*answer) + 180);
  json::ObjectBuilder out;
  if (answer->is_object()) {
    for (const json::Member& m : answer->members()) out.add(m.name(), m.value);
  }
  out.add("SdkHttpMetadata", sdk_http_metadata({{"x-amzn-RequestId", request_id},
                                                {"Date", http_date(now)},
                                                {"Content-Type", "text/xml"},
                                                {"Content-Length", length}}));
  out.add("SdkResponseMetadata", sdk_response_metadata(request_id));
  return engine::events::TaskSucceeded{now, task.token, out.build()};
}

void StepFunctions::dispatch_service_task(LiveExecution& e,
                                          const engine::commands::InvokeTask& task,
                                          ServiceCall call) {
  std::string arn = e.arn;
  if (task.resource.pattern == asl::IntegrationPattern::WaitForTaskToken) keep_task(arn, task, "");
  // An answer that comes later (a long poll) completes the task from the outbox's entry,
  // which carries the call out again after a crash.
  add_outbox(arn, task);
  auto finish = [this, arn, task, call](Result<Value> answer) {
    core.stage(store::ops::DeleteOutbox{task.token});
    engine::Event event = service_call_event(call, task, answer, core.clock.now());
    if (task.resource.pattern != asl::IntegrationPattern::WaitForTaskToken) {
      return complete_task(arn, std::move(event));
    }
    // With a callback, the call only starts the task; its failure ends it.
    if (!answer) return send_task_event(task.token, std::move(event), [](Result<Value>) {});
    auto& ok = std::get<engine::events::TaskSucceeded>(event);
    complete_task(arn, engine::events::TaskSubmitted{ok.time, task.token, ok.output});
  };
  auto now = core.call_in_group(
      call.service, call.operation, call.request, [this, finish](Result<Value> answer) {
        core.post([finish, answer = std::move(answer)] { finish(answer); });
      });
  // The step that scheduled the task is still being applied: the answer is taken just before
  // the group commits, in the same transaction.
  if (now) core.before_commit([finish, answer = std::move(*now)] { finish(answer); });
}

}  // namespace baton::service::states
