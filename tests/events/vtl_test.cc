// Mapping templates (events/vtl.h): AWS's documented examples, each directive, Velocity 1.7's
// whitespace, errors with their line and column, and the bounds.

#include "events/vtl.h"

#include <gtest/gtest.h>

#include <string>

namespace baton::events::vtl {
namespace {

json::Value parse(std::string_view text) { return *json::parse(text); }

Variables with_body(std::string body) {
  Variables v;
  v.input.body = std::move(body);
  return v;
}

// The output, or "error: <cause>" when compiling or rendering fails.
std::string run(std::string_view text, const Variables& v = {}, RenderOptions options = {}) {
  auto compiled = Template::compile(text);
  if (!compiled) return "error: " + compiled.error().cause;
  auto rendered = render(*compiled, v, options);
  if (!rendered) return "error: " + rendered.error().cause;
  return rendered->text;
}

struct Case {
  const char* name;
  const char* text;
  const char* expected;
};

// References, literals and operators, with no input.
const Case kExpressions[] = {
    {"set and reference", "#set($a = 1)$a", "1"},
    {"formal reference", "#set($a = 'x')${a}y", "xy"},
    {"quiet undefined", "[$!nothing]", "[]"},
    {"undefined renders empty as API Gateway does", "[$nothing]", "[]"},
    {"property of a map", "#set($m = {\"a\": {\"b\": 2}})$m.a.b", "2"},
    {"index of a list", "#set($l = [1, \"two\", 3])$l[1] $l[-1]", "two 3"},
    {"index of a map", "#set($m = {\"k\": \"v\"})$m[\"k\"]", "v"},
    {"map renders as Java's toString", "#set($m = {\"a\": 1, \"b\": \"x\"})$m", "{a=1, b=x}"},
    {"list renders as Java's toString", "#set($l = [1, 2, [3]])$l", "[1, 2, [3]]"},
    {"doubles render as Java's", "#set($a = 1.5)#set($b = 4.0)#set($c = 1e10)$a $b $c",
     "1.5 4.0 1.0E10"},
    {"integer division", "#set($a = 7 / 2)#set($b = 7 % 3)#set($c = 7.0 / 2)$a $b $c", "3 1 3.5"},
    {"precedence", "#set($a = 1 + 2 * 3 - (4 - 2))$a", "5"},
    {"string plus concatenates", "#set($a = \"a\" + 1 + 2)$a", "a12"},
    {"division by zero is null and keeps the old value", "#set($a = 1)#set($a = 1 / 0)$a", "1"},
    {"comparisons", "#if(1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3 && 1 != 2 && 2 == 2)yes#end", "yes"},
    {"word operators", "#if(1 lt 2 and not false or false)yes#end", "yes"},
    {"== compares strings of different types", "#if(1 == \"1\")yes#end", "yes"},
    {"== between numbers of different types", "#if(2 == 2.0)yes#end", "yes"},
    {"< on strings is false", "#if(\"a\" < \"b\")yes#{else}no#end", "no"},
    {"truth: only null and false are false", "#if(\"\" && 0 && [])yes#end#if($nothing)no#end",
     "yes"},
    {"double-quoted strings interpolate", "#set($n = 'x')#set($s = \"<$n ${n}>\")$s", "<x x>"},
    {"single-quoted strings do not", "#set($n = 'x')#set($s = '$n')$s", "$n"},
    {"doubled quotes", "#set($s = \"a\"\"b\")#set($t = 'c''d')$s $t", "a\"b c'd"},
    {"unicode escape in a literal", "#set($s = \"\\u00e9\")$s", "\xC3\xA9"},
    {"range", "#set($r = [1..3])$r #set($d = [3..1])$d", "[1, 2, 3][3, 2, 1]"},
    {"range of references", "#set($a = 2)#set($b = 4)#foreach($i in [$a..$b])$i#end", "234"},
    {"names may hold a dash", "#set($a-b = 5)$a-b", "5"},
    {"null literal", "#set($a = 1)#set($a = null)$a", "1"},
    {"escaped reference, defined", "#set($a = 1)\\$a \\\\$a", "$a \\1"},
    {"escaped reference, undefined", "\\$a", "\\$a"},
    {"escaped directive", "\\#if(true) \\#end", "#if(true) #end"},
    {"dollar and hash alone are text", "$ 5 # $1 #1 a#b", "$ 5 # $1 #1 a#b"},
    {"a dot not followed by a name ends the reference", "#set($a = 'x')$a. $a.1", "x. x.1"},
    {"a method call on null is null", "[$nothing.size()]", "[]"},
};

TEST(VtlTest, Expressions) {
  for (const Case& c : kExpressions) EXPECT_EQ(run(c.text), c.expected) << c.name;
}

const Case kDirectives[] = {
    {"if elseif else", "#foreach($i in [1..3])#if($i == 1)a#elseif($i == 2)b#{else}c#end#end",
     "abc"},
    {"braced forms", "#{if}(true)x#{else}y#{end}", "x"},
    {"foreach over a map's values", "#foreach($v in {\"a\": 1, \"b\": 2})$v#end", "12"},
    {"foreach helpers",
     "#foreach($i in ['a', 'b'])$foreach.index$foreach.count$velocityCount$i"
     "#if($foreach.hasNext),#end#end",
     "011a,122b"},
    {"nested foreach and parent",
     "#foreach($i in [1..2])#foreach($j in [1..2])$foreach.parent.count$j #end#end",
     "11 12 21 22 "},
    {"break", "#foreach($i in [1..5])#if($i == 3)#break#end$i#end", "12"},
    {"stop keeps what was rendered", "a#stop b", "a"},
    {"loop variable restored", "#set($i = 'x')#foreach($i in [1])$i#end$i", "1x"},
    {"foreach over null does nothing", "#foreach($i in $nothing)x#end.", "."},
    {"define", "#define($block)<$x>#end#set($x = 1)$block#set($x = 2)$block", "<1><2>"},
    {"macro", "#macro(greet $who)hi $who#end#greet('bob') #greet(\"amy\")", "hi bob hi amy"},
    {"an unknown #name( is text", "#nothing(1)", "#nothing(1)"},
    {"comments", "a## gone\nb#* gone\ntoo *#c", "abc"},
    {"unparsed block", "#[[$a #if(]]#", "$a #if("},
    {"set into a map", "#set($m = {})#set($m.a = 1)#set($m[\"b\"] = 2)$m", "{a=1, b=2}"},
    {"set into a list", "#set($l = [1, 2])#set($l[0] = 9)$l", "[9, 2]"},
};

TEST(VtlTest, Directives) {
  for (const Case& c : kDirectives) EXPECT_EQ(run(c.text), c.expected) << c.name;
}

// Velocity 1.7's whitespace: what a directive's line leaves behind.
const Case kWhitespace[] = {
    {"#set on its own line leaves nothing", "#set($a = 1)\nx", "x"},
    {"indented #set lines leave nothing", "  #set($a = 1)\n  #set($b = 2)\nx", "x"},
    {"an indented #set after text keeps the text's indentation",
     "{\n  #set($a = 1)\n  \"a\": $a\n}", "{\n    \"a\": 1\n}"},
    {"#if and #end lines take their line break, not their indentation", "#if(true)\n  a\n#end\nb",
     "  a\nb"},
    {"indented #if and #end keep the indentation", "  #if(true)\n  a\n  #end\nb", "    a\n  b"},
    {"#else takes its line break", "#if(false)\na\n#else\nb\n#end\n", "b\n"},
    {"#foreach", "#foreach($i in [1, 2])\n$i\n#end\n", "1\n2\n"},
    {"trailing blanks before the line break go too", "#set($a = 1)   \nx", "x"},
    {"#end followed by text keeps the text", "#if(true)a#end b", "a b"},
    {"a comment's line break goes", "a\n## note\nb", "a\nb"},
    {"CRLF", "#set($a = 1)\r\n$a\r\n", "1\r\n"},
};

TEST(VtlTest, Whitespace) {
  for (const Case& c : kWhitespace) EXPECT_EQ(run(c.text), c.expected) << c.name;
}

const Case kMethods[] = {
    {"length", "#set($s = 'hello')$s.length()", "5"},
    {"substring", "#set($s = 'hello')$s.substring(1) $s.substring(1, 3)", "ello el"},
    {"indexOf", "#set($s = 'hello')$s.indexOf('l') $s.lastIndexOf('l') $s.indexOf('z')", "2 3 -1"},
    {"predicates",
     "#set($s = 'Hello')$s.contains('ell') $s.startsWith('He') $s.endsWith('x') "
     "$s.equals('Hello') $s.equalsIgnoreCase('hello') $s.isEmpty()",
     "true true false true true false"},
    {"case and trim", "#set($s = '  Ab ')[$s.trim()] $s.toLowerCase() $s.toUpperCase()",
     "[Ab]   ab    AB "},
    {"replace", "#set($s = 'a.b.c')$s.replace('.', '/')", "a/b/c"},
    {"replaceAll with a regex and a group", "#set($s = 'a1b22')$s.replaceAll('([0-9]+)', '<$1>')",
     "a<1>b<22>"},
    {"split", "#set($s = 'a,b,,c,,')$s.split(',')", "[a, b, , c]"},
    {"matches", "#set($s = 'abc123')$s.matches('[a-z]+[0-9]+') $s.matches('[a-z]+')", "true false"},
    {"charAt", "#set($s = 'héllo')$s.charAt(1)$s.length()", "é5"},
    {"map methods",
     "#set($m = {'a': 1})$m.put('b', 2)$m.get('b') $m.containsKey('a') $m.size() $m.keySet() "
     "$m.values() $m.remove('a') $m $m.isEmpty()",
     "2 true 2 [a, b] [1, 2] 1 {b=2} false"},
    {"entrySet", "#set($m = {'a': 1})#foreach($e in $m.entrySet())$e.key=$e.value#end", "a=1"},
    {"list methods",
     "#set($l = [])$l.add('x')$l.add('y')$l.size() $l.get(0) $l.contains('y') $l.isEmpty() "
     "$l.indexOf('y') $l.remove(0) $l",
     "truetrue2 x true false 1 x [y]"},
    {"numbers", "#set($d = 2.7)$d.intValue() #set($i = 3)$i.toString()$i.doubleValue()",
     "233.0"},  // #set takes the blank before it
};

TEST(VtlTest, JavaMethods) {
  for (const Case& c : kMethods) EXPECT_EQ(run(c.text), c.expected) << c.name;
}

TEST(VtlTest, UnsupportedMethodIsAnErrorThatNamesIt) {
  EXPECT_EQ(run("#set($s = 'x')\n  $s.frobnicate(1)"),
            "error: the method String.frobnicate with 1 argument is not supported at line 2, "
            "column 5");
}

TEST(VtlTest, NullRendersAsSourceTextWhenAskedForVelocity) {
  RenderOptions velocity{NullReference::SourceText};
  EXPECT_EQ(run("$foo $!foo ${foo.bar} $input.path('$.x')", with_body("{}"), velocity),
            "$foo  ${foo.bar} $input.path('$.x')");
}

// The "pets" example of AWS's mapping-template pages: an array reshaped with #foreach over
// $input.path and #if($foreach.hasNext),#end.
TEST(VtlTest, PetsExample) {
  Variables v = with_body(
      R"([{"id": 1, "type": "dog", "price": 249.99}, {"id": 2, "type": "cat", "price": 124.99}])");
  std::string text = R"(#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
  {
    "description" : "Item $elem.id is a $elem.type.",
    "askingPrice" : $elem.price
  }#if($foreach.hasNext),#end

#end
])";
  EXPECT_EQ(run(text, v), R"([
  {
    "description" : "Item 1 is a dog.",
    "askingPrice" : 249.99
  },
  {
    "description" : "Item 2 is a cat.",
    "askingPrice" : 124.99
  }
])");
}

