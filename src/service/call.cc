// The one call interface over the Step Functions and Lambda operations.

#include "core/crypto.h"
#include "service/service_internal.h"

namespace baton::service {

namespace {

using json::Value;

std::string text(const Value& request, std::string_view member) {
  const Value* v = request.find(member);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The Lambda control plane still reads its zip archives as base64.
Value zip_as_base64(const Value& request) {
  if (const Value* zip = request.find("ZipFile"); zip && zip->is_string()) {
    return json::with_member(request, "ZipFile",
                             Value::string(crypto::base64_encode(zip->as_string())));
  }
  if (const Value* code = request.find("Code"); code && code->is_object()) {
    return json::with_member(request, "Code", zip_as_base64(*code));
  }
  return request;
}

}  // namespace

bool Service::serves(std::string_view service) const {
  return service == "states" || service == "lambda";
}

bool Service::degraded() const { return impl_->degraded.load(); }

bool Service::implements(std::string_view service, std::string_view operation) const {
  if (service == "states") return implements(operation);
  if (service != "lambda") return false;
  if (operation == "Invoke") return true;
  for (const Impl::OperationEntry& entry : Impl::lambda_operation_table()) {
    if (entry.name == operation) return true;
  }
  return false;
}

void Service::call(std::string_view service, std::string_view operation, json::Value request,
                   Reply reply, std::function<bool()> abandoned) {
  if (service == "states") return call(operation, std::move(request), std::move(reply), abandoned);
  if (service != "lambda") {
    return reply(fail("UnknownOperationException",
                      "baton has no service " + std::string(service)));
  }
  if (operation != "Invoke") {
    return call_lambda(operation, zip_as_base64(request), std::move(reply));
  }
  runtime::InvokeRequest invoke;
  if (const Value* payload = request.find("Payload"); payload && payload->is_string()) {
    invoke.payload = std::string(payload->as_string());
  } else {
    invoke.payload.clear();
  }
  if (!invoke.payload.empty() && !json::parse(invoke.payload)) {
    return reply(fail("InvalidRequestContentException",
                      "Could not parse request body into json: the payload is not JSON"));
  }
  std::string context = text(request, "ClientContext");
  if (!context.empty()) {
    auto decoded = crypto::base64_decode(context);
    if (!decoded || !json::parse(*decoded)) {
      return reply(fail("InvalidRequestContentException",
                        "Client context must be a valid Base64-encoded JSON object."));
    }
    invoke.client_context = *decoded;
  }
  bool tail = text(request, "LogType") == "Tail";
  invoke_function(
      text(request, "FunctionName"), text(request, "Qualifier"), text(request, "InvocationType"),
      std::move(invoke), [reply = std::move(reply), tail](Result<InvokeOutcome> outcome) {
        if (!outcome) {
          Error e = outcome.error();
          if (e.name == "TooManyRequestsException") {
            // The function's reserved concurrency is 0: every call is throttled.
            e.fields = {{"Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"},
                        {"retryAfterSeconds", "1"}};
          }
          return reply(Unexpected<Error>(std::move(e)));
        }
        json::ObjectBuilder out;
        out.add("StatusCode", Value::integer(outcome->status));
        if (outcome->status == 200) {
          out.add("ExecutedVersion", Value::string(outcome->executed_version));
          if (outcome->result.function_error) out.add("FunctionError", Value::string("Unhandled"));
          if (tail) {
            // The last 4 KB of the invocation's log, as Lambda gives it.
            std::string_view log = outcome->result.log;
            if (log.size() > 4096) log = log.substr(log.size() - 4096);
            out.add("LogResult", Value::string(crypto::base64_encode(log)));
          }
          out.add("Payload", Value::string(outcome->result.payload));
        }
        reply(out.build());
      });
}

}  // namespace baton::service
