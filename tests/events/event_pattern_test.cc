// EventBridge event patterns: each match type against events, each refusal in AWS's words,
// arrays and $or, the text AWS's parser accepts, and PatternIndex agreeing with testing every
// pattern.

#include "events/event_pattern.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace baton::events {
namespace {

json::Value parse_json(std::string_view text) {
  auto parsed = json::parse(text);
  if (!parsed) ADD_FAILURE() << "bad JSON in the test: " << text;
  return parsed ? *parsed : json::Value();
}

bool matches(std::string_view pattern, std::string_view event) {
  auto compiled = EventPattern::parse(pattern);
  if (!compiled) {
    ADD_FAILURE() << pattern << ": " << compiled.error().cause;
    return false;
  }
  return compiled->matches(parse_json(event));
}

// The reason AWS gives for refusing `pattern`, or "" when it compiles.
std::string reason(std::string_view pattern) {
  auto compiled = EventPattern::parse(pattern);
  if (compiled) return "";
  EXPECT_EQ(compiled.error().name, kInvalidEventPattern) << pattern;
  constexpr std::string_view kPrefix = "Event pattern is not valid. Reason: ";
  EXPECT_TRUE(compiled.error().cause.starts_with(kPrefix)) << compiled.error().cause;
  return compiled.error().cause.substr(std::min(kPrefix.size(), compiled.error().cause.size()));
}

struct MatchCase {
  const char* pattern;
  const char* event;
  bool matched;
};

// One field "k" of detail, or of the envelope, against a pattern.
const MatchCase kMatchCases[] = {
    // exact values
    {R"({"detail": {"k": ["a", "b"]}})", R"({"detail": {"k": "b"}})", true},
    {R"({"detail": {"k": ["a"]}})", R"({"detail": {"k": "A"}})", false},
    {R"({"detail": {"k": [5]}})", R"({"detail": {"k": 5.0}})", true},
    {R"({"detail": {"k": [5]}})", R"({"detail": {"k": "5"}})", false},
    {R"({"detail": {"k": ["5"]}})", R"({"detail": {"k": 5}})", false},
    {R"({"detail": {"k": [null]}})", R"({"detail": {"k": null}})", true},
    {R"({"detail": {"k": [null]}})", R"({"detail": {}})", false},
    {R"({"detail": {"k": [true]}})", R"({"detail": {"k": true}})", true},
    {R"({"detail": {"k": [false]}})", R"({"detail": {"k": true}})", false},
    {R"({"detail": {"k": [""]}})", R"({"detail": {"k": ""}})", true},
    {R"({"source": ["aws.ec2"]})", R"({"source": "aws.ec2"})", true},
    // prefix and suffix, plain and ignoring case
    {R"({"time": [{"prefix": "2017-10-02"}]})", R"({"time": "2017-10-02T18:43:48Z"})", true},
    {R"({"time": [{"prefix": "2017-10-02"}]})", R"({"time": "2017-10-03T18:43:48Z"})", false},
    {R"({"source": [{"prefix": ""}]})", R"({"source": "x"})", true},
    {R"({"k": [{"prefix": "1"}]})", R"({"k": 12})", false},
    {R"({"k": [{"prefix": {"equals-ignore-case": "EventB"}}]})", R"({"k": "eventbridge"})", true},
    {R"({"k": [{"prefix": {"equals-ignore-case": "EventB"}}]})", R"({"k": "event"})", false},
    {R"({"k": [{"suffix": ".png"}]})", R"({"k": "a.png"})", true},
    {R"({"k": [{"suffix": ".png"}]})", R"({"k": "a.PNG"})", false},
    {R"({"k": [{"suffix": {"equals-ignore-case": ".png"}}]})", R"({"k": "a.PNG"})", true},
    {R"({"k": [{"suffix": {"equals-ignore-case": ".png"}}]})", R"({"k": "a.jpg"})", false},
    // equals-ignore-case
    {R"({"k": [{"equals-ignore-case": "alice"}]})", R"({"k": "ALICE"})", true},
    {R"({"k": [{"equals-ignore-case": "alice"}]})", R"({"k": "alic"})", false},
    {R"({"k": [{"equals-ignore-case": "ÉTÉ"}]})", R"({"k": "été"})", true},
    // anything-but, each form
    {R"({"k": [{"anything-but": "initializing"}]})", R"({"k": "running"})", true},
    {R"({"k": [{"anything-but": "initializing"}]})", R"({"k": "initializing"})", false},
    {R"({"k": [{"anything-but": "initializing"}]})", R"({"k": null})", true},
    {R"({"k": [{"anything-but": "initializing"}]})", R"({})", false},
    {R"({"k": [{"anything-but": [100, 200]}]})", R"({"k": 200.0})", false},
    {R"({"k": [{"anything-but": [100, 200]}]})", R"({"k": 201})", true},
    {R"({"k": [{"anything-but": {"prefix": "init"}}]})", R"({"k": "initial"})", false},
    {R"({"k": [{"anything-but": {"prefix": "init"}}]})", R"({"k": 5})", true},
    {R"({"k": [{"anything-but": {"prefix": ["a", "b"]}}]})", R"({"k": "bee"})", false},
    {R"({"k": [{"anything-but": {"suffix": ".png"}}]})", R"({"k": "a.png"})", false},
    {R"({"k": [{"anything-but": {"suffix": [".png", ".jpg"]}}]})", R"({"k": "a.gif"})", true},
    {R"({"k": [{"anything-but": {"equals-ignore-case": "Stop"}}]})", R"({"k": "STOP"})", false},
    {R"({"k": [{"anything-but": {"equals-ignore-case": ["a", "b"]}}]})", R"({"k": "C"})", true},
    {R"({"k": [{"anything-but": {"wildcard": "*/lib/*"}}]})", R"({"k": "/usr/lib/x"})", false},
    {R"({"k": [{"anything-but": {"wildcard": ["*/lib/*", "*.so"]}}]})", R"({"k": "/bin/sh"})",
     true},
    {R"({"k": [{"anything-but": {"wildcard": "*"}}]})", R"({"k": null})", true},
    // numeric
    {R"({"k": [{"numeric": [">", 0, "<=", 5]}]})", R"({"k": 5})", true},
    {R"({"k": [{"numeric": [">", 0, "<=", 5]}]})", R"({"k": 0})", false},
    {R"({"k": [{"numeric": ["<", 10]}]})", R"({"k": -3.5})", true},
    {R"({"k": [{"numeric": ["=", 3.018e2]}]})", R"({"k": 301.8})", true},
    {R"({"k": [{"numeric": [">=", 1]}]})", R"({"k": "5"})", false},
    {R"({"k": [{"numeric": [">=", 1]}]})", R"({"k": null})", false},
    // exists
    {R"({"detail": {"k": [{"exists": true}]}})", R"({"detail": {"k": null}})", true},
    {R"({"detail": {"k": [{"exists": true}]}})", R"({"detail": {}})", false},
    {R"({"detail": {"k": [{"exists": true}]}})", R"({"detail": {"k": {"c": 1}}})", false},
    {R"({"detail": {"k": [{"exists": false}]}})", R"({"detail": {"k": {"c": 1}}})", true},
    {R"({"detail": {"k": [{"exists": false}]}})", R"({"detail": {"k": 1}})", false},
    {R"({"detail": {"k": [{"exists": false}]}})", R"({})", true},
    // cidr
    {R"({"k": [{"cidr": "10.0.0.0/24"}]})", R"({"k": "10.0.0.255"})", true},
    {R"({"k": [{"cidr": "10.0.0.0/24"}]})", R"({"k": "10.0.1.0"})", false},
    {R"({"k": [{"cidr": "2001:db8::/64"}]})", R"({"k": "2001:db8::1"})", true},
    {R"({"k": [{"cidr": "10.0.0.0/24"}]})", R"({"k": 10})", false},
    // wildcard
    {R"({"k": [{"wildcard": "*.png"}]})", R"({"k": "dir/a.png"})", true},
    {R"({"k": [{"wildcard": "*.png"}]})", R"({"k": "a.png.gz"})", false},
    {R"({"k": [{"wildcard": "a*b*c"}]})", R"({"k": "abc"})", true},
    {R"({"k": [{"wildcard": "a*b*c"}]})", R"({"k": "axxbyyc"})", true},
    {R"({"k": [{"wildcard": "a*b*c"}]})", R"({"k": "acb"})", false},
    {R"({"k": [{"wildcard": "ab*ba"}]})", R"({"k": "aba"})", false},
    {R"({"k": [{"wildcard": "\\*\\\\"}]})", R"({"k": "*\\"})", true},
    {R"({"k": [{"wildcard": ""}]})", R"({"k": ""})", true},
    {R"({"k": [{"wildcard": ""}]})", R"({"k": "x"})", false},
    {R"({"k": [{"wildcard": "*"}]})", R"({"k": 5})", false},
};

TEST(EventPatternTest, EachMatchTypeMatchesAsAwsDocumentsIt) {
  for (const MatchCase& c : kMatchCases) {
    EXPECT_EQ(matches(c.pattern, c.event), c.matched) << c.pattern << " / " << c.event;
  }
}

TEST(EventPatternTest, FieldsAreAndValuesAreOr) {
  const char* pattern = R"({"source": ["a", "b"], "detail": {"n": [1], "m": [2]}})";
  EXPECT_TRUE(matches(pattern, R"({"source": "b", "detail": {"n": 1, "m": 2}})"));
  EXPECT_FALSE(matches(pattern, R"({"source": "b", "detail": {"n": 1}})"));
  EXPECT_FALSE(matches(pattern, R"({"source": "c", "detail": {"n": 1, "m": 2}})"));
}

TEST(EventPatternTest, OrChoosesBetweenFieldsAtAnyDepth) {
  const char* pattern = R"({"source": ["s"], "detail": {"$or": [{"a": [1]},
                            {"b": [{"numeric": [">", 5]}], "$or": [{"c": ["x"]}, {"d": ["y"]}]}]}})";
  EXPECT_TRUE(matches(pattern, R"({"source": "s", "detail": {"a": 1}})"));
  EXPECT_TRUE(matches(pattern, R"({"source": "s", "detail": {"b": 6, "d": "y"}})"));
  EXPECT_FALSE(matches(pattern, R"({"source": "s", "detail": {"b": 6}})"));
  EXPECT_FALSE(matches(pattern, R"({"source": "t", "detail": {"a": 1}})"));
  // "$or" that is not an array of two or more objects is an ordinary field name.
  EXPECT_TRUE(matches(R"({"$or": {"a": ["1"]}})", R"({"$or": {"a": "1"}})"));
}

TEST(EventPatternTest, ArraysMatchWhenAnyElementDoesAndFieldsShareAnElement) {
  EXPECT_TRUE(matches(R"({"resources": ["arn:b"]})", R"({"resources": ["arn:a", "arn:b"]})"));
  EXPECT_FALSE(matches(R"({"resources": ["arn:c"]})", R"({"resources": ["arn:a", "arn:b"]})"));
  EXPECT_FALSE(matches(R"({"resources": [null]})", R"({"resources": []})"));
  const char* pattern = R"({"detail": {"items": {"sku": ["x"], "n": [2]}}})";
  EXPECT_TRUE(
      matches(pattern, R"({"detail": {"items": [{"sku": "y", "n": 1}, {"sku": "x", "n": 2}]}})"));
  EXPECT_FALSE(
      matches(pattern, R"({"detail": {"items": [{"sku": "x", "n": 1}, {"sku": "y", "n": 2}]}})"));
}

TEST(EventPatternTest, DottedKeysReachTheSamePathAsNesting) {
  EXPECT_TRUE(matches(R"({"detail": {"state.status": ["on"]}})",
                      R"({"detail": {"state": {"status": "on"}}})"));
  EXPECT_TRUE(matches(R"({"detail": {"state": {"status": ["on"]}}})",
                      R"({"detail": {"state.status": "on"}})"));
  EXPECT_FALSE(
      matches(R"({"detail": {"state": ["on"]}})", R"({"detail": {"state": {"status": "on"}}})"));
}

TEST(EventPatternTest, AKeyGivenTwiceKeepsItsLastPatterns) {
  const char* pattern =
      R"({"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}})";
  EXPECT_TRUE(matches(pattern, R"({"detail": {"location": "eu-west"}})"));
  EXPECT_FALSE(matches(pattern, R"({"detail": {"location": "us-east"}})"));
}

TEST(EventPatternTest, AnEventThatIsNotAnObjectMatchesNothing) {
  auto pattern = EventPattern::parse(R"({"k": [{"exists": false}]})");
  ASSERT_TRUE(pattern);
  EXPECT_FALSE(pattern->matches(parse_json("[1]")));
  EXPECT_TRUE(pattern->matches(parse_json("{}")));
}

struct InvalidCase {
  const char* pattern;
  const char* reason;
};

const InvalidCase kInvalidCases[] = {
    {R"({"k": "v"})", R"("k" must be an object or an array)"},
    {R"({"k": []})", "Empty arrays are not allowed"},
    {R"({"k": {}})", "Empty objects are not allowed"},
    {R"({})", "Empty objects are not allowed"},
    {R"({"k": [["v"]]})", "Match value must be String, number, true, false, or null"},
    {R"({"k": [{}]})", "Match expression name not found"},
    {R"({"k": [{"NUMERIC": ["=", 5]}]})", "Unrecognized match type NUMERIC"},
    {R"({"k": [{"regex": "a"}]})", "Unrecognized match type regex"},
    {R"({"k": [{"prefix": 1}]})", "prefix match pattern must be a string"},
    {R"({"k": [{"prefix": ["a"]}]})", "prefix match pattern must be a string"},
    {R"({"k": [{"prefix": "a", "suffix": "b"}]})", "Only one key allowed in match expression"},
    {R"({"k": [{"prefix": {}}]})", "Prefix expression name not found"},
    {R"({"k": [{"prefix": {"exists": true}}]})", "Unsupported prefix pattern: exists"},
    {R"({"k": [{"suffix": {"equals-ignore-case": 1}}]})",
     "equals-ignore-case match pattern must be a string"},
    {R"({"k": [{"suffix": {"wildcard": "a"}}]})", "Unsupported suffix pattern: wildcard"},
    {R"({"k": [{"suffix": {}}]})", "Suffix expression name not found"},
    {R"({"k": [{"suffix": {"equals-ignore-case": "a", "x": 1}}]})",
     "Only one key allowed in match expression"},
    {R"({"k": [{"suffix": 123}]})", "suffix match pattern must be a string"},
    {R"({"k": [{"equals-ignore-case": ["a"]}]})",
     "equals-ignore-case match pattern must be a string"},
    {R"({"k": [{"wildcard": 1}]})", "wildcard match pattern must be a string"},
    {R"({"k": [{"wildcard": "a**"}]})", "Consecutive wildcard characters at pos 2"},
    {R"({"k": [{"wildcard": "a\\b"}]})", "Invalid escape character at pos 2"},
    {R"({"k": [{"wildcard": "a\\"}]})", "Invalid escape character at pos 2"},
    {R"({"k": [{"wildcard": "a", "prefix": "b"}]})", "Only one key allowed in match expression"},
    {R"({"k": [{"anything-but": {}}]})", "Anything-But expression name not found"},
    {R"({"k": [{"anything-but": {"exists": true}}]})", "Unsupported anything-but pattern: exists"},
    {R"({"k": [{"anything-but": {"prefix": 1}}]})", "prefix/suffix match pattern must be a string"},
    {R"({"k": [{"anything-but": {"suffix": [".a", 2]}}]})",
     "prefix/suffix match pattern must be a string"},
    {R"({"k": [{"anything-but": {"prefix": ""}}]})", "Null prefix/suffix not allowed"},
    {R"({"k": [{"anything-but": {"suffix": ["a", ""]}}]})", "Null prefix/suffix not allowed"},
    {R"({"k": [{"anything-but": {"prefix": {"equals-ignore-case": "a"}}}]})",
     "Value of anything-but must be an array or single string/number value."},
    {R"({"k": [{"anything-but": {"equals-ignore-case": 1}}]})",
     "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."},
    {R"({"k": [{"anything-but": {"equals-ignore-case": ["a", null]}}]})",
     "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."},
    {R"({"k": [{"anything-but": {"wildcard": [1]}}]})", "wildcard match pattern must be a string"},
    {R"({"k": [{"anything-but": {"wildcard": "a**"}}]})",
     "Consecutive wildcard characters at pos 2"},
    {R"({"k": [{"anything-but": {"prefix": "a", "suffix": "b"}}]})",
     "Too many elements in numeric expression"},
    {R"({"k": [{"anything-but": {"prefix": "a"}, "x": 1}]})",
     "Too many elements in numeric expression"},
    {R"({"k": [{"anything-but": ["a", null]}]})",
     "Inside anything but list, start|null|boolean is not supported."},
    {R"({"k": [{"anything-but": ["a", 1]}]})",
     "Inside anything but list, either all values are number or string, mixed type is not "
     "supported"},
    {R"({"k": [{"anything-but": null}]})",
     "Value of anything-but must be an array or single string/number value."},
    {R"({"k": [{"numeric": 10}]})", "Value of numeric must be an array."},
    {R"({"k": [{"numeric": [">", 0, "<"]}]})", "Value of < must be numeric"},
    {R"({"k": [{"numeric": [">", 0, ">", 0]}]})", "Bad numeric range operator: >"},
    {R"({"k": [{"numeric": [">", 5, "<", 1]}]})", "Bottom must be less than top"},
    {R"({"k": [{"numeric": [">", 6e9]}]})", "Value must be between -5.0E9 and 5.0E9, inclusive"},
    {R"({"k": [{"anything-but": [-6e9]}]})", "Value must be between -5.0E9 and 5.0E9, inclusive"},
    {R"({"k": [{"exists": "yes"}]})", "exists match pattern must be either true or false."},
    {R"({"k": [{"cidr": "bad-filter"}]})", "Malformed CIDR, one '/' required"},
    {R"({"k": [{"cidr": "xxxx:db8:1234:1a00::/64"}]})",
     "Nonstandard IP address: xxxx:db8:1234:1a00::"},
    {R"({"k": [{"cidr": ["10.0.0.0/8"]}]})", "prefix match pattern must be a string"},
    {R"({"k": [{"cidr": "xx.11.xx/8"}]})", "Nonstandard IP address: xx.11.xx"},
    {R"({"k": [{"cidr": "bad-/64filter"}]})", "Malformed CIDR, mask bits must be an integer"},
    {R"(["not", "an", "object"])", "Filter is not an object"},
    {R"("text")", "Filter is not an object"},
    {R"(   )", "Filter is not an object"},
};

TEST(EventPatternValidationTest, EachInvalidPatternIsRefusedInAwsWords) {
  for (const InvalidCase& c : kInvalidCases) EXPECT_EQ(reason(c.pattern), c.reason) << c.pattern;
}

TEST(EventPatternValidationTest, TheFirstFaultInDocumentOrderIsReported) {
  EXPECT_EQ(reason(R"({"a": [{"prefix": 1}], "b": []})"), "prefix match pattern must be a string");
}

TEST(EventPatternValidationTest, SnsLimitsDoNotApply) {
  std::string pattern = "{";
  for (int i = 0; i < 8; ++i)
    pattern += (i ? ",\"k" : "\"k") + std::to_string(i) + "\": [1, 2, 3, 4, 5, 6]";
  EXPECT_EQ(reason(pattern + "}"), "");
}

TEST(EventPatternValidationTest, WildcardsAreRefusedPastAwsComplexity) {
  EXPECT_EQ(reason(R"({"k": [{"wildcard": "/Users/*/dir/dir/dir/dir/dir/doc.txt"}]})"), "");
  EXPECT_EQ(reason(R"({"k": [{"wildcard": "arn:aws:events:*:*:event-bus/*"}]})"), "");
  const std::string too_complex =
      "Rule is too complex - try using fewer wildcard characters or fewer repeating character "
      "sequences after a wildcard character";
  EXPECT_EQ(reason(R"({"k": [{"wildcard": "*:*:*:*:*:event-bus/*"}]})"), too_complex);
  std::string many = R"({"k": [)";
  for (int i = 0; i < 12; ++i)
    many += (i ? ",{\"wildcard\": \"*a" : "{\"wildcard\": \"*a") + std::to_string(i) + "\"}";
  EXPECT_EQ(reason(many + "]}"), too_complex);
}

TEST(EventPatternValidationTest, AnEmptyAnythingButSetFailsAsAwsFails) {
  auto compiled = EventPattern::parse(R"({"k": [{"anything-but": {"prefix": []}}]})");
  ASSERT_FALSE(compiled);
  EXPECT_EQ(compiled.error().name, "InternalFailure");
}

TEST(EventPatternTextTest, TextIsReadAsAwsParserReadsIt) {
  // The parser stops after the first value: what follows is never read.
  EXPECT_TRUE(matches(R"({"k": ["v"]} trailing)", R"({"k": "v"})"));
  EXPECT_EQ(reason("this is valid json but not a dict"),
            "Unrecognized token 'this': was expecting (JSON String, Number, Array, Object or "
            "token 'null', 'true' or 'false')");
  EXPECT_EQ(reason("{'bad': 'quotation'}"),
            "Unexpected character (''' (code 39)): was expecting double-quote to start field name");
  EXPECT_EQ(reason(R"({"not": closed mark")"),
            "Unrecognized token 'closed': was expecting (JSON String, Number, Array, Object or "
            "token 'null', 'true' or 'false')");
  EXPECT_EQ(
      reason(R"({"a": ["b"] "c": 1})"),
      "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries");
  EXPECT_EQ(reason("null"), "Filter is not an object");
}

TEST(EventPatternTextTest, TextPastTheLimitIsRefused) {
  std::string large = R"({"k": [")" + std::string(kMaxEventPatternBytes, 'x') + R"("]})";
  auto compiled = EventPattern::parse(large);
  ASSERT_FALSE(compiled);
  EXPECT_EQ(compiled.error().name, kValidationException);
}

TEST(EventPatternTextTest, TestEventsNeedTheEnvelopeFields) {
  const char* event = R"({"id": "1", "account": "1", "source": "s", "time": "t", "region": "r",
                          "detail-type": "d"})";
  EXPECT_TRUE(parse_test_event(event));
  for (const char* bad : {"not json", "[]", R"({"id": "1"})"}) {
    auto refused = parse_test_event(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().name, kValidationException);
    EXPECT_EQ(refused.error().cause, "Parameter Event is not valid.");
  }
}

std::set<std::string> index_matches(const PatternIndex& index, const json::Value& event) {
  std::set<std::string> ids;
  index.matching(event,
                 [&ids](const std::string& id) { EXPECT_TRUE(ids.insert(id).second) << id; });
  return ids;
}

TEST(PatternIndexTest, PutReplacesAndEraseRemoves) {
  PatternIndex index;
  index.put("r1", *EventPattern::parse(R"({"source": ["a"]})"));
  index.put("r2", *EventPattern::parse(R"({"detail": {"n": [1]}})"));
  json::Value event = parse_json(R"({"source": "a", "detail": {"n": 1}})");
  EXPECT_EQ(index_matches(index, event), (std::set<std::string>{"r1", "r2"}));
  index.put("r1", *EventPattern::parse(R"({"source": ["b"]})"));
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index_matches(index, event), (std::set<std::string>{"r2"}));
  index.erase("r2");
  index.erase("missing");
  EXPECT_EQ(index_matches(index, event), (std::set<std::string>{}));
  EXPECT_EQ(index_matches(index, parse_json(R"({"source": ["x", "b"]})")),
            (std::set<std::string>{"r1"}));
}

// Patterns built from a few fields and values, so that random events often match them.
std::string random_pattern(std::mt19937& random) {
  auto pick = [&random](std::initializer_list<const char*> options) {
    std::uniform_int_distribution<std::size_t> d(0, options.size() - 1);
    return std::string(*(options.begin() + d(random)));
  };
  std::string out = "{";
  auto add = [&out](const std::string& member) { out += (out.size() > 1 ? ", " : "") + member; };
  std::string source =
      pick({"", R"("source": ["s1"])", R"("source": ["s1", "s2"])",
            R"("source": [{"prefix": "s"}])", R"("source": [{"anything-but": "s1"}])"});
  if (!source.empty()) add(source);
  std::string type = pick({"", R"("detail-type": ["t1"])", R"("detail-type": ["t1", "t2"])"});
  if (!type.empty()) add(type);
  std::string detail =
      pick({"", R"("detail": {"n": [{"numeric": [">", 1]}]})",
            R"("detail": {"c": ["x"], "n": [2]})", R"("detail": {"c": [{"exists": false}]})",
            R"("detail": {"$or": [{"c": ["y"]}, {"n": [1]}]})"});
  if (!detail.empty()) add(detail);
  if (out.size() == 1) add(R"("$or": [{"source": ["s3"]}, {"detail-type": ["t2"]}])");
  return out + "}";
}

std::string random_event(std::mt19937& random) {
  auto pick = [&random](std::initializer_list<const char*> options) {
    std::uniform_int_distribution<std::size_t> d(0, options.size() - 1);
    return std::string(*(options.begin() + d(random)));
  };
  return "{" +
         pick({R"("source": "s1", )", R"("source": "s2", )", R"("source": "s3", )",
               R"("source": ["s1", "s2"], )", R"("source": 5, )", ""}) +
         pick({R"("detail-type": "t1", )", R"("detail-type": "t2", )", ""}) + R"("detail": )" +
         pick({R"({"n": 2, "c": "x"})", R"({"n": 1, "c": "y"})", R"({"n": [1, 3]})", "{}",
               R"([{"c": "x", "n": 2}, {"c": "y"}])"}) +
         "}";
}

TEST(PatternIndexTest, MatchesWhatTestingEveryPatternMatches) {
  std::mt19937 random(20240601);
  std::vector<std::pair<std::string, EventPattern>> patterns;
  PatternIndex index;
  for (int i = 0; i < 200; ++i) {
    std::string text = random_pattern(random);
    auto compiled = EventPattern::parse(text);
    ASSERT_TRUE(compiled) << text << ": " << compiled.error().cause;
    std::string id = "rule-" + std::to_string(i);
    index.put(id, *compiled);
    patterns.emplace_back(id, *compiled);
  }
  // Some rules are replaced and some removed, so the index is checked after changes too.
  for (int i = 0; i < 200; i += 7) index.erase(patterns[static_cast<std::size_t>(i)].first);
  std::erase_if(patterns, [](const auto& p) { return std::stoi(p.first.substr(5)) % 7 == 0; });
  int matched = 0;
  for (int i = 0; i < 500; ++i) {
    json::Value event = parse_json(random_event(random));
    std::set<std::string> naive;
    for (const auto& [id, pattern] : patterns) {
      if (pattern.matches(event)) naive.insert(id);
    }
    EXPECT_EQ(index_matches(index, event), naive) << json::to_string(event);
    matched += static_cast<int>(naive.size());
  }
  EXPECT_GT(matched, 500);  // the random events do match, often
}

}  // namespace
}  // namespace baton::events
