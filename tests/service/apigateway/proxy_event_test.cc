#include "service/proxy_event.h"

#include <gtest/gtest.h>

#include "service/cors.h"

namespace baton::service::apigateway {
namespace {

using json::Value;

HttpRequestIn request() {
  HttpRequestIn in;
  in.method = "POST";
  in.raw_path = "/pets/a%20b";
  in.raw_query = "parameter1=value1&parameter1=value2&parameter2=value";
  in.headers = {{"host", "abc123defg.execute-api.localhost:3000"},
                {"user-agent", "curl/8"},
                {"cookie", "cookie1=a; cookie2=b"},
                {"x-multi", "one"},
                {"x-multi", "two"},
                {"content-type", "application/json"}};
  in.body = R"({"hello":"world"})";
  in.source_ip = "127.0.0.1";
  return in;
}

ProxyContext context() {
  ProxyContext c;
  c.account_id = "123456789012";
  c.api_id = "abc123defg";
  c.domain_name = "abc123defg.execute-api.localhost";
  c.stage = "$default";
  c.path = "/pets/a%20b";
  c.route_key = "POST /pets/{id}";
  c.route_path = "/pets/{id}";
  c.request_id = "JKJaXmPLvHcESHA=";
  c.time_ms = 1583348638390;
  c.path_parameters = {{"id", "a b"}};
  return c;
}

std::string member(const Value& v, std::string_view path) {
  const Value* at = &v;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) dot = path.size();
    at = at->find(path.substr(start, dot - start));
    if (at == nullptr) return "(absent)";
    start = dot + 1;
  }
  return at->is_string() ? std::string(at->as_string()) : json::to_string(*at);
}

TEST(ProxyEventTest, Version2AsAwsDocumentsIt) {
  Value e = event_v2(request(), context());
  EXPECT_EQ(member(e, "version"), "2.0");
  EXPECT_EQ(member(e, "routeKey"), "POST /pets/{id}");
  EXPECT_EQ(member(e, "rawPath"), "/pets/a%20b");
  EXPECT_EQ(member(e, "rawQueryString"), "parameter1=value1&parameter1=value2&parameter2=value");
  EXPECT_EQ(member(e, "cookies"), R"(["cookie1=a","cookie2=b"])");
  EXPECT_EQ(member(e, "headers.x-multi"), "one,two");
  EXPECT_EQ(member(e, "headers.cookie"), "(absent)");
  EXPECT_EQ(member(e, "headers.x-forwarded-for"), "127.0.0.1");
  EXPECT_EQ(member(e, "queryStringParameters"),
            R"({"parameter1":"value1,value2","parameter2":"value"})");
  EXPECT_EQ(member(e, "pathParameters"), R"({"id":"a b"})");
  EXPECT_EQ(member(e, "requestContext.accountId"), "123456789012");
  EXPECT_EQ(member(e, "requestContext.domainPrefix"), "abc123defg");
  EXPECT_EQ(member(e, "requestContext.http"),
            R"({"method":"POST","path":"/pets/a b","protocol":"HTTP/1.1",)"
            R"("sourceIp":"127.0.0.1","userAgent":"curl/8"})");
  EXPECT_EQ(member(e, "requestContext.time"), "04/Mar/2020:19:03:58 +0000");
  EXPECT_EQ(member(e, "requestContext.timeEpoch"), "1583348638390");
  EXPECT_EQ(member(e, "requestContext.stage"), "$default");
  EXPECT_EQ(member(e, "body"), R"({"hello":"world"})");
  EXPECT_EQ(member(e, "isBase64Encoded"), "false");
  EXPECT_EQ(member(e, "stageVariables"), "(absent)");
}

TEST(ProxyEventTest, Version2LeavesOutWhatTheRequestHasNot) {
  HttpRequestIn in = request();
  in.raw_query.clear();
  in.body.clear();
  in.headers = {{"host", "localhost"}};
  ProxyContext c = context();
  c.path_parameters.clear();
  Value e = event_v2(in, c);
  for (const char* absent : {"cookies", "queryStringParameters", "pathParameters", "body"}) {
    EXPECT_EQ(member(e, absent), "(absent)") << absent;
  }
  EXPECT_EQ(member(e, "isBase64Encoded"), "false");
}

