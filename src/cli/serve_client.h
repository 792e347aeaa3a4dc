#pragma once

// A client of a running `baton serve` for the CLI's project commands (deploy, teardown): its
// Lambda and API Gateway APIs (REST paths), its Step Functions, SQS (awsJson1_0) and EventBridge
// (awsJson1_1) APIs, answers as JSON; and its SNS API (the query protocol), answers as XML text.

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace baton::cli {

struct ServeAnswer {
  int status = 0;
  json::Value body;  // {} when the body is not JSON
  std::string text;  // the body as it came
};

class ServeClient {
 public:
  explicit ServeClient(std::string endpoint) : endpoint_(std::move(endpoint)) {}

  // A Lambda API call: `method` on `path` (e.g. /2015-03-31/functions/NAME), `body` as JSON
  // unless it is null.
  [[nodiscard]] Result<ServeAnswer> lambda(const std::string& method, const std::string& path,
                                           const json::Value& body) {
    return rest(method, path, body);
  }
  // A call of a rest-json API (Lambda's, Scheduler's): `method` on `path`, `body` as JSON unless
  // it is null; the gateway knows the API by its path.
  [[nodiscard]] Result<ServeAnswer> rest(const std::string& method, const std::string& path,
                                         const json::Value& body);
  // An API Gateway (apigatewayv2, rest-json) call: `method` on `path` (/v2/apis/...), `body`
  // as JSON unless it is null, its members named as they travel (camelCase).
  [[nodiscard]] Result<ServeAnswer> apigateway(const std::string& method, const std::string& path,
                                               const json::Value& body) {
    return rest(method, path, body);
  }
  // A Step Functions API call: AWSStepFunctions.<operation> with `body`.
  [[nodiscard]] Result<ServeAnswer> states(const std::string& operation, const json::Value& body);
  // An SQS API call: AmazonSQS.<operation> with `body`.
  [[nodiscard]] Result<ServeAnswer> sqs(const std::string& operation, const json::Value& body);
  // An EventBridge API call: AWSEvents.<operation> with `body` (awsJson1_1).
  [[nodiscard]] Result<ServeAnswer> events(const std::string& operation, const json::Value& body);
  // An SNS API call: Action=<action> with `parameters` (name, value pairs in the query
  // protocol's flattened form: "Attributes.entry.1.key").
  [[nodiscard]] Result<ServeAnswer> sns(
      const std::string& action,
      const std::vector<std::pair<std::string, std::string>>& parameters);

 private:
  // A call of a JSON-protocol API: X-Amz-Target `target`, `body` as JSON.
  Result<ServeAnswer> json_api(const char* content_type, const std::string& target,
                               const json::Value& body);
  std::string endpoint_;
};

// The error message an answer carries, or its HTTP status.
std::string message_of(const ServeAnswer& a);
// A string member of an answer's body ("" when absent or not a string).
std::string string_member(const json::Value& object, std::string_view name);
// An API Gateway call that must answer 2xx; otherwise the Error `error`, naming `where` (the
// template's place), the call and AWS's message.
[[nodiscard]] Result<ServeAnswer> checked_apigateway(ServeClient& client, const std::string& error,
                                                     const std::string& where,
                                                     const std::string& method,
                                                     const std::string& path,
                                                     const json::Value& body);
// The text of the first <tag> element of an XML answer, or "".
std::string xml_text(const ServeAnswer& a, const std::string& tag);
// The text of every <tag> element of an XML answer, in order (elements of one name, unnested).
std::vector<std::string> xml_texts(const ServeAnswer& a, const std::string& tag);

}  // namespace baton::cli
