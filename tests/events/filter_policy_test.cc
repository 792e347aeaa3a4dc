// SNS subscription filter policies: each operator on message attributes and on message bodies,
// each validation error in AWS's words, AWS's limits, and the cases recorded on real AWS
// (../shared/conformance/events/sns_filter_cases.json, when it sits beside the checkout).

#include "events/filter_policy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace baton::events {
namespace {

using Scope = FilterPolicyScope;

json::Value parse_json(std::string_view text) {
  auto parsed = json::parse(text);
  if (!parsed) ADD_FAILURE() << "bad JSON in the test: " << text;
  return parsed ? *parsed : json::Value();
}

// Whether `policy` (attributes scope) delivers a message with `attributes`.
bool attributes_match(std::string_view policy, std::string_view attributes) {
  auto compiled = FilterPolicy::compile(parse_json(policy), Scope::MessageAttributes);
  if (!compiled) {
    ADD_FAILURE() << policy << ": " << compiled.error().cause;
    return false;
  }
  return compiled->matches(Message{parse_json(attributes), std::nullopt});
}

// Whether `policy` (body scope) delivers a message whose body is `body`.
bool body_matches(std::string_view policy, std::string_view body) {
  auto compiled = FilterPolicy::compile(parse_json(policy), Scope::MessageBody);
  if (!compiled) {
    ADD_FAILURE() << policy << ": " << compiled.error().cause;
    return false;
  }
  return compiled->matches(Message{json::Value(), parse_message_body(body)});
}

// The cause of the error compiling `policy`, or "" when it compiles.
std::string compile_error(std::string_view policy, Scope scope = Scope::MessageAttributes) {
  auto compiled = FilterPolicy::compile(parse_json(policy), scope);
  if (compiled) return "";
  EXPECT_EQ(compiled.error().name, "InvalidParameter");
  return compiled.error().cause;
}

std::string text_attribute(std::string_view name, std::string_view type, std::string_view value) {
  std::string out = "{";
  json::write_string_literal(name, out);
  out += ": {\"DataType\": ";
  json::write_string_literal(type, out);
  out += ", \"StringValue\": ";
  json::write_string_literal(value, out);
  return out + "}}";
}

struct AttributeCase {
  const char* policy;
  const char* type;
  const char* value;
  bool delivered;
};

// One attribute "k" against a policy.
const AttributeCase kAttributeCases[] = {
    {R"({"k": ["rugby", "tennis"]})", "String", "tennis", true},
    {R"({"k": ["rugby", "tennis"]})", "String", "baseball", false},
    {R"({"k": ["rugby"]})", "String", "Rugby", false},
    {R"({"k": ["rugby"]})", "String.Array", R"(["baseball", "rugby"])", true},
    {R"({"k": ["rugby"]})", "String.Array", R"(["baseball"])", false},
    {R"({"k": [301.5]})", "Number", "3.015e2", true},
    {R"({"k": [5]})", "String", "5", false},
    {R"({"k": ["5"]})", "Number", "5", false},
    {R"({"k": [5]})", "Number.float", "5.0", true},
    {R"({"k": [{"numeric": [">", 0, "<=", 100]}]})", "Number", "100", true},
    {R"({"k": [{"numeric": [">", 0, "<=", 100]}]})", "Number", "0", false},
    {R"({"k": [{"numeric": [">", 0, "<=", 100]}]})", "String", "50", false},
    {R"({"k": [{"numeric": [">=", 0, "<", 100]}]})", "Number", "0", true},
    {R"({"k": [{"numeric": [">=", 0, "<", 100]}]})", "Number", "100", false},
    {R"({"k": [{"numeric": ["=", 301.5]}]})", "Number", "301.50", true},
    {R"({"k": [{"numeric": ["<", -1]}]})", "Number", "-1.5", true},
    {R"({"k": [{"numeric": ["<=", -1]}]})", "Number", "-0.5", false},
    {R"({"k": [{"numeric": [">", 10]}]})", "String.Array", "[1, 20]", true},
    {R"({"k": [{"prefix": "ord-"}]})", "String", "ord-17", true},
    {R"({"k": [{"prefix": "ord-"}]})", "String", "x-ord-17", false},
    {R"({"k": [{"prefix": "1"}]})", "Number", "12", false},
    {R"({"k": [{"suffix": ".png"}]})", "String", "cat.png", true},
    {R"({"k": [{"suffix": ".png"}]})", "String", "cat.png.gz", false},
    {R"({"k": [{"equals-ignore-case": "RuGbY"}]})", "String", "rugby", true},
    {R"({"k": [{"equals-ignore-case": "ÉTÉ"}]})", "String", "été", true},
    {R"({"k": [{"equals-ignore-case": "rugby"}]})", "String", "rugby!", false},
    {R"({"k": [{"anything-but": "rugby"}]})", "String", "tennis", true},
    {R"({"k": [{"anything-but": "rugby"}]})", "String", "rugby", false},
    {R"({"k": [{"anything-but": ["rugby", "tennis"]}]})", "String.Array", R"(["rugby", "golf"])",
     true},
    {R"({"k": [{"anything-but": ["rugby", "tennis"]}]})", "String.Array", R"(["rugby", "tennis"])",
     false},
    {R"({"k": [{"anything-but": [100, 500]}]})", "Number", "100.1", true},
    {R"({"k": [{"anything-but": [100, 500]}]})", "Number", "1e2", false},
    {R"({"k": [{"anything-but": {"prefix": "order-"}}]})", "String", "order-1", false},
    {R"({"k": [{"anything-but": {"prefix": "order-"}}]})", "String", "invoice-1", true},
    {R"({"k": [{"exists": true}]})", "String", "", true},
    {R"({"k": [{"exists": false}]})", "Number", "1", false},
    {R"({"k": [{"cidr": "10.0.0.0/24"}]})", "String", "10.0.0.255", true},
    {R"({"k": [{"cidr": "10.0.0.0/24"}]})", "String", "10.0.1.0", false},
    {R"({"k": ["2001:db8::1"]})", "String", "2001:0db8:0:0:0:0:0:1", true},
    {R"({"k": [null]})", "String", "null", false},
    {R"({"k": [true]})", "String", "true", false},
};

TEST(FilterPolicyAttributesTest, EachOperatorMatchesAsAwsDocumentsIt) {
  for (const AttributeCase& c : kAttributeCases) {
    EXPECT_EQ(attributes_match(c.policy, text_attribute("k", c.type, c.value)), c.delivered)
        << c.policy << " against " << c.type << " " << c.value;
  }
}

TEST(FilterPolicyAttributesTest, AbsentAttributeMatchesOnlyExistsFalse) {
  EXPECT_TRUE(attributes_match(R"({"k": [{"exists": false}]})", "{}"));
  EXPECT_TRUE(attributes_match(R"({"k": ["a", {"exists": false}]})", "null"));
  EXPECT_FALSE(attributes_match(R"({"k": [{"exists": true}]})", "{}"));
  EXPECT_FALSE(attributes_match(R"({"k": [{"anything-but": "a"}]})", "{}"));
  EXPECT_FALSE(attributes_match(R"({"k": [null]})", "{}"));
}

TEST(FilterPolicyAttributesTest, BinaryAttributesAreIgnored) {
  const char* binary = R"({"k": {"DataType": "Binary", "BinaryValue": "AAE="}})";
  EXPECT_FALSE(attributes_match(R"({"k": [{"exists": true}]})", binary));
  EXPECT_TRUE(attributes_match(R"({"k": [{"exists": false}]})", binary));
}

TEST(FilterPolicyAttributesTest, KeysAreAndValuesAreOr) {
  const char* policy = R"({"customer_interests": ["rugby", "football"],
                           "price_usd": [{"numeric": [">", 100]}]})";
  auto message = [](const char* interest, const char* price) {
    return R"({"customer_interests": {"DataType": "String", "StringValue": ")" +
           std::string(interest) + R"("}, "price_usd": {"DataType": "Number", "StringValue": ")" +
           price + R"("}})";
  };
  EXPECT_TRUE(attributes_match(policy, message("football", "101")));
  EXPECT_FALSE(attributes_match(policy, message("football", "100")));
  EXPECT_FALSE(attributes_match(policy, message("tennis", "101")));
}

