// Requests checked against their operation's input shape, in the words AWS's front ends use.

#include "api/validate.h"

#include <gtest/gtest.h>

#include <string>

#include "api/test_models.h"

namespace baton::api {
namespace {

using testing::input;
using testing::json_of;

// Lambda words an unknown enum value, and a body it cannot read, in its own way.
const ValidationStyle kLambda{"ValidationException", "InvalidParameterValueException",
                              "InvalidRequestContentException"};

std::optional<Error> check(const std::string& api, std::string_view operation,
                           std::string_view request, const ValidationStyle& style = {}) {
  return validate(input(api, operation), json_of(request), style);
}

TEST(ValidateTest, AValidRequestPasses) {
  EXPECT_EQ(check("stepfunctions", "StartExecution",
                  R"({"stateMachineArn":"arn:aws:states:us-east-1:1:stateMachine:M",
                      "name":"run-1","input":"{}"})"),
            std::nullopt);
  EXPECT_EQ(check("lambda", "CreateFunction",
                  R"({"FunctionName":"fn","Role":"arn:aws:iam::123456789012:role/r",
                      "Code":{"ZipFile":"PK"},"Runtime":"python3.12","MemorySize":128})",
                  kLambda),
            std::nullopt);
}

TEST(ValidateTest, AMissingRequiredMemberMustNotBeNull) {
  auto error = check("stepfunctions", "StartExecution", R"({"name":"run-1"})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name, "ValidationException");
  EXPECT_EQ(error->cause,
            "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy "
            "constraint: Member must not be null");
  // An explicit null is missing too.
  EXPECT_TRUE(check("stepfunctions", "StartExecution", R"({"stateMachineArn":null})"));
}

TEST(ValidateTest, AStringTooLongNamesItsMemberAndLimit) {
  auto error = check("stepfunctions", "StartExecution",
                     R"({"stateMachineArn":"arn","name":")" + std::string(81, 'n') + "\"}");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->cause, "1 validation error detected: Value '" + std::string(81, 'n') +
                              "' at 'name' failed to satisfy constraint: Member must have length "
                              "less than or equal to 80");
}

TEST(ValidateTest, LengthsCountCharactersNotBytes) {
  std::string eighty(80 * 2, '\0');
  for (std::size_t i = 0; i < eighty.size(); i += 2) eighty.replace(i, 2, "\xC3\xA9");  // é
  EXPECT_EQ(check("stepfunctions", "StartExecution",
                  R"({"stateMachineArn":"arn","name":")" + eighty + "\"}"),
            std::nullopt);
}

TEST(ValidateTest, ASensitiveValueIsNotShown) {
  std::string big(262145, 'x');
  auto error = check("stepfunctions", "StartExecution",
                     R"({"stateMachineArn":"arn","input":")" + big + "\"}");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->cause,
            "1 validation error detected: Value at 'input' failed to satisfy constraint: Member "
            "must have length less than or equal to 262144");
}

TEST(ValidateTest, ANumberOutOfRangeNamesTheBound) {
  // As AWS answers it (recorded).
  auto error = check("stepfunctions", "ListStateMachines", R"({"maxResults":1001})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->cause,
            "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy "
            "constraint: Member must have value less than or equal to 1000");
  error = check("stepfunctions", "ListExecutions", R"({"maxResults":-1})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->cause,
            "1 validation error detected: Value '-1' at 'maxResults' failed to satisfy "
            "constraint: Member must have value greater than or equal to 0");
  error = check("lambda", "CreateFunction",
                R"({"FunctionName":"fn","Role":"arn:aws:iam::123456789012:role/r",
                    "Code":{},"MemorySize":99999})",
                kLambda);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->cause,
            "1 validation error detected: Value '99999' at 'memorySize' failed to satisfy "
            "constraint: Member must have value less than or equal to 32768");
}

TEST(ValidateTest, APatternMismatchQuotesThePattern) {
  auto error = check("lambda", "CreateFunction",
                     R"({"FunctionName":"fn","Role":"not-a-role","Code":{}})", kLambda);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name, "ValidationException");
  EXPECT_EQ(error->cause,
            "1 validation error detected: Value 'not-a-role' at 'role' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
}

