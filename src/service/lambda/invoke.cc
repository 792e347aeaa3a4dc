// Lambda's Invoke: a function run by the host, synchronously (RequestResponse), queued to run
// on its own (Event, async_invocations.cc), or only checked (DryRun).

#include "core/crypto.h"
#include "service/lambda/functions.h"

namespace baton::service::lambda {

using json::Value;

void Lambda::invoke(const Request& r, Reply reply) {
  auto name = r.required("FunctionName");
  auto given_qualifier = r.string("Qualifier");
  auto given_type = r.string("InvocationType");
  auto log_type = r.string("LogType");
  auto context = r.string("ClientContext");
  auto payload = r.string("Payload");
  for (const auto* read : {&given_qualifier, &given_type, &log_type, &context, &payload}) {
    if (!*read) return reply(Unexpected<Error>(read->error()));
  }
  if (!name) return reply(Unexpected<Error>(name.error()));
  runtime::InvokeRequest request;
  if (*payload) request.payload = std::move(**payload);
  if (!request.payload.empty() && !json::parse(request.payload)) {
    return reply(fail("InvalidRequestContentException",
                      "Could not parse request body into json: the payload is not JSON"));
  }
  if (*context && !(*context)->empty()) {
    auto decoded = crypto::base64_decode(**context);
    if (!decoded || !json::parse(*decoded)) {
      return reply(fail("InvalidRequestContentException",
                        "Client context must be a valid Base64-encoded JSON object."));
    }
    request.client_context = std::move(*decoded);
  }
  bool tail = *log_type && **log_type == "Tail";
  std::string qualifier = given_qualifier->value_or("");
  std::string type = given_type->value_or("");
  auto found = function_or_error(*name);
  if (!found) return reply(Unexpected<Error>(found.error()));
  auto ref = parse_function_ref(*name);
  std::string wanted = !qualifier.empty() ? qualifier : ref ? ref->qualifier : "";
  if (!qualifier.empty() && ref && !ref->qualifier.empty() && ref->qualifier != qualifier) {
    return reply(fail("InvalidParameterValueException",
                      "The derived qualifier from the function name does not match the "
                      "specified qualifier."));
  }
  if (!wanted.empty() && wanted != "$LATEST") {
    return reply(
        fail("ResourceNotFoundException", "Function not found: " + found->arn + ":" + wanted));
  }
  if (type.empty()) type = "RequestResponse";
  if (type != "RequestResponse" && type != "Event" && type != "DryRun") {
    return reply(fail("InvalidParameterValueException",
                      "1 validation error detected: Value '" + type +
                          "' at 'invocationType' failed to satisfy constraint: Member must "
                          "satisfy enum value set: [Event, RequestResponse, DryRun]"));
  }
  if (request.payload.empty()) request.payload = "{}";
  // Lambda's payload limits: 6 MB for a call that waits, 1 MB for an Event.
  std::size_t limit = type == "Event" ? 1048576 : 6291456;
  if (request.payload.size() > limit) {
    return reply(fail("RequestTooLargeException",
                      type == "Event"
                          ? std::to_string(request.payload.size()) +
                                " byte payload is too large for the Event invocation type "
                                "(limit 1048576 bytes)"
                          : "Request must be smaller than 6291456 bytes for the "
                            "InvokeFunction operation"));
  }
  if (const Value* reserved = found->record.find("reservedConcurrency");
      reserved != nullptr && reserved->is_int64() && reserved->as_int64() == 0) {
    return reply(Result<Value>(Unexpected<Error>(
        Error{"TooManyRequestsException",
              "Rate Exceeded.",
              {{"retryAfterSeconds", "1"},
               {"Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"}}})));
  }
  request.invoked_arn = found->arn + (wanted.empty() ? "" : ":" + wanted);
  auto status_only = [](std::int64_t status) {
    return json::ObjectBuilder().add("StatusCode", Value::integer(status)).build();
  };
  if (type == "DryRun") return reply(status_only(204));
  runtime::FunctionConfig config = function_config(*found);
  if (type == "Event") {
    // Kept in the store before it is answered: a 202 means the event will run.
    if (core.degraded()) {
      return reply(fail("ServiceException",
                        "baton cannot write to its store (is the disk full?): it takes no Event "
                        "invokes until it can"));
    }
    std::string request_id = async.enqueue(*found, std::move(request));
    return core.answer(reply, json::ObjectBuilder()
                                  .add("StatusCode", Value::integer(202))
                                  .add("RequestId", Value::string(request_id))
                                  .build());
  }
  functions().invoke(
      config, std::move(request), [reply = std::move(reply), tail](runtime::InvokeResult result) {
        // baton's failure, not the function's: as Lambda's own errors are.
        if (result.stopped) {
          return reply(
              fail("ServiceException", "baton is shutting down: the invocation was not answered"));
        }
        json::ObjectBuilder out;
        out.add("StatusCode", Value::integer(200));
        out.add("ExecutedVersion", Value::string("$LATEST"));
        if (result.function_error) {
          out.add("FunctionError", Value::string("Unhandled"));
          out.add("FunctionErrorType", Value::string(result.error_type));
        }
        if (tail) {
          // The last 4 KB of the invocation's log, as Lambda gives it.
          std::string_view log = result.log;
          if (log.size() > 4096) log = log.substr(log.size() - 4096);
          out.add("LogResult", Value::string(crypto::base64_encode(log)));
        }
        out.add("Payload", Value::string(result.payload));
        out.add("RequestId", Value::string(result.request_id));
        reply(out.build());
      });
}

}  // namespace baton::service::lambda
