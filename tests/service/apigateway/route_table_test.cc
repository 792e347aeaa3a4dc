#include "service/apigateway/route_table.h"

#include <gtest/gtest.h>

namespace baton::service::apigateway {
namespace {

RouteTable table_of(std::initializer_list<const char*> keys) {
  RouteTable table;
  for (const char* key : keys) {
    auto parsed = RouteKey::parse(key);
    EXPECT_TRUE(parsed.has_value()) << key << ": " << (parsed ? "" : parsed.error().cause);
    if (parsed) table.add(std::move(*parsed), key);
  }
  return table;
}

// The route key `method path` takes, and its path parameters as "name=value;...".
std::string route_for(const RouteTable& table, const char* method, const char* path) {
  auto found = table.find(method, path);
  if (!found) return "(none)";
  std::string out = found->entry->route_id;
  for (const auto& [name, value] : found->path_parameters) out += " " + name + "=" + value;
  return out;
}

TEST(RouteTableTest, FollowsAwsPriorityExample) {
  // The routes of AWS's "Routing API requests" example, added in an order of their own.
  RouteTable table = table_of(
      {"$default", "ANY /{proxy+}", "GET /pets/{proxy+}", "GET /pets/dog/{id}", "GET /pets/dog/1"});
  struct Case {
    const char* method;
    const char* path;
    const char* route;
  };
  for (const Case& c : {
           Case{"GET", "/pets/dog/1", "GET /pets/dog/1"},
           Case{"GET", "/pets/dog/2", "GET /pets/dog/{id} id=2"},
           Case{"GET", "/pets/cat/1", "GET /pets/{proxy+} proxy=cat/1"},
           Case{"POST", "/pets/dog/1", "ANY /{proxy+} proxy=pets/dog/1"},
           Case{"GET", "/", "$default"},
       }) {
    EXPECT_EQ(route_for(table, c.method, c.path), c.route) << c.method << " " << c.path;
  }
}

TEST(RouteTableTest, OwnMethodBeforeAnyOnTheSamePath) {
  RouteTable table = table_of({"ANY /pets", "POST /pets"});
  EXPECT_EQ(route_for(table, "POST", "/pets"), "POST /pets");
  EXPECT_EQ(route_for(table, "DELETE", "/pets"), "ANY /pets");
}

TEST(RouteTableTest, LiteralSegmentBeforeVariableFromTheLeft) {
  RouteTable table = table_of({"GET /{kind}/toys", "GET /pets/{id}"});
  EXPECT_EQ(route_for(table, "GET", "/pets/toys"), "GET /pets/{id} id=toys");
  EXPECT_EQ(route_for(table, "GET", "/cats/toys"), "GET /{kind}/toys kind=cats");
}

TEST(RouteTableTest, VariablesTakeDecodedWholeSegments) {
  RouteTable table = table_of({"GET /pets/{id}", "GET /files/{path+}"});
  EXPECT_EQ(route_for(table, "GET", "/pets/a%20b"), "GET /pets/{id} id=a b");
  EXPECT_EQ(route_for(table, "GET", "/pets/1/2"), "(none)");
  EXPECT_EQ(route_for(table, "GET", "/pets/"), "(none)");
  EXPECT_EQ(route_for(table, "GET", "/files/a/b%2Fc.txt"), "GET /files/{path+} path=a/b/c.txt");
  // A greedy variable takes one segment at least, not its parent.
  EXPECT_EQ(route_for(table, "GET", "/files"), "(none)");
  EXPECT_EQ(route_for(table, "GET", "/files/"), "(none)");
}

TEST(RouteTableTest, NoDefaultNoMatch) {
  RouteTable table = table_of({"GET /pets"});
  EXPECT_EQ(route_for(table, "GET", "/pets"), "GET /pets");
  EXPECT_EQ(route_for(table, "GET", "/dogs"), "(none)");
  EXPECT_EQ(route_for(table, "PUT", "/pets"), "(none)");
}

TEST(RouteTableTest, RootRoute) {
  RouteTable table = table_of({"GET /", "GET /{id}"});
  EXPECT_EQ(route_for(table, "GET", "/"), "GET /");
  EXPECT_EQ(route_for(table, "GET", "/7"), "GET /{id} id=7");
}

TEST(RouteKeyTest, RefusesMalformedKeysSayingWhy) {
  struct Case {
    const char* key;
    const char* why;
  };
  for (const Case& c : {
           Case{"GET/pets", "no space between method and path"},
           Case{"FETCH /pets", "the method 'FETCH' is not one of"},
           Case{"GET pets", "the path must start with '/'"},
           Case{"GET /pets/{proxy+}/toys", "must be the last segment"},
           Case{"GET /pets/a{id}", "must be a whole segment"},
           Case{"GET /{id}/{id}", "appears twice"},
           Case{"GET /pets//toys", "empty segment"},
           Case{"GET /{}", "has no valid name"},
       }) {
    auto parsed = RouteKey::parse(c.key);
    ASSERT_FALSE(parsed.has_value()) << c.key;
    EXPECT_EQ(parsed.error().name, "BadRequestException");
    EXPECT_NE(parsed.error().cause.find(c.why), std::string::npos) << parsed.error().cause;
    EXPECT_NE(parsed.error().cause.find(c.key), std::string::npos) << parsed.error().cause;
  }
}

}  // namespace
}  // namespace baton::service::apigateway
