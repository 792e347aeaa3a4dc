// Subscriptions: Subscribe, ConfirmSubscription, Unsubscribe, the listings and attributes.

#include <algorithm>
#include <cctype>
#include <set>

#include "core/crypto.h"
#include "service/sns/delivery_policy.h"
#include "service/sns/sns_service.h"

namespace baton::service::sns {

using json::Value;

namespace {

constexpr std::size_t kSubscriptionsPerPage = 100;

bool known_protocol(std::string_view p) {
  static const std::set<std::string, std::less<>> kProtocols = {
      "http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"};
  return kProtocols.contains(p);
}

// Protocols whose subscriptions wait for ConfirmSubscription.
bool needs_confirmation(std::string_view p) {
  return p == "http" || p == "https" || p == "email" || p == "email-json";
}

bool supports_raw_delivery(std::string_view p) {
  return p == "http" || p == "https" || p == "sqs" || p == "firehose";
}

bool service_arn(std::string_view arn, std::string_view service) {
  std::string prefix = "arn:aws:" + std::string(service) + ":";
  if (!arn.starts_with(prefix)) return false;
  std::size_t colons = 0;
  for (char c : arn) colons += c == ':' ? 1 : 0;
  return colons >= 5 && !arn.ends_with(":");
}

// Why SNS refuses `endpoint` for `protocol`, or nothing.
std::optional<std::string> refused_endpoint(std::string_view protocol, std::string_view endpoint) {
  if (protocol == "http" && !endpoint.starts_with("http://")) {
    return "Endpoint must match the specified protocol";
  }
  if (protocol == "https" && !endpoint.starts_with("https://")) {
    return "Endpoint must match the specified protocol";
  }
  if (protocol == "sqs" && !service_arn(endpoint, "sqs")) return "SQS endpoint ARN";
  if (protocol == "lambda" && !service_arn(endpoint, "lambda")) return "Lambda endpoint ARN";
  if (protocol == "firehose" && !service_arn(endpoint, "firehose")) return "Firehose endpoint ARN";
  if (protocol == "application" && !service_arn(endpoint, "sns")) {
    return "Application endpoint ARN";
  }
  if ((protocol == "email" || protocol == "email-json") &&
      endpoint.find('@') == std::string_view::npos) {
    return "Email address";
  }
  if (protocol == "sms") {
    std::string_view digits = endpoint.starts_with("+") ? endpoint.substr(1) : endpoint;
    bool ok = !digits.empty();
    for (char c : digits) ok = ok && ((c >= '0' && c <= '9') || c == '-' || c == ' ');
    if (!ok) return "SMS endpoint";
  }
  return std::nullopt;
}

bool settable_subscription_attribute(std::string_view name) {
  return name == "DeliveryPolicy" || name == "FilterPolicy" || name == "FilterPolicyScope" ||
         name == "RawMessageDelivery" || name == "RedrivePolicy" || name == "SubscriptionRoleArn" ||
         name == "ReplayPolicy";
}

Value subscription_item(const Subscription& s, const std::string& account) {
  return json::ObjectBuilder()
      .add("SubscriptionArn", text(s.pending ? "PendingConfirmation" : s.arn))
      .add("Owner", text(account))
      .add("Protocol", text(s.protocol))
      .add("Endpoint", text(s.endpoint))
      .add("TopicArn", text(s.topic_arn))
      .build();
}

Result<std::string> page_after(const Request& r) {
  auto token = r.string("NextToken");
  if (!token) return Unexpected<Error>(token.error());
  if (!*token || (*token)->empty()) return std::string();
  auto key = crypto::base64_decode(**token);
  if (!key || !key->starts_with("arn:aws:sns:")) {
    return invalid_parameter("Invalid parameter: NextToken");
  }
  return std::move(*key);
}

}  // namespace

Expected<void, Error> Sns::set_subscription_attribute(Subscription& s, const std::string& name,
                                                      const std::string& value, bool in_subscribe) {
  std::string prefix =
      in_subscribe ? "Invalid parameter: Attributes Reason: " : "Invalid parameter: ";
  if (!settable_subscription_attribute(name)) {
    return invalid_parameter(in_subscribe ? prefix + "Unknown attribute " + name
                                          : "Invalid parameter: AttributeName");
  }
  if (name == "RawMessageDelivery") {
    std::string lower = value;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "true" && lower != "false") {
      return invalid_parameter(prefix + "RawMessageDelivery: Invalid value [" + value +
                               "]. Must be true or false.");
    }
    if (lower == "true" && !supports_raw_delivery(s.protocol)) {
      return invalid_parameter(prefix + "Delivery protocol [" + s.protocol +
                               "] does not support raw message delivery.");
    }
  }
  if (name == "DeliveryPolicy" && !value.empty()) {
    if (s.protocol != "http" && s.protocol != "https") {
      return invalid_parameter(prefix + "DeliveryPolicy: Delivery protocol [" + s.protocol +
                               "] does not support delivery policies.");
    }
    if (auto ok = check_subscription_delivery_policy(value); !ok) {
      std::string cause = ok.error().cause;
      return invalid_parameter(prefix +
                               cause.substr(std::string_view("Invalid parameter: ").size()));
    }
  }
  if (name == "FilterPolicyScope") {
    if (auto scope = events::parse_filter_policy_scope(value); !scope) {
      std::string cause = scope.error().cause;
      if (cause.starts_with("Invalid parameter: ")) cause = cause.substr(19);
      return invalid_parameter(prefix + cause);
    }
  }
  if (name == "RedrivePolicy" && !value.empty()) {
    auto parsed = json::parse(value);
    const Value* target =
        parsed && parsed->is_object() ? parsed->find("deadLetterTargetArn") : nullptr;
    if (!parsed || !parsed->is_object()) {
      return invalid_parameter(prefix + "RedrivePolicy: failed to parse JSON.");
    }
    if (target == nullptr || !target->is_string() || !service_arn(target->as_string(), "sqs")) {
      return invalid_parameter(prefix + "RedrivePolicy: deadLetterTargetArn is an invalid arn");
    }
    auto topic = topics.find(s.topic_arn);
    if (topic != topics.end() && topic->second.fifo && !target->as_string().ends_with(".fifo")) {
      return invalid_parameter(prefix +
                               "RedrivePolicy: must use a FIFO queue as DLQ for a FIFO "
                               "subscription to a FIFO topic.");
    }
  }
  if (value.empty() &&
      (name == "FilterPolicy" || name == "RedrivePolicy" || name == "DeliveryPolicy")) {
    json::ObjectBuilder kept;
    for (const json::Member& m : s.attributes.members()) {
      if (m.name() != name) kept.add(m.name(), m.value);
    }
    s.attributes = kept.build();
    return {};
  }
  s.attributes =
      with_member(s.attributes.is_object() ? s.attributes : Value::object({}), name, text(value));
  return {};
}

