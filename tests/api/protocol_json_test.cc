// awsJson requests (Step Functions, SQS) and rest-json bodies read into request values, and
// JSON answers written from them.

#include <gtest/gtest.h>

#include "api/protocol.h"
#include "api/test_models.h"
#include "api/validate.h"

namespace baton::api {
namespace {

using testing::header;
using testing::input;
using testing::json_of;
using testing::model;

TEST(DecodeJsonTest, TheBodyIsTheRequest) {
  auto value = decode_json(&input("stepfunctions", "StartExecution"),
                           R"({"stateMachineArn":"arn","input":"{\"a\":1}"})");
  ASSERT_TRUE(value) << value.error().cause;
  EXPECT_EQ(*value, json_of(R"({"stateMachineArn":"arn","input":"{\"a\":1}"})"));
}

TEST(DecodeJsonTest, AnEmptyBodyIsAnEmptyRequest) {
  auto value = decode_json(&input("stepfunctions", "ListStateMachines"), "");
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, json_of("{}"));
}

TEST(DecodeJsonTest, ABodyThatIsNoJsonObjectIsASerializationException) {
  for (const char* body : {"{", "[1]", "\"text\"", "{\"a\":}", "nul"}) {
    auto value = decode_json(&input("stepfunctions", "StartExecution"), body);
    ASSERT_FALSE(value) << body;
    EXPECT_EQ(value.error().name, "SerializationException") << body;
  }
}

TEST(DecodeJsonTest, WrongTypesAreSerializationExceptions) {
  // A blob must be base64 text; every other type is judged by validate().
  auto value = decode_json(&input("lambda", "CreateFunction"), R"({"Code":{"ZipFile":5}})");
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().name, "SerializationException");
  EXPECT_EQ(value.error().cause, "Expected base64 text for 'ZipFile'");

  const Shape& list = input("stepfunctions", "ListStateMachines");
  auto decoded = decode_json(&list, R"({"maxResults":"ten"})");
  ASSERT_TRUE(decoded);
  auto error = validate(list, *decoded, {});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name, "SerializationException");
}

TEST(DecodeJsonTest, BlobsAreDecodedFromBase64WhereverTheyNest) {
  auto value = decode_json(&input("lambda", "CreateFunction"),
                           R"({"FunctionName":"fn","Code":{"ZipFile":"UEsDBA=="}})");
  ASSERT_TRUE(value) << value.error().cause;
  EXPECT_EQ(value->find("Code")->find("ZipFile")->as_string(), std::string("PK\x03\x04", 4));
  EXPECT_EQ(value->find("FunctionName")->as_string(), "fn");

  // SQS's attribute values: a blob in a map's value, and in a list there.
  value = decode_json(&input("sqs", "SendMessage"),
                      R"({"QueueUrl":"q","MessageBody":"b","MessageAttributes":{"bin":
                          {"DataType":"Binary","BinaryValue":"AAE=",
                           "BinaryListValues":["AQ==","Ag=="]}}})");
  ASSERT_TRUE(value) << value.error().cause;
  const json::Value& bin = *value->find("MessageAttributes")->find("bin");
  EXPECT_EQ(bin.find("BinaryValue")->as_string(), std::string("\0\x01", 2));
  EXPECT_EQ(bin.find("BinaryListValues")->as_array()[1].as_string(), "\x02");
  EXPECT_EQ(bin.find("DataType")->as_string(), "Binary");
}

TEST(DecodeJsonTest, TextThatIsNoBase64IsASerializationException) {
  auto value = decode_json(&input("lambda", "CreateFunction"), R"({"Code":{"ZipFile":"!!"}})");
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().name, "SerializationException");
  EXPECT_EQ(value.error().cause, "'ZipFile' is not valid base64 text");
}

TEST(EncodeJsonTest, AnOutputIsTheBodyWithItsBlobsInBase64) {
  const Model& sqs = model("sqs");
  auto response =
      encode_output(sqs, *sqs.operation("ReceiveMessage"), Protocol::Json,
                    json_of(R"({"Messages":[{"MessageId":"m","Body":"hi","MessageAttributes":
                  {"bin":{"DataType":"Binary","BinaryValue":"\u0000\u0001"}}}]})"),
                    "req-1");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(header(response, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(header(response, "x-amzn-RequestId"), "req-1");
  EXPECT_EQ(json_of(response.body),
            json_of(R"({"Messages":[{"MessageId":"m","Body":"hi","MessageAttributes":
                        {"bin":{"DataType":"Binary","BinaryValue":"AAE="}}}]})"));
}

TEST(EncodeJsonTest, AnOperationWithoutOutputAnswersAnEmptyObject) {
  const Model& sqs = model("sqs");
  auto response =
      encode_output(sqs, *sqs.operation("DeleteMessage"), Protocol::Json, json_of("{}"), "req-1");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{}");
}

}  // namespace
}  // namespace baton::api
