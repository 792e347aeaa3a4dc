#include "asl/parse.h"

#include <gtest/gtest.h>

#include "asl/parse_internal.h"

namespace baton::asl {
namespace {

TEST(ParseTest, CompilesGraphsWithResolvedTransitions) {
  auto parsed = parse(R"({
    "Comment": "c", "StartAt": "P", "TimeoutSeconds": 30,
    "States": {
      "P": {"Type": "Parallel", "Next": "M", "Branches": [
        {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": true}}},
        {"StartAt": "B2", "States": {"B2": {"Type": "Succeed"}}}]},
      "M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "Next": "Done",
            "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}},
      "Done": {"Type": "Succeed"}
    }})");
  ASSERT_TRUE(parsed) << parsed.error()[0].line_text();
  const Definition& d = *parsed->definition;
  EXPECT_EQ(d.comment, "c");
  EXPECT_EQ(d.timeout_seconds, 30);
  ASSERT_EQ(d.graphs.size(), 4u);
  const Graph& root = *d.root;
  EXPECT_EQ(root.start().name, "P");
  EXPECT_EQ(root.states[0].next, root.by_name.at("M"));
  const auto& parallel = root.states[0].as<ParallelState>();
  ASSERT_EQ(parallel.branches.size(), 2u);
  EXPECT_EQ(parallel.branches[1]->location, "/States/P/Branches[1]");
  EXPECT_EQ(d.graphs[parallel.branches[1]->id], parallel.branches[1].get());
  const auto& map = root.states[1].as<MapState>();
  EXPECT_EQ(map.max_concurrency, 2);
  EXPECT_EQ(map.items_path.text(), "$.items");
  EXPECT_EQ(map.processor->start().name, "I");
}

TEST(ParseTest, ClassifiesTaskResources) {
  struct Case {
    const char* arn;
    ResourceKind kind;
    const char* service;
    const char* action;
    IntegrationPattern pattern;
  };
  const Case cases[] = {
      {"arn:aws:lambda:us-east-1:123456789012:function:f", ResourceKind::LambdaFunction, "lambda",
       "invoke", IntegrationPattern::RequestResponse},
      {"arn:aws:lambda:us-east-1:123456789012:function:f:prod", ResourceKind::LambdaFunction,
       "lambda", "invoke", IntegrationPattern::RequestResponse},
      {"arn:aws:states:us-east-1:123456789012:activity:a", ResourceKind::Activity, "states",
       "activity", IntegrationPattern::RequestResponse},
      {"arn:aws:states:::lambda:invoke", ResourceKind::Integration, "lambda", "invoke",
       IntegrationPattern::RequestResponse},
      {"arn:aws:states:::lambda:invoke.waitForTaskToken", ResourceKind::Integration, "lambda",
       "invoke", IntegrationPattern::WaitForTaskToken},
      {"arn:aws:states:::states:startExecution.sync:2", ResourceKind::Integration, "states",
       "startExecution", IntegrationPattern::Sync2},
      {"arn:aws:states:::states:startExecution.sync", ResourceKind::Integration, "states",
       "startExecution", IntegrationPattern::Sync},
      {"arn:aws:states:::aws-sdk:s3:getObject", ResourceKind::SdkIntegration, "aws-sdk:s3",
       "getObject", IntegrationPattern::RequestResponse},
      {"arn:aws:states:::http:invoke", ResourceKind::Integration, "http", "invoke",
       IntegrationPattern::RequestResponse},
  };
  for (const Case& c : cases) {
    auto r = parse_detail::classify_resource(c.arn);
    ASSERT_TRUE(r) << c.arn;
    EXPECT_EQ(r->kind, c.kind) << c.arn;
    EXPECT_EQ(r->service, c.service) << c.arn;
    EXPECT_EQ(r->action, c.action) << c.arn;
    EXPECT_EQ(r->pattern, c.pattern) << c.arn;
  }
  for (const char* bad : {"foo", "arn:aws:s3:::bucket", "arn:aws:lambda:us-east-1:1:fn:f",
                          "arn:aws:states:::", "arn:aws:states:us-east-1::lambda:invoke",
                          "arn:aws:states:::lambda:invoke.sync:3"}) {
    EXPECT_FALSE(parse_detail::classify_resource(bad)) << bad;
  }
}

TEST(ParseTest, InvalidDefinitionMessageJoinsDiagnosticsAsAwsDoes) {
  auto parsed = parse(R"({"StartAt":"pass1","States":{
      "pass1":{"Type":"Pass","Next":"pass3"},"pass2":{"Type":"Pass","End":true}}})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(invalid_definition_message(parsed.error()),
            "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' "
            "target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State \"pass2\" is "
            "not reachable. at /States/pass2'");
}

TEST(ParseTest, JsonErrorsCarryJacksonsLocation) {
  auto parsed = parse("not a definition");
  ASSERT_FALSE(parsed);
  ASSERT_EQ(parsed.error().size(), 1u);
  EXPECT_EQ(parsed.error()[0].code, "INVALID_JSON_DESCRIPTION");
  EXPECT_EQ(parsed.error()[0].location,
            "[Source: (String)\"not a definition\"; line: 1, column: 4]");
}

}  // namespace
}  // namespace baton::asl
