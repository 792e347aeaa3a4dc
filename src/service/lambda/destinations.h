#pragma once

// Where Lambda sends what became of an Event invoke: the destinations of its event invoke
// configuration (an SQS queue, an SNS topic, another function, an EventBridge bus) and the
// function's dead-letter queue or topic. Each is reached through Core::call, so that what is
// sent commits with the invocation's end. On the service thread.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.h"
#include "service/arn.h"
#include "service/core.h"

namespace baton::service::lambda {

enum class DestinationKind { Queue, Topic, Function, EventBus, Unknown };

// The kind of resource an ARN names: arn:aws:sqs:..., arn:aws:sns:..., arn:aws:lambda:...:function:
// ..., arn:aws:events:...:event-bus/...
DestinationKind destination_kind(std::string_view arn);

// What an Event invoke came to, as a destination record describes it.
struct InvocationOutcome {
  std::string request_id;
  std::string function_arn;  // qualified: ...:function:NAME:$LATEST
  std::string condition;     // Success, RetriesExhausted, EventAgeExceeded
  std::int64_t invoke_count = 0;
  std::string request_payload;
  bool ran = false;  // whether the function answered at all (not when the event aged out unrun)
  bool function_error = false;
  std::string response_payload;
};

// Lambda's destination record: {version, timestamp, requestContext, requestPayload,
// responseContext, responsePayload}.
json::Value destination_record(const InvocationOutcome& outcome, std::int64_t now_ms);

// Sends `record` to `destination_arn`. What cannot be sent is told through Core::warn.
void send_to_destination(Core& core, const std::string& destination_arn, const json::Value& record,
                         bool success);

// Sends a failed event to a dead-letter queue or topic, with the attributes Lambda adds
// (RequestID, ErrorCode, ErrorMessage).
void send_to_dead_letter(Core& core, const std::string& target_arn,
                         const InvocationOutcome& outcome);

}  // namespace baton::service::lambda
