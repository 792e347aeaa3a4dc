#pragma once

// The SNS service: topics and subscriptions kept in the store (Kind::Topic, Kind::Subscription
// with the topic as parent) and indexed in memory, so a Publish reads nothing from the store;
// filter policies compiled once per subscription. Delivery to queues and functions goes through
// Core::call in the publish's own group; HTTP/S deliveries wait in the store's space
// "sns-deliveries" until the endpoint takes them. Internal to sns/; it lives on the service
// thread.

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "core/random.h"
#include "events/filter_policy.h"
#include "service/core.h"
#include "service/sns/signing.h"
#include "store/store.h"

namespace baton::service::sns {

// The store's space of pending HTTP/S deliveries.
inline constexpr std::string_view kDeliveries = "sns-deliveries";

struct Subscription {
  std::string arn;
  std::string topic_arn;
  std::string protocol;  // sqs, lambda, http, https, email, email-json, sms, application, firehose
  std::string endpoint;
  bool pending = false;    // awaiting ConfirmSubscription
  std::string token;       // the confirmation token, while pending
  json::Value attributes;  // what Subscribe and SetSubscriptionAttributes set: name -> text
  // Compiled from `attributes`.
  bool raw = false;
  std::optional<events::FilterPolicy> filter;
  std::string dead_letter_arn;  // RedrivePolicy's deadLetterTargetArn

  std::string attribute(std::string_view key) const;
};

struct Topic {
  std::string arn;
  std::string name;
  bool fifo = false;
  json::Value attributes;  // what CreateTopic and SetTopicAttributes set: name -> text
  std::vector<std::string> subscriptions;  // ARNs, in the order they were made
  std::int64_t deleted = 0;                // SubscriptionsDeleted
  std::uint64_t sequence = 0;              // the last SequenceNumber (FIFO)
  // FIFO: MessageDeduplicationId -> (expiry, the MessageId answered), for five minutes.
  std::unordered_map<std::string, std::pair<std::int64_t, std::string>> deduplicated;

  std::string attribute(std::string_view key) const;
  bool content_based_deduplication() const;
};

// A message as Publish accepted it, before it is delivered.
struct Published {
  std::string message_id;
  std::string topic_arn;
  std::string message;       // the default message
  json::Value per_protocol;  // MessageStructure json: protocol -> message; else null
  std::optional<std::string> subject;
  json::Value attributes;  // as Publish took them: name -> {DataType, StringValue|BinaryValue}
  std::optional<json::Value> body;  // the message parsed as JSON, for MessageBody policies
  std::string group_id;
  std::string deduplication_id;
  std::string sequence_number;
  std::string timestamp;  // ISO-8601 with milliseconds
  std::string signature_version;
  // Signatures made so far, by the message they sign: made when a delivery first needs one
  // (raw deliveries need none), once per distinct message.
  mutable std::map<std::string, std::string, std::less<>> signatures;

  // The message for subscribers of `protocol`: its own under MessageStructure json.
  std::string_view message_for(std::string_view protocol) const;
};

struct Sns final : EmulatedService {
  explicit Sns(Core& c);

  std::string_view name() const override { return "sns"; }
  std::string_view title() const override { return "SNS API"; }
  const std::vector<Operation>& operations() const override { return table; }
  std::string_view unavailable_error() const override { return "InternalErrorException"; }
  Expected<void, Error> recover() override;

