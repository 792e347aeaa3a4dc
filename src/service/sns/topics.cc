// Topics: CreateTopic, DeleteTopic, ListTopics, Get/SetTopicAttributes and their tags.

#include <algorithm>
#include <iterator>
#include <set>

#include "core/crypto.h"
#include "service/sns/delivery_policy.h"
#include "service/sns/sns_service.h"

namespace baton::service::sns {

using json::Value;

namespace {

// AWS limits.
constexpr std::size_t kMaxTopicName = 256;
constexpr std::size_t kTopicsPerPage = 100;
constexpr std::size_t kMaxTags = 50;

bool valid_topic_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxTopicName) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// The attributes a topic takes, and whether only CreateTopic sets them.
bool settable_topic_attribute(std::string_view name) {
  static const std::set<std::string, std::less<>> kNames = {
      "DeliveryPolicy",
      "DisplayName",
      "Policy",
      "KmsMasterKeyId",
      "TracingConfig",
      "SignatureVersion",
      "ContentBasedDeduplication",
      "ArchivePolicy",
      "FifoThroughputScope",
      "DataProtectionPolicy",
      "ApplicationSuccessFeedbackRoleArn",
      "ApplicationSuccessFeedbackSampleRate",
      "ApplicationFailureFeedbackRoleArn",
      "HTTPSuccessFeedbackRoleArn",
      "HTTPSuccessFeedbackSampleRate",
      "HTTPFailureFeedbackRoleArn",
      "LambdaSuccessFeedbackRoleArn",
      "LambdaSuccessFeedbackSampleRate",
      "LambdaFailureFeedbackRoleArn",
      "SQSSuccessFeedbackRoleArn",
      "SQSSuccessFeedbackSampleRate",
      "SQSFailureFeedbackRoleArn",
      "FirehoseSuccessFeedbackRoleArn",
      "FirehoseSuccessFeedbackSampleRate",
      "FirehoseFailureFeedbackRoleArn",
  };
  return kNames.contains(name);
}

// Checks one attribute's value as SNS does; the reason when it is refused.
std::optional<std::string> refused_topic_attribute(std::string_view name, std::string_view value,
                                                   bool fifo) {
  if (name == "SignatureVersion" && value != "1" && value != "2") {
    return "SignatureVersion";
  }
  if (name == "TracingConfig" && value != "PassThrough" && value != "Active") {
    return "TracingConfig";
  }
  if (name == "ContentBasedDeduplication") {
    if (value != "true" && value != "false") return "ContentBasedDeduplication";
    if (!fifo) {
      return "ContentBasedDeduplication Reason: Content-based deduplication can only be set for "
             "FIFO topics";
    }
  }
  if (name == "FifoThroughputScope") {
    if (!fifo)
      return "FifoThroughputScope Reason: FifoThroughputScope is only valid for FIFO topics";
    if (value != "Topic" && value != "MessageGroup") return "FifoThroughputScope";
  }
  if (name == "DisplayName" && value.size() > 100) return "DisplayName";
  if (name == "Policy" || name == "DataProtectionPolicy" || name == "ArchivePolicy") {
    auto parsed = json::parse(value);
    if (!parsed || !parsed->is_object()) {
      return std::string(name) + ": failed to parse JSON";
    }
  }
  if (name == "DeliveryPolicy") {
    if (auto ok = check_topic_delivery_policy(value); !ok) {
      std::string cause = ok.error().cause;
      return cause.substr(std::string_view("Invalid parameter: ").size());
    }
  }
  return std::nullopt;
}

std::string default_policy(const std::string& arn, const std::string& account) {
  Value actions = Value::array({text("SNS:GetTopicAttributes"), text("SNS:SetTopicAttributes"),
                                text("SNS:AddPermission"), text("SNS:RemovePermission"),
                                text("SNS:DeleteTopic"), text("SNS:Subscribe"),
                                text("SNS:ListSubscriptionsByTopic"), text("SNS:Publish")});
  Value statement =
      json::ObjectBuilder()
          .add("Sid", text("__default_statement_ID"))
          .add("Effect", text("Allow"))
          .add("Principal", json::ObjectBuilder().add("AWS", text("*")).build())
          .add("Action", actions)
          .add("Resource", text(arn))
          .add("Condition",
               json::ObjectBuilder()
                   .add("StringEquals",
                        json::ObjectBuilder().add("AWS:SourceOwner", text(account)).build())
                   .build())
          .build();
  return json::to_string(json::ObjectBuilder()
                             .add("Version", text("2008-10-17"))
                             .add("Id", text("__default_policy_ID"))
                             .add("Statement", Value::array({statement}))
                             .build());
}

Result<std::vector<std::pair<std::string, std::string>>> read_tags(const Request& r) {
  std::vector<std::pair<std::string, std::string>> out;
  const Value* tags = r.field("Tags");
  if (tags == nullptr || !tags->is_array()) return out;
  for (const Value& tag : tags->as_array()) {
    const Value* key = tag.find("Key");
    const Value* value = tag.find("Value");
    if (key == nullptr || !key->is_string() || value == nullptr || !value->is_string()) {
      return invalid_parameter("Invalid parameter: Tags Reason: a tag needs a Key and a Value");
    }
    out.emplace_back(std::string(key->as_string()), std::string(value->as_string()));
  }
  if (out.size() > kMaxTags) {
    return fail("TagLimitExceededException",
                "Could not complete request: tag quota of per resource exceeded");
  }
  return out;
}

json::Value with_text(const Value& object, std::string_view key, std::string_view value) {
  return with_member(object.is_object() ? object : Value::object({}), key, text(value));
}

}  // namespace