TEST(FilterPolicyAttributesTest, OrOperatorChoosesBetweenKeys) {
  const char* policy = R"({"source": ["aws.cloudwatch"],
                           "$or": [{"metricName": ["CPUUtilization"]},
                                   {"namespace": ["AWS/EC2"]}]})";
  EXPECT_TRUE(attributes_match(
      policy, R"({"source": {"DataType": "String", "StringValue": "aws.cloudwatch"},
                  "namespace": {"DataType": "String", "StringValue": "AWS/EC2"}})"));
  EXPECT_FALSE(attributes_match(
      policy, R"({"source": {"DataType": "String", "StringValue": "aws.cloudwatch"},
                  "namespace": {"DataType": "String", "StringValue": "AWS/ES"}})"));
}

TEST(FilterPolicyAttributesTest, EmptyPolicyDeliversEverything) {
  EXPECT_TRUE(attributes_match("{}", "{}"));
  auto body_policy = FilterPolicy::compile(parse_json("{}"), Scope::MessageBody);
  ASSERT_TRUE(body_policy);
  EXPECT_TRUE(body_policy->matches(Message{json::Value(), parse_message_body("not JSON")}));
}

struct BodyCase {
  const char* policy;
  const char* body;
  bool delivered;
};

const BodyCase kBodyCases[] = {
    {R"({"a": {"b": ["x"]}})", R"({"a": {"b": "x"}})", true},
    {R"({"a": {"b": ["x"]}})", R"({"a.b": "x"})", true},
    {R"({"a.b": ["x"]})", R"({"a": {"b": "x"}})", true},
    {R"({"a": {"b": ["x"]}})", R"({"a": {"b": {"c": "x"}}})", false},
    {R"({"tags": ["x"]})", R"({"tags": ["y", "x"]})", true},
    {R"({"tags": ["x"]})", R"({"tags": []})", false},
    {R"({"a": {"b": ["x"]}})", R"({"a": [{"b": "y"}, {"b": [["x"]]}]})", true},
    {R"({"k": [null]})", R"({"k": null})", true},
    {R"({"k": [null]})", R"({"k": "null"})", false},
    {R"({"k": [null]})", R"({})", false},
    {R"({"k": [true]})", R"({"k": true})", true},
    {R"({"k": [true]})", R"({"k": "true"})", false},
    {R"({"k": [5]})", R"({"k": 5.0})", true},
    {R"({"k": [5]})", R"({"k": "5"})", false},
    {R"({"k": [{"numeric": [">", 1.5]}]})", R"({"k": [1, 2]})", true},
    {R"({"k": [{"numeric": [">", 1.5]}]})", R"({"k": "2"})", false},
    {R"({"k": [{"exists": true}]})", R"({"k": null})", true},
    {R"({"k": [{"exists": true}]})", R"({"k": {"inner": 1}})", false},
    {R"({"k": [{"exists": false}]})", R"({"k": {}})", true},
    {R"({"a": {"k": [{"exists": false}]}})", R"({"b": 1})", true},
    {R"({"k": [{"anything-but": "x"}]})", R"({"k": 5})", true},
    {R"({"k": [{"anything-but": [1, 2]}]})", R"({"k": 2.0})", false},
    {R"({"k": [{"anything-but": {"prefix": "x"}}]})", R"({"k": ["xa", "yb"]})", true},
    {R"({"k": [{"prefix": "x"}]})", R"({"k": 10})", false},
    {R"({"ip": [{"cidr": "2001:db8::/32"}]})", R"({"ip": "2001:db8:ffff::1"})", true},
    {R"({"ip": [{"cidr": "2001:db8::/32"}]})", R"({"ip": "10.0.0.1"})", false},
    {R"({"ip": [{"cidr": "10.0.0.0/8"}]})", R"({"ip": "::ffff:a00:1"})", true},
    {R"({"k": ["x"]})", R"("x")", false},
    {R"({"k": ["x"]})", R"([{"k": "x"}])", false},
    {R"({"k": ["x"]})", R"(k=x)", false},
    {R"({"$or": ["x"]})", R"({"$or": "x"})", true},
    {R"({"d": {"s": ["1"], "$or": [{"a": ["2"]}, {"b": ["3"]}]}})",
     R"({"d": {"s": "1", "b": "3"}})", true},
    {R"({"d": {"s": ["1"], "$or": [{"a": ["2"]}, {"b": ["3"]}]}})",
     R"({"d": {"s": "1", "b": "2"}})", false},
};

