#pragma once

// Task states that call another emulated service (sqs:sendMessage, sns:publish,
// aws-sdk:SERVICE:ACTION): which operation, with what, and how its answer becomes the task's
// outcome, as Step Functions reports it.

#include <optional>
#include <string>
#include <vector>

#include "asl/definition.h"
#include "core/error.h"
#include "core/json.h"
#include "core/time.h"
#include "engine/command.h"
#include "engine/event.h"

namespace baton::service::states {

struct ServiceCall {
  std::string service;    // baton's name of the service called: "sqs", "states"
  std::string operation;  // as AWS's model names it: "SendMessage"
  json::Value request;
  bool sdk = false;           // aws-sdk:..., rather than an optimized integration
  std::string error_service;  // the resource's service name, for the error names: "sqs"
};

// The call a task resource makes, or nothing when it names no optimized integration baton
// carries out this way (aws-sdk: resources always name one). `resources`: the ARNs
// events:putEvents appends to each entry's Resources (the execution's, its state machine's).
// `correlation`: for a task that waits for its token, "EXECUTION_ARN#TOKEN", from which
// events:putEvents makes the reference of a command's conversation (docs/cloudevents.md).
std::optional<ServiceCall> service_call(const asl::Resource& resource, const json::Value& payload,
                                        const std::vector<std::string>& resources = {},
                                        const std::string& correlation = "");

// The task's outcome from the service's answer. Errors are named as Step Functions names them:
// "SQS.QueueDoesNotExistException" (optimized), "Sqs.QueueDoesNotExistException" (AWS SDK),
// with a cause quoting the service's message. The optimized integrations of query-protocol
// services (SQS, SNS) carry SdkHttpMetadata and SdkResponseMetadata in their results;
// events:putEvents fails with EventBridge.FailedEntry when an entry was refused.
engine::Event service_call_event(const ServiceCall& call, const engine::commands::InvokeTask& task,
                                 const Result<json::Value>& answer, Timestamp now);

}  // namespace baton::service::states