void Sns::create_topic(const Request& r, Reply reply) {
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto attributes = attribute_pairs(r, "Attributes");
  if (!attributes) return reply(Unexpected<Error>(attributes.error()));
  auto tags = read_tags(r);
  if (!tags) return reply(Unexpected<Error>(tags.error()));
  bool fifo_asked = false;
  for (const auto& [key, value] : *attributes) {
    if (key == "FifoTopic") fifo_asked = value == "true";
  }
  bool fifo_name = name->ends_with(".fifo");
  std::string_view base = fifo_name ? std::string_view(*name).substr(0, name->size() - 5) : *name;
  if (fifo_asked && (!fifo_name || !valid_topic_name(base) || name->size() > kMaxTopicName)) {
    return reply(invalid_parameter(
        "Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only "
        "uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be "
        "between 1 and 256 characters long."));
  }
  if (!fifo_asked && !valid_topic_name(*name)) {
    return reply(invalid_parameter("Invalid parameter: Topic Name"));
  }
  Value given = Value::object({});
  for (const auto& [key, value] : *attributes) {
    if (key == "FifoTopic") {
      if (value != "true" && value != "false") {
        return reply(invalid_parameter("Invalid parameter: FifoTopic"));
      }
      continue;
    }
    if (!settable_topic_attribute(key)) {
      return reply(
          invalid_parameter("Invalid parameter: Attributes Reason: Unknown attribute " + key));
    }
    if (auto refused = refused_topic_attribute(key, value, fifo_asked)) {
      return reply(invalid_parameter("Invalid parameter: " + *refused));
    }
    given = with_text(given, key, value);
  }
  std::string arn = topic_arn(*name);
  if (auto existing = topics.find(arn); existing != topics.end()) {
    // CreateTopic is idempotent while what it is given agrees with what the topic has.
    for (const json::Member& m : given.members()) {
      if (existing->second.attribute(m.name()) != m.value.as_string()) {
        return reply(invalid_parameter(
            "Invalid parameter: Attributes Reason: Topic already exists with different "
            "attributes"));
      }
    }
    if (!tags->empty()) {
      auto kept = core.store->tags(arn);
      if (!kept) return reply(Unexpected<Error>(kept.error()));
      auto a = *kept;
      auto b = *tags;
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      if (a != b) {
        return reply(invalid_parameter(
            "Invalid parameter: Tags Reason: Topic already exists with different tags"));
      }
    }
    return core.answer(reply, json::ObjectBuilder().add("TopicArn", text(arn)).build());
  }
  Topic topic;
  topic.arn = arn;
  topic.name = *name;
  topic.fifo = fifo_asked;
  topic.attributes = given;
  topic.sequence = static_cast<std::uint64_t>(core.now_ms()) * 1000000ULL;
  save_topic(topic);
  for (const auto& [key, value] : *tags) core.stage(store::ops::PutTag{arn, key, value});
  topics.emplace(arn, std::move(topic));
  core.answer(reply, json::ObjectBuilder().add("TopicArn", text(arn)).build());
}

