// Destinations and dead-letter targets of Event invokes, reached through Core::call.

#include "service/lambda/destinations.h"

#include <optional>
#include <vector>

#include "core/time.h"

namespace baton::service::lambda {

using json::Value;

namespace {

// The parts of arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.
struct ArnParts {
  std::string service, region, account, resource;
};

std::optional<ArnParts> split_arn(std::string_view arn) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    std::size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts[0] != "arn" || !parts[1].starts_with("aws")) return std::nullopt;
  return ArnParts{std::string(parts[2]), std::string(parts[3]), std::string(parts[4]),
                  std::string(arn.substr(start))};
}

Value parsed_or_text(const std::string& payload) {
  auto parsed = json::parse(payload);
  return parsed ? *parsed : Value::string(payload);
}

// What `call` answered, told when it failed.
Reply warn_on_error(Core& core, std::string what) {
  return [&core, what = std::move(what)](Result<Value> result) {
    if (!result) core.warn(what + ": " + result.error().name + ": " + result.error().cause);
  };
}

Value string_attribute(std::string_view type, std::string_view value) {
  return json::ObjectBuilder()
      .add("DataType", Value::string(type))
      .add("StringValue", Value::string(value))
      .build();
}

}  // namespace

DestinationKind destination_kind(std::string_view arn) {
  auto parts = split_arn(arn);
  if (!parts || parts->region.empty() || parts->account.empty() || parts->resource.empty()) {
    return DestinationKind::Unknown;
  }
  if (parts->service == "sqs") return DestinationKind::Queue;
  if (parts->service == "sns") return DestinationKind::Topic;
  if (parts->service == "lambda" && parts->resource.starts_with("function:")) {
    return DestinationKind::Function;
  }
  if (parts->service == "events" && parts->resource.starts_with("event-bus/")) {
    return DestinationKind::EventBus;
  }
  return DestinationKind::Unknown;
}

Value destination_record(const InvocationOutcome& outcome, std::int64_t now_ms) {
  json::ObjectBuilder record;
  record.add("version", Value::string("1.0"));
  record.add("timestamp", Value::string(format_rfc3339_millis(Timestamp::from_millis(now_ms))));
  record.add("requestContext",
             json::ObjectBuilder()
                 .add("requestId", Value::string(outcome.request_id))
                 .add("functionArn", Value::string(outcome.function_arn))
                 .add("condition", Value::string(outcome.condition))
                 .add("approximateInvokeCount", Value::integer(outcome.invoke_count))
                 .build());
  record.add("requestPayload", parsed_or_text(outcome.request_payload));
  if (outcome.ran) {
    json::ObjectBuilder response;
    response.add("statusCode", Value::integer(200));
    response.add("executedVersion", Value::string("$LATEST"));
    if (outcome.function_error) response.add("functionError", Value::string("Unhandled"));
    record.add("responseContext", response.build());
    record.add("responsePayload", parsed_or_text(outcome.response_payload));
  }
  return record.build();
}

void send_to_destination(Core& core, const std::string& destination_arn, const Value& record,
                         bool success) {
  std::string what = "the destination " + destination_arn + " of " +
                     std::string(record.find("requestContext")->find("functionArn")->as_string());
  std::string body = json::to_string(record);
  switch (destination_kind(destination_arn)) {
    case DestinationKind::Queue:
      return core.call("sqs", "SendMessage",
                       json::ObjectBuilder()
                           .add("QueueUrl", Value::string(queue_url(destination_arn)))
                           .add("MessageBody", Value::string(body))
                           .build(),
                       warn_on_error(core, what));
    case DestinationKind::Topic:
      return core.call("sns", "Publish",
                       json::ObjectBuilder()
                           .add("TopicArn", Value::string(destination_arn))
                           .add("Message", Value::string(body))
                           .build(),
                       warn_on_error(core, what));
    case DestinationKind::Function:
      return core.call("lambda", "Invoke",
                       json::ObjectBuilder()
                           .add("FunctionName", Value::string(destination_arn))
                           .add("InvocationType", Value::string("Event"))
                           .add("Payload", Value::string(body))
                           .build(),
                       warn_on_error(core, what));
    case DestinationKind::EventBus: {
      if (!core.serves("events")) {
        return core.warn(what +
                         " is an EventBridge bus, and this baton serves no EventBridge: "
                         "the record is dropped");
      }
      Value entry =
          json::ObjectBuilder()
              .add("Source", Value::string("lambda"))
              .add("DetailType",
                   Value::string(success ? "Lambda Function Invocation Result - Success"
                                         : "Lambda Function Invocation Result - Failure"))
              .add("Detail", Value::string(body))
              .add("EventBusName", Value::string(destination_arn))
              .add("Resources", Value::array({Value::string(destination_arn),
                                              *record.find("requestContext")->find("functionArn")}))
              .build();
      return core.call("events", "PutEvents",
                       json::ObjectBuilder().add("Entries", Value::array({entry})).build(),
                       warn_on_error(core, what));
    }
    case DestinationKind::Unknown:
      return core.warn(what + " is neither a queue, a topic, a function nor an event bus");
  }
}

void send_to_dead_letter(Core& core, const std::string& target_arn,
                         const InvocationOutcome& outcome) {
  std::string message;
  if (auto error = json::parse(outcome.response_payload); error && error->is_object()) {
    if (const Value* m = error->find("errorMessage"); m != nullptr && m->is_string()) {
      message = std::string(m->as_string());
    }
  }
  // Lambda keeps the first kilobyte of the error message.
  if (message.size() > 1024) message.resize(1024);
  json::ObjectBuilder attributes;
  attributes.add("RequestID", string_attribute("String", outcome.request_id));
  attributes.add("ErrorCode", string_attribute("Number", "200"));
  attributes.add("ErrorMessage", string_attribute("String", message));
  std::string what = "the dead-letter target " + target_arn + " of " + outcome.function_arn;
  switch (destination_kind(target_arn)) {
    case DestinationKind::Queue:
      return core.call("sqs", "SendMessage",
                       json::ObjectBuilder()
                           .add("QueueUrl", Value::string(queue_url(target_arn)))
                           .add("MessageBody", Value::string(outcome.request_payload))
                           .add("MessageAttributes", attributes.build())
                           .build(),
                       warn_on_error(core, what));
    case DestinationKind::Topic:
      return core.call("sns", "Publish",
                       json::ObjectBuilder()
                           .add("TopicArn", Value::string(target_arn))
                           .add("Message", Value::string(outcome.request_payload))
                           .add("MessageAttributes", attributes.build())
                           .build(),
                       warn_on_error(core, what));
    case DestinationKind::Function:
    case DestinationKind::EventBus:
    case DestinationKind::Unknown:
      return core.warn(what + " is neither an SQS queue nor an SNS topic");
  }
}

}  // namespace baton::service::lambda