TEST(ProxyEventTest, Version1HasMultiValueMembersAndNulls) {
  Value e = event_v1(request(), context());
  EXPECT_EQ(member(e, "version"), "1.0");
  EXPECT_EQ(member(e, "resource"), "/pets/{id}");
  EXPECT_EQ(member(e, "path"), "/pets/a b");
  EXPECT_EQ(member(e, "httpMethod"), "POST");
  EXPECT_EQ(member(e, "headers.x-multi"), "two");
  EXPECT_EQ(member(e, "multiValueHeaders.x-multi"), R"(["one","two"])");
  EXPECT_EQ(member(e, "headers.cookie"), "cookie1=a; cookie2=b");
  EXPECT_EQ(member(e, "queryStringParameters"), R"({"parameter1":"value2","parameter2":"value"})");
  EXPECT_EQ(member(e, "multiValueQueryStringParameters.parameter1"), R"(["value1","value2"])");
  EXPECT_EQ(member(e, "requestContext.identity.sourceIp"), "127.0.0.1");
  EXPECT_EQ(member(e, "requestContext.identity.caller"), "null");
  EXPECT_EQ(member(e, "requestContext.resourcePath"), "/pets/{id}");
  EXPECT_EQ(member(e, "requestContext.requestTimeEpoch"), "1583348638390");
  EXPECT_EQ(member(e, "pathParameters"), R"({"id":"a b"})");
  EXPECT_EQ(member(e, "stageVariables"), "null");
  HttpRequestIn bare = request();
  bare.raw_query.clear();
  bare.body.clear();
  Value b = event_v1(bare, context());
  EXPECT_EQ(member(b, "queryStringParameters"), "null");
  EXPECT_EQ(member(b, "multiValueQueryStringParameters"), "null");
  EXPECT_EQ(member(b, "body"), "null");
}

TEST(ProxyEventTest, BinaryBodiesTravelAsBase64) {
  EXPECT_FALSE(is_binary("application/json; charset=utf-8", "{}"));
  EXPECT_FALSE(is_binary("text/plain", "hello"));
  EXPECT_FALSE(is_binary("", "hello"));
  EXPECT_FALSE(is_binary("application/vnd.api+json", "{}"));
  EXPECT_TRUE(is_binary("application/octet-stream", "hello"));
  EXPECT_TRUE(is_binary("image/png", "\x89PNG"));
  EXPECT_TRUE(is_binary("application/x-www-form-urlencoded", "a=1"));
  EXPECT_TRUE(is_binary("text/plain", std::string("\xff\xfe", 2)));
  HttpRequestIn in = request();
  in.headers = {{"content-type", "application/octet-stream"}};
  in.body = std::string("\x00\x01\x02", 3);
  Value e = event_v2(in, context());
  EXPECT_EQ(member(e, "body"), "AAEC");
  EXPECT_EQ(member(e, "isBase64Encoded"), "true");
}

std::string header(const HttpAnswer& a, std::string_view name) {
  std::string out;
  for (const auto& [n, v] : a.headers) {
    if (n == name) out += (out.empty() ? "" : "|") + v;
  }
  return out;
}

TEST(ProxyAnswerTest, Version2InfersA200JsonAnswerFromABareValue) {
  auto text = answer_v2(R"("Hello from Lambda!")");
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->status, 200);
  EXPECT_EQ(text->body, "Hello from Lambda!");
  EXPECT_EQ(header(*text, "Content-Type"), "application/json");
  auto object = answer_v2(R"({"message":"Hello from Lambda!"})");
  ASSERT_TRUE(object.has_value());
  EXPECT_EQ(object->status, 200);
  EXPECT_EQ(object->body, R"({"message":"Hello from Lambda!"})");
}

