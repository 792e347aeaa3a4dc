#include "service/sns/envelope.h"

#include <gtest/gtest.h>

#include "service/sns/signing.h"

namespace baton::service::sns {
namespace {

EnvelopeFields notification(const std::string* subject, const json::Value* attributes) {
  EnvelopeFields f;
  f.type = "Notification";
  f.message_id = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324";
  f.topic_arn = "arn:aws:sns:us-west-2:123456789012:MyTopic";
  f.subject = subject;
  f.message = "My First Message";
  f.timestamp = "2012-05-02T00:54:06.655Z";
  f.signature_version = "1";
  f.signature = "EXAMPLE";
  f.signing_cert_url = "https://example.com/cert.pem";
  f.unsubscribe_url = "https://example.com/?Action=Unsubscribe";
  f.attributes = attributes;
  return f;
}

TEST(EnvelopeTest, StringToSignListsTheFieldsAwsNames) {
  std::string subject = "My First Message";
  EXPECT_EQ(notification_string_to_sign(notification(&subject, nullptr)),
            "Message\nMy First Message\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n"
            "Subject\nMy First Message\nTimestamp\n2012-05-02T00:54:06.655Z\n"
            "TopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n");
  // No Subject line when Publish gave none.
  EXPECT_EQ(notification_string_to_sign(notification(nullptr, nullptr)).find("Subject"),
            std::string::npos);
}

TEST(EnvelopeTest, EnvelopeIsLaidOutAsAwsLaysItOut) {
  auto attributes = json::parse(
      R"({"colour":{"DataType":"String","StringValue":"blue"},
          "raw":{"DataType":"Binary","BinaryValue":"\u0001\u0002"}})");
  ASSERT_TRUE(attributes);
  EXPECT_EQ(envelope_json(notification(nullptr, &*attributes)),
            "{\n"
            "  \"Type\" : \"Notification\",\n"
            "  \"MessageId\" : \"22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\",\n"
            "  \"TopicArn\" : \"arn:aws:sns:us-west-2:123456789012:MyTopic\",\n"
            "  \"Message\" : \"My First Message\",\n"
            "  \"Timestamp\" : \"2012-05-02T00:54:06.655Z\",\n"
            "  \"SignatureVersion\" : \"1\",\n"
            "  \"Signature\" : \"EXAMPLE\",\n"
            "  \"SigningCertURL\" : \"https://example.com/cert.pem\",\n"
            "  \"UnsubscribeURL\" : \"https://example.com/?Action=Unsubscribe\",\n"
            "  \"MessageAttributes\" : {\n"
            "    \"colour\" : {\"Type\":\"String\",\"Value\":\"blue\"},\n"
            "    \"raw\" : {\"Type\":\"Binary\",\"Value\":\"AQI=\"}\n"
            "  }\n"
            "}");
}

TEST(EnvelopeTest, LambdaEventHasANullSubjectWhenNoneWasGiven) {
  auto event = json::parse(lambda_event(notification(nullptr, nullptr), "arn:sub"));
  ASSERT_TRUE(event);
  const json::Value& record = (*event->find("Records"))[0];
  EXPECT_EQ(record.find("EventSource")->as_string(), "aws:sns");
  EXPECT_EQ(record.find("EventSubscriptionArn")->as_string(), "arn:sub");
  const json::Value* sns = record.find("Sns");
  EXPECT_TRUE(sns->find("Subject")->is_null());
  EXPECT_EQ(sns->find("SigningCertUrl")->as_string(), "https://example.com/cert.pem");
}

TEST(SigningKeyTest, KeptKeySignsAsTheOriginal) {
  auto key = SigningKey::generate();
  ASSERT_TRUE(key);
  auto kept = SigningKey::load(key->pem());
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->certificate_pem(), key->certificate_pem());
  // PKCS#1 v1.5 signatures are deterministic: the same key signs the same text alike.
  EXPECT_EQ(kept->sign("text", "1"), key->sign("text", "1"));
  EXPECT_EQ(kept->sign("text", "2"), key->sign("text", "2"));
  EXPECT_NE(key->sign("text", "1"), key->sign("text", "2"));
  EXPECT_NE(key->sign("text", "1"), key->sign("other", "1"));
  EXPECT_FALSE(SigningKey::load("not a key"));
}

}  // namespace
}  // namespace baton::service::sns
