#include "asl/intrinsics.h"

#include <gtest/gtest.h>

namespace baton::asl {
namespace {

using json::Value;

const char* kInput = R"({
  "name": "World", "n": 5, "f": 1.5, "s": "a,b,,c", "arr": [1, 2, 3, 4, 5],
  "dup": [1, 2, 2, {"a": 1}, {"a": 1}, "1"], "obj": {"Arg1": 1, "Arg2": []},
  "json": "{\"k\":[1,2]}", "tmpl": "{} and {}", "long": ""
})";

struct Case {
  const char* call;
  const char* expected;  // compact JSON of the result, or "!" + the start of the error cause
};

std::string run(std::string_view text, Random* random = nullptr) {
  auto call = Intrinsic::compile(text);
  if (!call) return "compile error: " + call.error();
  Value input = *json::parse(kInput);
  Value context = *json::parse(R"({"StateMachine":{"Name":"flow-a-b"}})");
  Scope scope{&input, &context, nullptr, random};
  auto v = call->evaluate(scope);
  if (!v) {
    EXPECT_EQ(v.error().name, "States.Runtime") << text;
    return "!" + v.error().cause;
  }
  return json::to_string(*v);
}

void check(const Case& c) {
  std::string actual = run(c.call);
  std::string_view expected = c.expected;
  if (expected.starts_with("!")) {
    EXPECT_TRUE(actual.starts_with("!")) << c.call << " gave " << actual;
    EXPECT_NE(actual.find(expected.substr(1)), std::string::npos) << c.call << " gave " << actual;
  } else {
    EXPECT_EQ(actual, expected) << c.call;
  }
}