TEST(VtlTest, StepFunctionsStartExecution) {
  Variables v = with_body(R"({"name": "O'Brien", "path": "a/b"})");
  EXPECT_EQ(
      run(R"vtl({"input": "$util.escapeJavaScript($input.json('$'))", "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:S"})vtl",
          v),
      R"({"input": "{\"name\":\"O\'Brien\",\"path\":\"a\/b\"}", "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:S"})");
}

TEST(VtlTest, EscapeJavaScriptThenUnescapeQuotesAsAwsAdvises) {
  Variables v = with_body(R"({"name": "O'Brien"})");
  EXPECT_EQ(run(R"vtl($util.escapeJavaScript($input.path('$.name')).replaceAll("\\'","'"))vtl", v),
            "O'Brien");
  EXPECT_EQ(run("$util.escapeJavaScript(\"tab\there\u00e9\n\")"), "tab\\there\\u00E9\\n");
}

TEST(VtlTest, SqsSendMessage) {
  Variables v = with_body(R"({"a": "b c&d"})");
  EXPECT_EQ(run("Action=SendMessage&MessageBody=$util.urlEncode($input.body)", v),
            "Action=SendMessage&MessageBody=%7B%22a%22%3A+%22b+c%26d%22%7D");
}

TEST(VtlTest, DynamoDbPutItemWithForeach) {
  Variables v = with_body(R"({"id": "42", "items": [{"sku": "a", "n": 1}, {"sku": "b", "n": 2}]})");
  std::string text = R"vtl({
  "TableName": "Orders",
  "Item": {
    "id": {"S": "$input.path('$.id')"},
    "lines": {"L": [
      #foreach($line in $input.path('$.items'))
      {"M": {"sku": {"S": "$line.sku"}, "n": {"N": "$line.n"}}}#if($foreach.hasNext),#end
      #end
    ]}
  }
})vtl";
  EXPECT_EQ(run(text, v), R"vtl({
  "TableName": "Orders",
  "Item": {
    "id": {"S": "42"},
    "lines": {"L": [
            {"M": {"sku": {"S": "a"}, "n": {"N": "1"}}},            {"M": {"sku": {"S": "b"}, "n": {"N": "2"}}}          ]}
  }
})vtl");
}

