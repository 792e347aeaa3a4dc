#include "service/events/input_transformer.h"

#include <gtest/gtest.h>

namespace baton::service::events {
namespace {

// The EC2 event of AWS's input transformer examples.
json::Value ec2_event() {
  return *json::parse(R"({
    "version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
    "account": "123456789012", "time": "2015-11-11T21:29:54Z", "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-0123456789", "state": "RUNNING", "count": 3,
               "tags": {"team": "a\"b"}}})");
}

const TransformContext kContext{"arn:aws:events:us-east-2:123456789012:rule/example", "example",
                                "2026-12-05T18:00:00Z"};

Result<InputTransformer> transformer(const std::string& template_text,
                                     const std::string& paths = R"({
    "instance": "$.detail.instance-id", "state": "$.detail.state", "count": "$.detail.count",
    "tags": "$.detail.tags", "missing": "$.detail.nothing"})") {
  json::ObjectBuilder spec;
  spec.add("InputPathsMap", *json::parse(paths));
  spec.add("InputTemplate", json::Value::string(template_text));
  return InputTransformer::read(spec.build(), "Target t1: ");
}

std::string apply(const std::string& template_text) {
  auto t = transformer(template_text);
  EXPECT_TRUE(t.has_value()) << (t ? "" : t.error().cause);
  return t ? t->apply(ec2_event(), kContext) : "";
}

TEST(InputTransformerTest, FillsAwsDocumentedExamples) {
  // A JSON string template: the values go into the string.
  EXPECT_EQ(apply(R"("<instance> is in state <state>")"), R"("i-0123456789 is in state RUNNING")");
  EXPECT_EQ(apply(R"("<instance> is in state \"<state>\"")"),
            R"("i-0123456789 is in state \"RUNNING\"")");
  // Text: no quotes added.
  EXPECT_EQ(apply("<instance> is in state <state>"), "i-0123456789 is in state RUNNING");
  // JSON: a placeholder outside quotes takes the value as JSON.
  EXPECT_EQ(apply(R"({"instance" : <instance>, "state": [9, <state>, true], "n": <count>})"),
            R"({"instance" : "i-0123456789", "state": [9, "RUNNING", true], "n": 3})");
  EXPECT_EQ(apply(R"({"myInstance": <instance>,"myStatus": "<instance> is in state \"<state>\""})"),
            R"({"myInstance": "i-0123456789","myStatus": "i-0123456789 is in state \"RUNNING\""})");
}

TEST(InputTransformerTest, EscapesWhatGoesInsideJsonStrings) {
  // An object inside quotes becomes escaped JSON text, so the result is still JSON.
  std::string out = apply(R"({"tags": "<tags>", "whole": <tags>})");
  EXPECT_EQ(out, R"({"tags": "{\"team\":\"a\\\"b\"}", "whole": {"team":"a\"b"}})");
  EXPECT_TRUE(json::parse(out).has_value());
  // In text, values go in as they are.
  EXPECT_EQ(apply("tags=<tags> n=<count>"), R"(tags={"team":"a\"b"} n=3)");
}

TEST(InputTransformerTest, MissingPathsGiveNullOrNothing) {
  EXPECT_EQ(apply(R"({"m": <missing>, "s": "x<missing>y"})"), R"({"m": null, "s": "xy"})");
  EXPECT_EQ(apply("a<missing>b"), "ab");
}

TEST(InputTransformerTest, ReservedVariables) {
  EXPECT_EQ(apply(R"("<aws.events.rule-name> triggered")"), R"("example triggered")");
  EXPECT_EQ(
      apply(R"({"ruleArn": <aws.events.rule-arn>, "at": "<aws.events.event.ingestion-time>"})"),
      R"({"ruleArn": "arn:aws:events:us-east-2:123456789012:rule/example", "at": "2026-12-05T18:00:00Z"})");
  auto whole = json::parse(apply(R"({"e": <aws.events.event.json>, "h": <aws.events.event>})"));
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(*whole->find("e"), ec2_event());
  EXPECT_EQ(whole->find("h")->find("detail"), nullptr);
  EXPECT_EQ(whole->find("h")->find("source")->as_string(), "aws.ec2");
}

TEST(InputTransformerTest, UnknownPlaceholdersStayAsWritten) {
  EXPECT_EQ(apply("<b>bold</b> <state>"), "<b>bold</b> RUNNING");
}

TEST(InputTransformerTest, RefusesWhatAwsRefuses) {
  auto error = [](const Result<InputTransformer>& t) {
    return t ? std::string() : t.error().cause;
  };
  EXPECT_NE(error(transformer(R"({<state>: 1})")).find("cannot be an object's key"),
            std::string::npos);
  EXPECT_NE(error(transformer(R"({"a": <state> <state>})")).find("not a JSON object"),
            std::string::npos);
  EXPECT_NE(error(transformer("x", R"({"aws.events.rule-name": "$.id"})")).find("reserved"),
            std::string::npos);
  EXPECT_NE(error(transformer("x", R"({"v": "detail"})")).find("InputPathsMap.v"),
            std::string::npos);
  EXPECT_NE(error(transformer("")).find("InputTemplate is required"), std::string::npos);
  EXPECT_NE(error(transformer(std::string(8193, 'x'))).find("longer than 8192"), std::string::npos);
  std::string many = "{";
  for (int i = 0; i < 101; ++i)
    many += (i ? "," : "") + ("\"v" + std::to_string(i) + "\":\"$.id\"");
  EXPECT_NE(error(transformer("x", many + "}")).find("at most 100"), std::string::npos);
  EXPECT_EQ(error(transformer("x", R"({"v": "$.id"})")), "");
  // Every message names the target.
  EXPECT_EQ(error(transformer("")).rfind("Target t1: ", 0), 0u);
}

}  // namespace
}  // namespace baton::service::events