TEST(ValidateTest, AnEnumValueOutsideTheSetListsTheSet) {
  // In the order AWS prints them (the model's overrides), as AWS answers it (recorded).
  auto error = check("stepfunctions", "ListExecutions", R"({"statusFilter":"succeeded"})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name, "ValidationException");
  EXPECT_EQ(error->cause,
            "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy "
            "constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, "
            "PENDING_REDRIVE, ABORTED, FAILED, RUNNING]");
}

TEST(ValidateTest, OnlyEnumViolationsTakeTheEnumErrorName) {
  const char* base = R"("FunctionName":"fn","Role":"arn:aws:iam::123456789012:role/r","Code":{})";
  auto error = check("lambda", "CreateFunction", std::string("{") + base + R"(,"Runtime":"cobol"})",
                     kLambda);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name, "InvalidParameterValueException");
  EXPECT_TRUE(error->cause.starts_with(
      "1 validation error detected: Value 'cobol' at 'runtime' failed to satisfy constraint: "
      "Member must satisfy enum value set: [nodejs, nodejs4.3, "))
      << error->cause;
  error = check("lambda", "CreateFunction",
                std::string("{") + base + R"(,"Runtime":"cobol","MemorySize":1})", kLambda);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name, "ValidationException");
  EXPECT_TRUE(error->cause.starts_with("2 validation errors detected: ")) << error->cause;
}

TEST(ValidateTest, EveryViolationIsReportedInOneMessage) {
  auto error = check("stepfunctions", "ListStateMachines", R"({"maxResults":2000,"nextToken":""})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->cause,
            "2 validation errors detected: Value '2000' at 'maxResults' failed to satisfy "
            "constraint: Member must have value less than or equal to 1000; Value '' at "
            "'nextToken' failed to satisfy constraint: Member must have length greater than or "
            "equal to 1");
}

TEST(ValidateTest, NestedMembersArePathsWithListItemsCountedFromOne) {
  // As AWS answers it (recorded).
  auto error = check("stepfunctions", "CreateStateMachineAlias",
                     R"({"name":"live","routingConfiguration":[
                           {"stateMachineVersionArn":"arn:v1","weight":101}]})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->cause,
            "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' "
            "failed to satisfy constraint: Member must have value less than or equal to 100");
  error = check("stepfunctions", "CreateStateMachineAlias",
                R"({"name":"live","routingConfiguration":[{"weight":1}]})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->cause,
            "1 validation error detected: Value null at "
            "'routingConfiguration.1.member.stateMachineVersionArn' failed to satisfy "
            "constraint: Member must not be null");
}

TEST(ValidateTest, AWrongTypeIsTheFirstErrorAlone) {
  auto error = check("stepfunctions", "ListStateMachines", R"({"maxResults":"ten"})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name, "SerializationException");
  EXPECT_EQ(error->cause, "Expected an integer for 'maxResults'");
  error = check("stepfunctions", "StartExecution", R"({"stateMachineArn":5,"name":""})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name, "SerializationException");
  EXPECT_EQ(error->cause, "Expected a string for 'stateMachineArn'");
  error = check("lambda", "CreateFunction", R"({"Code":[]})", kLambda);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->name, "InvalidRequestContentException");
  EXPECT_EQ(error->cause, "Expected an object for 'code'");
  error = check("stepfunctions", "ListStateMachines", R"({"maxResults":1.5})");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->cause, "Expected an integer for 'maxResults'");
}

TEST(ValidateTest, MembersTheShapeDoesNotHaveAreIgnored) {
  EXPECT_EQ(check("stepfunctions", "ListStateMachines", R"({"color":"red","maxResults":null})"),
            std::nullopt);
}

TEST(ValidateTest, PatternsMatchWholeValues) {
  EXPECT_TRUE(matches_pattern("[a-z]+", "abc"));
  EXPECT_FALSE(matches_pattern("[a-z]+", "abc1"));
  EXPECT_FALSE(matches_pattern("[a-z]+", "1abc"));
  // Java's \p{ASCII}.
  EXPECT_TRUE(matches_pattern("\\p{ASCII}*", "plain"));
  EXPECT_FALSE(matches_pattern("\\p{ASCII}*", "caf\xC3\xA9"));
  // A pattern PCRE2 cannot compile matches everything.
  EXPECT_TRUE(matches_pattern("(unclosed", "anything"));
}

}  // namespace
}  // namespace baton::api