TEST(FilterPolicyBodyTest, EachOperatorMatchesAsAwsDocumentsIt) {
  for (const BodyCase& c : kBodyCases) {
    EXPECT_EQ(body_matches(c.policy, c.body), c.delivered) << c.policy << " against " << c.body;
  }
}

TEST(FilterPolicyBodyTest, FieldsMatchWithinOneArrayElement) {
  const char* policy = R"({"Records": {"eventName": [{"prefix": "ObjectCreated:"}],
                                       "s3": {"object": {"key": [{"prefix": "auto-"}]}}}})";
  EXPECT_TRUE(body_matches(policy, R"({"Records": [
      {"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "home-1"}}},
      {"eventName": "ObjectCreated:Put", "s3": {"object": [[{"key": "auto-1"}]]}}]})"));
  EXPECT_FALSE(body_matches(policy, R"({"Records": [
      {"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "home-1"}}},
      {"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "auto-1"}}}]})"));
}

TEST(FilterPolicyBodyTest, ArraysInDifferentKeysDoNotConstrainEachOther) {
  EXPECT_TRUE(body_matches(R"({"a": ["1"], "b": ["2"]})", R"({"a": ["0", "1"], "b": ["2"]})"));
}

struct InvalidCase {
  const char* policy;
  const char* reason;  // after "Invalid parameter: FilterPolicy: "
};

const InvalidCase kInvalidCases[] = {
    {R"({"key": "value"})", R"("key" must be an object or an array)"},
    {R"({"key": {"suffix": "value"}})", R"("suffix" must be an object or an array)"},
    {R"({"key": 5})", R"("key" must be an object or an array)"},
    {R"({"key": []})", "Empty arrays are not allowed"},
    {R"({"key": {}})", "Empty objects are not allowed"},
    {R"([])", "Filter is not an object"},
    {R"({"key": [["value"]]})", "Match value must be String, number, true, false, or null"},
    {R"({"key": [{}]})", "Match expression name not found"},
    {R"({"key": [{"wrong-operator": true}]})", "Unrecognized match type wrong-operator"},
    {R"({"key": [{"wildcard": "a*"}]})", "Unrecognized match type wildcard"},
    {R"({"key": [{"suffix": "value", "prefix": "value2"}]})",
     "Only one key allowed in match expression"},
    {R"({"key": [{"prefix": 5}]})", "prefix match pattern must be a string"},
    {R"({"key": [{"suffix": null}]})", "suffix match pattern must be a string"},
    {R"({"key": [{"suffix": ["a", "b"]}]})", "suffix match pattern must be a string"},
    {R"({"key": [{"equals-ignore-case": 1}]})",
     "equals-ignore-case match pattern must be a string"},
    {R"({"key": [{"exists": null}]})", "exists match pattern must be either true or false."},
    {R"({"key": [{"exists": "no"}]})", "exists match pattern must be either true or false."},
    {R"({"key": [{"exists": true, "prefix": "a"}]})", "Only one key allowed in match expression"},
    {R"({"key": [{"numeric": 5}]})", "Value of numeric must be an array."},
    {R"({"key": [{"numeric": []}]})", "Invalid member in numeric match: ]"},
    {R"({"key": [{"numeric": [1, "<="]}]})", "Invalid member in numeric match: 1"},
    {R"({"key": [{"numeric": ["operator"]}]})", "Unrecognized numeric range operator: operator"},
    {R"({"key": [{"numeric": ["=", "000"]}]})", "Value of equals must be numeric"},
    {R"({"key": [{"numeric": [">="]}]})", "Value of >= must be numeric"},
    {R"({"key": [{"numeric": ["<", 100, ">", 10]}]})", "Too many elements in numeric expression"},
    {R"({"key": [{"numeric": ["=", 1], "prefix": "a"}]})",
     "Too many elements in numeric expression"},
    {R"({"key": [{"numeric": [">=", 1, ">", 2]}]})", "Bad numeric range operator: >"},
    {R"({"key": [{"numeric": [">", 20, "test"]}]})", "Bad numeric range operator: test"},
    {R"({"key": [{"numeric": [">", 20, 30]}]})", "Bad value in numeric range: 30"},
    {R"({"key": [{"numeric": [">", 20, "<="]}]})", "Value of <= must be numeric"},
    {R"({"key": [{"numeric": [">", "20", "<", "30"]}]})", "Value of > must be numeric"},
    {R"({"key": [{"numeric": [">", 20, "<", "30"]}]})", "Value of < must be numeric"},
    {R"({"key": [{"numeric": [">", 3, "<", 1]}]})", "Bottom must be less than top"},
    {R"({"key": [{"numeric": [">=", 3, "<=", 3]}]})", "Bottom must be less than top"},
    {R"({"key": [{"numeric": [">", 20, "<", 30, "<", 50]}]})",
     "Too many terms in numeric range expression"},
    {R"({"key": [{"anything-but": {"wrong-operator": null}}]})",
     "Unsupported anything-but pattern: wrong-operator"},
    {R"({"key": [{"anything-but": {"suffix": "test"}}]})",
     "Unsupported anything-but pattern: suffix"},
    {R"({"key": [{"anything-but": {"exists": false}}]})",
     "Unsupported anything-but pattern: exists"},
    {R"({"key": [{"anything-but": {}}]})", "Anything-But expression name not found"},
    {R"({"key": [{"anything-but": {"prefix": false}}]})", "prefix match pattern must be a string"},
    {R"({"key": [{"anything-but": {"prefix": ""}}]})", "Null prefix not allowed"},
    {R"({"key": [{"anything-but": [true]}]})",
     "Inside anything but list, start|null|boolean is not supported."},
    {R"({"key": [{"anything-but": ["a", 1]}]})",
     "Inside anything but list, either all values are number or string, mixed type is not "
     "supported"},
    {R"({"key": [{"anything-but": null}]})",
     "Value of anything-but must be an array or single string/number value."},
    {R"({"key": [{"anything-but": "a", "prefix": "b"}]})",
     "Too many elements in numeric expression"},
    {R"({"key": [{"cidr": 10}]})", "prefix match pattern must be a string"},
    {R"({"key": [{"cidr": "bad-filter"}]})", "Malformed CIDR, one '/' required"},
    {R"({"key": [{"cidr": "10.0.0.0/8/8"}]})", "Malformed CIDR, one '/' required"},
    {R"({"key": [{"cidr": "bad-filter/64"}]})", "Nonstandard IP address: bad-filter"},
    {R"({"key": [{"cidr": "10.0.0.256/24"}]})", "Invalid IP address: 10.0.0.256"},
    {R"({"key": [{"cidr": "10.0.0.0/x"}]})", "Malformed CIDR, mask bits must be an integer"},
    {R"({"key": [{"cidr": "10.0.0.0/-1"}]})", "Malformed CIDR, mask bits must not be negative"},
    {R"({"key": [{"cidr": "10.0.0.0/32"}]})", "IPv4 mask bits must be < 32"},
    {R"({"key": [{"cidr": "2001:db8::/128"}]})", "IPv6 mask bits must be < 128"},
    {R"({"$or": [{"numeric": 123}, {"prefix": "abc"}]})", "Value of numeric must be an array."},
    {R"({"k1": ["1"], "k2": ["1"], "k3": ["1"], "k4": ["1"], "k5": ["1"], "k6": ["1"]})",
     "Filter policy can not have more than 5 keys"},
    {R"({"$or": [{"a": ["1"], "b": ["1"], "c": ["1"]}, {"d": ["1"], "e": ["1"], "f": ["1"]}]})",
     "Filter policy can not have more than 5 keys"},
};

TEST(FilterPolicyValidationTest, EachInvalidPolicyIsRefusedInAwsWords) {
  for (const InvalidCase& c : kInvalidCases) {
    EXPECT_EQ(compile_error(c.policy), std::string("Invalid parameter: FilterPolicy: ") + c.reason)
        << c.policy;
  }
}

TEST(FilterPolicyValidationTest, TheFirstFaultInDocumentOrderIsReported) {
  EXPECT_EQ(compile_error(R"({"a": [{"prefix": 1}], "b": []})"),
            "Invalid parameter: FilterPolicy: prefix match pattern must be a string");
}

TEST(FilterPolicyValidationTest, AttributesScopeRefusesNestingOnlyOnceTheGrammarHolds) {
  const char* nested = R"({"object": {"key": [{"prefix": "auto-"}]}})";
  EXPECT_EQ(compile_error(nested),
            "Invalid parameter: Filter policy scope MessageAttributes does not support nested "
            "filter policy");
  EXPECT_EQ(compile_error(nested, Scope::MessageBody), "");
}

std::string values(int count) {
  std::string out = "[";
  for (int i = 0; i < count; ++i) out += (i ? ",\"v" : "\"v") + std::to_string(i) + "\"";
  return out + "]";
}

TEST(FilterPolicyValidationTest, CombinationsMultiplyValuesByNestingDepth) {
  EXPECT_EQ(compile_error(R"({"k": )" + values(150) + "}"), "");
  EXPECT_EQ(compile_error(R"({"k": )" + values(151) + "}"),
            "Invalid parameter: FilterPolicy: Filter policy is too complex");
  EXPECT_EQ(compile_error(R"({"a": )" + values(10) + R"(, "b": )" + values(15) + "}"), "");
  EXPECT_EQ(compile_error(R"({"a": )" + values(10) + R"(, "b": )" + values(16) + "}"),
            "Invalid parameter: FilterPolicy: Filter policy is too complex");
  // A key two objects deep counts each value twice.
  EXPECT_EQ(compile_error(R"({"a": {"b": )" + values(75) + "}}", Scope::MessageBody), "");
  EXPECT_EQ(compile_error(R"({"a": {"b": )" + values(76) + "}}", Scope::MessageBody),
            "Invalid parameter: FilterPolicy: Filter policy is too complex");
}

TEST(FilterPolicyValidationTest, OrAddsUpItsAlternatives) {
  // 3 * (6 + 4 * (4 + 7)) = 150; one more source value makes 200.
  std::string policy = R"({"source": )" + values(3) + R"(, "$or": [{"name": )" + values(6) +
                       R"(}, {"type": )" + values(4) + R"(, "$or": [{"id": )" + values(4) +
                       R"(}, {"space": )" + values(7) + "}]}]}";
  EXPECT_EQ(compile_error(policy), "");
  policy.replace(policy.find(values(3)), values(3).size(), values(4));
  EXPECT_EQ(compile_error(policy), "Invalid parameter: FilterPolicy: Filter policy is too complex");
}

TEST(FilterPolicyValidationTest, TextMustBeJsonWithinTheSizeLimit) {
  EXPECT_TRUE(FilterPolicy::parse(R"({"k": ["v"]})", Scope::MessageAttributes));
  auto not_json = FilterPolicy::parse("{\"k\": [", Scope::MessageAttributes);
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().name, "InvalidParameter");
  std::string huge = R"({"k": [")" + std::string(kMaxFilterPolicyBytes, 'x') + R"("]})";
  auto too_large = FilterPolicy::parse(huge, Scope::MessageAttributes);
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().name, "InvalidParameter");
}

