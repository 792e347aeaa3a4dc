#include "service/local_tasks.h"

#include <chrono>

#include "core/random.h"
#include "runtime/process.h"

namespace baton::service {

using json::Value;

namespace {

// "function:name[:qualifier]" inside an ARN or a partial ARN, or "name[:qualifier]".
std::string name_from_reference(std::string_view reference) {
  auto marker = reference.find("function:");
  if (marker != std::string_view::npos) reference.remove_prefix(marker + 9);
  return std::string(reference.substr(0, reference.find(':')));
}

// AWS's RFC 1123 date, for the wrapped invoke result's headers.
std::string http_date(Timestamp t) {
  static const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t days = t.seconds / 86400;
  std::int64_t rest = t.seconds % 86400;
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(days, year, month, day);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04lld %02d:%02d:%02d GMT",
                kDays[((days % 7) + 7) % 7], day, kMonths[month - 1], static_cast<long long>(year),
                static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
                static_cast<int>(rest % 60));
  return buffer;
}

}  // namespace

std::string lambda_function_name(const asl::Resource& resource, const Value& payload) {
  if (resource.kind == asl::ResourceKind::LambdaFunction) return name_from_reference(resource.arn);
  if (resource.kind == asl::ResourceKind::Integration && resource.service == "lambda" &&
      resource.action == "invoke") {
    const Value* name = payload.find("FunctionName");
    if (name != nullptr && name->is_string()) return name_from_reference(name->as_string());
  }
  return "";
}

Value lambda_invoke_result(const Value& payload, const std::string& request_id, Timestamp now) {
  std::string length = std::to_string(json::serialized_size(payload));
  std::string date = http_date(now);
  std::string trace = "root=1-" + request_id.substr(0, 8) + "-" + request_id.substr(9, 4) +
                      request_id.substr(14, 4) + request_id.substr(19, 4) + ";sampled=0";
  auto list = [](std::string_view v) { return Value::array({Value::string(v)}); };
  Value all_headers = json::ObjectBuilder()
                          .add("X-Amz-Executed-Version", list("$LATEST"))
                          .add("x-amzn-Remapped-Content-Length", list("0"))
                          .add("Connection", list("keep-alive"))
                          .add("x-amzn-RequestId", list(request_id))
                          .add("Content-Length", list(length))
                          .add("Date", list(date))
                          .add("X-Amzn-Trace-Id", list(trace))
                          .add("Content-Type", list("application/json"))
                          .build();
  Value headers = json::ObjectBuilder()
                      .add("Connection", Value::string("keep-alive"))
                      .add("Content-Length", Value::string(length))
                      .add("Content-Type", Value::string("application/json"))
                      .add("Date", Value::string(date))
                      .add("X-Amz-Executed-Version", Value::string("$LATEST"))
                      .add("x-amzn-Remapped-Content-Length", Value::string("0"))
                      .add("x-amzn-RequestId", Value::string(request_id))
                      .add("X-Amzn-Trace-Id", Value::string(trace))
                      .build();
  return json::ObjectBuilder()
      .add("ExecutedVersion", Value::string("$LATEST"))
      .add("Payload", payload)
      .add("SdkHttpMetadata", json::ObjectBuilder()
                                  .add("AllHttpHeaders", all_headers)
                                  .add("HttpHeaders", headers)
                                  .add("HttpStatusCode", Value::integer(200))
                                  .build())
      .add("SdkResponseMetadata",
           json::ObjectBuilder().add("RequestId", Value::string(request_id)).build())
      .add("StatusCode", Value::integer(200))
      .build();
}

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
  bool invoke_api = task.resource.kind != asl::ResourceKind::LambdaFunction;
  Value event = task.payload;
  if (invoke_api) {
    const Value* payload = task.payload.find("Payload");
    event = payload != nullptr ? *payload : Value::object({});
  }
  runtime::ProcessOptions process;
  if (task.timeout_seconds) process.timeout = std::chrono::seconds(*task.timeout_seconds);
  process.environment["AWS_LAMBDA_FUNCTION_NAME"] = function;
  auto ran = runtime::run_shell(command->second, json::to_string(event), process);
  if (!ran) return Unexpected<Error>(std::move(ran).error());
  if (ran->timed_out) return std::optional<engine::Event>();
  Random ids(mix64(seed_ ^ ++requests_));
  std::string request_id = uuid_v4(ids);
  std::string_view out = ran->out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.remove_suffix(1);
  auto parsed = out.empty() ? Expected<Value, json::ParseError>(Value()) : json::parse(out);
  if (ran->exit_code != 0) {
    // A function error, as Lambda reports it: errorType names the error; the payload is the
    // cause. A crash with nothing to say is Runtime.ExitError.
    Value payload;
    if (parsed && parsed->is_object() && parsed->find("errorType") != nullptr) {
      payload = *parsed;
    } else {
      std::string message = "RequestId: " + request_id +
                            " Error: Runtime exited with error: exit status " +
                            std::to_string(ran->exit_code);
      payload = json::ObjectBuilder()
                    .add("errorType", Value::string("Runtime.ExitError"))
                    .add("errorMessage", Value::string(message))
                    .build();
    }
    const Value* type = payload.find("errorType");
    std::string error =
        type != nullptr && type->is_string() ? std::string(type->as_string()) : "Lambda.Unknown";
    return std::optional<engine::Event>(
        engine::events::TaskFailed{clock.now(), task.token, error, json::to_string(payload)});
  }
  if (!parsed) {
    Value payload =
        json::ObjectBuilder()
            .add("errorType", Value::string("Runtime.MarshalError"))
            .add("errorMessage", Value::string("Unable to marshal response: the function printed "
                                               "something that is not JSON"))
            .build();
    return std::optional<engine::Event>(engine::events::TaskFailed{
        clock.now(), task.token, "Runtime.MarshalError", json::to_string(payload)});
  }
  Value result = invoke_api ? lambda_invoke_result(*parsed, request_id, clock.now()) : *parsed;
  return std::optional<engine::Event>(
      engine::events::TaskSucceeded{clock.now(), task.token, std::move(result)});
}

}  // namespace baton::service
