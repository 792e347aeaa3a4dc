#include "service/local_tasks.h"

#include <chrono>

#include "core/random.h"
#include "runtime/process.h"

namespace baton::service {

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
  auto command = options_.functions.find(function);
  if (function.empty() || command == options_.functions.end()) {
    std::string hint = function.empty() ? "give the state a mock (--mock FILE --test-case NAME)"
                                        : "map the function to a command (--function " + function +
                                              "=COMMAND) or give the state a mock";
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

}  // namespace baton::service
