#pragma once

// A project as AWS SAM describes it (template.yaml): its functions and state machines, read
// the way `sam deploy` reads them, for `baton run --functions` and `baton deploy`.

#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "runtime/function.h"

namespace baton::service {

struct SamStateMachine {
  std::string logical_id;
  std::string name;             // Name, or the logical id
  std::string definition;       // the definition's text, substitutions made
  std::string definition_path;  // the DefinitionUri file, absolute; "" for an inline one
  std::string type = "STANDARD";
};

// Queues, topics, subscriptions and event source mappings, each as the API request that makes
// it, its references resolved. `where`: the template's JSON pointer to it, for errors.
struct SamQueue {
  std::string where;
  std::string name;
  std::map<std::string, std::string> attributes;  // as SetQueueAttributes takes them
  std::map<std::string, std::string> tags;
};

struct SamTopic {
  std::string where;
  std::string name;
  std::string arn;
  std::map<std::string, std::string> attributes;  // as SetTopicAttributes takes them
  std::map<std::string, std::string> tags;
};

struct SamSubscription {
  std::string where;
  std::string topic_arn;
  std::string protocol;
  std::string endpoint;
  std::map<std::string, std::string> attributes;  // FilterPolicy, RawMessageDelivery ...
};

struct SamEventSourceMapping {
  std::string where;
  json::Value request;  // CreateEventSourceMapping's: FunctionName, EventSourceArn, BatchSize ...
};

// An AWS::SQS::QueuePolicy: the policy set on each queue.
struct SamQueuePolicy {
  std::string where;
  std::vector<std::string> queue_urls;
  std::string policy;
};

// An AWS::Events::EventBus.
struct SamEventBus {
  std::string where;
  std::string name;
};

// An EventBridge rule: an AWS::Events::Rule, or one a function's or state machine's event
// (EventBridgeRule, CloudWatchEvent, Schedule) makes.
struct SamRule {
  std::string where;
  json::Value rule;                  // PutRule's request: Name, EventBusName, EventPattern ...
  std::vector<json::Value> targets;  // PutTargets' Targets
};

// An AWS::Events::Connection or AWS::Events::ApiDestination: the Create request that makes it
// (Name included).
struct SamHttpTarget {
  std::string where;
  json::Value request;
};

// An AWS::Scheduler::ScheduleGroup.
struct SamScheduleGroup {
  std::string where;
  std::string name;
};

// An EventBridge Scheduler schedule: an AWS::Scheduler::Schedule, or one a function's or state
// machine's event of Type ScheduleV2 makes.
struct SamSchedule {
  std::string where;
  std::string name;
  std::string group;    // "" for the default group
  json::Value request;  // CreateSchedule's body: ScheduleExpression, Target, ...
};

// An HTTP API: an AWS::Serverless::HttpApi (the implicit ServerlessHttpApi when a function's
// HttpApi event names none) or an AWS::ApiGatewayV2::Api, with its integrations, routes and
// stages, each as the apigatewayv2 request that makes it (the model's member names, without
// ApiId). Integrations are known by a key (a logical id, or one made for a function's event);
// a route's Target names the key ("integrations/KEY") until the deploy knows the real id.
struct SamHttpApi {
  std::string where;
  std::string logical_id;
  json::Value api;  // CreateApi's: Name, ProtocolType, CorsConfiguration ...
  std::vector<std::pair<std::string, json::Value>> integrations;  // key, CreateIntegration's
  std::vector<json::Value> routes;                                // CreateRoute's
  std::vector<json::Value> stages;                                // CreateStage's
};

// A REST API: an AWS::Serverless::Api (the implicit ServerlessRestApi when a function's or state
// machine's Api event names none) or an AWS::ApiGateway::RestApi with its Resource and Method
// resources, as the OpenAPI document ImportRestApi/PutRestApi take, and the stages
// CreateDeployment makes.
struct SamRestApi {
  std::string where;
  std::string logical_id;
  std::string name;
  json::Value openapi;  // {"swagger": "2.0", "paths": {...}} with x-amazon-apigateway-*
  json::Value tags;     // with baton:stack and baton:logical-id, by which a deploy finds it
  struct Stage {
    std::string name;
    json::Value variables;  // an object, or null
  };
  std::vector<Stage> stages;
};

struct SamProject {
  std::string template_path;
  // AWS::Serverless::Function and AWS::Lambda::Function resources, by function name. The
  // code_dir is the CodeUri folder; arn, revision are left for whoever runs them.
  std::map<std::string, runtime::FunctionConfig> functions;
  std::vector<SamStateMachine> state_machines;
  std::vector<SamQueue> queues;
  std::vector<SamTopic> topics;
  std::vector<SamSubscription> subscriptions;
  std::vector<SamEventSourceMapping> event_source_mappings;
  std::vector<SamQueuePolicy> queue_policies;
  std::vector<SamEventBus> event_buses;
  std::vector<SamRule> rules;
  std::vector<SamHttpTarget> connections;
  std::vector<SamHttpTarget> api_destinations;
  std::vector<SamScheduleGroup> schedule_groups;
  std::vector<SamSchedule> schedules;
  std::vector<SamHttpApi> http_apis;
  std::vector<SamRestApi> rest_apis;
};

// Reads the template at `path`, or `path`/template.yaml (or .yml) when `path` is a folder.
// Globals.Function supplies defaults. Errors (InvalidTemplate) name the file and the resource
// or property that is wrong.
[[nodiscard]] Result<SamProject> read_sam_project(const std::string& path);

}  // namespace baton::service
