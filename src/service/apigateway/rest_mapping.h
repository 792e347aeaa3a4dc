#pragma once

// REST API integrations that map: the method request made into the integration request by the
// integration's request parameters and request template (Velocity, events/vtl.h), sent to a
// Lambda function or an AWS service (AWS) or answered by the template itself (MOCK), and the
// integration's answer made into the method response by the integration response its status
// (or a Lambda function's error message) selects. Internal to apigateway/.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "service/apigateway/rest_integration.h"

namespace baton::service::apigateway {

// The integration request a mapping made: its body, headers, query string and path variables.
struct IntegrationRequest {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string, std::string>> query;
  std::map<std::string, std::string> path;
};

// What the integration answered, before the integration response maps it.
struct Outcome {
  int status = 200;
  std::string body;
  json::Value headers = json::Value::object({});
  std::string error_message;  // a Lambda function's failure: what selection patterns match
  bool lambda = false;
  // The integration could not be reached or refused the call: API Gateway answers 500 itself.
  bool broken = false;
};

// Why a requestTemplates or responseTemplates map (`member` names it) has a template that does
// not compile, if one does not: BadRequestException "Invalid mapping expression specified: ...",
// as PutIntegration answers it.
std::optional<Error> check_templates(const json::Value* templates, std::string_view member);

void map_and_call(Core& core, MethodCall call, const std::string& where,
                  std::function<void(const HttpAnswer&)> done);

// Sends `request` to what an AWS integration's URI names (rest_aws.cc): a Lambda function or an
// AWS service's action. Answers `done` once, on any thread.
void call_aws_service(Core& core, const std::string& uri, IntegrationRequest request,
                      const std::string& where, std::function<void(const Outcome&)> done);

}  // namespace baton::service::apigateway