TEST(VtlTest, InputJsonAndPath) {
  Variables v = with_body(R"({"a": {"b": [1, 2.5, "x", true, null]}, "s": "text"})");
  EXPECT_EQ(run("$input.json('$.a') $input.json('$.s') $input.json('$.a.b[1]')", v),
            R"({"b":[1,2.5,"x",true,null]} "text" 2.5)");
  EXPECT_EQ(run("$input.path('$.s') $input.path('$.a.b').size() $input.path('$.a.b')[2]", v),
            "text 5 x");
  EXPECT_EQ(run("[$input.json('$.missing')][$input.path('$.missing')]", v), "[][]");
  EXPECT_EQ(run("$input.json('$.a.b[*]')", v), R"([1,2.5,"x",true,null])");
  EXPECT_EQ(run("$input.json('$')", with_body("")), "{}");
  EXPECT_EQ(run("$input.body", with_body("not json")), "not json");
  EXPECT_EQ(run("\n$input.json('$')", with_body("not json")),
            "error: $input.json needs a JSON body, and the body is not JSON (Unrecognized token "
            "'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or "
            "'false') at line 1, column 4) at line 2, column 7");
  EXPECT_EQ(run("$input.path('nope')", v).substr(0, 35), "error: invalid JSONPath 'nope' give");
}

