#include "asl/path.h"

#include <gtest/gtest.h>

namespace baton::asl {
namespace {

using json::Value;

const char* kStore = R"({
  "store": {
    "book": [
      {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
      {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
      {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick",
       "isbn": "0-553-21311-3", "price": 8.99},
      {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings",
       "isbn": "0-395-19395-8", "price": 22.99}
    ],
    "bicycle": {"color": "red", "price": 19.95}
  },
  "a b": {"c": 1},
  "numbers": [1, 2, 3, 4, 5],
  "flag": false,
  "nothing": null
})";

struct Case {
  const char* path;
  const char* expected;  // compact JSON
};

std::string eval(std::string_view path_text, std::string_view doc) {
  auto path = Path::compile(path_text);
  EXPECT_TRUE(path) << path_text << ": " << (path ? "" : path.error());
  if (!path) return "<compile error>";
  Value input = *json::parse(doc);
  Scope scope{&input};
  auto v = path->evaluate(scope);
  if (!v) return "<" + v.error().message + ">";
  return json::to_string(*v);
}

TEST(PathTest, EvaluatesEachConstruct) {
  const Case cases[] = {
      {"$", ""},  // the whole document, checked below
      {"$.store.bicycle.color", R"("red")"},
      {"$['store']['bicycle']['price']", "19.95"},
      {"$[\"store\"].bicycle", R"({"color":"red","price":19.95})"},
      {"$['a b'].c", "1"},
      {"$.numbers[0]", "1"},
      {"$.numbers[-1]", "5"},
      {"$.numbers[-2]", "4"},
      {"$.numbers[0,2]", "[1,3]"},
      {"$.numbers[1:3]", "[2,3]"},
      {"$.numbers[:2]", "[1,2]"},
      {"$.numbers[-2:]", "[4,5]"},
      {"$.numbers[3:]", "[4,5]"},
      {"$.numbers[3:100]", "[4,5]"},
      // Issue 9: a negative end counts from the end, as a negative start does.
      {"$.numbers[:-1]", "[1,2,3,4]"},
      {"$.numbers[1:-1]", "[2,3,4]"},
      {"$.numbers[-3:-1]", "[3,4]"},
      {"$.numbers[:-5]", "[]"},
      {"$.numbers[*]", "[1,2,3,4,5]"},
      {"$.store.bicycle.*", R"(["red",19.95])"},
      {"$.store.book[*].author",
       R"(["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"])"},
      {"$..author", R"(["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"])"},
      {"$.store..price", "[8.95,12.99,8.99,22.99,19.95]"},
      {"$..book[2].title", R"(["Moby Dick"])"},
      {"$..book[?(@.isbn)].title", R"(["Moby Dick","The Lord of the Rings"])"},
      {"$.store.book[?(@.price < 10)].title", R"(["Sayings","Moby Dick"])"},
      {"$.store.book[?(@.price <= 8.99)].price", "[8.95,8.99]"},
      {"$.store.book[?(@.price > 20)].author", R"(["J. R. R. Tolkien"])"},
      {"$.store.book[?(@.price >= 12.99)].price", "[12.99,22.99]"},
      {"$.store.book[?(@.category == 'reference')].title", R"(["Sayings"])"},
      {"$.store.book[?(@.category != 'fiction')].title", R"(["Sayings"])"},
      {"$.store.book[?(@.category == 'fiction' && @.price < 10)].title", R"(["Moby Dick"])"},
      {"$.store.book[?(@.price < 9 || @.price > 20)].price", "[8.95,8.99,22.99]"},
      {"$.store.book[?(!(@.price < 20))].price", "[22.99]"},
      {"$.store.book[?(@.author =~ /.*Tolkien/)].price", "[22.99]"},
      {"$.store.book[?(@.category in ['reference'])].price", "[8.95]"},
      {"$.store.book[?(@.price > $.store.bicycle.price)].price", "[22.99]"},
      {"$.numbers[?(@ > 3)]", "[4,5]"},
      {"$.numbers.length()", "5"},
      {"$.store.book.length()", "4"},
      {"$.store.book[*].price.length()", "4"},
      {"$.numbers.min()", "1.0"},
      {"$.numbers.max()", "5.0"},
      {"$.numbers.sum()", "15.0"},
      {"$.numbers.avg()", "3.0"},
      {"$.store.bicycle['color','price']", R"({"color":"red","price":19.95})"},
      {"$.flag", "false"},
      {"$.nothing", "null"},
      {"$.missing[*]", "[]"},
      {"$..missing", "[]"},
  };
  for (const Case& c : cases) {
    if (std::string_view(c.path) == "$") continue;
    EXPECT_EQ(eval(c.path, kStore), c.expected) << c.path;
  }
  EXPECT_EQ(eval("$", R"({"a":1})"), R"({"a":1})");
}

TEST(PathTest, DefinitePathsFailAsJaywayDoes) {
  EXPECT_EQ(eval("$.NoSuchInputPath", "{}"), "<No results for path: $['NoSuchInputPath']>");
  EXPECT_EQ(eval("$.a.b.c", R"({"a":{}})"), "<Missing property in path $['a']['b']>");
  EXPECT_EQ(eval("$.a.b", R"({"a":{}})"), "<No results for path: $['a']['b']>");
  EXPECT_EQ(eval("$.a[5]", R"({"a":[1]})"), "<No results for path: $['a'][5]>");
  EXPECT_EQ(eval("$.a.b", R"({"a":"text"})").substr(0, 45),
            "<Expected to find an object with property ['b");
}

TEST(PathTest, KnowsWhichPathsAreDefinite) {
  for (const char* p : {"$", "$.a", "$.a[0]", "$['a']", "$.a.length()", "$['a','b']"}) {
    EXPECT_TRUE(Path::compile(p)->is_definite()) << p;
  }
  for (const char* p : {"$.a[*]", "$..a", "$.a[0:1]", "$.a[?(@.x)]", "$.a[0,1]", "$.*"}) {
    EXPECT_FALSE(Path::compile(p)->is_definite()) << p;
  }
}

TEST(PathTest, RefusesWhatIsNotJsonPath) {
  for (const char* p : {"", "a", "$.", "$..", "$[", "$.a[", "$['a'", "$.a b", "$[?(@.a <)]",
                        "$.a.unknown()", "$.length().x", "$[1:2:3]", "$.a]", "@.a"}) {
    EXPECT_FALSE(Path::compile(p)) << p;
  }
}

TEST(PathTest, ReferencePathsNameOneNode) {
  for (const char* p : {"$", "$.a", "$.a.b", "$['a b']", "$.a[0]", "$.a[0].b"}) {
    EXPECT_TRUE(Path::compile_reference(p)) << p;
  }
  for (const char* p : {"$.a[*]", "$..a", "$.a[0:1]", "$.a[?(@.x)]", "$.a[-1]", "$$.Execution",
                        "$.a.length()", "$['a','b']", "$var"}) {
    EXPECT_FALSE(Path::compile_reference(p)) << p;
  }
  auto steps = Path::compile_reference("$.a[2]['b c']")->reference_steps();
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].name, "a");
  EXPECT_TRUE(steps[1].is_index());
  EXPECT_EQ(steps[1].index, 2);
  EXPECT_EQ(steps[2].name, "b c");
}