  // Topics (topics.cc).
  void create_topic(const Request& r, Reply reply);
  void delete_topic(const Request& r, Reply reply);
  void list_topics(const Request& r, Reply reply);
  void get_topic_attributes(const Request& r, Reply reply);
  void set_topic_attributes(const Request& r, Reply reply);
  void tag_resource(const Request& r, Reply reply);
  void untag_resource(const Request& r, Reply reply);
  void list_tags_for_resource(const Request& r, Reply reply);
  // Subscriptions (subscriptions.cc).
  void subscribe(const Request& r, Reply reply);
  void confirm_subscription(const Request& r, Reply reply);
  void unsubscribe(const Request& r, Reply reply);
  void list_subscriptions(const Request& r, Reply reply);
  void list_subscriptions_by_topic(const Request& r, Reply reply);
  json::Value subscriptions_page(const std::vector<const std::vector<std::string>*>& lists,
                                 const std::string& after) const;
  void get_subscription_attributes(const Request& r, Reply reply);
  void set_subscription_attributes(const Request& r, Reply reply);
  // Publishing (publish.cc).
  void publish(const Request& r, Reply reply);
  void publish_batch(const Request& r, Reply reply);
  // Not AWS's: the certificate that verifies signatures, {"Certificate": PEM}, for the gateway
  // to serve at the SigningCertURL.
  void signing_certificate(const Request& r, Reply reply);

  // The topic an ARN names. Errors: InvalidParameterException (not a topic ARN, named as
  // `parameter`), NotFoundException.
  Result<Topic*> topic_or_error(const std::string& arn, std::string_view parameter = "TopicArn");
  Result<Subscription*> subscription_or_error(const std::string& arn);
  void save_topic(const Topic& topic);
  void save_subscription(const Subscription& subscription);
  // Checks one of a subscription's attributes and sets it. Errors: InvalidParameterException,
  // worded for Subscribe (`in_subscribe`) or SetSubscriptionAttributes.
  Expected<void, Error> set_subscription_attribute(Subscription& s, const std::string& name,
                                                   const std::string& value, bool in_subscribe);
  // Compiles what delivery reads of the attributes: raw delivery, the filter policy (once,
  // here), the dead-letter queue. Errors: as set_subscription_attribute.
  Expected<void, Error> compile_subscription(Subscription& s, bool in_subscribe);
  void remove_subscription(const std::string& arn);

  // Publish's checks and fan-out (publish.cc). Errors: AWS's for one message.
  Result<Published> accept(Topic& topic, const json::Value& entry);
  void fan_out(const Topic& topic, const Published& message);
  // The signature of the Notification of `published` carrying `message`, made once.
  const std::string& signature_for(const Published& published, std::string_view message);
  void deliver(const Subscription& s, const Topic& topic, const Published& message);
  // Sends `body` to the subscription's dead-letter queue, if it has one.
  void to_dead_letter(const std::string& dead_letter_arn, const std::string& body,
                      const std::string& group_id, const std::string& deduplication_id);

  // HTTP/S deliveries (http_delivery.cc): kept in kDeliveries until taken or given up.
  void send_confirmation(const Topic& topic, const Subscription& s);
  void enqueue_http(const Subscription& s, const Topic& topic, const std::string& type,
                    const std::string& message_id, const std::string& body);
  void schedule_http(const std::string& key, std::int64_t due_ms);
  void attempt_http(const std::string& key);
  void http_answered(const std::string& key, json::Value delivery, int status,
                     const std::string& error);

  // URLs on baton's own endpoint.
  std::string endpoint() const;
  std::string signing_cert_url() const;
  std::string unsubscribe_url(const std::string& subscription_arn) const;
  std::string subscribe_url(const std::string& topic_arn, const std::string& token) const;
  std::string topic_arn(std::string_view name) const;
  std::string new_id();

  Core& core;
  const std::vector<Operation> table;
  std::map<std::string, Topic> topics;                          // by ARN
  std::unordered_map<std::string, Subscription> subscriptions;  // by ARN
  // HTTP/S deliveries owed, by their key in kDeliveries: what the store keeps, also in memory.
  std::unordered_map<std::string, json::Value> http_owed;
  std::optional<SigningKey> signing_key;
  Random random{std::random_device{}()};
  std::uint64_t delivery_count = 0;
};

// Attribute maps as the request gives them (name -> text). Errors: InvalidParameterException.
Result<std::vector<std::pair<std::string, std::string>>> attribute_pairs(const Request& r,
                                                                         std::string_view field);
json::Value text(std::string_view s);
Unexpected<Error> invalid_parameter(const std::string& message);
Unexpected<Error> not_found(const std::string& message);

}  // namespace baton::service::sns
