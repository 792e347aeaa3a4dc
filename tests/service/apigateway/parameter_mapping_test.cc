#include "service/apigateway/parameter_mapping.h"

#include <gtest/gtest.h>

#include "service/apigateway/service_integrations.h"

namespace baton::service::apigateway {
namespace {

using json::Value;

struct Fixture {
  HttpRequestIn request;
  ProxyContext context;
  Fixture() {
    request.method = "POST";
    request.raw_path = "/prod/orders/7";
    request.raw_query = "who=ada&tag=a&tag=b&sp=a%20b";
    request.headers = {{"x-user", "ada"}, {"x-many", "1"}, {"x-many", "2"}};
    request.body = R"({"order":{"id":7,"items":["pear","plum"]},"note":"ripe"})";
    request.source_ip = "127.0.0.1";
    context.api_id = "a1b2c3d4e5";
    context.stage = "prod";
    context.path = "/orders/7";
    context.request_id = "req-1";
    context.path_parameters = {{"id", "7"}};
    context.stage_variables = *json::parse(R"({"queue":"q1"})");
  }
  MappingInput input() const { return MappingInput{&request, &context, nullptr}; }
};

// The value of `text` evaluated on the fixture's request, or "(missing)".
std::string value_of(const char* text) {
  Fixture f;
  auto parsed = parse_mapped_value(text, MappingSide::Request);
  if (!parsed) return "(refused) " + parsed.error().cause;
  return evaluate(*parsed, f.input()).value_or("(missing)");
}

TEST(ParameterMappingTest, EvaluatesEachSourceAsAwsDescribesIt) {
  struct Case {
    const char* text;
    const char* value;
  };
  for (const Case& c : {
           Case{"static text", "static text"},
           Case{"$request.header.X-User", "ada"},
           Case{"$request.header.x-many", "1,2"},
           Case{"$request.header.absent", "(missing)"},
           Case{"$request.querystring.tag", "a,b"},
           Case{"$request.querystring.sp", "a b"},
           Case{"$request.path", "/orders/7"},
           Case{"$request.path.id", "7"},
           Case{"$request.body.note", "ripe"},
           Case{"$request.body.order.id", "7"},
           Case{"$request.body.order.items[1]", "plum"},
           Case{"$request.body.order.items", R"(["pear","plum"])"},
           Case{"$request.body.nothing", "(missing)"},
           Case{"$context.stage", "prod"},
           Case{"$context.requestId", "req-1"},
           Case{"$context.httpMethod", "POST"},
           Case{"$stageVariables.queue", "q1"},
           Case{"order ${request.path.id} by ${request.header.x-user}", "order 7 by ada"},
           Case{"${context.stage}-${stageVariables.queue}", "prod-q1"},
       }) {
    EXPECT_EQ(value_of(c.text), c.value) << c.text;
  }
}

TEST(ParameterMappingTest, RefusesSourcesAwsDoesNotKnow) {
  for (const char* text : {"$request.bogus.x", "$response.header.x", "${request.header.x",
                           "$request.body..name", "$nothing"}) {
    auto parsed = parse_mapped_value(text, MappingSide::Request);
    EXPECT_FALSE(parsed.has_value()) << text;
    if (!parsed) {
      EXPECT_EQ(parsed.error().name, "BadRequestException");
    }
  }
  EXPECT_FALSE(parse_mapped_value("$request.header.x", MappingSide::Response).has_value());
  EXPECT_TRUE(parse_mapped_value("$response.body.MessageId", MappingSide::Response).has_value());
}

TEST(ParameterMappingTest, ResponseParametersApplyToTheirStatusOnly) {
  Fixture f;
  Value parameters = *json::parse(R"({
    "200": {"overwrite:statuscode": "202", "append:header.x-id": "$response.body.MessageId",
            "overwrite:header.content-type": "text/plain", "remove:header.x-secret": "''"},
    "400": {"overwrite:statuscode": "500"}})");
  ASSERT_TRUE(check_response_parameters(parameters).has_value());
  HttpAnswer answer;
  answer.status = 200;
  answer.headers = {{"Content-Type", "application/json"}, {"x-secret", "s"}};
  answer.body = R"({"MessageId":"m-1"})";
  apply_response_parameters(parameters, f.input(), answer);
  EXPECT_EQ(answer.status, 202);
  // Each in the order of the map's keys.
  EXPECT_EQ(answer.headers, (Headers{{"x-id", "m-1"}, {"content-type", "text/plain"}}));
  EXPECT_FALSE(check_response_parameters(*json::parse(R"({"99": {}})")).has_value());
  EXPECT_FALSE(
      check_response_parameters(*json::parse(R"({"200": {"overwrite:body": "x"}})")).has_value());
}

TEST(ParameterMappingTest, RequestParametersChangeHeadersQueryAndPath) {
  Fixture f;
  Value parameters = *json::parse(R"({"append:header.x-added": "$request.querystring.who",
    "remove:header.x-user": "''", "overwrite:querystring.tag": "c",
    "overwrite:path": "/elsewhere"})");
  ASSERT_TRUE(check_request_parameters(parameters).has_value());
  apply_request_parameters(parameters, f.input(), f.request);
  EXPECT_EQ(f.request.header_values("x-added"), std::vector<std::string_view>{"ada"});
  EXPECT_TRUE(f.request.header_values("x-user").empty());
  EXPECT_EQ(f.request.raw_query, "who=ada&sp=a%20b&tag=c");
  EXPECT_EQ(f.request.raw_path, "/elsewhere");
}

TEST(ServiceIntegrationTest, MapsParametersToTheOperationsTypes) {
  Fixture f;
  Value parameters = *json::parse(R"({"QueueUrl": "$stageVariables.queue",
    "MessageBody": "$request.body.note", "DelaySeconds": "5",
    "MessageAttributes": "{\"a\":{\"DataType\":\"String\",\"StringValue\":\"b\"}}",
    "Region": "eu-west-1"})");
  const Subtype* send = find_subtype("SQS-SendMessage");
  ASSERT_NE(send, nullptr);
  auto request = service_request(*send, parameters, f.input());
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(json::to_string(*request),
            R"({"QueueUrl":"q1","MessageBody":"ripe","DelaySeconds":5,)"
            R"("MessageAttributes":{"a":{"DataType":"String","StringValue":"b"}}})");
  const Subtype* put = find_subtype("EventBridge-PutEvents");
  ASSERT_NE(put, nullptr);
  auto entries = service_request(
      *put, *json::parse(R"({"Source":"shop","DetailType":"x","Detail":"$request.body.order",
                             "Resources":"$request.querystring.tag"})"),
      f.input());
  ASSERT_TRUE(entries.has_value());
  EXPECT_EQ(json::to_string(*entries),
            R"({"Entries":[{"Detail":"{\"id\":7,\"items\":[\"pear\",\"plum\"]}",)"
            R"("DetailType":"x","Source":"shop","Resources":["a","b"]}]})");
  auto unresolved = service_request(
      *send, *json::parse(R"({"QueueUrl":"$request.header.q","MessageBody":"x"})"), f.input());
  ASSERT_FALSE(unresolved.has_value());
  EXPECT_EQ(unresolved.error().cause,
            "Unable to resolve property QueueUrl from source $request.header.q");
}

}  // namespace
}  // namespace baton::service::apigateway
