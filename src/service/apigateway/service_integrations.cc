// First-class AWS service integrations of HTTP APIs: the subtypes in one table, the check of an
// integration's RequestParameters against its subtype, and the request and answer of one call.

#include "service/apigateway/service_integrations.h"

#include <algorithm>
#include <charconv>

namespace baton::service::apigateway {

using json::Value;

namespace {

using T = ParameterType;

// AWS's reference lists every subtype with its parameters; baton carries out those of the
// services it emulates. Region is accepted and ignored: baton serves one region.
const std::vector<Subtype>& subtypes() {
  static const std::vector<Subtype> kSubtypes = {
      {"SQS-SendMessage",
       "sqs",
       "SendMessage",
       {{"QueueUrl", true},
        {"MessageBody", true},
        {"DelaySeconds", false, T::Integer},
        {"MessageAttributes", false, T::Object},
        {"MessageDeduplicationId"},
        {"MessageGroupId"},
        {"MessageSystemAttributes", false, T::Object},
        {"Region"}}},
      {"SQS-ReceiveMessage",
       "sqs",
       "ReceiveMessage",
       {{"QueueUrl", true},
        {"AttributeNames", false, T::List},
        {"MaxNumberOfMessages", false, T::Integer},
        {"MessageAttributeNames", false, T::List},
        {"ReceiveRequestAttemptId"},
        {"VisibilityTimeout", false, T::Integer},
        {"WaitTimeSeconds", false, T::Integer},
        {"Region"}}},
      {"SQS-DeleteMessage",
       "sqs",
       "DeleteMessage",
       {{"ReceiptHandle", true}, {"QueueUrl", true}, {"Region"}}},
      {"SQS-PurgeQueue", "sqs", "PurgeQueue", {{"QueueUrl", true}, {"Region"}}},
      {"StepFunctions-StartExecution",
       "states",
       "StartExecution",
       {{"StateMachineArn", true, T::Text, "stateMachineArn"},
        {"Name", false, T::Text, "name"},
        {"Input", false, T::Text, "input"},
        {"Region"}}},
      {"StepFunctions-StartSyncExecution",
       "states",
       "StartSyncExecution",
       {{"StateMachineArn", true, T::Text, "stateMachineArn"},
        {"Name", false, T::Text, "name"},
        {"Input", false, T::Text, "input"},
        {"Region"},
        {"TraceHeader", false, T::Text, "traceHeader"}}},
      {"StepFunctions-StopExecution",
       "states",
       "StopExecution",
       {{"ExecutionArn", true, T::Text, "executionArn"},
        {"Cause", false, T::Text, "cause"},
        {"Error", false, T::Text, "error"},
        {"Region"}}},
      {"EventBridge-PutEvents",
       "events",
       "PutEvents",
       {{"Detail", true},
        {"DetailType", true},
        {"Source", true},
        {"Time", false, T::Number},
        {"EventBusName"},
        {"Resources", false, T::List},
        {"Region"},
        {"TraceHeader"}}},
  };
  return kSubtypes;
}

// AWS's subtypes of services baton does not emulate: named apart from a subtype AWS has not.
constexpr std::string_view kOtherAwsSubtypes[] = {"AppConfig-GetConfiguration",
                                                  "Kinesis-PutRecord"};

std::string served_names() {
  std::string out;
  for (const Subtype& s : subtypes()) out += (out.empty() ? "" : ", ") + std::string(s.name);
  return out;
}

// The message shape AWS gives for mappings it refuses.
Unexpected<Error> refused(const std::string& what) {
  return fail("BadRequestException",
              "Invalid mapping expression specified: Validation Result: warnings : [], errors : [" +
                  what + "]");
}

std::string text_member(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// A mapped value as the type the operation's member takes; text that is not of that type is
// sent as it is, for the service to refuse as it would any client's.
Value typed(std::string_view text, ParameterType type) {
  switch (type) {
    case ParameterType::Text:
      return Value::string(text);
    case ParameterType::Integer: {
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec == std::errc() && end == text.data() + text.size()) return Value::integer(n);
      return Value::string(text);
    }
    case ParameterType::Number: {
      auto parsed = json::parse(text);
      if (parsed && parsed->is_number()) return *parsed;
      return Value::string(text);
    }
    case ParameterType::Object: {
      auto parsed = json::parse(text);
      return parsed && parsed->is_object() ? *parsed : Value::string(text);
    }
    case ParameterType::List: {
      auto parsed = json::parse(text);
      if (parsed && parsed->is_array()) return *parsed;
      // One name, or several separated by commas (a header's values, joined).
      std::vector<Value> items;
      std::size_t at = 0;
      while (at <= text.size()) {
        auto comma = text.find(',', at);
        std::string_view item =
            text.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at);
        if (!item.empty()) items.push_back(Value::string(item));
        if (comma == std::string_view::npos) break;
        at = comma + 1;
      }
      return Value::array(std::move(items));
    }
  }
  return Value::string(text);
}

}  // namespace

