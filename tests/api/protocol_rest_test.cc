// The REST protocols: Lambda (rest-json) and S3 (rest-xml) requests matched to their
// operation by method and path, their input read from labels, query, headers and body; and
// answers spread back over status, headers and body.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "api/protocol.h"
#include "api/test_models.h"

namespace baton::api {
namespace {

using testing::header;
using testing::json_of;
using testing::model;

net::HttpRequest request(std::string method, std::string target,
                         std::vector<std::pair<std::string, std::string>> headers = {},
                         std::string body = "") {
  net::HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

// The operation `r` names in `api` ("" for none) and, when there is one, its decoded input.
struct Decoded {
  std::string operation;
  Labels labels;
  Result<json::Value> input = json::Value();
};

Decoded decode(const std::string& api, const net::HttpRequest& r) {
  const Model& m = model(api);
  Decoded out;
  const Operation* op =
      match_rest(m, r.method, r.path(), net::parse_query(r.query()), out.labels, &r);
  if (op == nullptr) return out;
  out.operation = op->name;
  out.input = decode_rest(m, *op, out.labels, r);
  return out;
}

TEST(MatchRestTest, LambdaInvokeTakesItsFunctionFromThePath) {
  auto d =
      decode("lambda", request("POST", "/2015-03-31/functions/my-fn/invocations?Qualifier=live",
                               {{"x-amz-invocation-type", "Event"}, {"x-amz-log-type", "Tail"}},
                               R"({"a":1})"));
  EXPECT_EQ(d.operation, "Invoke");
  ASSERT_EQ(d.labels.size(), 1u);
  EXPECT_EQ(d.labels[0], (std::pair<std::string, std::string>("FunctionName", "my-fn")));
  ASSERT_TRUE(d.input) << d.input.error().cause;
  EXPECT_EQ(*d.input, json_of(R"({"FunctionName": "my-fn", "Qualifier": "live",
                                  "InvocationType": "Event", "LogType": "Tail",
                                  "Payload": "{\"a\":1}"})"));
}

TEST(MatchRestTest, LabelsArePercentDecoded) {
  auto d = decode("lambda", request("POST",
                                    "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A"
                                    "123456789012%3Afunction%3Afn/invocations"));
  EXPECT_EQ(d.operation, "Invoke");
  ASSERT_TRUE(d.input);
  EXPECT_EQ(d.input->find("FunctionName")->as_string(),
            "arn:aws:lambda:us-east-1:123456789012:function:fn");
  EXPECT_EQ(d.input->find("Payload"), nullptr);
}

TEST(MatchRestTest, TheMostLiteralTemplateWins) {
  struct Case {
    const char* method;
    const char* target;
    const char* operation;
  };
  const Case cases[] = {
      {"GET", "/2015-03-31/functions", "ListFunctions"},
      {"GET", "/2015-03-31/functions/", "ListFunctions"},
      {"GET", "/2015-03-31/functions/fn", "GetFunction"},
      {"GET", "/2015-03-31/functions/fn/configuration", "GetFunctionConfiguration"},
      {"DELETE", "/2015-03-31/functions/fn", "DeleteFunction"},
      {"POST", "/2015-03-31/functions", "CreateFunction"},
      {"PATCH", "/2015-03-31/functions/fn", ""},
      {"GET", "/2015-03-31/nothing", ""},
      {"GET", "/2015-03-31/functions//configuration", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(decode("lambda", request(c.method, c.target)).operation, c.operation)
        << c.method << " " << c.target;
  }
}

TEST(MatchRestTest, S3QueryKeysSelectTheOperation) {
  struct Case {
    const char* method;
    const char* target;
    const char* operation;
  };
  const Case cases[] = {
      {"GET", "/", "ListBuckets"},
      {"GET", "/bucket", "ListObjects"},
      {"GET", "/bucket/", "ListObjects"},
      {"GET", "/bucket?list-type=2&prefix=a", "ListObjectsV2"},
      {"GET", "/bucket?location", "GetBucketLocation"},
      {"PUT", "/bucket", "CreateBucket"},
      {"POST", "/bucket?delete", "DeleteObjects"},
      {"GET", "/bucket/key", "GetObject"},
      {"HEAD", "/bucket/key", "HeadObject"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(decode("s3", request(c.method, c.target)).operation, c.operation)
        << c.method << " " << c.target;
  }
}

TEST(DecodeRestTest, QueryValuesAreDecodedWithPlusAsSpace) {
  auto d = decode("lambda", request("GET", "/2015-03-31/functions?Marker=a%2Bb+c%3D&MaxItems=5"));
  EXPECT_EQ(d.operation, "ListFunctions");
  ASSERT_TRUE(d.input) << d.input.error().cause;
  EXPECT_EQ(*d.input, json_of(R"({"Marker": "a+b c=", "MaxItems": 5})"));
}

TEST(DecodeRestTest, ScalarsOfTheWrongTypeAreRefusedInTheProtocolsWords) {
  auto d = decode("lambda", request("GET", "/2015-03-31/functions?MaxItems=many"));
  ASSERT_FALSE(d.input);
  EXPECT_EQ(d.input.error().name, "SerializationException");
  EXPECT_EQ(d.input.error().cause, "'many' is not an integer (MaxItems)");
  d = decode("s3", request("GET", "/bucket/key?partNumber=first"));
  ASSERT_FALSE(d.input);
  EXPECT_EQ(d.input.error().name, "InvalidArgument");
}

TEST(DecodeRestTest, S3PutObjectTakesMetadataHeadersAndTheBody) {
  auto d = decode("s3", request("PUT", "/photos/2024/cat.jpg",
                                {{"content-type", "image/jpeg"},
                                 {"content-length", "5"},
                                 {"x-amz-meta-owner", "alice"},
                                 {"x-amz-meta-color", "grey"}},
                                "bytes"));
  EXPECT_EQ(d.operation, "PutObject");
  ASSERT_TRUE(d.input) << d.input.error().cause;
  EXPECT_EQ(*d.input, json_of(R"({"Bucket": "photos", "Key": "2024/cat.jpg", "Body": "bytes",
                                  "ContentType": "image/jpeg", "ContentLength": 5,
                                  "Metadata": {"owner": "alice", "color": "grey"}})"));
}

TEST(DecodeRestTest, S3KeysKeepTheirSlashes) {
  auto d = decode("s3", request("GET", "/bucket/a/b%20c/d.txt?response-content-type=text%2Fplain",
                                {{"if-modified-since", "Sat, 05 Dec 2026 10:00:00 GMT"},
                                 {"range", "bytes=0-9"}}));
  EXPECT_EQ(d.operation, "GetObject");
  ASSERT_TRUE(d.input) << d.input.error().cause;
  EXPECT_EQ(*d.input, json_of(R"({"Bucket": "bucket", "Key": "a/b c/d.txt",
                                  "IfModifiedSince": 1796464800, "Range": "bytes=0-9",
                                  "ResponseContentType": "text/plain"})"));
}

TEST(DecodeRestTest, S3XmlPayloadsAreRead) {
  auto d = decode("s3", request("PUT", "/bucket", {},
                                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/"
                                "2006-03-01/\"><LocationConstraint>eu-west-1</LocationConstraint>"
                                "</CreateBucketConfiguration>"));
  EXPECT_EQ(d.operation, "CreateBucket");
  ASSERT_TRUE(d.input) << d.input.error().cause;
  EXPECT_EQ(*d.input, json_of(R"({"Bucket": "bucket",
      "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}})"));

  d = decode("s3", request("POST", "/bucket?delete", {},
                           "<Delete><Object><Key>a</Key></Object><Object><Key>b/c</Key>"
                           "<VersionId>v</VersionId></Object><Quiet>true</Quiet></Delete>"));
  EXPECT_EQ(d.operation, "DeleteObjects");
  ASSERT_TRUE(d.input) << d.input.error().cause;
  EXPECT_EQ(*d.input, json_of(R"({"Bucket": "bucket", "Delete": {
      "Objects": [{"Key": "a"}, {"Key": "b/c", "VersionId": "v"}], "Quiet": true}})"));

  d = decode("s3", request("PUT", "/bucket", {}, "<CreateBucketConfiguration>"));
  ASSERT_FALSE(d.input);
  EXPECT_EQ(d.input.error().name, "MalformedXML");
}

TEST(DecodeRestTest, LambdaBodiesAreJson) {
  auto d = decode("lambda", request("POST", "/2015-03-31/functions", {},
                                    R"({"FunctionName":"fn","Code":{"ZipFile":"UEsDBA=="}})"));
  EXPECT_EQ(d.operation, "CreateFunction");
  ASSERT_TRUE(d.input) << d.input.error().cause;
  EXPECT_EQ(d.input->find("Code")->find("ZipFile")->as_string(), std::string("PK\x03\x04", 4));
  d = decode("lambda", request("POST", "/2015-03-31/functions", {}, "{"));
  ASSERT_FALSE(d.input);
  EXPECT_EQ(d.input.error().name, "SerializationException");
}

TEST(EncodeRestTest, LambdaInvokeSpreadsItsOutputOverStatusHeadersAndBody) {
  const Model& lambda = model("lambda");
  const Operation& invoke = *lambda.operation("Invoke");
  auto response = encode_output(lambda, invoke, Protocol::RestJson,
                                json_of(R"({"StatusCode":200,"FunctionError":"Unhandled",
                                            "ExecutedVersion":"$LATEST",
                                            "Payload":"{\"errorMessage\":\"boom\"}"})"),
                                "req-1");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(header(response, "X-Amz-Function-Error"), "Unhandled");
  EXPECT_EQ(header(response, "X-Amz-Executed-Version"), "$LATEST");
  EXPECT_EQ(header(response, "x-amzn-RequestId"), "req-1");
  EXPECT_EQ(response.body, R"({"errorMessage":"boom"})");

  response =
      encode_output(lambda, invoke, Protocol::RestJson, json_of(R"({"StatusCode":202})"), "req-2");
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(response.body, "");
}

TEST(EncodeRestTest, LambdaAnswersWithTheOperationsStatusAndAJsonBody) {
  const Model& lambda = model("lambda");
  auto response = encode_output(lambda, *lambda.operation("CreateFunction"), Protocol::RestJson,
                                json_of(R"({"FunctionName":"fn","MemorySize":128})"), "req-1");
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(header(response, "Content-Type"), "application/json");
  EXPECT_EQ(json_of(response.body), json_of(R"({"FunctionName":"fn","MemorySize":128})"));
}

TEST(EncodeRestTest, S3GetObjectAnswersHeadersAndTheRawBody) {
  const Model& s3 = model("s3");
  auto response =
      encode_output(s3, *s3.operation("GetObject"), Protocol::RestXml,
                    json_of(R"({"Body":"hello","ETag":"\"abc\"","LastModified":1796464800,
                  "ContentType":"text/plain","Metadata":{"owner":"alice"}})"),
                    "req-1");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello");
  EXPECT_EQ(header(response, "ETag"), "\"abc\"");
  EXPECT_EQ(header(response, "Last-Modified"), "Sat, 05 Dec 2026 10:00:00 GMT");
  EXPECT_EQ(header(response, "Content-Type"), "text/plain");
  EXPECT_EQ(header(response, "x-amz-meta-owner"), "alice");
  EXPECT_EQ(header(response, "x-amz-request-id"), "req-1");
}

TEST(EncodeRestTest, S3ListsAreXmlDocuments) {
  const Model& s3 = model("s3");
  auto response = encode_output(
      s3, *s3.operation("ListBuckets"), Protocol::RestXml,
      json_of(R"({"Buckets":[{"Name":"a","CreationDate":1796464800}],"Owner":{"ID":"o"}})"),
      "req-1");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(header(response, "Content-Type"), "application/xml");
  EXPECT_NE(response.body.find("<Buckets><Bucket><Name>a</Name><CreationDate>"
                               "2026-12-05T10:00:00.000Z</CreationDate></Bucket></Buckets>"
                               "<Owner><ID>o</ID></Owner>"),
            std::string::npos)
      << response.body;
}

}  // namespace
}  // namespace baton::api
