#pragma once

// First-class AWS service integrations of HTTP APIs (IntegrationType AWS_PROXY with an
// IntegrationSubtype): the subtypes baton carries out, the parameters each takes (names and
// which are required, as
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services-reference.html
// lists them), the request of the target service's operation that an integration's
// RequestParameters make for one HTTP request, and the answer made of that operation's
// response. Pure: the call itself is the caller's (Core::call).

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "service/apigateway/parameter_mapping.h"
#include "service/proxy_event.h"

namespace baton::service::apigateway {

enum class ParameterType { Text, Integer, Object, List, Number };

struct SubtypeParameter {
  SubtypeParameter(std::string_view n, bool r = false, ParameterType t = ParameterType::Text,
                   std::string_view m = {})
      : name(n), required(r), type(t), member(m) {}
  std::string_view name;  // as the integration maps it: "QueueUrl"
  bool required;
  ParameterType type;
  std::string_view member;  // the operation's member, when it is named otherwise: "stateMachineArn"
};

struct Subtype {
  std::string_view name;       // "SQS-SendMessage"
  std::string_view service;    // baton's service: "sqs"
  std::string_view operation;  // "SendMessage"
  std::vector<SubtypeParameter> parameters;
};

// The subtype named `name`, or nothing.
const Subtype* find_subtype(std::string_view name);

// Checks an AWS service integration: a subtype baton carries out, every required parameter
// mapped, no parameter the subtype does not have, each value a mapping AWS accepts.
// Errors: BadRequestException, naming the subtype and the parameter.
[[nodiscard]] Result<void> check_service_integration(const json::Value& integration);

// The operation's request for one HTTP request. Errors: BadRequestException when a required
// parameter's source is not in the request ("Unable to resolve property QueueUrl from source
// $request.body.queue").
[[nodiscard]] Result<json::Value> service_request(const Subtype& subtype,
                                                  const json::Value& request_parameters,
                                                  const MappingInput& input);

// The HTTP answer of the operation's outcome: 200 with its response as JSON, or the service's
// error with its status (400 for the callers' errors, 500 for the service's own) and
// {"__type", "message"}, as the service's JSON protocol answers it.
HttpAnswer service_answer(const Result<json::Value>& outcome);

}  // namespace baton::service::apigateway
