// The SNS service's registration (its operations, in one table), recovery from the store, and
// what its operations share.

#include "service/sns/sns.h"

#include "net/http_client.h"
#include "service/sns/sns_service.h"

namespace baton::service::sns {

using json::Value;

namespace {

// Where the signing key is kept: one entry of its own space.
constexpr std::string_view kSigningSpace = "sns-signing";
constexpr std::string_view kSigningKey = "key";

std::string string_member(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::unique_ptr<EmulatedService> make(Core& core) { return std::make_unique<Sns>(core); }

Sns::Sns(Core& c)
    : core(c),
      table{
          operation("CreateTopic", this, &Sns::create_topic),
          operation("DeleteTopic", this, &Sns::delete_topic),
          operation("ListTopics", this, &Sns::list_topics, true),
          operation("GetTopicAttributes", this, &Sns::get_topic_attributes, true),
          operation("SetTopicAttributes", this, &Sns::set_topic_attributes),
          operation("TagResource", this, &Sns::tag_resource),
          operation("UntagResource", this, &Sns::untag_resource),
          operation("ListTagsForResource", this, &Sns::list_tags_for_resource, true),
          operation("Subscribe", this, &Sns::subscribe),
          operation("ConfirmSubscription", this, &Sns::confirm_subscription),
          operation("Unsubscribe", this, &Sns::unsubscribe),
          operation("ListSubscriptions", this, &Sns::list_subscriptions, true),
          operation("ListSubscriptionsByTopic", this, &Sns::list_subscriptions_by_topic, true),
          operation("GetSubscriptionAttributes", this, &Sns::get_subscription_attributes, true),
          operation("SetSubscriptionAttributes", this, &Sns::set_subscription_attributes),
          operation("Publish", this, &Sns::publish),
          operation("PublishBatch", this, &Sns::publish_batch),
          operation("SigningCertificate", this, &Sns::signing_certificate, true),
      } {}

Expected<void, Error> Sns::recover() {
  store::Store& store = *core.store;
  auto kept = store.entry(std::string(kSigningSpace), std::string(kSigningKey));
  if (!kept) return Unexpected<Error>(kept.error());
  if (*kept) {
    auto key = SigningKey::load(**kept);
    if (!key) return Unexpected<Error>(key.error());
    signing_key = std::move(*key);
  } else {
    auto key = SigningKey::generate();
    if (!key) return Unexpected<Error>(key.error());
    store::WriteBatch batch;
    batch.ops.push_back(
        store::ops::PutEntry{std::string(kSigningSpace), std::string(kSigningKey), key->pem()});
    if (auto saved = store.commit(batch); !saved) return saved;
    signing_key = std::move(*key);
  }
  std::string next;
  store::PageRequest page{"", 1000};
  do {
    auto found = store.resources(store::Kind::Topic, "", page, next);
    if (!found) return Unexpected<Error>(found.error());
    for (store::Resource& r : *found) {
      Topic t;
      t.arn = r.arn;
      t.name = r.name;
      t.fifo = t.name.ends_with(".fifo");
      if (const Value* a = r.record.find("Attributes"); a && a->is_object()) t.attributes = *a;
      if (const Value* d = r.record.find("SubscriptionsDeleted"); d && d->is_int64()) {
        t.deleted = d->as_int64();
      }
      // Sequence numbers go on rising across restarts: they start from the clock.
      t.sequence = static_cast<std::uint64_t>(core.now_ms()) * 1000000ULL;
      topics.emplace(t.arn, std::move(t));
    }
    page.after = next;
  } while (!next.empty());
  for (auto& [arn, topic] : topics) {
    page = store::PageRequest{"", 1000};
    do {
      auto found = store.resources(store::Kind::Subscription, arn, page, next);
      if (!found) return Unexpected<Error>(found.error());
      for (store::Resource& r : *found) {
        Subscription s;
        s.arn = r.arn;
        s.topic_arn = arn;
        s.protocol = string_member(r.record, "Protocol");
        s.endpoint = string_member(r.record, "Endpoint");
        s.token = string_member(r.record, "Token");
        const Value* pending = r.record.find("PendingConfirmation");
        s.pending = pending != nullptr && pending->is_bool() && pending->as_bool();
        if (const Value* a = r.record.find("Attributes"); a && a->is_object()) s.attributes = *a;
        // Accepted when set; a failure now is a store written by another version.
        if (auto compiled = compile_subscription(s, false); !compiled) {
          core.warn("SNS subscription " + s.arn + ": " + compiled.error().cause);
        }
        topic.subscriptions.push_back(s.arn);
        subscriptions.emplace(s.arn, std::move(s));
      }
      page.after = next;
    } while (!next.empty());
  }
  // HTTP/S deliveries still owed, each at its time.
  std::string after;
  while (true) {
    auto found = store.entries(std::string(kDeliveries), after, 1000);
    if (!found) return Unexpected<Error>(found.error());
    for (const store::Entry& e : *found) {
      auto delivery = json::parse(e.value);
      if (!delivery || !delivery->is_object()) {
        core.warn("SNS: an unreadable HTTP/S delivery " + e.key + " is dropped");
        continue;
      }
      const Value* due = delivery->find("Due");
      http_owed[e.key] = *delivery;
      schedule_http(e.key, due != nullptr && due->is_int64() ? due->as_int64() : 0);
    }
    if (found->size() < 1000) break;
    after = found->back().key;
  }
  return {};
}

void Sns::signing_certificate(const Request&, Reply reply) {
  core.answer(reply,
              json::ObjectBuilder()
                  .add("Certificate", text(signing_key ? signing_key->certificate_pem() : ""))
                  .build());
}

std::string Subscription::attribute(std::string_view key) const {
  return string_member(attributes, key);
}

std::string Topic::attribute(std::string_view key) const { return string_member(attributes, key); }

bool Topic::content_based_deduplication() const {
  return attribute("ContentBasedDeduplication") == "true";
}

std::string_view Published::message_for(std::string_view protocol) const {
  if (const Value* own = per_protocol.find(protocol); own != nullptr && own->is_string()) {
    return own->as_string();
  }
  return message;
}

Result<Topic*> Sns::topic_or_error(const std::string& arn, std::string_view parameter) {
  // arn:aws:sns:REGION:ACCOUNT:NAME, with no further colon.
  std::size_t colons = 0;
  for (char c : arn) colons += c == ':' ? 1 : 0;
  if (!arn.starts_with("arn:aws:sns:") || colons != 5) {
    return invalid_parameter("Invalid parameter: " + std::string(parameter));
  }
  auto found = topics.find(arn);
  if (found == topics.end()) return not_found("Topic does not exist");
  return &found->second;
}

Result<Subscription*> Sns::subscription_or_error(const std::string& arn) {
  std::size_t colons = 0;
  for (char c : arn) colons += c == ':' ? 1 : 0;
  if (!arn.starts_with("arn:aws:sns:") || colons != 6) {
    return invalid_parameter("Invalid parameter: SubscriptionArn");
  }
  auto found = subscriptions.find(arn);
  if (found == subscriptions.end()) return not_found("Subscription does not exist");
  return &found->second;
}

void Sns::save_topic(const Topic& topic) {
  store::Resource r;
  r.kind = store::Kind::Topic;
  r.arn = topic.arn;
  r.name = topic.name;
  r.created_ms = core.now_ms();
  r.record =
      json::ObjectBuilder()
          .add("Attributes", topic.attributes.is_object() ? topic.attributes : Value::object({}))
          .add("SubscriptionsDeleted", Value::integer(topic.deleted))
          .build();
  core.stage(store::ops::PutResource{std::move(r)});
}

void Sns::save_subscription(const Subscription& s) {
  store::Resource r;
  r.kind = store::Kind::Subscription;
  r.arn = s.arn;
  r.name = s.arn.substr(s.arn.rfind(':') + 1);
  r.parent_arn = s.topic_arn;
  r.created_ms = core.now_ms();
  r.record = json::ObjectBuilder()
                 .add("Protocol", text(s.protocol))
                 .add("Endpoint", text(s.endpoint))
                 .add("PendingConfirmation", Value::boolean(s.pending))
                 .add("Token", text(s.token))
                 .add("Attributes", s.attributes.is_object() ? s.attributes : Value::object({}))
                 .build();
  core.stage(store::ops::PutResource{std::move(r)});
}

std::string Sns::endpoint() const {
  return core.options.endpoint_url.empty() ? "http://127.0.0.1:8083" : core.options.endpoint_url;
}

std::string Sns::signing_cert_url() const {
  return endpoint() + "/_baton/sns/SimpleNotificationService.pem";
}

std::string Sns::unsubscribe_url(const std::string& subscription_arn) const {
  return endpoint() + "/?Action=Unsubscribe&SubscriptionArn=" + net::url_encode(subscription_arn);
}

std::string Sns::subscribe_url(const std::string& topic_arn, const std::string& token) const {
  return endpoint() + "/?Action=ConfirmSubscription&TopicArn=" + net::url_encode(topic_arn) +
         "&Token=" + token;
}

std::string Sns::topic_arn(std::string_view name) const {
  return "arn:aws:sns:" + core.options.partition.region + ":" + core.options.partition.account +
         ":" + std::string(name);
}

std::string Sns::new_id() { return uuid_v4(random); }

json::Value text(std::string_view s) { return Value::string(s); }

Unexpected<Error> invalid_parameter(const std::string& message) {
  return fail("InvalidParameterException", message);
}

Unexpected<Error> not_found(const std::string& message) {
  return fail("NotFoundException", message);
}

Result<std::vector<std::pair<std::string, std::string>>> attribute_pairs(const Request& r,
                                                                         std::string_view field) {
  std::vector<std::pair<std::string, std::string>> out;
  const Value* map = r.field(field);
  if (map == nullptr || map->is_null()) return out;
  if (!map->is_object()) return invalid_parameter("Invalid parameter: " + std::string(field));
  for (const json::Member& m : map->members()) {
    if (!m.value.is_string()) {
      return invalid_parameter("Invalid parameter: " + std::string(field) +
                               " Reason: " + std::string(m.name()) + " must be a string");
    }
    out.emplace_back(std::string(m.name()), std::string(m.value.as_string()));
  }
  return out;
}

}  // namespace baton::service::sns
