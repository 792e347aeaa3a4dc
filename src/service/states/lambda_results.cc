// Lambda functions called from Task states, as Step Functions calls them: which function, what
// it receives, and how its answer becomes the task's outcome.

#include "service/states/lambda_results.h"

#include "service/states/sdk_metadata.h"

namespace baton::service::states {

using json::Value;

namespace {

// "function:name[:qualifier]" inside an ARN or a partial ARN, or "name[:qualifier]".
std::string name_from_reference(std::string_view reference) {
  auto marker = reference.find("function:");
  if (marker != std::string_view::npos) reference.remove_prefix(marker + 9);
  return std::string(reference.substr(0, reference.find(':')));
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
  Value metadata = sdk_http_metadata({{"X-Amz-Executed-Version", "$LATEST"},
                                      {"x-amzn-Remapped-Content-Length", "0"},
                                      {"Connection", "keep-alive"},
                                      {"x-amzn-RequestId", request_id},
                                      {"Content-Length", length},
                                      {"Date", date},
                                      {"X-Amzn-Trace-Id", trace},
                                      {"Content-Type", "application/json"}});
  return json::ObjectBuilder()
      .add("ExecutedVersion", Value::string("$LATEST"))
      .add("Payload", payload)
      .add("SdkHttpMetadata", metadata)
      .add("SdkResponseMetadata", sdk_response_metadata(request_id))
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