void Sns::delete_topic(const Request& r, Reply reply) {
  auto arn = r.required("TopicArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  auto topic = topic_or_error(*arn);
  if (!topic) {
    // Deleting a topic that does not exist succeeds, as on AWS.
    if (topic.error().name == "NotFoundException") return core.answer(reply, Value::object({}));
    return reply(Unexpected<Error>(topic.error()));
  }
  for (const std::string& s : (*topic)->subscriptions) {
    subscriptions.erase(s);
    core.stage(store::ops::DeleteResource{store::Kind::Subscription, s});
  }
  auto tags = core.store->tags(*arn);
  if (tags) {
    for (const auto& [key, value] : *tags) core.stage(store::ops::DeleteTag{*arn, key});
  }
  core.stage(store::ops::DeleteResource{store::Kind::Topic, *arn});
  topics.erase(*arn);
  core.answer(reply, Value::object({}));
}

void Sns::list_topics(const Request& r, Reply reply) {
  auto token = r.string("NextToken");
  if (!token) return reply(Unexpected<Error>(token.error()));
  std::string after;
  if (*token && !(*token)->empty()) {
    auto key = crypto::base64_decode(**token);
    if (!key || !key->starts_with("arn:aws:sns:")) {
      return reply(invalid_parameter("Invalid parameter: NextToken"));
    }
    after = *key;
  }
  std::vector<Value> page;
  auto it = after.empty() ? topics.begin() : topics.upper_bound(after);
  for (; it != topics.end() && page.size() < kTopicsPerPage; ++it) {
    page.push_back(json::ObjectBuilder().add("TopicArn", text(it->first)).build());
  }
  json::ObjectBuilder out;
  out.add("Topics", Value::array(std::move(page)));
  if (it != topics.end()) out.add("NextToken", text(crypto::base64_encode(std::prev(it)->first)));
  core.answer(reply, out.build());
}

void Sns::get_topic_attributes(const Request& r, Reply reply) {
  auto arn = r.required("TopicArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  auto found = topic_or_error(*arn);
  if (!found) return reply(Unexpected<Error>(found.error()));
  const Topic& topic = **found;
  std::int64_t confirmed = 0;
  std::int64_t pending = 0;
  for (const std::string& s : topic.subscriptions) {
    auto sub = subscriptions.find(s);
    if (sub == subscriptions.end()) continue;
    (sub->second.pending ? pending : confirmed) += 1;
  }
  const std::string& account = core.options.partition.account;
  json::ObjectBuilder out;
  std::string policy = topic.attribute("Policy");
  out.add("Policy", text(policy.empty() ? default_policy(topic.arn, account) : policy));
  out.add("Owner", text(account));
  out.add("SubscriptionsPending", text(std::to_string(pending)));
  out.add("TopicArn", text(topic.arn));
  out.add("EffectiveDeliveryPolicy",
          text(effective_topic_delivery_policy(topic.attribute("DeliveryPolicy"))));
  out.add("SubscriptionsConfirmed", text(std::to_string(confirmed)));
  out.add("DisplayName", text(topic.attribute("DisplayName")));
  out.add("SubscriptionsDeleted", text(std::to_string(topic.deleted)));
  if (topic.fifo) {
    out.add("FifoTopic", text("true"));
    out.add("ContentBasedDeduplication",
            text(topic.content_based_deduplication() ? "true" : "false"));
  }
  for (const json::Member& m : topic.attributes.members()) {
    if (m.name() == "Policy" || m.name() == "DisplayName" ||
        m.name() == "ContentBasedDeduplication") {
      continue;
    }
    out.add(m.name(), m.value);
  }
  core.answer(reply, json::ObjectBuilder().add("Attributes", out.build()).build());
}

void Sns::set_topic_attributes(const Request& r, Reply reply) {
  auto arn = r.required("TopicArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  auto name = r.required("AttributeName");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto value = r.string("AttributeValue");
  if (!value) return reply(Unexpected<Error>(value.error()));
  auto found = topic_or_error(*arn);
  if (!found) return reply(Unexpected<Error>(found.error()));
  Topic& topic = **found;
  if (!settable_topic_attribute(*name)) {
    return reply(invalid_parameter("Invalid parameter: AttributeName"));
  }
  std::string given = value->value_or("");
  if (given.empty() && (*name == "Policy" || *name == "DeliveryPolicy" ||
                        *name == "KmsMasterKeyId" || *name == "DisplayName")) {
    // An empty value takes the attribute back to its default.
    json::ObjectBuilder kept;
    for (const json::Member& m : topic.attributes.members()) {
      if (m.name() != *name) kept.add(m.name(), m.value);
    }
    topic.attributes = kept.build();
  } else {
    if (auto refused = refused_topic_attribute(*name, given, topic.fifo)) {
      return reply(invalid_parameter("Invalid parameter: " + *refused));
    }
    topic.attributes = with_text(topic.attributes, *name, given);
  }
  save_topic(topic);
  core.answer(reply, Value::object({}));
}

void Sns::tag_resource(const Request& r, Reply reply) {
  auto arn = r.required("ResourceArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  auto tags = read_tags(r);
  if (!tags) return reply(Unexpected<Error>(tags.error()));
  if (!topics.contains(*arn))
    return reply(fail("ResourceNotFoundException", "Resource does not exist"));
  auto kept = core.store->tags(*arn);
  if (!kept) return reply(Unexpected<Error>(kept.error()));
  std::set<std::string> keys;
  for (const auto& [key, value] : *kept) keys.insert(key);
  for (const auto& [key, value] : *tags) keys.insert(key);
  if (keys.size() > kMaxTags) {
    return reply(fail("TagLimitExceededException",
                      "Could not complete request: tag quota of per resource exceeded"));
  }
  for (const auto& [key, value] : *tags) core.stage(store::ops::PutTag{*arn, key, value});
  core.answer(reply, Value::object({}));
}

void Sns::untag_resource(const Request& r, Reply reply) {
  auto arn = r.required("ResourceArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  if (!topics.contains(*arn))
    return reply(fail("ResourceNotFoundException", "Resource does not exist"));
  if (const Value* keys = r.field("TagKeys"); keys != nullptr && keys->is_array()) {
    for (const Value& key : keys->as_array()) {
      if (key.is_string()) core.stage(store::ops::DeleteTag{*arn, std::string(key.as_string())});
    }
  }
  core.answer(reply, Value::object({}));
}

void Sns::list_tags_for_resource(const Request& r, Reply reply) {
  auto arn = r.required("ResourceArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  if (!topics.contains(*arn))
    return reply(fail("ResourceNotFoundException", "Resource does not exist"));
  auto kept = core.store->tags(*arn);
  if (!kept) return reply(Unexpected<Error>(kept.error()));
  std::vector<Value> out;
  for (const auto& [key, value] : *kept) {
    out.push_back(json::ObjectBuilder().add("Key", text(key)).add("Value", text(value)).build());
  }
  core.answer(reply, json::ObjectBuilder().add("Tags", Value::array(std::move(out))).build());
}

}  // namespace baton::service::sns