Expected<void, Error> Sns::compile_subscription(Subscription& s, bool in_subscribe) {
  s.raw = false;
  std::string raw = s.attribute("RawMessageDelivery");
  for (char& c : raw) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  s.raw = raw == "true";
  s.filter.reset();
  std::string policy = s.attribute("FilterPolicy");
  if (!policy.empty()) {
    auto scope = events::parse_filter_policy_scope(s.attribute("FilterPolicyScope").empty()
                                                       ? "MessageAttributes"
                                                       : s.attribute("FilterPolicyScope"));
    if (!scope) return Unexpected<Error>(scope.error());
    auto compiled = events::FilterPolicy::parse(policy, *scope);
    if (!compiled) {
      std::string cause = compiled.error().cause;
      if (in_subscribe && cause.starts_with("Invalid parameter: ")) {
        cause = "Invalid parameter: Attributes Reason: " + cause.substr(19);
      }
      return invalid_parameter(cause);
    }
    s.filter = std::move(*compiled);
  }
  s.dead_letter_arn.clear();
  if (std::string redrive = s.attribute("RedrivePolicy"); !redrive.empty()) {
    auto parsed = json::parse(redrive);
    const Value* target = parsed ? parsed->find("deadLetterTargetArn") : nullptr;
    if (target != nullptr && target->is_string()) {
      s.dead_letter_arn = std::string(target->as_string());
    }
  }
  return {};
}

