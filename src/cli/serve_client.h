#pragma once

// A client of a running `baton serve` for the CLI's project commands (deploy, teardown): its
// Lambda API (REST paths) and its Step Functions API (awsJson1_0), answers as JSON.

#include <string>

#include "core/error.h"
#include "core/json.h"

namespace baton::cli {

struct ServeAnswer {
  int status = 0;
  json::Value body;  // {} when the body is not JSON
};

class ServeClient {
 public:
  explicit ServeClient(std::string endpoint) : endpoint_(std::move(endpoint)) {}

  // A Lambda API call: `method` on `path` (e.g. /2015-03-31/functions/NAME), `body` as JSON
  // unless it is null.
  [[nodiscard]] Result<ServeAnswer> lambda(const std::string& method, const std::string& path,
                                           const json::Value& body);
  // A Step Functions API call: AWSStepFunctions.<operation> with `body`.
  [[nodiscard]] Result<ServeAnswer> states(const std::string& operation, const json::Value& body);

 private:
  std::string endpoint_;
};

// The error message an answer carries, or its HTTP status.
std::string message_of(const ServeAnswer& a);

}  // namespace baton::cli