TEST(VtlTest, InputParams) {
  Variables v;
  v.input.path = parse(R"({"id": "7"})");
  v.input.querystring = parse(R"({"q": "cats", "id": "query"})");
  v.input.header = parse(R"({"X-Trace": "t1"})");
  EXPECT_EQ(run("$input.params('id') $input.params('q') $input.params('x-trace') "
                "[$input.params('none')]",
                v),
            "7 cats t1 []");
  EXPECT_EQ(run("$input.params() $input.params().header.get('X-Trace') "
                "$input.params().querystring.keySet()",
                v),
            "{path={id=7}, querystring={q=cats, id=query}, header={X-Trace=t1}} t1 [q, id]");
}

TEST(VtlTest, UtilFunctions) {
  EXPECT_EQ(run("$util.base64Encode('hello') $util.base64Decode('aGVsbG8=') "
                "$util.urlDecode('a+b%26c') $util.parseJson('{\"k\": [1]}').k[0]"),
            "aGVsbG8= hello a b&c 1");
  EXPECT_EQ(run("$util.urlDecode('%zz')"),
            "error: $util.urlDecode: '%zz' has a bad % escape at line 1, column 6");
}

TEST(VtlTest, ContextAndStageVariables) {
  Variables v;
  v.context = parse(R"({"requestId": "r-1", "identity": {"sourceIp": "10.0.0.1"}})");
  v.stage_variables = parse(R"({"table": "Orders"})");
  auto compiled = Template::compile(
      "$context.requestId $context.identity.sourceIp $stageVariables.table\n"
      "#set($context.responseOverride.status = 400)\n"
      "#set($context.responseOverride.header.X-Reason = \"bad\")\n"
      "#set($context.requestOverride.header.X-Y = \"y\")\n");
  ASSERT_TRUE(compiled) << compiled.error().cause;
  auto rendered = render(*compiled, v);
  ASSERT_TRUE(rendered) << rendered.error().cause;
  EXPECT_EQ(rendered->text, "r-1 10.0.0.1 Orders\n");
  EXPECT_EQ(json::to_string(rendered->context),
            R"({"requestId":"r-1","identity":{"sourceIp":"10.0.0.1"},)"
            R"("requestOverride":{"header":{"X-Y":"y"}},)"
            R"("responseOverride":{"header":{"X-Reason":"bad"},"status":400}})");
}

