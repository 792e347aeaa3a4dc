// The query protocol, as SQS's older clients speak it: form parameters in (botocore's and the
// Java SDK's names), XML out.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "api/protocol.h"
#include "api/test_models.h"

namespace baton::api {
namespace {

using testing::header;
using testing::input;
using testing::json_of;
using testing::model;
using Form = std::map<std::string, std::string>;

Result<json::Value> decode(std::string_view operation, const Form& form) {
  return decode_query(&input("sqs", operation), form);
}

TEST(DecodeQueryTest, SendMessageWithAttributes) {
  auto value = decode("SendMessage", {{"Action", "SendMessage"},
                                      {"QueueUrl", "http://localhost/1/q"},
                                      {"MessageBody", "hello"},
                                      {"DelaySeconds", "5"},
                                      {"MessageAttribute.1.Name", "color"},
                                      {"MessageAttribute.1.Value.StringValue", "red"},
                                      {"MessageAttribute.1.Value.DataType", "String"},
                                      {"MessageAttribute.2.Name", "bin"},
                                      {"MessageAttribute.2.Value.BinaryValue", "AAE="},
                                      {"MessageAttribute.2.Value.DataType", "Binary"},
                                      {"MessageAttribute.3.Name", "list"},
                                      {"MessageAttribute.3.Value.StringListValue.1", "a"},
                                      {"MessageAttribute.3.Value.StringListValue.2", "b"},
                                      {"MessageAttribute.3.Value.DataType", "String"}});
  ASSERT_TRUE(value) << value.error().cause;
  EXPECT_EQ(*value, json_of(R"({
    "QueueUrl": "http://localhost/1/q", "MessageBody": "hello", "DelaySeconds": 5,
    "MessageAttributes": {
      "color": {"StringValue": "red", "DataType": "String"},
      "bin": {"BinaryValue": "\u0000\u0001", "DataType": "Binary"},
      "list": {"StringListValues": ["a", "b"], "DataType": "String"}}})"));
}

TEST(DecodeQueryTest, FlattenedListsTakeTheirItemsNames) {
  // As botocore writes ReceiveMessage.
  auto value = decode("ReceiveMessage", {{"QueueUrl", "q"},
                                         {"AttributeName.1", "All"},
                                         {"AttributeName.2", "Policy"},
                                         {"MessageAttributeName.1", "color"},
                                         {"MessageSystemAttributeNames.1", "SenderId"},
                                         {"MaxNumberOfMessages", "10"}});
  ASSERT_TRUE(value) << value.error().cause;
  EXPECT_EQ(*value, json_of(R"({"QueueUrl": "q", "AttributeNames": ["All", "Policy"],
                                "MessageSystemAttributeNames": ["SenderId"],
                                "MessageAttributeNames": ["color"],
                                "MaxNumberOfMessages": 10})"));
}

TEST(DecodeQueryTest, BatchEntriesAreFlattenedListsOfStructures) {
  auto value =
      decode("DeleteMessageBatch", {{"QueueUrl", "q"},
                                    {"DeleteMessageBatchRequestEntry.1.Id", "a"},
                                    {"DeleteMessageBatchRequestEntry.1.ReceiptHandle", "r1"},
                                    {"DeleteMessageBatchRequestEntry.2.Id", "b"},
                                    {"DeleteMessageBatchRequestEntry.2.ReceiptHandle", "r2"}});
  ASSERT_TRUE(value) << value.error().cause;
  EXPECT_EQ(*value, json_of(R"({"QueueUrl": "q", "Entries": [
                                 {"Id": "a", "ReceiptHandle": "r1"},
                                 {"Id": "b", "ReceiptHandle": "r2"}]})"));
}

TEST(DecodeQueryTest, MapsTakeTheirShapesName) {
  // TagQueue's Tags travel as Tag.N.Key / Tag.N.Value: the name is the map shape's.
  auto value = decode("TagQueue", {{"QueueUrl", "q"},
                                   {"Tag.1.Key", "team"},
                                   {"Tag.1.Value", "core"},
                                   {"Tag.2.Key", "env"},
                                   {"Tag.2.Value", "dev"}});
  ASSERT_TRUE(value) << value.error().cause;
  EXPECT_EQ(*value, json_of(R"({"QueueUrl": "q", "Tags": {"team": "core", "env": "dev"}})"));
  value = decode(
      "CreateQueue",
      {{"QueueName", "q"}, {"Attribute.1.Name", "DelaySeconds"}, {"Attribute.1.Value", "3"}});
  ASSERT_TRUE(value) << value.error().cause;
  EXPECT_EQ(*value, json_of(R"({"QueueName": "q", "Attributes": {"DelaySeconds": "3"}})"));
}

TEST(DecodeQueryTest, AnEmptyListIsTheBareKey) {
  auto value = decode("ReceiveMessage", {{"QueueUrl", "q"}, {"AttributeName", ""}});
  ASSERT_TRUE(value) << value.error().cause;
  EXPECT_EQ(*value, json_of(R"({"QueueUrl": "q", "AttributeNames": []})"));
}

TEST(DecodeQueryTest, ScalarsOfTheWrongTypeAreInvalidParameterValues) {
  auto value = decode("SendMessage", {{"QueueUrl", "q"}, {"DelaySeconds", "soon"}});
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().name, "InvalidParameterValue");
  EXPECT_EQ(value.error().cause,
            "Value (soon) for parameter DelaySeconds is invalid. Must be an integer.");
  value = decode("SendMessage", {{"MessageAttribute.1.Name", "b"},
                                 {"MessageAttribute.1.Value.BinaryValue", "!!"}});
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().cause,
            "Value (!!) for parameter MessageAttribute.1.Value.BinaryValue is invalid. Must be "
            "base64 text.");
}

