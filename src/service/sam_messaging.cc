// The messaging resources of a SAM template: AWS::SQS::Queue, AWS::SQS::QueuePolicy,
// AWS::SNS::Topic, AWS::SNS::Subscription, AWS::Lambda::EventSourceMapping, and the function
// events (Type SQS, Type SNS) that SAM turns into mappings and subscriptions.

#include <span>

#include "service/sam_reader.h"

namespace baton::service::sam {

namespace {

using json::Value;

// An attribute's value as the APIs take it: text; numbers and booleans as written; objects
// (a RedrivePolicy, a FilterPolicy) as their JSON text.
std::string attribute_text(const Value& v) {
  if (v.is_string()) return std::string(v.as_string());
  return json::to_string(v);
}

// CloudFormation's Tags: [{Key, Value}].
std::map<std::string, std::string> tags_of(const Value& properties) {
  std::map<std::string, std::string> out;
  const Value* tags = properties.find("Tags");
  if (tags == nullptr || !tags->is_array()) return out;
  for (const Value& tag : tags->as_array()) {
    const Value* key = tag.find("Key");
    const Value* value = tag.find("Value");
    if (key != nullptr && value != nullptr) out[attribute_text(*key)] = attribute_text(*value);
  }
  return out;
}

// The members of `properties` named in `names`, as attributes.
std::map<std::string, std::string> attributes_of(const Value& properties,
                                                 std::span<const std::string_view> names) {
  std::map<std::string, std::string> out;
  for (std::string_view name : names) {
    if (const Value* v = properties.find(name); v != nullptr && !v->is_null()) {
      out[std::string(name)] = attribute_text(*v);
    }
  }
  return out;
}

constexpr std::string_view kQueueAttributes[] = {"ContentBasedDeduplication",
                                                 "DeduplicationScope",
                                                 "DelaySeconds",
                                                 "FifoQueue",
                                                 "FifoThroughputLimit",
                                                 "KmsDataKeyReusePeriodSeconds",
                                                 "KmsMasterKeyId",
                                                 "MaximumMessageSize",
                                                 "MessageRetentionPeriod",
                                                 "ReceiveMessageWaitTimeSeconds",
                                                 "RedriveAllowPolicy",
                                                 "RedrivePolicy",
                                                 "SqsManagedSseEnabled",
                                                 "VisibilityTimeout"};
constexpr std::string_view kTopicAttributes[] = {
    "ContentBasedDeduplication", "DisplayName",  "FifoTopic", "KmsMasterKeyId",
    "SignatureVersion",          "TracingConfig"};
constexpr std::string_view kSubscriptionAttributes[] = {"DeliveryPolicy",    "FilterPolicy",
                                                        "FilterPolicyScope", "RawMessageDelivery",
                                                        "RedrivePolicy",     "SubscriptionRoleArn"};
// What CreateEventSourceMapping takes from a mapping or a function's SQS event.
constexpr std::string_view kMappingSettings[] = {"BatchSize",
                                                 "Enabled",
                                                 "FilterCriteria",
                                                 "FunctionResponseTypes",
                                                 "MaximumBatchingWindowInSeconds",
                                                 "ScalingConfig"};

Value mapping_request(const std::string& function, const std::string& source,
                      const Value& properties) {
  json::ObjectBuilder b;
  b.add("FunctionName", Value::string(function));
  b.add("EventSourceArn", Value::string(source));
  for (std::string_view name : kMappingSettings) {
    if (const Value* v = properties.find(name); v != nullptr) b.add(name, *v);
  }
  return b.build();
}

std::string text_of(const Value& properties, std::string_view name) {
  const Value* v = properties.find(name);
  return v != nullptr && !v->is_null() ? attribute_text(*v) : std::string();
}

// A function's Events of Type SQS and SNS.
Result<void> read_function_events(const std::string& id, const Value& events, const Reader& reader,
                                  SamProject& project) {
  std::string function = reader.function_name(id);
  std::string function_arn = reader.arn("lambda", "function:" + function);
  for (const json::Member& event : events.members()) {
    std::string where = "/Resources/" + id + "/Properties/Events/" + std::string(event.name());
    std::string type = text_of(event.value, "Type");
    const Value* found = event.value.find("Properties");
    Value properties = found != nullptr ? *found : Value::object({});
    if (type == "SQS") {
      std::string queue = text_of(properties, "Queue");
      if (queue.empty()) return reader.invalid(where + "/Properties/Queue", "is required");
      project.event_source_mappings.push_back(
          {where, mapping_request(function, queue, properties)});
    } else if (type == "SNS") {
      std::string topic = text_of(properties, "Topic");
      if (topic.empty()) return reader.invalid(where + "/Properties/Topic", "is required");
      auto attributes = attributes_of(properties, kSubscriptionAttributes);
      const Value* sqs = properties.find("SqsSubscription");
      bool through_queue =
          sqs != nullptr && (sqs->is_object() || (sqs->is_bool() && sqs->as_bool()));
      if (!through_queue) {
        project.subscriptions.push_back({where, topic, "lambda", function_arn, attributes});
        continue;
      }
      // SqsSubscription: SAM puts a queue between the topic and the function.
      Value settings = sqs->is_object() ? *sqs : Value::object({});
      std::string queue_arn = text_of(settings, "QueueArn");
      if (queue_arn.empty()) {
        std::string name = reader.stack() + "-" + id + std::string(event.name()) + "Queue";
        if (name.size() > 80) name.resize(80);
        project.queues.push_back({where, name, {}, {}});
        queue_arn = reader.arn("sqs", name);
      }
      project.subscriptions.push_back({where, topic, "sqs", queue_arn, attributes});
      project.event_source_mappings.push_back(
          {where, mapping_request(function, queue_arn, settings)});
    }
  }
  return {};
}

}  // namespace

Result<void> read_messaging(const YAML::Node& resources, const Reader& reader,
                            SamProject& project) {
  for (const auto& entry : resources) {
    std::string id = entry.first.Scalar();
    std::string where = "/Resources/" + id;
    std::string type = reader.type_of(id);
    Value properties = Value::object({});
    if (const YAML::Node props = entry.second["Properties"]; props && props.IsMap()) {
      auto read = to_json(props, reader, where + "/Properties");
      if (!read) return Unexpected<Error>(read.error());
      properties = std::move(*read);
    }
    if (type == "AWS::SQS::Queue") {
      project.queues.push_back({where, reader.queue_name(id),
                                attributes_of(properties, kQueueAttributes), tags_of(properties)});
    } else if (type == "AWS::SNS::Topic") {
      std::string topic_arn = reader.arn("sns", reader.topic_name(id));
      project.topics.push_back({where, reader.topic_name(id), topic_arn,
                                attributes_of(properties, kTopicAttributes), tags_of(properties)});
      if (const Value* inline_subscriptions = properties.find("Subscription");
          inline_subscriptions != nullptr && inline_subscriptions->is_array()) {
        for (const Value& s : inline_subscriptions->as_array()) {
          project.subscriptions.push_back({where + "/Properties/Subscription",
                                           topic_arn,
                                           text_of(s, "Protocol"),
                                           text_of(s, "Endpoint"),
                                           {}});
        }
      }
    } else if (type == "AWS::SNS::Subscription") {
      std::string topic = text_of(properties, "TopicArn");
      std::string protocol = text_of(properties, "Protocol");
      if (topic.empty() || protocol.empty()) {
        return reader.invalid(where + "/Properties", "TopicArn and Protocol are required");
      }
      project.subscriptions.push_back({where, topic, protocol, text_of(properties, "Endpoint"),
                                       attributes_of(properties, kSubscriptionAttributes)});
    } else if (type == "AWS::SQS::QueuePolicy") {
      SamQueuePolicy policy{where, {}, text_of(properties, "PolicyDocument")};
      if (const Value* queues = properties.find("Queues");
          queues != nullptr && queues->is_array()) {
        for (const Value& q : queues->as_array()) policy.queue_urls.push_back(attribute_text(q));
      }
      project.queue_policies.push_back(std::move(policy));
    } else if (type == "AWS::Lambda::EventSourceMapping") {
      std::string function = text_of(properties, "FunctionName");
      std::string source = text_of(properties, "EventSourceArn");
      if (function.empty() || source.empty()) {
        return reader.invalid(where + "/Properties",
                              "FunctionName and EventSourceArn are required");
      }
      project.event_source_mappings.push_back(
          {where, mapping_request(function, source, properties)});
    } else if (type == "AWS::Serverless::Function") {
      if (const Value* events = properties.find("Events");
          events != nullptr && events->is_object()) {
        if (auto read = read_function_events(id, *events, reader, project); !read) return read;
      }
    }
  }
  return {};
}

}  // namespace baton::service::sam
