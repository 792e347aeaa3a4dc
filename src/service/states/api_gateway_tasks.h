#pragma once

// Step Functions' optimized API Gateway integration (arn:aws:states:::apigateway:invoke, and
// .waitForTaskToken), as
// https://docs.aws.amazon.com/step-functions/latest/dg/connect-api-gateway.html describes it, for
// baton's own HTTP APIs: the task's parameters become a request that API Gateway's serving takes
// (Core::call(kServingService, kServeHttpRequest, ...), with the Host naming the API), and its
// answer becomes the task's outcome. Pure: the call is the caller's.

#include <string>

#include "core/error.h"
#include "core/json.h"
#include "core/time.h"
#include "engine/command.h"
#include "engine/event.h"

namespace baton::service::states {

// The ServeHttpRequest request of the task's parameters (ApiEndpoint, Method, Stage, Path,
// QueryParameters, Headers, RequestBody, AuthType). Errors (States.TaskFailed, naming the
// field): an ApiEndpoint that is not an API Gateway endpoint baton serves
// (API_ID.execute-api.REGION.amazonaws.com; baton reaches no other host), a missing Method,
// parameters of the wrong shape.
[[nodiscard]] Result<json::Value> api_gateway_request(const json::Value& parameters);

// The task's outcome from the served answer ({StatusCode, Headers, Body}): {ResponseBody (JSON
// when the answer is JSON, else text), StatusCode, StatusText, Headers (name -> [values])}; a
// status of 400 or more fails the task with ApiGateway.<status>, the cause being that result
// as JSON text.
engine::Event api_gateway_event(const engine::commands::InvokeTask& task,
                                const Result<json::Value>& answer, Timestamp now);

}  // namespace baton::service::states