void Sns::subscribe(const Request& r, Reply reply) {
  auto arn = r.required("TopicArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  auto protocol = r.required("Protocol");
  if (!protocol) return reply(Unexpected<Error>(protocol.error()));
  auto endpoint_given = r.string("Endpoint");
  if (!endpoint_given) return reply(Unexpected<Error>(endpoint_given.error()));
  auto attributes = attribute_pairs(r, "Attributes");
  if (!attributes) return reply(Unexpected<Error>(attributes.error()));
  auto return_arn = r.boolean("ReturnSubscriptionArn");
  if (!return_arn) return reply(Unexpected<Error>(return_arn.error()));
  auto found = topic_or_error(*arn);
  if (!found) return reply(Unexpected<Error>(found.error()));
  Topic& topic = **found;
  std::string proto = *protocol;
  for (char& c : proto) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!known_protocol(proto)) {
    return reply(invalid_parameter(
        "Invalid parameter: Amazon SNS does not support this protocol string: " + *protocol));
  }
  std::string endpoint = endpoint_given->value_or("");
  if (auto refused = refused_endpoint(proto, endpoint)) {
    return reply(invalid_parameter("Invalid parameter: " + *refused));
  }
  if (topic.fifo && proto != "sqs") {
    return reply(invalid_parameter(
        "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SNS Topics currently only "
        "support SQS protocol"));
  }
  if (topic.fifo && !endpoint.ends_with(".fifo")) {
    return reply(invalid_parameter(
        "Invalid parameter: Invalid parameter: Endpoint Reason: Please use FIFO SQS queue"));
  }
  if (!topic.fifo && proto == "sqs" && endpoint.ends_with(".fifo")) {
    return reply(invalid_parameter(
        "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be "
        "subscribed to standard SNS topics"));
  }
  Subscription s;
  s.topic_arn = topic.arn;
  s.protocol = proto;
  s.endpoint = endpoint;
  s.attributes = Value::object({});
  for (const auto& [name, value] : *attributes) {
    if (auto set = set_subscription_attribute(s, name, value, true); !set) {
      return reply(Unexpected<Error>(set.error()));
    }
  }
  if (auto compiled = compile_subscription(s, true); !compiled) {
    return reply(Unexpected<Error>(compiled.error()));
  }
  // The same endpoint subscribed again is the same subscription.
  for (const std::string& existing_arn : topic.subscriptions) {
    auto existing = subscriptions.find(existing_arn);
    if (existing == subscriptions.end()) continue;
    const Subscription& e = existing->second;
    if (e.protocol != s.protocol || e.endpoint != s.endpoint) continue;
    for (const json::Member& m : s.attributes.members()) {
      if (e.attribute(m.name()) != m.value.as_string()) {
        return reply(invalid_parameter(
            "Invalid parameter: Attributes Reason: Subscription already exists with different "
            "attributes"));
      }
    }
    bool show = !e.pending || return_arn->value_or(false);
    return core.answer(reply,
                       json::ObjectBuilder()
                           .add("SubscriptionArn", text(show ? e.arn : "pending confirmation"))
                           .build());
  }
  s.arn = topic.arn + ":" + new_id();
  s.pending = needs_confirmation(proto);
  if (s.pending) {
    // A long random token, as AWS's are.
    s.token = crypto::to_hex(new_id() + new_id());
  }
  save_subscription(s);
  topic.subscriptions.push_back(s.arn);
  bool show = !s.pending || return_arn->value_or(false);
  std::string answered = show ? s.arn : "pending confirmation";
  if (proto == "http" || proto == "https") send_confirmation(topic, s);
  subscriptions.emplace(s.arn, std::move(s));
  core.answer(reply, json::ObjectBuilder().add("SubscriptionArn", text(answered)).build());
}