class FixedVariables : public Variables {
 public:
  const Value* find(std::string_view name) const override {
    return name == "order" ? &order_ : nullptr;
  }
  Value order_ = *json::parse(R"({"id":7,"lines":[{"sku":"a"}]})");
};

TEST(PathTest, ReadsTheContextObjectAndVariables) {
  Value input = *json::parse(R"({"x":1})");
  Value context = *json::parse(R"({"Execution":{"Name":"run-1"},"Map":{"Item":{"Index":3}}})");
  FixedVariables variables;
  Scope scope{&input, &context, &variables};
  auto name = Path::compile("$$.Execution.Name");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->root(), PathRoot::Context);
  EXPECT_EQ(json::to_string(*name->evaluate(scope)), R"("run-1")");
  EXPECT_EQ(json::to_string(*Path::compile("$$.Map.Item.Index")->evaluate(scope)), "3");
  auto sku = Path::compile("$order.lines[0].sku");
  ASSERT_TRUE(sku);
  EXPECT_EQ(sku->root(), PathRoot::Variable);
  EXPECT_EQ(sku->variable(), "order");
  EXPECT_EQ(json::to_string(*sku->evaluate(scope)), R"("a")");
  EXPECT_FALSE(Path::compile("$missing.a")->evaluate(scope));
}

TEST(PathTest, CanonicalFormIsJaywaysAndTextIsKept) {
  auto p = Path::compile("$.a['b'][0]..c[*]");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->canonical(), "$['a']['b'][0]..['c'][*]");
  EXPECT_EQ(p->text(), "$.a['b'][0]..c[*]");
}

}  // namespace
}  // namespace baton::asl
