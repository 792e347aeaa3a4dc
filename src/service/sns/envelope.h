#pragma once

// What SNS delivers, byte for byte as AWS writes it: the JSON envelope of a Notification (the
// body of an SQS message or an HTTP/S POST), the SubscriptionConfirmation, the Lambda event,
// and the canonical strings their signatures are computed over. Pure; internal to sns/.

#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"

namespace baton::service::sns {

// The fields of one delivered message that its envelope shows.
struct EnvelopeFields {
  std::string_view type;  // Notification, SubscriptionConfirmation
  std::string_view message_id;
  std::string_view sequence_number;  // FIFO topics; else empty
  std::string_view topic_arn;
  const std::string* subject = nullptr;  // when Publish gave one
  std::string_view message;
  std::string_view timestamp;
  std::string_view signature_version;
  std::string_view signature;
  std::string_view signing_cert_url;
  std::string_view unsubscribe_url;         // Notification
  std::string_view token;                   // SubscriptionConfirmation
  std::string_view subscribe_url;           // SubscriptionConfirmation
  const json::Value* attributes = nullptr;  // as Publish took them; null or empty: none shown
};

// The string a Notification's signature signs: Message, MessageId, Subject (when given),
// Timestamp, TopicArn, Type, each name and value on its own line.
std::string notification_string_to_sign(const EnvelopeFields& f);
// The string a SubscriptionConfirmation's signature signs: Message, MessageId, SubscribeURL,
// Timestamp, Token, TopicArn, Type.
std::string confirmation_string_to_sign(const EnvelopeFields& f);

// The envelope as SNS writes it, indented as AWS indents it.
std::string envelope_json(const EnvelopeFields& f);

// The Lambda event of one Notification: {"Records": [{"EventSource": "aws:sns", ...}]}.
std::string lambda_event(const EnvelopeFields& f, std::string_view subscription_arn);

// Publish's MessageAttributes as deliveries show them: {"Name": {"Type", "Value"}}, binary
// values in base64.
json::Value delivered_attributes(const json::Value& attributes);

}  // namespace baton::service::sns
