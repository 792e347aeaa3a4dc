// Publish and PublishBatch: the checks AWS makes of a message, then its fan-out to every
// confirmed subscription whose filter policy takes it.

#include <set>

#include "core/crypto.h"
#include "core/time.h"
#include "service/sns/envelope.h"
#include "service/sns/sns_service.h"

namespace baton::service::sns {

using json::Value;

namespace {

// AWS limits.
constexpr std::size_t kMaxMessageBytes = 256 * 1024;
constexpr std::size_t kMaxSubjectLength = 99;
constexpr std::size_t kMaxBatchEntries = 10;
constexpr std::size_t kMaxBatchEntryId = 80;
constexpr std::int64_t kDeduplicationWindowMs = 5 * 60 * 1000;

std::string string_of(const Value& object, std::string_view name) {
  const Value* v = object.find(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

Unexpected<Error> invalid_value(const std::string& message) {
  return fail("InvalidParameterValueException", message);
}

bool valid_subject(std::string_view subject) {
  if (subject.empty() || subject.size() > kMaxSubjectLength) return false;
  for (char c : subject) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return true;
}

bool valid_number(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  bool digits = false;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, digits = true;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, digits = true;
  }
  if (digits && i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    bool exponent = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, exponent = true;
    digits = exponent;
  }
  return digits && i == text.size();
}

bool valid_attribute_name(std::string_view name) {
  if (name.empty() || name.size() > 256 || name.front() == '.' || name.back() == '.') return false;
  if (name.find("..") != std::string_view::npos) return false;
  if (name.starts_with("AWS.") || name.starts_with("Amazon.")) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// Checks MessageAttributes as SNS does and returns the bytes they count toward the limit.
Result<std::size_t> check_attributes(const Value& attributes) {
  std::size_t bytes = 0;
  if (attributes.is_null()) return bytes;
  for (const json::Member& m : attributes.members()) {
    std::string name(m.name());
    if (!valid_attribute_name(name)) {
      return invalid_value("Invalid attribute name: " + name);
    }
    std::string type = string_of(m.value, "DataType");
    if (type.empty()) {
      return invalid_value("The message attribute '" + name +
                           "' must contain non-empty message attribute type.");
    }
    std::string_view prefix = std::string_view(type).substr(0, type.find('.'));
    bool array = type == "String.Array";
    if (prefix != "String" && prefix != "Number" && prefix != "Binary") {
      return invalid_value("The message attribute '" + name +
                           "' has an invalid message attribute type, the set of supported type "
                           "prefixes is Binary, Number, and String.");
    }
    const Value* string_value = m.value.find("StringValue");
    const Value* binary_value = m.value.find("BinaryValue");
    bool binary = prefix == "Binary";
    const Value* given = binary ? binary_value : string_value;
    if (given == nullptr || !given->is_string() || given->as_string().empty()) {
      return invalid_value("The message attribute '" + name +
                           "' must contain non-empty message attribute value for message "
                           "attribute type '" +
                           std::string(prefix) + "'.");
    }
    std::string_view value = given->as_string();
    if (prefix == "Number" && !valid_number(value)) {
      return invalid_value("Could not cast message attribute '" + name + "' value to number.");
    }
    if (array) {
      auto parsed = json::parse(value);
      bool ok = parsed && parsed->is_array();
      if (ok) {
        for (const Value& item : parsed->as_array()) {
          ok = ok && (item.is_string() || item.is_number() || item.is_bool() || item.is_null());
        }
      }
      if (!ok) {
        return invalid_parameter("Invalid parameter: Message attribute '" + name +
                                 "' must be a JSON array of strings, numbers, booleans and "
                                 "nulls");
      }
    }
    bytes += name.size() + type.size() + value.size();
  }
  return bytes;
}

// SQS takes no String.Array: a raw delivery carries it as a String.
Value sqs_attributes(const Value& attributes) {
  json::ObjectBuilder out;
  for (const json::Member& m : attributes.members()) {
    if (string_of(m.value, "DataType") == "String.Array") {
      out.add(m.name(), with_member(m.value, "DataType", text("String")));
    } else {
      out.add(m.name(), m.value);
    }
  }
  return out.build();
}

// The code a PublishBatch entry's failure shows: the model's error code.
std::string batch_code(const std::string& error) {
  if (error == "InvalidParameterValueException") return "ParameterValueInvalid";
  if (error.ends_with("Exception")) return error.substr(0, error.size() - 9);
  return error;
}

}  // namespace

Result<Published> Sns::accept(Topic& topic, const Value& entry) {
  Published m;
  m.topic_arn = topic.arn;
  m.message = string_of(entry, "Message");
  if (m.message.empty()) return invalid_parameter("Invalid parameter: Empty message");
  if (const Value* subject = entry.find("Subject"); subject != nullptr && !subject->is_null()) {
    if (!subject->is_string() || !valid_subject(subject->as_string())) {
      return invalid_parameter("Invalid parameter: Subject");
    }
    m.subject = std::string(subject->as_string());
  }
  std::string structure = string_of(entry, "MessageStructure");
  if (!structure.empty()) {
    if (structure != "json") return invalid_parameter("Invalid parameter: MessageStructure");
    auto parsed = json::parse(m.message);
    if (!parsed || !parsed->is_object()) {
      return invalid_parameter(
          "Invalid parameter: Message Structure - JSON message body failed to parse");
    }
    const Value* fallback = parsed->find("default");
    if (fallback == nullptr || !fallback->is_string()) {
      return invalid_parameter(
          "Invalid parameter: Message Structure - No default entry in JSON message body");
    }
    m.message = std::string(fallback->as_string());
    m.per_protocol = *parsed;
  }
  if (const Value* attributes = entry.find("MessageAttributes");
      attributes != nullptr && attributes->is_object() && attributes->size() > 0) {
    m.attributes = *attributes;
  }
  auto attribute_bytes = check_attributes(m.attributes);
  if (!attribute_bytes) return Unexpected<Error>(attribute_bytes.error());
  if (string_of(entry, "Message").size() + *attribute_bytes > kMaxMessageBytes) {
    return invalid_parameter("Invalid parameter: Message too long");
  }
  m.group_id = string_of(entry, "MessageGroupId");
  m.deduplication_id = string_of(entry, "MessageDeduplicationId");
  if (topic.fifo) {
    if (m.group_id.empty()) {
      return invalid_parameter(
          "Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
    }
    if (m.deduplication_id.empty()) {
      if (!topic.content_based_deduplication()) {
        return invalid_parameter(
            "Invalid parameter: The topic should either have ContentBasedDeduplication enabled "
            "or MessageDeduplicationId provided explicitly");
      }
      m.deduplication_id = crypto::hex_digest(crypto::Digest::SHA256, string_of(entry, "Message"));
    }
  } else if (!m.deduplication_id.empty()) {
    return invalid_parameter(
        "Invalid parameter: MessageDeduplicationId Reason: The request includes "
        "MessageDeduplicationId parameter that is not valid for this topic type");
  }
  m.message_id = new_id();
  m.timestamp = format_rfc3339_millis(Timestamp::from_millis(core.now_ms()));
  m.signature_version =
      topic.attribute("SignatureVersion").empty() ? "1" : topic.attribute("SignatureVersion");
  return m;
}

const std::string& Sns::signature_for(const Published& published, std::string_view message) {
  auto found = published.signatures.find(message);
  if (found != published.signatures.end()) return found->second;
  EnvelopeFields f;
  f.type = "Notification";
  f.message_id = published.message_id;
  f.topic_arn = published.topic_arn;
  f.subject = published.subject ? &*published.subject : nullptr;
  f.message = message;
  f.timestamp = published.timestamp;
  std::string signature =
      signing_key ? signing_key->sign(notification_string_to_sign(f), published.signature_version)
                  : std::string();
  return published.signatures.emplace(std::string(message), std::move(signature)).first->second;
}

void Sns::to_dead_letter(const std::string& dead_letter_arn, const std::string& body,
                         const std::string& group_id, const std::string& deduplication_id) {
  if (dead_letter_arn.empty()) return;
  json::ObjectBuilder request;
  request.add("QueueUrl", text(queue_url(dead_letter_arn)));
  request.add("MessageBody", text(body));
  if (!group_id.empty()) request.add("MessageGroupId", text(group_id));
  if (!deduplication_id.empty()) request.add("MessageDeduplicationId", text(deduplication_id));
  core.call("sqs", "SendMessage", request.build(), [this, dead_letter_arn](Result<Value> sent) {
    if (!sent) {
      core.warn("SNS could not move a message to its dead-letter queue " + dead_letter_arn + ": " +
                sent.error().cause);
    }
  });
}

void Sns::deliver(const Subscription& s, const Topic& topic, const Published& m) {
  const std::string& protocol = s.protocol;
  bool to_queue = protocol == "sqs";
  bool to_function = protocol == "lambda";
  bool to_http = protocol == "http" || protocol == "https";
  if (!to_queue && !to_function && !to_http) return;  // email, sms, ...: never delivered
  std::string_view message = m.message_for(protocol);
  std::string unsubscribe = unsubscribe_url(s.arn);
  std::string cert_url = signing_cert_url();
  EnvelopeFields f;
  f.type = "Notification";
  f.message_id = m.message_id;
  f.sequence_number = m.sequence_number;
  f.topic_arn = m.topic_arn;
  f.subject = m.subject ? &*m.subject : nullptr;
  f.message = message;
  f.timestamp = m.timestamp;
  f.signature_version = m.signature_version;
  f.signing_cert_url = cert_url;
  f.unsubscribe_url = unsubscribe;
  f.attributes = &m.attributes;
  if (!s.raw) f.signature = signature_for(m, message);
  ++delivery_count;
  if (to_http) {
    return enqueue_http(s, topic, "Notification", m.message_id,
                        s.raw ? std::string(message) : envelope_json(f));
  }
  if (to_function) {
    json::ObjectBuilder request;
    request.add("FunctionName", text(s.endpoint));
    request.add("InvocationType", text("Event"));
    request.add("Payload", text(lambda_event(f, s.arn)));
    std::string dead_letter = s.dead_letter_arn;
    std::string body = envelope_json(f);
    core.call("lambda", "Invoke", request.build(), [this, dead_letter, body](Result<Value> done) {
      if (!done) to_dead_letter(dead_letter, body, "", "");
    });
    return;
  }
  std::string body = s.raw ? std::string(message) : envelope_json(f);
  json::ObjectBuilder request;
  request.add("QueueUrl", text(queue_url(s.endpoint)));
  request.add("MessageBody", text(body));
  if (s.raw && m.attributes.is_object() && m.attributes.size() > 0) {
    request.add("MessageAttributes", sqs_attributes(m.attributes));
  }
  if (!m.group_id.empty()) request.add("MessageGroupId", text(m.group_id));
  if (topic.fifo) request.add("MessageDeduplicationId", text(m.deduplication_id));
  std::string dead_letter = s.dead_letter_arn;
  std::string group = m.group_id;
  std::string deduplication = topic.fifo ? m.deduplication_id : std::string();
  core.call("sqs", "SendMessage", request.build(),
            [this, dead_letter, body, group, deduplication](Result<Value> sent) {
              // The queue is gone (or refuses the message): to the dead-letter queue, if any.
              if (!sent) to_dead_letter(dead_letter, body, group, deduplication);
            });
}

void Sns::fan_out(const Topic& topic, const Published& m) {
  events::Message filtered{m.attributes, std::nullopt};
  bool body_parsed = false;
  for (const std::string& arn : topic.subscriptions) {
    auto it = subscriptions.find(arn);
    if (it == subscriptions.end()) continue;
    const Subscription& s = it->second;
    if (s.pending) continue;
    if (s.filter) {
      if (s.filter->scope() == events::FilterPolicyScope::MessageBody && !body_parsed) {
        filtered.body = events::parse_message_body(m.message);
        body_parsed = true;
      }
      if (!s.filter->matches(filtered)) continue;
    }
    deliver(s, topic, m);
  }
}

void Sns::publish(const Request& r, Reply reply) {
  auto topic_arn_given = r.string("TopicArn");
  if (!topic_arn_given) return reply(Unexpected<Error>(topic_arn_given.error()));
  auto target = r.string("TargetArn");
  if (!target) return reply(Unexpected<Error>(target.error()));
  auto phone = r.string("PhoneNumber");
  if (!phone) return reply(Unexpected<Error>(phone.error()));
  std::string arn = topic_arn_given->value_or(target->value_or(""));
  if (arn.empty()) {
    if (phone->has_value() && !(*phone)->empty()) {
      // A text message to a phone: accepted, never sent.
      return core.answer(reply, json::ObjectBuilder().add("MessageId", text(new_id())).build());
    }
    return reply(invalid_parameter(
        "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter"));
  }
  auto found = topic_or_error(arn, topic_arn_given->has_value() ? "TopicArn" : "TargetArn");
  if (!found) return reply(Unexpected<Error>(found.error()));
  Topic& topic = **found;
  auto accepted = accept(topic, r.body());
  if (!accepted) return reply(Unexpected<Error>(accepted.error()));
  Published& m = *accepted;
  if (topic.fifo) {
    std::int64_t now = core.now_ms();
    auto seen = topic.deduplicated.find(m.deduplication_id);
    if (seen != topic.deduplicated.end() && seen->second.first > now) {
      // A duplicate within five minutes: accepted again, delivered once.
      return core.answer(reply, json::ObjectBuilder()
                                    .add("MessageId", text(seen->second.second))
                                    .add("SequenceNumber", text(std::to_string(topic.sequence)))
                                    .build());
    }
    topic.deduplicated[m.deduplication_id] = {now + kDeduplicationWindowMs, m.message_id};
    m.sequence_number = std::to_string(++topic.sequence);
    if (topic.deduplicated.size() > 100000)
      std::erase_if(topic.deduplicated, [now](const auto& e) { return e.second.first <= now; });
  }
  fan_out(topic, m);
  json::ObjectBuilder out;
  out.add("MessageId", text(m.message_id));
  if (!m.sequence_number.empty()) out.add("SequenceNumber", text(m.sequence_number));
  core.answer(reply, out.build());
}

void Sns::publish_batch(const Request& r, Reply reply) {
  auto arn = r.required("TopicArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  const Value* entries = r.field("PublishBatchRequestEntries");
  if (entries == nullptr || !entries->is_array() || entries->size() == 0) {
    return reply(
        fail("EmptyBatchRequestException", "The batch request doesn't contain any entries"));
  }
  if (entries->size() > kMaxBatchEntries) {
    return reply(fail("TooManyEntriesInBatchRequestException",
                      "The batch request contains more entries than permissible."));
  }
  std::set<std::string> ids;
  std::size_t total = 0;
  for (const Value& entry : entries->as_array()) {
    std::string id = string_of(entry, "Id");
    bool valid = !id.empty() && id.size() <= kMaxBatchEntryId;
    for (char c : id) {
      valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-');
    }
    if (!valid) {
      return reply(fail("InvalidBatchEntryIdException",
                        "The Id of a batch entry in a batch request doesn't abide by the "
                        "specification."));
    }
    if (!ids.insert(id).second) {
      return reply(fail("BatchEntryIdsNotDistinctException",
                        "Two or more batch entries in the request have the same Id."));
    }
    total += string_of(entry, "Message").size();
  }
  if (total > kMaxMessageBytes) {
    return reply(fail("BatchRequestTooLongException",
                      "The length of all the messages put together is more than the limit."));
  }
  auto found = topic_or_error(*arn);
  if (!found) return reply(Unexpected<Error>(found.error()));
  Topic& topic = **found;
  std::vector<Value> successful;
  std::vector<Value> failed;
  for (const Value& entry : entries->as_array()) {
    std::string id = string_of(entry, "Id");
    auto accepted = accept(topic, entry);
    if (!accepted) {
      failed.push_back(json::ObjectBuilder()
                           .add("Id", text(id))
                           .add("Code", text(batch_code(accepted.error().name)))
                           .add("Message", text(accepted.error().cause))
                           .add("SenderFault", Value::boolean(true))
                           .build());
      continue;
    }
    Published& m = *accepted;
    bool duplicate = false;
    if (topic.fifo) {
      std::int64_t now = core.now_ms();
      auto seen = topic.deduplicated.find(m.deduplication_id);
      if (seen != topic.deduplicated.end() && seen->second.first > now) {
        m.message_id = seen->second.second;
        duplicate = true;
      } else {
        topic.deduplicated[m.deduplication_id] = {now + kDeduplicationWindowMs, m.message_id};
      }
      m.sequence_number = std::to_string(duplicate ? topic.sequence : ++topic.sequence);
    }
    if (!duplicate) fan_out(topic, m);
    json::ObjectBuilder ok;
    ok.add("Id", text(id));
    ok.add("MessageId", text(m.message_id));
    if (!m.sequence_number.empty()) ok.add("SequenceNumber", text(m.sequence_number));
    successful.push_back(ok.build());
  }
  core.answer(reply, json::ObjectBuilder()
                         .add("Successful", Value::array(std::move(successful)))
                         .add("Failed", Value::array(std::move(failed)))
                         .build());
}

}  // namespace baton::service::sns