TEST(DecodeQueryTest, ParametersNoMemberNamesAreIgnored) {
  auto value = decode("ListQueues", {{"Action", "ListQueues"}, {"Version", "2012-11-05"}});
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, json_of("{}"));
}

TEST(EncodeQueryTest, SendMessageAnswersInItsResultWrapper) {
  const Model& sqs = model("sqs");
  auto response =
      encode_output(sqs, *sqs.operation("SendMessage"), Protocol::Query,
                    json_of(R"({"MessageId":"m-1","MD5OfMessageBody":"abc"})"), "req-1");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(header(response, "Content-Type"), "text/xml");
  EXPECT_EQ(response.body,
            "<?xml version=\"1.0\"?><SendMessageResponse "
            "xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><SendMessageResult>"
            "<MD5OfMessageBody>abc</MD5OfMessageBody><MessageId>m-1</MessageId>"
            "</SendMessageResult><ResponseMetadata><RequestId>req-1</RequestId>"
            "</ResponseMetadata></SendMessageResponse>");
}

TEST(EncodeQueryTest, FlattenedListsAndMapsRepeatTheirItems) {
  // As SQS writes ReceiveMessage: <Message>s, each with <Attribute>s and <MessageAttribute>s.
  const Model& sqs = model("sqs");
  auto response = encode_output(
      sqs, *sqs.operation("ReceiveMessage"), Protocol::Query,
      json_of(R"({"Messages":[{"MessageId":"m","Body":"<&>","Attributes":{"SenderId":"1"},
                  "MessageAttributes":{"color":{"StringValue":"red","DataType":"String"}}}]})"),
      "req-1");
  EXPECT_NE(response.body.find(
                "<ReceiveMessageResult><Message><MessageId>m</MessageId><Body>&lt;&amp;&gt;</Body>"
                "<Attribute><Name>SenderId</Name><Value>1</Value></Attribute>"
                "<MessageAttribute><Name>color</Name><Value><StringValue>red</StringValue>"
                "<DataType>String</DataType></Value></MessageAttribute></Message>"
                "</ReceiveMessageResult>"),
            std::string::npos)
      << response.body;
  response = encode_output(sqs, *sqs.operation("ListQueues"), Protocol::Query,
                           json_of(R"({"QueueUrls":["u1","u2"]})"), "req-1");
  EXPECT_NE(response.body.find("<ListQueuesResult><QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl>"
                               "</ListQueuesResult>"),
            std::string::npos)
      << response.body;
}

TEST(EncodeQueryTest, BatchResultsWriteBooleansAndEntries) {
  const Model& sqs = model("sqs");
  auto response = encode_output(sqs, *sqs.operation("DeleteMessageBatch"), Protocol::Query,
                                json_of(R"({"Successful":[{"Id":"a"}],
                  "Failed":[{"Id":"b","SenderFault":true,"Code":"ReceiptHandleIsInvalid"}]})"),
                                "req-1");
  EXPECT_NE(response.body.find("<DeleteMessageBatchResult><DeleteMessageBatchResultEntry><Id>a"
                               "</Id></DeleteMessageBatchResultEntry><BatchResultErrorEntry><Id>b"
                               "</Id><SenderFault>true</SenderFault><Code>ReceiptHandleIsInvalid"
                               "</Code></BatchResultErrorEntry></DeleteMessageBatchResult>"),
            std::string::npos)
      << response.body;
}

}  // namespace
}  // namespace baton::api