TEST(VtlTest, ContextComesBackUnchangedWhenNothingIsSet) {
  Variables v;
  v.context = parse(R"({"stage": "prod"})");
  auto rendered = render(*Template::compile("$context.stage"), v);
  ASSERT_TRUE(rendered);
  EXPECT_EQ(json::to_string(rendered->context), R"({"stage":"prod"})");
}

const Case kCompileErrors[] = {
    {"unclosed if", "a\n #if($a)\nb",
     "Invalid mapping expression specified: #if has no #end at line 2, column 2"},
    {"stray end", "x #end",
     "Invalid mapping expression specified: #end without an open directive at line 1, column 3"},
    {"bad expression", "#set($a = )",
     "Invalid mapping expression specified: expected a value at line 1, column 11"},
    {"unclosed string", "#set($a = 'x)",
     "Invalid mapping expression specified: a string has no closing ' at line 1, column 11"},
    {"unclosed formal reference", "${a.b",
     "Invalid mapping expression specified: expected '}' closing ${a at line 1, column 6"},
    {"if without parenthesis", "#if true",
     "Invalid mapping expression specified: expected '(' after #if or #elseif at line 1, "
     "column 5"},
    {"unclosed comment", "#* x",
     "Invalid mapping expression specified: a #* comment has no closing *# at line 1, column 1"},
    {"include", "#include('x')",
     "Invalid mapping expression specified: #include is not supported in mapping templates at "
     "line 1, column 1"},
    {"else after else", "#if(true)#else#else#end",
     "Invalid mapping expression specified: #else or #elseif after #else at line 1, column 20"},
};

TEST(VtlTest, CompileErrorsSayWhatAndWhere) {
  for (const Case& c : kCompileErrors) {
    auto compiled = Template::compile(c.text);
    ASSERT_FALSE(compiled) << c.name;
    EXPECT_EQ(compiled.error().name, "BadRequestException") << c.name;
    EXPECT_EQ(compiled.error().cause, c.expected) << c.name;
  }
}

TEST(VtlTest, RuntimeErrorsSayWhatAndWhere) {
  auto compiled = Template::compile("#set($l = [1])\n$l[3]");
  ASSERT_TRUE(compiled);
  auto rendered = render(*compiled, {});
  ASSERT_FALSE(rendered);
  EXPECT_EQ(rendered.error().name, "InternalServerErrorException");
  EXPECT_EQ(rendered.error().cause,
            "index 3 is out of bounds for a list of 1 items at line 2, column 3");
}

TEST(VtlTest, BoundsStopRunawayTemplates) {
  EXPECT_EQ(run("#foreach($i in [1..100000])#foreach($j in [1..2])#end#end"),
            "error: #foreach ran more than 100000 iterations at line 1, column 28");
  EXPECT_EQ(run("#set($r = [0..100000])"),
            "error: the range [0..100000] is longer than 100000 at line 1, column 11");
  EXPECT_EQ(run("#set($s = 'xxxxxxxxxxxxxxxx')#foreach($i in [1..30])#set($s = \"$s$s\")#end"),
            "error: the template produced text longer than 10485760 bytes at line 1, column 66");
  EXPECT_EQ(run("#macro(m)#m()#end#m()"),
            "error: macros and blocks nested more than 20 calls deep at line 1, column 10");
  std::string deep(100, '(');
  EXPECT_EQ(run("#set($a = " + deep + "1" + std::string(100, ')') + ")"),
            "error: Invalid mapping expression specified: nesting deeper than 64 levels at "
            "line 1, column 75");
  EXPECT_EQ(run("#set($l = [])$l.add($l)$l"),
            "error: the template produced text longer than 10485760 bytes at line 1, column 24");
}

}  // namespace
}  // namespace baton::events::vtl