TEST(ProxyAnswerTest, Version2StructuredResponse) {
  auto a = answer_v2(R"({"statusCode":201,"headers":{"x-one":"1","x-n":5},
      "multiValueHeaders":{"x-two":["a","b"]},"cookies":["c1=1","c2=2; Secure"],
      "body":"aGk=","isBase64Encoded":true})");
  ASSERT_TRUE(a.has_value()) << a.error().cause;
  EXPECT_EQ(a->status, 201);
  EXPECT_EQ(a->body, "hi");
  EXPECT_EQ(header(*a, "x-one"), "1");
  EXPECT_EQ(header(*a, "x-n"), "5");
  EXPECT_EQ(header(*a, "x-two"), "a|b");
  EXPECT_EQ(header(*a, "Set-Cookie"), "c1=1|c2=2; Secure");
}

TEST(ProxyAnswerTest, MultiValueHeadersWinOverHeaders) {
  auto a = answer_v1(R"({"statusCode":200,"headers":{"X-A":"1","x-b":"2"},
      "multiValueHeaders":{"x-a":["3","4"]},"body":"ok"})");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(header(*a, "x-a"), "3|4");
  EXPECT_EQ(header(*a, "X-A"), "");
  EXPECT_EQ(header(*a, "x-b"), "2");
}

TEST(ProxyAnswerTest, MalformedResponsesSayWhy) {
  struct Case {
    const char* payload;
    bool v1;
    const char* why;
  };
  for (const Case& c : {
           Case{"not json", false, "not JSON"},
           Case{R"({"statusCode":"200"})", false, "statusCode must be"},
           Case{R"({"statusCode":99})", false, "statusCode must be"},
           Case{R"({"statusCode":200,"headers":[]})", false, "headers must be an object"},
           Case{R"({"statusCode":200,"body":{"a":1}})", false, "body must be a string"},
           Case{R"({"statusCode":200,"body":"%%","isBase64Encoded":true})", false, "not base64"},
           Case{R"({"statusCode":200,"cookies":"a=1"})", false, "cookies must be"},
           Case{R"("just text")", true, "payload format 1.0 takes an object"},
           Case{R"({"body":"no status"})", true, "statusCode must be"},
       }) {
    auto a = c.v1 ? answer_v1(c.payload) : answer_v2(c.payload);
    ASSERT_FALSE(a.has_value()) << c.payload;
    EXPECT_EQ(a.error().name, "MalformedResponse");
    EXPECT_NE(a.error().cause.find(c.why), std::string::npos) << a.error().cause;
  }
}

TEST(CorsTest, PreflightAndDecoration) {
  Cors cors = Cors::from(*json::parse(R"({"AllowOrigins":["https://example.com"],
      "AllowMethods":["GET","POST"],"AllowHeaders":["content-type"],"ExposeHeaders":["x-id"],
      "MaxAge":300,"AllowCredentials":true})"));
  HttpRequestIn in;
  in.method = "OPTIONS";
  in.headers = {{"origin", "https://example.com"}, {"access-control-request-method", "POST"}};
  ASSERT_TRUE(Cors::is_preflight(in));
  HttpAnswer pre = cors.preflight(in);
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(header(pre, "Access-Control-Allow-Origin"), "https://example.com");
  EXPECT_EQ(header(pre, "Access-Control-Allow-Methods"), "GET,POST");
  EXPECT_EQ(header(pre, "Access-Control-Allow-Headers"), "content-type");
  EXPECT_EQ(header(pre, "Access-Control-Max-Age"), "300");
  EXPECT_EQ(header(pre, "Access-Control-Allow-Credentials"), "true");
  in.headers[0].second = "https://elsewhere.org";
  EXPECT_EQ(header(cors.preflight(in), "Access-Control-Allow-Origin"), "");
  HttpRequestIn get;
  get.method = "GET";
  get.headers = {{"origin", "https://example.com"}};
  HttpAnswer a;
  a.headers = {{"access-control-allow-origin", "*"}, {"x-kept", "1"}};
  cors.decorate(get, a);
  EXPECT_EQ(header(a, "access-control-allow-origin"), "");
  EXPECT_EQ(header(a, "Access-Control-Allow-Origin"), "https://example.com");
  EXPECT_EQ(header(a, "Access-Control-Expose-Headers"), "x-id");
  EXPECT_EQ(header(a, "x-kept"), "1");
}

}  // namespace
}  // namespace baton::service::apigateway