TEST(IntrinsicsTest, Format) {
  const Case cases[] = {
      {"States.Format('Hello, {}!', $.name)", R"("Hello, World!")"},
      {"States.Format('{} {} {}', $.n, $.f, true)", R"("5 1.5 true")"},
      {"States.Format('x={}', null)", R"("x=null")"},
      {"States.Format('fst={} and snd={}.', $.obj, $.obj)",
       R"("fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.")"},
      {"States.Format('{}', $.arr)", R"("[1, 2, 3, 4, 5]")"},
      {"States.Format('no placeholders')", R"("no placeholders")"},
      {"States.Format('\\{\\} is literal, {} is not', 'x')", R"("{} is literal, x is not")"},
      {"States.Format('it\\'s {}', $.name)", R"("it's World")"},
      {"States.Format('back\\\\slash')", R"("back\\slash")"},
      {"States.Format($.tmpl, 1, 2)", R"("1 and 2")"},
      {"States.Format('{} {}', 1)", "!Invalid arguments in States.Format"},
      {"States.Format('{}', 1, 2)", "!Invalid arguments in States.Format"},
      {"States.Format('Hello {')", "!Invalid arguments in States.Format"},
      {"States.Format(3)", "!Invalid arguments in States.Format"},
      {"States.Format()", "!Invalid arguments in States.Format"},
      {"States.Format('{}', $.missing)",
       "!The function 'States.Format('{}', $.missing)' had the following error: The JsonPath "
       "argument for the field '$.missing' could not be found in the input"},
  };
  for (const Case& c : cases) check(c);
}

TEST(IntrinsicsTest, JsonFunctions) {
  const Case cases[] = {
      {"States.StringToJson($.json)", R"({"k":[1,2]})"},
      {"States.StringToJson('')", "null"},
      {"States.StringToJson(' ')", "null"},
      {"States.StringToJson('1.1')", "1.1"},
      {"States.StringToJson('\"x\"')", R"("x")"},
      {"States.StringToJson('{bad')", "!Invalid arguments in States.StringToJson"},
      {"States.StringToJson($.obj)", "!Invalid arguments in States.StringToJson"},
      {"States.JsonToString($.obj)", R"("{\"Arg1\":1,\"Arg2\":[]}")"},
      {"States.JsonToString($.name)", R"("\"World\"")"},
      {"States.JsonToString($.f)", R"("1.5")"},
      {"States.JsonMerge($.obj, States.StringToJson('{\"Arg2\":9,\"z\":0}'), false)",
       R"({"Arg1":1,"Arg2":9,"z":0})"},
      {"States.JsonMerge($.obj, $.obj, true)", "!Invalid arguments in States.JsonMerge"},
      {"States.JsonMerge($.obj, $.arr, false)", "!Invalid arguments in States.JsonMerge"},
      {"States.JsonMerge($.obj, $.obj)", "!Invalid arguments in States.JsonMerge"},
  };
  for (const Case& c : cases) check(c);
}

TEST(IntrinsicsTest, ArrayFunctions) {
  const Case cases[] = {
      {"States.Array()", "[]"},
      {"States.Array(1, 'two', $.obj, null)", R"([1,"two",{"Arg1":1,"Arg2":[]},null])"},
      {"States.ArrayPartition($.arr, 2)", "[[1,2],[3,4],[5]]"},
      {"States.ArrayPartition($.arr, 10)", "[[1,2,3,4,5]]"},
      {"States.ArrayPartition(States.Array(), 3)", "[]"},
      {"States.ArrayPartition($.arr, 2.6)", "[[1,2],[3,4],[5]]"},
      {"States.ArrayPartition($.arr, 0)", "!Invalid arguments in States.ArrayPartition"},
      {"States.ArrayPartition($.arr, 0.6)", "!Invalid arguments in States.ArrayPartition"},
      {"States.ArrayPartition($.name, 2)", "!Invalid arguments in States.ArrayPartition"},
      {"States.ArrayContains($.arr, 3)", "true"},
      {"States.ArrayContains($.arr, 9)", "false"},
      {"States.ArrayContains($.dup, $.obj)", "false"},
      {"States.ArrayContains($.dup, States.StringToJson('{\"a\":1}'))", "true"},
      {"States.ArrayContains($.obj, 1)", "!Invalid arguments in States.ArrayContains"},
      {"States.ArrayRange(1, 9, 2)", "[1,3,5,7,9]"},
      {"States.ArrayRange(5, 1, -2)", "[5,3,1]"},
      {"States.ArrayRange(5, 1, 1)", "[]"},
      {"States.ArrayRange(3, 3, 1)", "[3]"},
      {"States.ArrayRange(1.4, 5.6, 2.2)", "[1,3,5]"},
      {"States.ArrayRange(1, 10, 0)", "!Invalid arguments in States.ArrayRange"},
      {"States.ArrayRange(1, 1001, 1)", "!Invalid arguments in States.ArrayRange"},
      {"States.ArrayRange('a', 5, 1)", "!Invalid arguments in States.ArrayRange"},
      {"States.ArrayRange(1, 5)", "!Invalid arguments in States.ArrayRange"},
      {"States.ArrayGetItem($.arr, 0)", "1"},
      {"States.ArrayGetItem($.arr, 4)", "5"},
      {"States.ArrayGetItem($.arr, 1.2)", "2"},
      {"States.ArrayGetItem($.arr, 5)", "!Invalid arguments in States.ArrayGetItem"},
      {"States.ArrayGetItem($.arr, -1)", "!Invalid arguments in States.ArrayGetItem"},
      {"States.ArrayGetItem($.arr, '1')", "!Invalid arguments in States.ArrayGetItem"},
      {"States.ArrayLength($.arr)", "5"},
      {"States.ArrayLength(States.Array())", "0"},
      {"States.ArrayLength($.obj)", "!Invalid arguments in States.ArrayLength"},
      {"States.ArrayUnique($.dup)", R"([1,2,{"a":1},"1"])"},
      {"States.ArrayUnique($.name)", "!Invalid arguments in States.ArrayUnique"},
  };
  for (const Case& c : cases) check(c);
  // AWS's limit: exactly 1,000 elements is allowed.
  std::string thousand = run("States.ArrayRange(1, 1000, 1)");
  EXPECT_EQ(std::count(thousand.begin(), thousand.end(), ','), 999);
}

TEST(IntrinsicsTest, StringAndEncodingFunctions) {
  const Case cases[] = {
      {"States.StringSplit($.s, ',')", R"(["a","b","c"])"},
      {"States.StringSplit('This.is+a,test=string', '.+,=')",
       R"(["This","is","a","test","string"])"},
      {"States.StringSplit(',,,,', ',')", "[]"},
      {"States.StringSplit(' , ', ',')", R"([" "," "])"},
      {"States.StringSplit('', ',')", "[]"},
      {"States.StringSplit($.n, ',')", "!Invalid arguments in States.StringSplit"},
      {"States.Base64Encode('Data to encode')", R"("RGF0YSB0byBlbmNvZGU=")"},
      {"States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", R"("Data to encode")"},
      {"States.Base64Decode('4pyT')", R"("✓")"},
      {"States.Base64Decode('')", R"("")"},
      {"States.Base64Decode(123)", "!Invalid arguments in States.Base64Decode"},
      {"States.Base64Encode($.obj)", "!Invalid arguments in States.Base64Encode"},
      {"States.Hash('input data', 'MD5')", R"("812f45842bc6d66ee14572ce20db8e86")"},
      {"States.Hash('input data', 'SHA-1')", R"("aaff4a450a104cd177d28d18d74485e8cae074b7")"},
      {"States.Hash('input data', 'SHA-256')",
       R"("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")"},
      {"States.Hash('input data', 'SHA-384')",
       R"("d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562")"},
      {"States.Hash('input data', 'SHA-512')",
       R"("6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4")"},
      {"States.Hash('x', 'sha-256')", "!Invalid arguments in States.Hash"},
      {"States.Hash('x')", "!Invalid arguments in States.Hash"},
  };
  for (const Case& c : cases) check(c);
  std::string ten_thousand(10000, 'a');
  std::string too_long(10001, 'a');
  EXPECT_FALSE(run("States.Base64Encode('" + ten_thousand + "')").starts_with("!"));
  EXPECT_TRUE(run("States.Base64Encode('" + too_long + "')").starts_with("!"));
  EXPECT_FALSE(run("States.Hash('" + ten_thousand + "', 'MD5')").starts_with("!"));
  EXPECT_TRUE(run("States.Hash('" + too_long + "', 'MD5')").starts_with("!"));
}

TEST(IntrinsicsTest, MathFunctions) {
  const Case cases[] = {
      {"States.MathAdd(111, -1)", "110"},
      {"States.MathAdd($.n, 1)", "6"},
      {"States.MathAdd(1.49, 1.5)", "3"},
      {"States.MathAdd(-1.5, -1.51)", "-3"},
      {"States.MathAdd(-2.5, 0)", "-2"},
      {"States.MathAdd(0.5, 0)", "1"},
      {"States.MathAdd($.name, 1)", "!Invalid arguments in States.MathAdd"},
      {"States.MathAdd(2147483648, 1)", "!Invalid arguments in States.MathAdd"},
      {"States.MathRandom(1, 1)", "!Invalid arguments in States.MathRandom"},
      {"States.MathRandom(10, 5)", "!Invalid arguments in States.MathRandom"},
      {"States.MathRandom(1.4, 1.6)", "!Invalid arguments in States.MathRandom"},
      {"States.MathRandom('a', 5)", "!Invalid arguments in States.MathRandom"},
      {"States.MathRandom(1, 10, null)", "!Invalid arguments in States.MathRandom"},
  };
  for (const Case& c : cases) check(c);
}

TEST(IntrinsicsTest, MathRandomIsSeededLikeJavaUtilRandom) {
  // What the JDK gives: new Random(42).nextInt(100) is 30, new Random(7).nextInt(1000) is 236,
  // new Random(-10).nextInt(37) is 33, new Random(3).nextInt(999) is 239.
  EXPECT_EQ(run("States.MathRandom(0, 100, 42)"), "30");
  EXPECT_EQ(run("States.MathRandom(0, 1000, 7)"), "236");
  EXPECT_EQ(run("States.MathRandom(10, 1010, 7)"), "246");
  EXPECT_EQ(run("States.MathRandom(0, 37, -10)"), "33");
  EXPECT_EQ(run("States.MathRandom(1, 1000, 3)"), "240");
  Random random(5);
  for (int i = 0; i < 100; ++i) {
    std::string v = run("States.MathRandom(1, 4)", &random);
    EXPECT_TRUE(v == "1" || v == "2" || v == "3") << v;
  }
}

TEST(IntrinsicsTest, UuidComesFromTheScopesRandomSource) {
  Random a(9);
  Random b(9);
  std::string first = run("States.UUID()", &a);
  EXPECT_EQ(first, run("States.UUID()", &b));
  EXPECT_EQ(first.size(), 38u);
  EXPECT_EQ(first[15], '4');
}

TEST(IntrinsicsTest, CallsNest) {
  EXPECT_EQ(run("States.ArrayLength(States.StringSplit($.s, ','))"), "3");
  EXPECT_EQ(run("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), "
                "States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, "
                "'-')), -1))"),
            R"("b")");
}

TEST(IntrinsicsTest, CompileRefusesMalformedCalls) {
  for (const char* text :
       {"States.Nope(1)", "States.Format('x'", "States.Format('x)", "States.Format('a\\nb')",
        "States.Format('x') extra", "States.Format(,)", "States.Format('x',)", "States.Array(1 2)",
        "states.Format('x')", "States.Format($.a[)",
        "States.Array(States.Array(States.Array(States.Array(States.Array(States.Array("
        "States.Array(States.Array(States.Array(States.Array(States.Array()))))))))))"}) {
    EXPECT_FALSE(Intrinsic::compile(text)) << text;
  }
  EXPECT_TRUE(
      Intrinsic::compile("States.Array(States.Array(States.Array(States.Array("
                         "States.Array(States.Array(States.Array(States.Array("
                         "States.Array(States.Array())))))))))"));
  EXPECT_TRUE(Intrinsic::compile("States.StringSplit('Hello\nWorld', '\n')"));
}

TEST(IntrinsicsTest, LintNamesWhatWillFailAtRunTime) {
  EXPECT_TRUE(Intrinsic::compile("States.Format('{}', 1)")->lint().empty());
  auto arity = Intrinsic::compile("States.ArrayRange(1, 2)")->lint();
  ASSERT_EQ(arity.size(), 1u);
  EXPECT_EQ(arity[0], "States.ArrayRange takes 3 arguments but is given 2");
  auto kind = Intrinsic::compile("States.MathAdd('a', 1)")->lint();
  ASSERT_EQ(kind.size(), 1u);
  EXPECT_EQ(kind[0], "argument 1 of States.MathAdd must be a number");
}

}  // namespace
}  // namespace baton::asl
