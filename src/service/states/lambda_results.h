#pragma once

// Lambda functions called from Task states, as Step Functions calls them: which function, what
// it receives, and how its answer becomes the task's outcome. Shared by `baton run` and
// `baton serve`.

#include <string>

#include "core/json.h"
#include "core/time.h"
#include "engine/command.h"
#include "engine/event.h"
#include "runtime/function.h"

namespace baton::service::states {

// The Lambda function a task resource calls: from a function ARN, or the FunctionName
// parameter of arn:aws:states:::lambda:invoke (a name, an ARN or a partial ARN, with an
// optional qualifier). Empty when the resource calls no function.
std::string lambda_function_name(const asl::Resource& resource, const json::Value& payload);

// The event the function receives: the task's parameters for a function ARN, the Payload
// parameter for lambda:invoke.
json::Value lambda_event(const engine::commands::InvokeTask& task);

// The result of arn:aws:states:::lambda:invoke, wrapped as AWS wraps it.
json::Value lambda_invoke_result(const json::Value& payload, const std::string& request_id,
                                 Timestamp now);

// The task's outcome from the function's answer: its result (wrapped for lambda:invoke), or a
// failure named by the function's errorType with the error object as the cause.
engine::Event lambda_task_event(const engine::commands::InvokeTask& task,
                                const runtime::InvokeResult& result, Timestamp now);

}  // namespace baton::service::states