const Subtype* find_subtype(std::string_view name) {
  for (const Subtype& s : subtypes()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Result<void> check_service_integration(const Value& integration) {
  std::string name = text_member(integration, "IntegrationSubtype");
  const Subtype* subtype = find_subtype(name);
  if (subtype == nullptr) {
    bool aws = std::find(std::begin(kOtherAwsSubtypes), std::end(kOtherAwsSubtypes), name) !=
               std::end(kOtherAwsSubtypes);
    return fail("BadRequestException", aws ? "Integration subtype " + name +
                                                 " is not supported by baton, which serves " +
                                                 served_names()
                                           : "Invalid integration subtype specified: '" + name +
                                                 "'. Supported subtypes: " + served_names());
  }
  if (text_member(integration, "CredentialsArn").empty()) {
    return fail("BadRequestException",
                "CredentialsArn is required for an AWS service integration (IntegrationSubtype " +
                    name + "): the ARN of the role API Gateway assumes to call the service");
  }
  if (std::string version = text_member(integration, "PayloadFormatVersion"); version != "1.0") {
    return fail("BadRequestException",
                "PayloadFormatVersion of an AWS service integration (IntegrationSubtype " + name +
                    ") must be 1.0, not '" + version + "'");
  }
  const Value* parameters = integration.find("RequestParameters");
  if (parameters != nullptr && !parameters->is_object()) {
    return refused("RequestParameters must be a map of parameter names to mapping expressions");
  }
  Value mapped = parameters != nullptr ? *parameters : Value::object({});
  for (const json::Member& m : mapped.members()) {
    auto known = std::find_if(subtype->parameters.begin(), subtype->parameters.end(),
                              [&m](const SubtypeParameter& p) { return p.name == m.name(); });
    if (known == subtype->parameters.end()) {
      return refused("Parameter: " + std::string(m.name()) +
                     " is not supported for integration subtype: " + name);
    }
    if (!m.value.is_string()) {
      return refused("Invalid source specified for destination: " + std::string(m.name()) +
                     " (a string is required)");
    }
    auto value = parse_mapped_value(m.value.as_string(), MappingSide::Request);
    if (!value) {
      return refused(value.error().cause + " specified for destination: " + std::string(m.name()));
    }
  }
  for (const SubtypeParameter& p : subtype->parameters) {
    if (p.required && mapped.find(p.name) == nullptr) {
      return refused("Parameter: " + std::string(p.name) +
                     " is required for integration subtype: " + name);
    }
  }
  return {};
}

Result<Value> service_request(const Subtype& subtype, const Value& request_parameters,
                              const MappingInput& input) {
  json::ObjectBuilder request;
  for (const SubtypeParameter& p : subtype.parameters) {
    const Value* mapping = request_parameters.find(p.name);
    if (mapping == nullptr || !mapping->is_string() || p.name == "Region") continue;
    auto parsed = parse_mapped_value(mapping->as_string(), MappingSide::Request);
    std::optional<std::string> value =
        parsed ? evaluate(*parsed, input) : std::optional<std::string>();
    if (!value) {
      if (!p.required) continue;
      return fail("BadRequestException", "Unable to resolve property " + std::string(p.name) +
                                             " from source " + std::string(mapping->as_string()));
    }
    std::string_view member = p.member.empty() ? p.name : p.member;
    request.add(member, typed(*value, p.type));
  }
  Value built = request.build();
  if (subtype.operation == "PutEvents") {
    // The parameters make one entry of PutEvents' Entries.
    return json::ObjectBuilder().add("Entries", Value::array({built})).build();
  }
  return built;
}

HttpAnswer service_answer(const Result<Value>& outcome) {
  HttpAnswer answer;
  answer.headers.emplace_back("Content-Type", "application/json");
  if (outcome) {
    answer.status = 200;
    answer.body = json::to_string(*outcome);
    return answer;
  }
  const Error& e = outcome.error();
  bool theirs = e.name == "InternalFailure" || e.name == "ServiceException" ||
                e.name == "ServiceUnavailable" || e.name == "InternalServerError";
  answer.status = theirs ? 500 : 400;
  answer.body = json::to_string(json::ObjectBuilder()
                                    .add("__type", Value::string(e.name))
                                    .add("message", Value::string(e.cause))
                                    .build());
  return answer;
}

}  // namespace baton::service::apigateway
