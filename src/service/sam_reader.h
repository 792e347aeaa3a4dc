#pragma once

// Reading a SAM template's values: scalars with the intrinsic functions baton resolves (!Ref,
// !Sub, !GetAtt) and YAML as JSON. For the files of the template reader only.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"
#include "core/json.h"
#include "service/sam_template.h"

namespace baton::service::sam {

constexpr std::string_view kRegion = "us-east-1";
constexpr std::string_view kAccount = "123456789012";

class Reader {
 public:
  // `http_api_port`: the port of baton serve's HTTP APIs, which function URLs name.
  Reader(std::string file, const YAML::Node& root, std::uint16_t http_api_port = 3000);

  Unexpected<Error> invalid(const std::string& where, const std::string& what) const;

  // A scalar, with the intrinsic functions a local run can resolve: !Ref to a parameter's
  // default or a resource (a function's name, a queue's URL, a topic's or state machine's ARN),
  // !Sub with AWS::Region/AccountId/StackName and references, !GetAtt of the attributes
  // functions, queues, topics and state machines have.
  Result<std::string> scalar(const YAML::Node& node, const std::string& where) const;

  // The names a resource gets: its name property, else one made from the stack and its logical
  // id, as CloudFormation makes them (stable from one deploy to the next).
  std::string function_name(const std::string& logical_id) const;
  std::string queue_name(const std::string& logical_id) const;
  std::string topic_name(const std::string& logical_id) const;
  std::string state_machine_name(const std::string& logical_id) const;
  std::string bus_name(const std::string& logical_id) const;
  std::string rule_name(const std::string& logical_id) const;
  std::string archive_name(const std::string& logical_id) const;
  // A queue's URL as AWS gives it: baton's SQS takes it whatever the host.
  std::string queue_url(const std::string& logical_id) const;
  std::string arn(std::string_view service, const std::string& resource) const;

  // The function (its name) and qualifier ("" for none) of a function URL: an AWS::Lambda::Url,
  // or the <FunctionId>Url SAM makes of a function's FunctionUrlConfig; nothing for another id.
  Result<std::optional<std::pair<std::string, std::string>>> function_url_target(
      const std::string& id) const;

  bool is_resource(const std::string& id) const;
  std::string type_of(const std::string& id) const;
  const std::string& stack() const { return stack_; }

 private:
  Result<std::string> ref(const std::string& name, const std::string& where) const;
  Result<std::string> get_att(const std::string& spec, const std::string& where) const;
  Result<std::string> sub(const std::string& text, const std::string& where) const;
  // `property` of the resource when it is a plain string, else a name made for it ("" when
  // the logical id names no resource).
  std::string named(const std::string& logical_id, const char* property,
                    std::size_t max_length) const;

  std::string file_;
  const YAML::Node& root_;
  std::string stack_;
  std::uint16_t http_api_port_;
};

// A YAML value as JSON: plain scalars that read as numbers, booleans or null become those.
Result<json::Value> to_json(const YAML::Node& node, const Reader& reader, const std::string& where);

// A resource's Properties as JSON ({} when it has none); `where` is the resource's place.
Result<json::Value> properties_of(const YAML::Node& resource, const Reader& reader,
                                  const std::string& where);
// A member as text: a string as it is, another value as JSON, "" when absent or null.
std::string text_member(const json::Value& object, std::string_view name);
// A resource's Tags with the two by which `baton deploy` finds, on the next deploy and on
// teardown, what it made: baton:stack and baton:logical-id.
json::Value deploy_tags(const Reader& reader, const std::string& logical_id,
                        const json::Value& properties);

// The queues, topics, subscriptions, queue policies and event source mappings of the template,
// and those a function's Events (Type SQS, SNS) make, into `project`.
Result<void> read_messaging(const YAML::Node& resources, const Reader& reader, SamProject& project);

// The HTTP APIs of the template (AWS::Serverless::HttpApi, AWS::ApiGatewayV2::Api/Integration/
// Route/Stage) and those functions' Events of Type HttpApi make, into `project`.
Result<void> read_http_apis(const YAML::Node& resources, const Reader& reader, SamProject& project);

// The REST APIs of the template (AWS::Serverless::Api, AWS::ApiGateway::RestApi/Resource/Method/
// Deployment/Stage) and those functions' and state machines' Events of Type Api make.
Result<void> read_rest_apis(const YAML::Node& resources, const Reader& reader, SamProject& project);
// The function URLs of the template (AWS::Lambda::Url, and functions' FunctionUrlConfig), into
// `project`.
Result<void> read_function_urls(const YAML::Node& resources, const Reader& reader,
                                SamProject& project);

// The event buses and rules of the template, and the rules functions' and state machines'
// Events (Type EventBridgeRule, CloudWatchEvent, Schedule) make, into `project`.
Result<void> read_events(const YAML::Node& resources, const Reader& reader, SamProject& project);

}  // namespace baton::service::sam
