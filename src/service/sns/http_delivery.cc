// HTTP/S deliveries: the SubscriptionConfirmation and each Notification, POSTed with AWS's
// headers, retried by the subscription's delivery policy, kept in the store (kDeliveries)
// until the endpoint takes them or the policy gives up (then to the dead-letter queue).

#include "core/time.h"
#include "net/http_client.h"
#include "service/sns/delivery_policy.h"
#include "service/sns/envelope.h"
#include "service/sns/sns_service.h"

namespace baton::service::sns {

using json::Value;

namespace {

// AWS's timeout of one HTTP/S delivery attempt.
constexpr long kAttemptTimeoutSeconds = 15;

std::string string_of(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t integer_of(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

}  // namespace

void Sns::send_confirmation(const Topic& topic, const Subscription& s) {
  std::string message_id = new_id();
  std::string timestamp = format_rfc3339_millis(Timestamp::from_millis(core.now_ms()));
  std::string message = "You have chosen to subscribe to the topic " + topic.arn +
                        ".\nTo confirm the subscription, visit the SubscribeURL included in this "
                        "message.";
  std::string url = subscribe_url(topic.arn, s.token);
  std::string cert_url = signing_cert_url();
  std::string version =
      topic.attribute("SignatureVersion").empty() ? "1" : topic.attribute("SignatureVersion");
  EnvelopeFields f;
  f.type = "SubscriptionConfirmation";
  f.message_id = message_id;
  f.topic_arn = topic.arn;
  f.message = message;
  f.timestamp = timestamp;
  f.signature_version = version;
  f.signing_cert_url = cert_url;
  f.token = s.token;
  f.subscribe_url = url;
  std::string signature =
      signing_key ? signing_key->sign(confirmation_string_to_sign(f), version) : std::string();
  f.signature = signature;
  enqueue_http(s, topic, "SubscriptionConfirmation", message_id, envelope_json(f));
}

void Sns::enqueue_http(const Subscription& s, const Topic& topic, const std::string& type,
                       const std::string& message_id, const std::string& body) {
  RetryPolicy policy =
      effective_retry_policy(topic.attribute("DeliveryPolicy"), s.attribute("DeliveryPolicy"));
  std::int64_t now = core.now_ms();
  // Keys in the order deliveries were made: a restart resumes them in that order.
  std::string key =
      std::to_string(now) + "-" + message_id + "-" + s.arn.substr(s.arn.rfind(':') + 1);
  Value delivery = json::ObjectBuilder()
                       .add("Url", text(s.endpoint))
                       .add("Type", text(type))
                       .add("MessageId", text(message_id))
                       .add("TopicArn", text(topic.arn))
                       .add("SubscriptionArn", text(s.arn))
                       .add("Raw", Value::boolean(s.raw && type == "Notification"))
                       .add("ContentType", text(policy.header_content_type))
                       .add("Policy", policy.to_json())
                       .add("DeadLetter", text(s.dead_letter_arn))
                       .add("Attempt", Value::integer(0))
                       .add("Due", Value::integer(now))
                       .add("Body", text(body))
                       .build();
  core.stage(store::ops::PutEntry{std::string(kDeliveries), key, json::to_string(delivery)});
  http_owed[key] = std::move(delivery);
  core.then([this, key, now] { schedule_http(key, now); });
}

void Sns::schedule_http(const std::string& key, std::int64_t due_ms) {
  core.at(due_ms, [this, key] { attempt_http(key); });
}

void Sns::attempt_http(const std::string& key) {
  auto owed = http_owed.find(key);
  if (owed == http_owed.end()) return;
  const Value& d = owed->second;
  std::string type = string_of(d, "Type");
  if (type == "Notification" && !subscriptions.contains(string_of(d, "SubscriptionArn"))) {
    // Unsubscribed since: nothing more is owed.
    core.stage(store::ops::DeleteEntry{std::string(kDeliveries), key});
    http_owed.erase(owed);
    return;
  }
  net::HttpClientRequest request;
  request.method = "POST";
  request.url = string_of(d, "Url");
  request.timeout_seconds = kAttemptTimeoutSeconds;
  request.body = string_of(d, "Body");
  request.headers = {
      {"x-amz-sns-message-type", type},
      {"x-amz-sns-message-id", string_of(d, "MessageId")},
      {"x-amz-sns-topic-arn", string_of(d, "TopicArn")},
      {"Content-Type", string_of(d, "ContentType")},
      {"User-Agent", "Amazon Simple Notification Service Agent"},
  };
  if (type == "Notification") {
    request.headers.emplace_back("x-amz-sns-subscription-arn", string_of(d, "SubscriptionArn"));
  }
  if (const Value* raw = d.find("Raw"); raw != nullptr && raw->is_bool() && raw->as_bool()) {
    request.headers.emplace_back("x-amz-sns-rawdelivery", "true");
  }
  Value delivery = d;
  core.run_outbound([this, key, delivery, request = std::move(request)] {
    auto response = net::http_request(request);
    int status = response ? response->status : 0;
    std::string error = response ? std::string() : response.error().cause;
    core.post(
        [this, key, delivery, status, error] { http_answered(key, delivery, status, error); });
  });
}

void Sns::http_answered(const std::string& key, json::Value delivery, int status,
                        const std::string& error) {
  if (!http_owed.contains(key)) return;
  bool delivered = status >= 200 && status < 300;
  std::int64_t attempt = integer_of(delivery, "Attempt") + 1;
  RetryPolicy policy =
      RetryPolicy::from_json(delivery.find("Policy") ? *delivery.find("Policy") : Value());
  // AWS retries server errors and failures to connect; a client error (4xx) is final.
  bool retried = !delivered && (status == 0 || status >= 500 || status == 429) &&
                 attempt <= policy.num_retries;
  if (!retried) {
    core.stage(store::ops::DeleteEntry{std::string(kDeliveries), key});
    http_owed.erase(key);
    if (!delivered && string_of(delivery, "Type") == "Notification") {
      to_dead_letter(string_of(delivery, "DeadLetter"), string_of(delivery, "Body"), "", "");
    }
    return;
  }
  std::int64_t due = core.now_ms() + policy.delay_seconds(attempt) * 1000;
  delivery = with_member(delivery, "Attempt", Value::integer(attempt));
  delivery = with_member(delivery, "Due", Value::integer(due));
  if (!error.empty()) delivery = with_member(delivery, "LastError", text(error));
  core.stage(store::ops::PutEntry{std::string(kDeliveries), key, json::to_string(delivery)});
  http_owed[key] = delivery;
  core.then([this, key, due] { schedule_http(key, due); });
}

}  // namespace baton::service::sns