TEST(FilterPolicyScopeTest, OnlyTheTwoScopesAreAccepted) {
  EXPECT_EQ(*parse_filter_policy_scope("MessageBody"), Scope::MessageBody);
  EXPECT_EQ(*parse_filter_policy_scope("MessageAttributes"), Scope::MessageAttributes);
  auto bad = parse_filter_policy_scope("RandomValue");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().cause,
            "Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either "
            "MessageBody or MessageAttributes");
  EXPECT_EQ(to_string(Scope::MessageBody), "MessageBody");
}

// The cases recorded on AWS. SetSubscriptionAttributes words a refusal "Invalid parameter:
// <reason>", Subscribe "Invalid parameter: Attributes Reason: <reason>": the SNS service adds
// the latter, so the test does here.
TEST(FilterPolicyConformanceTest, EveryRecordedCaseIsDecidedAsAwsDecidedIt) {
  std::ifstream file(BATON_SOURCE_DIR "/../shared/conformance/events/sns_filter_cases.json");
  if (!file) GTEST_SKIP() << "sns_filter_cases.json is not beside the checkout";
  std::stringstream text;
  text << file.rdbuf();
  auto cases = json::parse(text.str());
  ASSERT_TRUE(cases && cases->is_array());

  int passed = 0;
  for (const json::Value& c : cases->as_array()) {
    std::string name(c.find("name")->as_string());
    SCOPED_TRACE(name);
    auto scope = parse_filter_policy_scope(c.find("scope")->as_string());
    ASSERT_TRUE(scope);
    auto policy = FilterPolicy::compile(*c.find("policy"), *scope);
    std::string_view kind = c.find("kind")->as_string();
    if (kind == "deliver") {
      ASSERT_TRUE(policy) << policy.error().cause;
      const json::Value& message = *c.find("message");
      const json::Value* attributes = message.find("MessageAttributes");
      Message published{attributes ? *attributes : json::Value(),
                        parse_message_body(message.find("Message")->as_string())};
      bool expected = c.find("expect_delivered")->as_bool();
      EXPECT_EQ(policy->matches(published), expected);
      passed += policy->matches(published) == expected;
      continue;
    }
    ASSERT_EQ(kind, "validate");
    const json::Value& error = *c.find("expect_error");
    if (error.is_null()) {
      EXPECT_TRUE(policy) << policy.error().cause;
      passed += policy.has_value();
      continue;
    }
    ASSERT_FALSE(policy);
    std::string cause = policy.error().cause;
    constexpr std::string_view kPrefix = "Invalid parameter: ";
    if (c.find("via")->as_string() == "Subscribe" && cause.starts_with(kPrefix)) {
      cause.insert(kPrefix.size(), "Attributes Reason: ");
    }
    EXPECT_EQ(policy.error().name, error.as_string());
    EXPECT_EQ(cause, c.find("aws_message")->as_string());
    passed +=
        policy.error().name == error.as_string() && cause == c.find("aws_message")->as_string();
  }
  EXPECT_EQ(passed, static_cast<int>(cases->size()));
  std::cout << "[ conformance ] " << passed << " of " << cases->size()
            << " recorded SNS filter cases as AWS decided them\n";
}

}  // namespace
}  // namespace baton::events
