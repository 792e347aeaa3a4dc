#include "core/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace baton::json {
namespace {

Value parse_ok(std::string_view text) {
  auto v = parse(text);
  EXPECT_TRUE(v.has_value()) << text << ": " << (v ? "" : v.error().describe());
  return v ? *v : Value();
}

std::string round_trip(std::string_view text) { return to_string(parse_ok(text)); }

TEST(JsonTest, WritesCompactlyKeepingKeyOrder) {
  EXPECT_EQ(round_trip(R"({ "b" : 1, "a" : [true, false, null], "c": {"z": "x"} })"),
            R"({"b":1,"a":[true,false,null],"c":{"z":"x"}})");
}

TEST(JsonTest, IntegersStayIntegersAndDoublesStayDoubles) {
  EXPECT_EQ(round_trip("3"), "3");
  EXPECT_EQ(round_trip("3.0"), "3.0");
  EXPECT_EQ(round_trip("-0"), "0");
  EXPECT_EQ(round_trip("1.5"), "1.5");
  EXPECT_EQ(round_trip("0.1"), "0.1");
  EXPECT_EQ(round_trip("1e2"), "100.0");
}

TEST(JsonTest, LargeIntegersAreExactTo64Bits) {
  EXPECT_EQ(round_trip("9223372036854775807"), "9223372036854775807");
  EXPECT_EQ(round_trip("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(round_trip("18446744073709551615"), "18446744073709551615");
  // Beyond 64 bits a number is read as a double, as Jackson reads it.
  Value big = parse_ok("123456789012345678901234567890");
  EXPECT_TRUE(big.is_double());
  EXPECT_DOUBLE_EQ(big.as_double(), 1.2345678901234568e29);
}

TEST(JsonTest, DoublesUseTheShortestFormThatReadsBack) {
  EXPECT_EQ(to_string(Value::number(0.1 + 0.2)), "0.30000000000000004");
  EXPECT_EQ(to_string(Value::number(1e21)), "1e+21");
  EXPECT_EQ(to_string(Value::number(-2.5)), "-2.5");
}

TEST(JsonTest, StringsEscapeOnlyWhatJsonRequires) {
  EXPECT_EQ(to_string(Value::string("a\"b\\c\n\t\x01/é")), R"("a\"b\\c\n\t\u0001/é")");
  EXPECT_EQ(round_trip(R"("\u00e9\ud83d\ude00")"), "\"é😀\"");
}

TEST(JsonTest, ShortAndLongStringsBehaveAlike) {
  Value small = Value::string("fourteen bytes");
  Value large = Value::string("fifteen bytes!!");
  EXPECT_EQ(small.as_string(), "fourteen bytes");
  EXPECT_EQ(large.as_string(), "fifteen bytes!!");
  Value copy = large;
  EXPECT_EQ(copy, large);
  EXPECT_EQ(Value::string(""), parse_ok("\"\""));
}

TEST(JsonTest, CopiesShareStructure) {
  Value doc = parse_ok(R"({"items":[1,2,3],"name":"a long enough string"})");
  Value copy = doc;
  const Value* items_a = doc.find("items");
  const Value* items_b = copy.find("items");
  ASSERT_NE(items_a, nullptr);
  // Both copies point at the same array storage.
  EXPECT_EQ(items_a->as_array().data(), items_b->as_array().data());
}

TEST(JsonTest, LaterDuplicateKeyWinsInThePlaceOfTheFirst) {
  EXPECT_EQ(round_trip(R"({"a":1,"b":2,"a":3})"), R"({"a":3,"b":2})");
  std::vector<DuplicateKey> duplicates;
  auto v = parse(R"({"x":{"s":[{"k":1,"k":2}]}})", duplicates);
  ASSERT_TRUE(v);
  ASSERT_EQ(duplicates.size(), 1u);
  EXPECT_EQ(duplicates[0].location, "/x/s[0]");
  EXPECT_EQ(duplicates[0].key, "k");
}

TEST(JsonTest, EveryKindOfValueReadsBackFromAParsedDocument) {
  for (const char* text : {
           R"(null)",
           R"(true)",
           R"(-7)",
           R"(18446744073709551615)",
           R"(2.5)",
           R"("short")",
           R"("a string longer than fourteen bytes")",
           R"([])",
           R"({})",
           R"([[],{},[[1]]])",
           R"({"a key longer than fourteen bytes":"and a value longer than that too","n":null})",
           R"({"axb":1,"ayb":2,"axb":3,"a":[true,false,-1.5e300,"\u00fc\n"]})",
       }) {
    SCOPED_TRACE(text);
    std::string once = json::to_string(parse_ok(text));
    EXPECT_EQ(json::to_string(parse_ok(once)), once);
  }
  // Keys alike in length and first and last byte are still different keys.
  EXPECT_EQ(round_trip(R"({"axb":1,"ayb":2,"axb":3})"), R"({"axb":3,"ayb":2})");
  EXPECT_EQ(round_trip(R"([18446744073709551615,-9223372036854775808])"),
            R"([18446744073709551615,-9223372036854775808])");
}

TEST(JsonTest, LargeObjectsAreIndexed) {
  std::string text = "{";
  for (int i = 0; i < 100; ++i) {
    if (i > 0) text += ",";
    text += "\"key" + std::to_string(i) + "\":" + std::to_string(i);
  }
  text += ",\"key7\":700}";
  Value v = parse_ok(text);
  EXPECT_EQ(v.size(), 100u);
  ASSERT_NE(v.find("key99"), nullptr);
  EXPECT_EQ(v.find("key99")->as_int64(), 99);
  EXPECT_EQ(v.find("key7")->as_int64(), 700);
  EXPECT_EQ(v.members()[7].name(), "key7");
  EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(JsonTest, EqualityComparesNumbersByValueAndIgnoresKeyOrder) {
  EXPECT_EQ(parse_ok("1"), parse_ok("1.0"));
  EXPECT_EQ(parse_ok(R"({"a":1,"b":[1,2]})"), parse_ok(R"({"b":[1,2],"a":1})"));
  EXPECT_NE(parse_ok("[1,2]"), parse_ok("[2,1]"));
  EXPECT_NE(parse_ok("true"), parse_ok("1"));
  EXPECT_NE(parse_ok("18446744073709551615"), parse_ok("-1"));
}

TEST(JsonTest, WithMemberReplacesInPlaceOrAppends) {
  Value doc = parse_ok(R"({"a":1,"b":2})");
  EXPECT_EQ(to_string(with_member(doc, "a", Value::integer(9))), R"({"a":9,"b":2})");
  EXPECT_EQ(to_string(with_member(doc, "c", Value::null())), R"({"a":1,"b":2,"c":null})");
  EXPECT_EQ(to_string(doc), R"({"a":1,"b":2})");
}

struct BadJson {
  std::string_view text;
  std::size_t line;
  std::size_t column;
  std::string_view message_start;
};

TEST(JsonTest, ParseErrorsSayWhereAndWhat) {
  // Jackson's positions: just after an unexpected character, after an unrecognized word.
  const BadJson cases[] = {
      {"", 1, 1, "No content"},
      {"{", 1, 2, "Unexpected end-of-input: expected close marker for Object"},
      {"{'a': 1}", 1, 3, "Unexpected character (''' (code 39)): was expecting double-quote"},
      {"{\"a\" 1}", 1, 7, "Unexpected character ('1' (code 49)): was expecting a colon"},
      {"[1,\n 2,\n x]", 3, 3, "Unrecognized token 'x'"},
      {"[1 2]", 1, 5, "Unexpected character ('2' (code 50)): was expecting comma"},
      {"[1,]", 1, 5, "Unexpected character (']' (code 93)): expected a valid value"},
      {"not a definition", 1, 4, "Unrecognized token 'not': was expecting (JSON String"},
      {"[tru]", 1, 5, "Unrecognized token 'tru'"},
      {"\"abc", 1, 5, "Unexpected end-of-input"},
      {"\"a\\qb\"", 1, 5, "Unrecognized character escape 'q' (code 113)"},
      {"01", 1, 2, "Invalid number"},
      {"{\"a\":1} x", 1, 10, "Unexpected character ('x' (code 120)): expected end of input"},
      {"\"é\nx", 1, 4, "Illegal unquoted character ((CTRL-CHAR, code 10))"},
  };
  for (const BadJson& c : cases) {
    auto v = parse(c.text);
    ASSERT_FALSE(v.has_value()) << c.text;
    EXPECT_EQ(v.error().line, c.line) << c.text;
    EXPECT_EQ(v.error().column, c.column) << c.text;
    EXPECT_TRUE(v.error().message.starts_with(c.message_start))
        << c.text << " -> " << v.error().message;
  }
}

TEST(JsonTest, RejectsInvalidUtf8) {
  EXPECT_FALSE(parse("\"\xff\"").has_value());
  EXPECT_FALSE(parse("\"\xc0\xaf\"").has_value());
}

TEST(JsonTest, SerializedSizeMatchesTheText) {
  for (std::string_view text :
       {R"({"a":[1,2.5,"x\ny",null,true,{}],"b":{"c":[]},"\u0001":"é"})", "[]", "{}", "-12"}) {
    Value v = parse_ok(text);
    EXPECT_EQ(serialized_size(v), to_string(v).size()) << text;
  }
  // Long strings are measured eight bytes at a time: an escape at every offset, every kind.
  for (char special : {'"', '\\', '\n', '\x01', '\x1f', '\x7f', ' '}) {
    for (std::size_t at = 0; at < 24; ++at) {
      std::string s(23, 'a');
      s[at % s.size()] = special;
      Value v = Value::array({Value::string(s), Value::number(0.1), Value::number(100.0),
                              Value::integer(-7), Value::unsigned_integer(UINT64_MAX)});
      EXPECT_EQ(serialized_size(v), to_string(v).size()) << at;
    }
  }
}

TEST(JsonTest, PrettyPrintsWithTwoSpaces) {
  EXPECT_EQ(to_pretty_string(parse_ok(R"({"a":[1,{}],"b":{}})")),
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": {}\n}");
}

}  // namespace
}  // namespace baton::json

namespace baton::json {
namespace {

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(Issue9, MeasureGivesTheTextLengthAndTheNestingDepth) {
  for (std::string_view text : {"1", "\"x\"", "[]", "{}", "[1,[2,[3]]]", R"({"a":{"b":[{}]}})"}) {
    auto v = parse(text);
    ASSERT_TRUE(v) << text;
    EXPECT_EQ(measure(*v).bytes, text.size()) << text;
  }
  EXPECT_EQ(measure(*parse("7")).depth, 0u);
  EXPECT_EQ(measure(*parse("[]")).depth, 1u);
  EXPECT_EQ(measure(*parse(R"({"a":[[{}]]})")).depth, 4u);
}

TEST(Issue9, MeasureOfNumbersMatchesTheirText) {
  std::vector<double> doubles = {0.0,
                                 -0.0,
                                 1.0,
                                 -1.0,
                                 0.5,
                                 0.1,
                                 0.001,
                                 0.0001,
                                 1e-7,
                                 123.456,
                                 100000.0,
                                 1e15,
                                 1e16,
                                 1e21,
                                 1e22,
                                 1e100,
                                 1e-100,
                                 5e-324,
                                 1.7976931348623157e308,
                                 0.30000000000000004,
                                 9.99,
                                 99.5,
                                 1125899906842623.5,
                                 1125899906842624.0,
                                 4503599627370497.0};
  std::uint64_t bits = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 200000; ++i) {
    bits ^= bits << 13;
    bits ^= bits >> 7;
    bits ^= bits << 17;
    // Decimals of every size with up to ten places, and arbitrary bit patterns.
    double scale = std::pow(10.0, static_cast<int>(bits % 11));
    doubles.push_back(static_cast<double>(static_cast<std::int64_t>(bits >> 20) % 100000000) /
                      scale * ((bits & 1) != 0u ? -1 : 1));
    double any = 0;
    std::memcpy(&any, &bits, sizeof any);
    if (std::isfinite(any)) doubles.push_back(any);
  }
  for (double d : doubles) {
    Value v = Value::number(d);
    ASSERT_EQ(measure(v).bytes, to_string(v).size()) << to_string(v);
  }
  for (std::int64_t i : {INT64_MIN, INT64_MAX, std::int64_t{0}, std::int64_t{-9}, std::int64_t{10},
                         std::int64_t{-1000000}}) {
    EXPECT_EQ(measure(Value::integer(i)).bytes, to_string(Value::integer(i)).size()) << i;
  }
  EXPECT_EQ(measure(Value::unsigned_integer(UINT64_MAX)).bytes, 20u);
}

TEST(Issue9, MeasureOfSharedStructureIsCachedAndStaysExact) {
  Value big = Value::string(std::string(1000, 'x'));
  Value pair = Value::array({big, big});
  // Each level holds the one below twice: 2^40 copies of the string, a text of terabytes.
  Value v = pair;
  for (int i = 0; i < 40; ++i) v = Value::array({v, v});
  Measure m = measure(v);
  EXPECT_EQ(m.depth, 41u);
  EXPECT_GT(m.bytes, std::uint64_t{1} << 40);
  EXPECT_EQ(measure(pair).bytes, 2 * 1002 + 3u);
}

TEST(Issue9, DocumentsDeeperThanTheLimitAreRefusedWithJacksonsWords) {
  EXPECT_TRUE(parse(nested_arrays(kMaxDepth)));
  auto deep = parse(nested_arrays(kMaxDepth + 1));
  ASSERT_FALSE(deep);
  EXPECT_NE(deep.error().message.find("Document nesting depth (1001) exceeds the maximum allowed "
                                      "(1000)"),
            std::string::npos)
      << deep.error().message;
  // Past simdjson's own limit too: the slow parser refuses without recursing further.
  EXPECT_FALSE(parse(nested_arrays(100000)));
  EXPECT_FALSE(parse(R"({"a":)" + nested_arrays(kMaxDepth) + "}"));
}

TEST(Issue9, WhatBatonStoresReadsBackWithRoomAroundTheDeepestValue) {
  std::string stored = R"({"frames":[{"input":)" + nested_arrays(kMaxDepth) + "}]}";
  EXPECT_FALSE(parse(stored));
  auto v = parse(stored, kMaxStoredDepth);
  ASSERT_TRUE(v);
  EXPECT_EQ(measure(*v).depth, kMaxDepth + 3);
}

TEST(Issue9, DefinitionsParsedForDuplicatesHaveTheSameDepthLimit) {
  std::vector<DuplicateKey> duplicates;
  EXPECT_TRUE(parse(nested_arrays(kMaxDepth), duplicates));
  EXPECT_FALSE(parse(nested_arrays(kMaxDepth + 1), duplicates));
}

}  // namespace
}  // namespace baton::json
