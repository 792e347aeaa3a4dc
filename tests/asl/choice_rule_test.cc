#include "asl/choice_rule.h"

#include <gtest/gtest.h>

#include "asl/parse.h"

namespace baton::asl {
namespace {

using json::Value;

// Decides one rule (written as in a definition) against an input: "true", "false" or
// "error".
std::string decide(std::string_view rule_json, std::string_view input_json) {
  std::string definition = R"({"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[)" +
                           std::string(rule_json).insert(1, R"("Next":"D",)") +
                           R"(]},"D":{"Type":"Succeed"}}})";
  auto parsed = parse(definition);
  if (!parsed) return "invalid: " + parsed.error()[0].line_text();
  const ChoiceState& choice = parsed->definition->root->states[0].as<ChoiceState>();
  Value input = *json::parse(input_json);
  Scope scope{&input};
  auto r = evaluate_choice_rule(choice.choices[0].rule, scope);
  if (!r) return "error";
  return *r ? "true" : "false";
}

struct Case {
  const char* rule;
  const char* input;
  const char* expected;
};

TEST(ChoiceRuleTest, ComparisonOperators) {
  const Case cases[] = {
      {R"({"Variable":"$.s","StringEquals":"abc"})", R"({"s":"abc"})", "true"},
      {R"({"Variable":"$.s","StringEquals":"abc"})", R"({"s":"abd"})", "false"},
      {R"({"Variable":"$.s","StringEquals":"1"})", R"({"s":1})", "false"},
      {R"({"Variable":"$.s","StringLessThan":"b"})", R"({"s":"a"})", "true"},
      {R"({"Variable":"$.s","StringGreaterThan":"b"})", R"({"s":"a"})", "false"},
      {R"({"Variable":"$.s","StringLessThanEquals":"a"})", R"({"s":"a"})", "true"},
      {R"({"Variable":"$.s","StringGreaterThanEquals":"b"})", R"({"s":"c"})", "true"},
      {R"({"Variable":"$.s","StringEqualsPath":"$.t"})", R"({"s":"x","t":"x"})", "true"},
      {R"({"Variable":"$.s","StringMatches":"log-*.txt"})", R"({"s":"log-12.txt"})", "true"},
      {R"({"Variable":"$.s","StringMatches":"log-*.txt"})", R"({"s":"log-12.csv"})", "false"},
      {R"({"Variable":"$.s","StringMatches":"a\\*b"})", R"({"s":"a*b"})", "true"},
      {R"({"Variable":"$.s","StringMatches":"a\\*b"})", R"({"s":"axb"})", "false"},
      {R"({"Variable":"$.s","StringMatches":"*"})", R"({"s":""})", "true"},
      {R"({"Variable":"$.n","NumericEquals":3})", R"({"n":3.0})", "true"},
      {R"({"Variable":"$.n","NumericEquals":3})", R"({"n":"3"})", "false"},
      {R"({"Variable":"$.n","NumericLessThan":3})", R"({"n":2.5})", "true"},
      {R"({"Variable":"$.n","NumericGreaterThan":3})", R"({"n":2.5})", "false"},
      {R"({"Variable":"$.n","NumericLessThanEquals":3})", R"({"n":3})", "true"},
      {R"({"Variable":"$.n","NumericGreaterThanEquals":3})", R"({"n":4})", "true"},
      {R"({"Variable":"$.n","NumericEqualsPath":"$.m"})",
       R"({"n":9007199254740993,"m":9007199254740993})", "true"},
      {R"({"Variable":"$.n","NumericLessThanPath":"$.m"})",
       R"({"n":9007199254740992,"m":9007199254740993})", "true"},
      {R"({"Variable":"$.b","BooleanEquals":true})", R"({"b":true})", "true"},
      {R"({"Variable":"$.b","BooleanEquals":true})", R"({"b":"true"})", "false"},
      {R"({"Variable":"$.b","BooleanEqualsPath":"$.c"})", R"({"b":false,"c":false})", "true"},
      {R"({"Variable":"$.t","TimestampEquals":"2020-01-01T00:00:00Z"})",
       R"({"t":"2020-01-01T01:00:00+01:00"})", "true"},
      {R"({"Variable":"$.t","TimestampLessThan":"2020-01-01T00:00:00Z"})",
       R"({"t":"2019-12-31T23:59:59.999Z"})", "true"},
      {R"({"Variable":"$.t","TimestampGreaterThan":"2020-01-01T00:00:00Z"})",
       R"({"t":"not a time"})", "false"},
      // Issue 9: fractions of a second count.
      {R"({"Variable":"$.t","TimestampLessThan":"2020-01-01T00:00:00.500Z"})",
       R"({"t":"2020-01-01T00:00:00.250Z"})", "true"},
      {R"({"Variable":"$.t","TimestampEquals":"2020-01-01T00:00:00.500Z"})",
       R"({"t":"2020-01-01T00:00:00.250Z"})", "false"},
      {R"({"Variable":"$.t","TimestampGreaterThanEquals":"2020-01-01T00:00:00.5Z"})",
       R"({"t":"2020-01-01T00:00:00.499Z"})", "false"},
      {R"({"Variable":"$.t","TimestampLessThanEqualsPath":"$.u"})",
       R"({"t":"2020-01-01T00:00:00.001Z","u":"2020-01-01T00:00:00Z"})", "false"},
      {R"({"Variable":"$.t","TimestampLessThanEqualsPath":"$.u"})",
       R"({"t":"2020-01-01T00:00:00Z","u":"2020-01-01T00:00:00Z"})", "true"},
      {R"({"Variable":"$.x","IsNull":true})", R"({"x":null})", "true"},
      {R"({"Variable":"$.x","IsNull":false})", R"({"x":1})", "true"},
      {R"({"Variable":"$.x","IsPresent":true})", R"({"y":1})", "false"},
      {R"({"Variable":"$.x","IsPresent":false})", R"({"y":1})", "true"},
      {R"({"Variable":"$.x","IsNumeric":true})", R"({"x":1.5})", "true"},
      {R"({"Variable":"$.x","IsString":true})", R"({"x":"s"})", "true"},
      {R"({"Variable":"$.x","IsBoolean":true})", R"({"x":0})", "false"},
      {R"({"Variable":"$.x","IsTimestamp":true})", R"({"x":"2020-01-01T00:00:00Z"})", "true"},
      {R"({"Variable":"$.x","IsTimestamp":true})", R"({"x":"2020-01-01"})", "false"},
      {R"({"Variable":"$.missing","StringEquals":"a"})", "{}", "error"},
      {R"({"Variable":"$.s","StringEqualsPath":"$.missing"})", R"({"s":"a"})", "error"},
  };
  for (const Case& c : cases)
    EXPECT_EQ(decide(c.rule, c.input), c.expected) << c.rule << " " << c.input;
}

TEST(ChoiceRuleTest, CombinatorsNest) {
  const char* rule = R"({"And":[{"Variable":"$.a","NumericGreaterThan":1},
      {"Or":[{"Variable":"$.b","StringEquals":"x"},{"Not":{"Variable":"$.c","IsPresent":true}}]}]})";
  EXPECT_EQ(decide(rule, R"({"a":2,"b":"x","c":1})"), "true");
  EXPECT_EQ(decide(rule, R"({"a":2,"b":"y"})"), "true");
  EXPECT_EQ(decide(rule, R"({"a":2,"b":"y","c":1})"), "false");
  EXPECT_EQ(decide(rule, R"({"a":0,"b":"x"})"), "false");
}

TEST(ChoiceRuleTest, StringMatchesEscapes) {
  EXPECT_TRUE(string_matches("a\\b", "a\\\\b"));
  EXPECT_TRUE(string_matches("abcabc", "*abc"));
  EXPECT_TRUE(string_matches("abc", "a*b*c"));
  EXPECT_FALSE(string_matches("ab", "a*b*c"));
  EXPECT_TRUE(string_matches("", ""));
  EXPECT_FALSE(string_matches("aXb", "a*b*b"));
}

}  // namespace
}  // namespace baton::asl
