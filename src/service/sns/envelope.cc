// The formats of what SNS delivers.

#include "service/sns/envelope.h"

#include "core/crypto.h"

namespace baton::service::sns {

using json::Value;

namespace {

void line(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += '\n';
  out += value;
  out += '\n';
}

// `  "Name" : "value",` as AWS's envelopes lay out their members.
void member(std::string& out, std::string_view name, std::string_view value, bool last = false) {
  out += "  \"";
  out += name;
  out += "\" : ";
  json::write_string_literal(value, out);
  out += last ? "\n" : ",\n";
}

bool has_attributes(const Value* attributes) {
  return attributes != nullptr && attributes->is_object() && attributes->size() > 0;
}

}  // namespace

std::string notification_string_to_sign(const EnvelopeFields& f) {
  std::string out;
  line(out, "Message", f.message);
  line(out, "MessageId", f.message_id);
  if (f.subject != nullptr) line(out, "Subject", *f.subject);
  line(out, "Timestamp", f.timestamp);
  line(out, "TopicArn", f.topic_arn);
  line(out, "Type", f.type);
  return out;
}

std::string confirmation_string_to_sign(const EnvelopeFields& f) {
  std::string out;
  line(out, "Message", f.message);
  line(out, "MessageId", f.message_id);
  line(out, "SubscribeURL", f.subscribe_url);
  line(out, "Timestamp", f.timestamp);
  line(out, "Token", f.token);
  line(out, "TopicArn", f.topic_arn);
  line(out, "Type", f.type);
  return out;
}

Value delivered_attributes(const Value& attributes) {
  json::ObjectBuilder out;
  if (!attributes.is_object()) return out.build();
  for (const json::Member& m : attributes.members()) {
    const Value* type = m.value.find("DataType");
    std::string_view data_type = type != nullptr && type->is_string() ? type->as_string() : "";
    std::string value;
    if (data_type.starts_with("Binary")) {
      const Value* bytes = m.value.find("BinaryValue");
      value =
          crypto::base64_encode(bytes != nullptr && bytes->is_string() ? bytes->as_string() : "");
    } else {
      const Value* s = m.value.find("StringValue");
      value = std::string(s != nullptr && s->is_string() ? s->as_string() : "");
    }
    out.add(m.name(), json::ObjectBuilder()
                          .add("Type", Value::string(data_type))
                          .add("Value", Value::string(value))
                          .build());
  }
  return out.build();
}

std::string envelope_json(const EnvelopeFields& f) {
  std::string out = "{\n";
  bool confirmation = f.type != "Notification";
  member(out, "Type", f.type);
  member(out, "MessageId", f.message_id);
  if (!f.sequence_number.empty()) member(out, "SequenceNumber", f.sequence_number);
  if (confirmation) member(out, "Token", f.token);
  member(out, "TopicArn", f.topic_arn);
  if (f.subject != nullptr) member(out, "Subject", *f.subject);
  member(out, "Message", f.message);
  if (confirmation) member(out, "SubscribeURL", f.subscribe_url);
  member(out, "Timestamp", f.timestamp);
  member(out, "SignatureVersion", f.signature_version);
  member(out, "Signature", f.signature);
  bool attributes = !confirmation && has_attributes(f.attributes);
  member(out, "SigningCertURL", f.signing_cert_url, confirmation);
  if (!confirmation) member(out, "UnsubscribeURL", f.unsubscribe_url, !attributes);
  if (attributes) {
    out += "  \"MessageAttributes\" : {\n";
    Value shown = delivered_attributes(*f.attributes);
    bool first = true;
    for (const json::Member& m : shown.members()) {
      if (!first) out += ",\n";
      first = false;
      out += "    ";
      json::write_string_literal(m.name(), out);
      out += " : ";
      json::write(m.value, out);
    }
    out += "\n  }\n";
  }
  out += "}";
  return out;
}

std::string lambda_event(const EnvelopeFields& f, std::string_view subscription_arn) {
  Value sns =
      json::ObjectBuilder()
          .add("Type", Value::string(f.type))
          .add("MessageId", Value::string(f.message_id))
          .add("TopicArn", Value::string(f.topic_arn))
          .add("Subject", f.subject != nullptr ? Value::string(*f.subject) : Value::null())
          .add("Message", Value::string(f.message))
          .add("Timestamp", Value::string(f.timestamp))
          .add("SignatureVersion", Value::string(f.signature_version))
          .add("Signature", Value::string(f.signature))
          .add("SigningCertUrl", Value::string(f.signing_cert_url))
          .add("UnsubscribeUrl", Value::string(f.unsubscribe_url))
          .add("MessageAttributes",
               f.attributes != nullptr ? delivered_attributes(*f.attributes) : Value::object({}))
          .build();
  Value record = json::ObjectBuilder()
                     .add("EventSource", Value::string("aws:sns"))
                     .add("EventVersion", Value::string("1.0"))
                     .add("EventSubscriptionArn", Value::string(subscription_arn))
                     .add("Sns", sns)
                     .build();
  return json::to_string(json::ObjectBuilder().add("Records", Value::array({record})).build());
}

}  // namespace baton::service::sns
