// Lambda functions called from Task states, as Step Functions calls them: which function, what
// it receives, and how its answer becomes the task's outcome.

#include "service/states/lambda_results.h"

#include <cstdio>

namespace baton::service::states {

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

Value lambda_event(const engine::commands::InvokeTask& task) {
  if (task.resource.kind == asl::ResourceKind::LambdaFunction) return task.payload;
  const Value* payload = task.payload.find("Payload");
  return payload != nullptr ? *payload : Value::object({});
}

engine::Event lambda_task_event(const engine::commands::InvokeTask& task,
                                const runtime::InvokeResult& result, Timestamp now) {
  std::string_view out = result.payload;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.remove_suffix(1);
  if (result.function_error) {
    // A function error, as Step Functions reports it: errorType names the error; the error
    // object is the cause.
    std::string error = result.error_type;
    auto parsed = json::parse(out);
    if (parsed && parsed->is_object()) {
      if (const Value* type = parsed->find("errorType"); type != nullptr && type->is_string()) {
        error = std::string(type->as_string());
      }
    }
    if (error.empty() || error == "Unhandled") error = "Lambda.Unknown";
    return engine::events::TaskFailed{now, task.token, error, std::string(out)};
  }
  auto parsed = out.empty() ? Expected<Value, json::ParseError>(Value()) : json::parse(out);
  if (!parsed) {
    return engine::events::TaskFailed{
        now, task.token, "Lambda.Unknown",
        "The cause could not be determined because Lambda did not return an error type. "
        "Returned payload: " +
            std::string(out)};
  }
  bool invoke_api = task.resource.kind != asl::ResourceKind::LambdaFunction;
  Value output = invoke_api ? lambda_invoke_result(*parsed, result.request_id, now) : *parsed;
  return engine::events::TaskSucceeded{now, task.token, std::move(output)};
}

}  // namespace baton::service::states
