#include "api/errors.h"

#include "core/json.h"

namespace baton::api {

namespace {

struct StatusRow {
  std::string_view name;
  int status;
};

// Errors that are not the client's. Every other name is a client error (400), as every
// modeled Step Functions exception is.
constexpr StatusRow kStatuses[] = {
    {"InternalFailure", 500},       {"StoreError", 500},
    {"ServiceUnavailable", 503},    {"ThrottlingException", 400},
    {"RequestEntityTooLarge", 413},
};

}  // namespace

int status_of(const std::string& error_name) {
  for (const StatusRow& row : kStatuses) {
    if (row.name == error_name) return row.status;
  }
  return 400;
}

net::HttpResponse json_error(const Error& error, const std::string& request_id) {
  net::HttpResponse response;
  response.status = status_of(error.name);
  response.header("Content-Type", "application/x-amz-json-1.0");
  response.header("x-amzn-RequestId", request_id);
  response.header("X-Amzn-ErrorType", error.name);
  response.body = json::to_string(json::ObjectBuilder()
                                      .add("__type", json::Value::string(error.name))
                                      .add("message", json::Value::string(error.cause))
                                      .build());
  return response;
}

}  // namespace baton::api
