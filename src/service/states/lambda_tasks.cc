// Task states that call a Lambda function: through Lambda's own Invoke (Core::call), once the
// step that scheduled them is committed; the answer comes back to the execution as an event.

#include "service/states/lambda_results.h"
#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

// A failure of Lambda's own (not the function's), as Step Functions words it: Lambda.<error>,
// the cause quoting Lambda's answer.
engine::events::TaskFailed lambda_failure(const engine::commands::InvokeTask& task,
                                          const Error& error, Timestamp now) {
  int status = error.name == "TooManyRequestsException" ? 429 : 404;
  return engine::events::TaskFailed{
      now, task.token, "Lambda." + error.name,
      error.cause + " (Service: AWSLambda; Status Code: " + std::to_string(status) +
          "; Error Code: " + error.name + "; Request ID: " + task.token.substr(0, 8) +
          "; Proxy: null)"};
}

}  // namespace

void StepFunctions::dispatch_lambda_task(LiveExecution& e,
                                         const engine::commands::InvokeTask& task) {
  std::string arn = e.arn;
  const asl::Resource& r = task.resource;
  if (lambda_function_name(r, task.payload).empty()) {
    Error missing{"ResourceNotFoundException", "Function not found: " + r.arn};
    engine::Event failed = lambda_failure(task, missing, core.clock.now());
    core.post([this, arn, failed] { complete_task(arn, failed); });
    return;
  }
  // .waitForTaskToken: the function is handed the token; SendTaskSuccess or SendTaskFailure
  // completes the task, and only the function's own failure fails it here.
  if (r.pattern == asl::IntegrationPattern::WaitForTaskToken) keep_task(arn, task, "");
  // At least once: the outbox entry starts it again after a crash, with the same token.
  add_outbox(arn, task);
  core.then([this, arn, task] { invoke_lambda(arn, task); });
}

void StepFunctions::invoke_lambda(const std::string& execution_arn,
                                  const engine::commands::InvokeTask& task) {
  Value request =
      json::ObjectBuilder()
          .add("FunctionName", Value::string(lambda_function_name(task.resource, task.payload)))
          .add("Payload", Value::string(json::to_string(lambda_event(task))))
          .build();
  // On the service thread, the call runs at once; its answer comes from the thread that ran
  // the function (or at once, when Lambda refuses it).
  core.call(
      "lambda", "Invoke", std::move(request), [this, execution_arn, task](Result<Value> answer) {
        // baton is stopping: the task is no failure of the function's. Its outbox
        // command stays, and runs again when baton starts.
        if (!answer && answer.error().name == "ServiceException") return;
        core.post([this, execution_arn, task, answer = std::move(answer)] {
          core.stage(store::ops::DeleteOutbox{task.token});
          bool callback = task.resource.pattern == asl::IntegrationPattern::WaitForTaskToken;
          Timestamp now = core.clock.now();
          engine::Event event;
          bool failed = !answer;
          if (failed) {
            event = lambda_failure(task, answer.error(), now);
          } else {
            auto member = [&](std::string_view name) {
              const Value* v = answer->find(name);
              return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
            };
            runtime::InvokeResult result;
            result.request_id = member("RequestId");
            result.payload = member("Payload");
            result.function_error = answer->find("FunctionError") != nullptr;
            result.error_type = member("FunctionErrorType");
            failed = result.function_error;
            event = lambda_task_event(task, result, now);
          }
          // With a callback, only a failed invocation ends the task here.
          if (!callback) return complete_task(execution_arn, std::move(event));
          if (failed) {
            send_task_event(task.token, std::move(event), [](Result<Value>) {});
          } else if (auto* ok = std::get_if<engine::events::TaskSucceeded>(&event)) {
            // The invocation was accepted: TaskSubmitted, with its response (ignored if
            // the callback came first and the task has ended).
            complete_task(execution_arn,
                          engine::events::TaskSubmitted{ok->time, task.token, ok->output});
          }
        });
      });
}

}  // namespace baton::service::states