void Sns::confirm_subscription(const Request& r, Reply reply) {
  auto arn = r.required("TopicArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  auto token = r.required("Token");
  if (!token) return reply(Unexpected<Error>(token.error()));
  auto found = topic_or_error(*arn);
  if (!found) return reply(Unexpected<Error>(found.error()));
  for (const std::string& s_arn : (*found)->subscriptions) {
    auto it = subscriptions.find(s_arn);
    if (it == subscriptions.end() || it->second.token.empty() || it->second.token != *token) {
      continue;
    }
    Subscription& s = it->second;
    if (s.pending) {
      s.pending = false;
      save_subscription(s);
    }
    return core.answer(reply, json::ObjectBuilder().add("SubscriptionArn", text(s.arn)).build());
  }
  reply(invalid_parameter("Invalid parameter: Token"));
}

void Sns::remove_subscription(const std::string& arn) {
  auto it = subscriptions.find(arn);
  if (it == subscriptions.end()) return;
  if (auto topic = topics.find(it->second.topic_arn); topic != topics.end()) {
    auto& list = topic->second.subscriptions;
    list.erase(std::remove(list.begin(), list.end(), arn), list.end());
    topic->second.deleted += 1;
    save_topic(topic->second);
  }
  core.stage(store::ops::DeleteResource{store::Kind::Subscription, arn});
  subscriptions.erase(it);
}

void Sns::unsubscribe(const Request& r, Reply reply) {
  auto arn = r.required("SubscriptionArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  auto found = subscription_or_error(*arn);
  if (!found) return reply(Unexpected<Error>(found.error()));
  remove_subscription(*arn);
  core.answer(reply, Value::object({}));
}

// One page of ListSubscriptions(ByTopic)'s answer: the subscriptions of `lists` (each topic's,
// in order) after the one named `after` ("" from the first).
Value Sns::subscriptions_page(const std::vector<const std::vector<std::string>*>& lists,
                              const std::string& after) const {
  std::vector<Value> page;
  bool passed = after.empty();
  std::string last;
  bool more = false;
  for (const std::vector<std::string>* arns : lists) {
    for (const std::string& s_arn : *arns) {
      if (!passed) {
        passed = s_arn == after;
        continue;
      }
      if (page.size() == kSubscriptionsPerPage) {
        more = true;
        break;
      }
      auto it = subscriptions.find(s_arn);
      if (it == subscriptions.end()) continue;
      page.push_back(subscription_item(it->second, core.options.partition.account));
      last = s_arn;
    }
    if (more) break;
  }
  json::ObjectBuilder out;
  out.add("Subscriptions", Value::array(std::move(page)));
  if (more) out.add("NextToken", text(crypto::base64_encode(last)));
  return out.build();
}

void Sns::list_subscriptions(const Request& r, Reply reply) {
  auto after = page_after(r);
  if (!after) return reply(Unexpected<Error>(after.error()));
  std::vector<const std::vector<std::string>*> lists;
  for (const auto& [topic_arn, topic] : topics) lists.push_back(&topic.subscriptions);
  core.answer(reply, subscriptions_page(lists, *after));
}

void Sns::list_subscriptions_by_topic(const Request& r, Reply reply) {
  auto arn = r.required("TopicArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  auto after = page_after(r);
  if (!after) return reply(Unexpected<Error>(after.error()));
  auto found = topic_or_error(*arn);
  if (!found) return reply(Unexpected<Error>(found.error()));
  core.answer(reply, subscriptions_page({&(*found)->subscriptions}, *after));
}

void Sns::get_subscription_attributes(const Request& r, Reply reply) {
  auto arn = r.required("SubscriptionArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  auto found = subscription_or_error(*arn);
  if (!found) return reply(Unexpected<Error>(found.error()));
  const Subscription& s = **found;
  const std::string& account = core.options.partition.account;
  json::ObjectBuilder out;
  out.add("ConfirmationWasAuthenticated", text(needs_confirmation(s.protocol) ? "false" : "true"));
  out.add("PendingConfirmation", text(s.pending ? "true" : "false"));
  out.add("Owner", text(account));
  out.add("RawMessageDelivery", text(s.raw ? "true" : "false"));
  out.add("TopicArn", text(s.topic_arn));
  out.add("Endpoint", text(s.endpoint));
  out.add("Protocol", text(s.protocol));
  out.add("SubscriptionPrincipal", text("arn:aws:iam::" + account + ":root"));
  out.add("SubscriptionArn", text(s.arn));
  if (s.protocol == "http" || s.protocol == "https") {
    auto topic = topics.find(s.topic_arn);
    std::string topic_policy =
        topic != topics.end() ? topic->second.attribute("DeliveryPolicy") : std::string();
    out.add("EffectiveDeliveryPolicy", text(effective_subscription_delivery_policy(
                                           topic_policy, s.attribute("DeliveryPolicy"))));
  }
  for (const json::Member& m : s.attributes.members()) {
    if (m.name() == "RawMessageDelivery") continue;
    out.add(m.name(), m.value);
  }
  if (s.filter && s.attribute("FilterPolicyScope").empty()) {
    out.add("FilterPolicyScope", text("MessageAttributes"));
  }
  core.answer(reply, json::ObjectBuilder().add("Attributes", out.build()).build());
}

void Sns::set_subscription_attributes(const Request& r, Reply reply) {
  auto arn = r.required("SubscriptionArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  auto name = r.required("AttributeName");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto value = r.string("AttributeValue");
  if (!value) return reply(Unexpected<Error>(value.error()));
  auto found = subscription_or_error(*arn);
  if (!found) return reply(Unexpected<Error>(found.error()));
  Subscription changed = **found;
  if (auto set = set_subscription_attribute(changed, *name, value->value_or(""), false); !set) {
    return reply(Unexpected<Error>(set.error()));
  }
  if (auto compiled = compile_subscription(changed, false); !compiled) {
    return reply(Unexpected<Error>(compiled.error()));
  }
  save_subscription(changed);
  **found = std::move(changed);
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::sns
