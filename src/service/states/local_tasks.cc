#include "service/states/local_tasks.h"

#include <chrono>
#include <future>
#include <memory>

#include "core/random.h"
#include "runtime/process.h"

namespace baton::service::states {

using json::Value;

Result<std::optional<engine::Event>> LocalTasks::invoke(const engine::commands::InvokeTask& task,
                                                        Clock& clock) {
  std::int64_t invocation = invocations_[task.state_name]++;
  if (options_.mocks) {
    auto outcome = options_.mocks->outcome(task.state_name, invocation);
    if (!outcome) {
      // As Step Functions Local: an invocation the mock does not cover fails the execution.
      return std::optional<engine::Event>(engine::events::TaskFailed{
          clock.now(), task.token, "States.Runtime", outcome.error().cause});
    }
    if (*outcome) {
      const MockedOutcome& o = **outcome;
      if (o.is_throw) {
        return std::optional<engine::Event>(
            engine::events::TaskFailed{clock.now(), task.token, o.error, o.cause});
      }
      return std::optional<engine::Event>(
          engine::events::TaskSucceeded{clock.now(), task.token, o.result});
    }
  }
  std::string function = lambda_function_name(task.resource, task.payload);
  if (auto hosted = options_.lambda_functions.find(function);
      hosted != options_.lambda_functions.end() && options_.host != nullptr) {
    return invoke_hosted(task, hosted->second, clock);
  }
  auto command = options_.functions.find(function);
  if (function.empty() || command == options_.functions.end()) {
    std::string hint = function.empty()
                           ? "give the state a mock (--mock FILE --test-case NAME)"
                           : "name it in a SAM template (--functions template.yaml), map it to a "
                             "command (--function " +
                                 function + "=COMMAND), or give the state a mock";
    return fail("NoTaskHandler", "nothing serves the resource " + task.resource.arn +
                                     " of the state '" + task.state_name + "': " + hint);
  }
  runtime::ProcessOptions process;
  if (task.timeout_seconds) process.timeout = std::chrono::seconds(*task.timeout_seconds);
  process.environment["AWS_LAMBDA_FUNCTION_NAME"] = function;
  auto ran = runtime::run_shell(command->second, json::to_string(lambda_event(task)), process);
  if (!ran) return Unexpected<Error>(std::move(ran).error());
  if (ran->timed_out) return std::optional<engine::Event>();
  // The command's answer, as the function host would report a function's.
  Random ids(mix64(seed_ ^ ++requests_));
  runtime::InvokeResult result;
  result.request_id = uuid_v4(ids);
  result.payload = ran->out;
  if (ran->exit_code != 0) {
    result.function_error = true;
    auto parsed = json::parse(ran->out);
    if (!parsed || !parsed->is_object() || parsed->find("errorType") == nullptr) {
      // A crash with nothing to say.
      result.payload = json::to_string(
          json::ObjectBuilder()
              .add("errorType", Value::string("Runtime.ExitError"))
              .add("errorMessage", Value::string("RequestId: " + result.request_id +
                                                 " Error: Runtime exited with error: exit status " +
                                                 std::to_string(ran->exit_code)))
              .build());
    }
  }
  return std::optional<engine::Event>(lambda_task_event(task, result, clock.now()));
}

Result<std::optional<engine::Event>> LocalTasks::invoke_hosted(
    const engine::commands::InvokeTask& task, const runtime::FunctionConfig& function,
    Clock& clock) {
  runtime::InvokeRequest request;
  request.payload = json::to_string(lambda_event(task));
  // Shared with the callback, which may come after this run has stopped waiting.
  auto answered = std::make_shared<std::promise<runtime::InvokeResult>>();
  std::future<runtime::InvokeResult> result = answered->get_future();
  options_.host->invoke(function, std::move(request),
                        [answered](runtime::InvokeResult r) { answered->set_value(std::move(r)); });
  // The state's own TimeoutSeconds ends the wait; the engine's timer reports it.
  if (task.timeout_seconds &&
      result.wait_for(std::chrono::seconds(*task.timeout_seconds)) != std::future_status::ready) {
    return std::optional<engine::Event>();
  }
  return std::optional<engine::Event>(lambda_task_event(task, result.get(), clock.now()));
}

}  // namespace baton::service::states
