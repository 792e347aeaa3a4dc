// What the codecs share: errors written as each protocol writes them, with their HTTP status,
// and timestamps on the wire.

#include "api/protocol.h"

#include <gtest/gtest.h>

#include <string>

#include "api/test_models.h"
#include "api/xml.h"

namespace baton::api {
namespace {

using testing::header;
using testing::json_of;
using testing::model;

TEST(EncodeErrorTest, JsonNamesTheErrorInTypeAndHeader) {
  auto response =
      encode_error(model("stepfunctions"), Protocol::Json,
                   Error{"ExecutionDoesNotExist", "Execution Does Not Exist: 'arn'"}, "req-1");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(header(response, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(header(response, "X-Amzn-ErrorType"), "ExecutionDoesNotExist");
  EXPECT_EQ(header(response, "x-amzn-RequestId"), "req-1");
  EXPECT_EQ(header(response, "x-amzn-query-error"), "");
  EXPECT_EQ(json_of(response.body), json_of(R"({"__type":"ExecutionDoesNotExist",
                        "message":"Execution Does Not Exist: 'arn'"})"));
}

// The model's awsQueryError names the query code: SQS's QueueDoesNotExist is
// AWS.SimpleQueueService.NonExistentQueue to a query client.
TEST(EncodeErrorTest, QueryCompatibleJsonAlsoNamesTheQueryCode) {
  const Model& sqs = model("sqs");
  auto response =
      encode_error(sqs, Protocol::Json, Error{"QueueDoesNotExist", "no such queue"}, "req-1");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(header(response, "x-amzn-query-error"),
            "AWS.SimpleQueueService.NonExistentQueue;Sender");
  EXPECT_EQ(json_of(response.body).find("__type")->as_string(), "QueueDoesNotExist");
  response = encode_error(sqs, Protocol::Json, Error{"InternalError", "oops"}, "req-1");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(header(response, "x-amzn-query-error"), "InternalError;Receiver");
}

TEST(EncodeErrorTest, QueryWritesAnErrorResponseDocument) {
  auto response = encode_error(model("sqs"), Protocol::Query,
                               Error{"QueueDoesNotExist", "The queue <q> & more"}, "req-1");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(header(response, "Content-Type"), "text/xml");
  EXPECT_EQ(response.body,
            "<?xml version=\"1.0\"?><ErrorResponse "
            "xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error><Type>Sender</Type>"
            "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>"
            "<Message>The queue &lt;q&gt; &amp; more</Message>"
            "<Detail/></Error><RequestId>req-1</RequestId></ErrorResponse>");
  auto parsed = xml::parse(response.body);
  ASSERT_TRUE(parsed) << parsed.error().cause;
  EXPECT_EQ(parsed->child("Error")->child("Message")->text, "The queue <q> & more");
}

TEST(EncodeErrorTest, RestJsonTakesTheModelsStatusAndMemberNames) {
  const Model& lambda = model("lambda");
  auto response =
      encode_error(lambda, Protocol::RestJson,
                   Error{"ResourceNotFoundException", "Function not found: fn"}, "req-1");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(header(response, "x-amzn-ErrorType"), "ResourceNotFoundException");
  EXPECT_EQ(header(response, "Content-Type"), "application/json");
  EXPECT_EQ(json_of(response.body),
            json_of(R"({"Type":"User","Message":"Function not found: fn"})"));

  // Fields go where the exception's shape puts them: Retry-After is a header.
  Error throttled{"TooManyRequestsException",
                  "Rate exceeded",
                  {{"retryAfterSeconds", "3"}, {"Reason", "CallerRateLimitExceeded"}}};
  response = encode_error(lambda, Protocol::RestJson, throttled, "req-1");
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(header(response, "Retry-After"), "3");
  EXPECT_EQ(json_of(response.body), json_of(R"({"Type":"User","message":"Rate exceeded",
                        "Reason":"CallerRateLimitExceeded"})"));

  response = encode_error(lambda, Protocol::RestJson, Error{"ServiceException", "down"}, "r");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(json_of(response.body), json_of(R"({"Type":"Service","Message":"down"})"));
}

TEST(EncodeErrorTest, RestXmlWritesS3sErrorDocument) {
  auto response = encode_error(
      model("s3"), Protocol::RestXml,
      Error{"NoSuchKey", "The specified key does not exist.", {{"Key", "a&b.txt"}}}, "req-1");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(header(response, "Content-Type"), "application/xml");
  EXPECT_EQ(header(response, "x-amz-request-id"), "req-1");
  EXPECT_EQ(response.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
            "<Message>The specified key does not exist.</Message><Key>a&amp;b.txt</Key>"
            "<RequestId>req-1</RequestId><HostId>req-1</HostId></Error>");
}

TEST(ErrorStatusTest, ModelledExceptionsThenTheTableThenBadRequest) {
  const Model& s3 = model("s3");
  EXPECT_EQ(error_status(&s3, Error{"NoSuchBucket", ""}, Protocol::RestXml), 404);
  EXPECT_EQ(error_status(&s3, Error{"BucketAlreadyExists", ""}, Protocol::RestXml), 409);
  EXPECT_EQ(error_status(&s3, Error{"SignatureDoesNotMatch", ""}, Protocol::RestXml), 403);
  EXPECT_EQ(error_status(nullptr, Error{"UnknownOperationException", ""}, Protocol::RestJson), 404);
  EXPECT_EQ(error_status(nullptr, Error{"UnknownOperationException", ""}, Protocol::Json), 400);
  EXPECT_EQ(error_status(nullptr, Error{"ServiceUnavailable", ""}, Protocol::Json), 503);
  EXPECT_EQ(error_status(nullptr, Error{"SomethingElse", ""}, Protocol::Json), 400);
  // An exception the model says is the service's fault, without a status of its own.
  EXPECT_EQ(error_status(&model("lambda"), Error{"ServiceException", ""}, Protocol::RestJson), 500);
}

TEST(WireTest, TimestampsRoundTrip) {
  EXPECT_EQ(wire::iso8601(1796464800.123), "2026-12-05T10:00:00.123Z");
  EXPECT_EQ(wire::iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(wire::http_date(1796464800.9), "Sat, 05 Dec 2026 10:00:00 GMT");
  EXPECT_EQ(wire::parse_timestamp("2026-12-05T10:00:00.123Z"), 1796464800.123);
  EXPECT_EQ(wire::parse_timestamp("2026-12-05T12:00:00+02:00"), 1796464800.0);
  EXPECT_EQ(wire::parse_timestamp("1796464800"), 1796464800.0);
  EXPECT_EQ(wire::parse_timestamp("1796464800.5"), 1796464800.5);
  for (double t : {0.0, 1.5, 1796464800.123, 4102444800.999}) {
    auto back = wire::parse_timestamp(wire::iso8601(t));
    ASSERT_TRUE(back) << t;
    EXPECT_DOUBLE_EQ(*back, t);
  }
}

TEST(WireTest, TimestampsPastAwssRangeAreWrittenAsItsEnds) {
  EXPECT_EQ(wire::iso8601(253402300799), "9999-12-31T23:59:59.000Z");
  EXPECT_EQ(wire::iso8601(1e300), "9999-12-31T23:59:59.000Z");
  EXPECT_EQ(wire::iso8601(-1e300), "0001-01-01T00:00:00.000Z");
  EXPECT_EQ(wire::http_date(1e300), "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_EQ(wire::http_date(-1e300), "Mon, 01 Jan 0001 00:00:00 GMT");
}

TEST(WireTest, WhatIsNoTimestampIsRefused) {
  for (const char* text :
       {"", "yesterday", "12abc", "2026-13-01T00:00:00Z", "nan", "inf", "-infinity", "1e999"}) {
    EXPECT_EQ(wire::parse_timestamp(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace baton::api
