#include "service/function_url.h"

#include <gtest/gtest.h>

#include "service/proxy_event.h"

namespace baton::service {
namespace {

constexpr const char* kArn = "arn:aws:lambda:us-east-1:123456789012:function:hello";

TEST(FunctionUrlTest, IdIsThirtyTwoLowerCaseLettersAndDigits) {
  std::string id = function_url_id(kArn, "");
  ASSERT_EQ(id.size(), 32u);
  for (char c : id) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << id;
}

TEST(FunctionUrlTest, IdDependsOnlyOnTheFunctionAndQualifier) {
  EXPECT_EQ(function_url_id(kArn, ""), function_url_id(kArn, ""));
  EXPECT_NE(function_url_id(kArn, ""), function_url_id(kArn, "live"));
  EXPECT_NE(function_url_id(kArn, ""),
            function_url_id("arn:aws:lambda:us-east-1:123456789012:function:other", ""));
}

TEST(FunctionUrlTest, UrlOnTheHttpApiPortOrAsAwsWritesIt) {
  EXPECT_EQ(function_url("abc", 3000, "us-east-1"), "http://abc.lambda-url.localhost:3000/");
  EXPECT_EQ(function_url("abc", 0, "eu-west-1"), "https://abc.lambda-url.eu-west-1.on.aws/");
}

TEST(FunctionUrlTest, HostNamesTheUrlId) {
  EXPECT_EQ(function_url_id_of_host("ABC.lambda-url.localhost"), "abc");
  EXPECT_EQ(function_url_id_of_host("abc.lambda-url.us-east-1.on.aws"), "abc");
  EXPECT_EQ(function_url_id_of_host("abc.execute-api.localhost"), std::nullopt);
  EXPECT_EQ(function_url_id_of_host(".lambda-url.localhost"), std::nullopt);
  EXPECT_EQ(function_url_id_of_host(""), std::nullopt);
}

TEST(FunctionUrlTest, RequestHostDropsItsPort) {
  HttpRequestIn in;
  in.headers = {{"host", "abc.lambda-url.localhost:3000"}};
  EXPECT_EQ(in.host(), "abc.lambda-url.localhost");
  in.headers = {{"host", "[::1]"}};
  EXPECT_EQ(in.host(), "[::1]");
  in.headers.clear();
  EXPECT_EQ(in.host(), "localhost");
}

}  // namespace
}  // namespace baton::service
