#include "events/cloudevent.h"

#include <gtest/gtest.h>

namespace baton::events {
namespace {

std::string error_of(const HttpHeaders& headers, std::string_view body) {
  auto read = read_http_cloudevents(headers, body);
  return read ? std::string() : read.error().cause;
}

TEST(CloudEventTest, ReadsBinaryMode) {
  HttpHeaders headers{
      {"ce-specversion", "1.0"},           {"ce-id", "b-1"},          {"ce-source", "/books"},
      {"ce-type", "evt.fetch.succeeded"},  {"ce-subject", "run%201"}, {"ce-tenant", "acme"},
      {"content-type", "application/json"}};
  auto events = read_http_cloudevents(headers, R"({"title": "Dune"})");
  ASSERT_TRUE(events.has_value()) << events.error().cause;
  ASSERT_EQ(events->size(), 1u);
  const json::Value& e = events->front();
  EXPECT_EQ(e.find("subject")->as_string(), "run 1");  // percent-decoded
  EXPECT_EQ(e.find("tenant")->as_string(), "acme");
  EXPECT_EQ(e.find("datacontenttype")->as_string(), "application/json");
  EXPECT_EQ(e.find("data")->find("title")->as_string(), "Dune");
  // Text stays text; anything else is carried as base64.
  headers.back().second = "text/plain";
  EXPECT_EQ(read_http_cloudevents(headers, "hello")->front().find("data")->as_string(), "hello");
  headers.back().second = "application/octet-stream";
  EXPECT_EQ(read_http_cloudevents(headers, std::string("\x00\x01", 2))
                ->front()
                .find("data_base64")
                ->as_string(),
            "AAE=");
}

TEST(CloudEventTest, ReadsStructuredAndBatchedModes) {
  HttpHeaders structured{{"content-type", "application/cloudevents+json; charset=utf-8"}};
  auto one = read_http_cloudevents(
      structured, R"({"specversion":"1.0","id":"1","source":"s","type":"t","data":[1,2]})");
  ASSERT_TRUE(one.has_value()) << one.error().cause;
  EXPECT_EQ(one->front().find("data")->size(), 2u);
  HttpHeaders batched{{"content-type", "application/cloudevents-batch+json"}};
  auto many =
      read_http_cloudevents(batched, R"([{"specversion":"1.0","id":"1","source":"s","type":"t"},
                   {"specversion":"1.0","id":"2","source":"s","type":"t","subject":"x"}])");
  ASSERT_TRUE(many.has_value()) << many.error().cause;
  EXPECT_EQ(many->size(), 2u);
  EXPECT_EQ(read_http_cloudevents(batched, "[]")->size(), 0u);
}

TEST(CloudEventTest, RefusesWhatTheSpecificationRefuses) {
  HttpHeaders structured{{"content-type", "application/cloudevents+json"}};
  EXPECT_EQ(error_of(structured, R"({"id":"1","source":"s","type":"t"})"),
            "specversion is required");
  EXPECT_NE(error_of(structured, R"({"specversion":"0.3","id":"1","source":"s","type":"t"})")
                .find("not supported"),
            std::string::npos);
  EXPECT_EQ(error_of(structured, R"({"specversion":"1.0","id":"","source":"s","type":"t"})"),
            "id must be a non-empty string");
  EXPECT_EQ(error_of(structured, R"({"specversion":"1.0","id":"1","type":"t"})"),
            "source is required");
  EXPECT_NE(
      error_of(structured, R"({"specversion":"1.0","id":"1","source":"s","type":"t","Tenant":"x"})")
          .find("\"Tenant\" is not valid"),
      std::string::npos);
  EXPECT_NE(error_of(structured,
                     R"({"specversion":"1.0","id":"1","source":"s","type":"t","time":"today"})")
                .find("RFC 3339"),
            std::string::npos);
  EXPECT_EQ(error_of(structured, R"({"specversion":"1.0","id":"1","source":"s","type":"t",
                                    "data":1,"data_base64":"AA=="})"),
            "data and data_base64 cannot both be given");
  HttpHeaders batched{{"content-type", "application/cloudevents-batch+json"}};
  EXPECT_EQ(error_of(batched, R"([{"specversion":"1.0","id":"1","source":"s","type":"t"},{}])"),
            "event 1: specversion is required");
  EXPECT_NE(error_of({{"content-type", "application/json"}}, "{}").find("not a CloudEvent"),
            std::string::npos);
  EXPECT_NE(error_of({{"ce-specversion", "1.0"},
                      {"ce-id", "1"},
                      {"ce-source", "s"},
                      {"ce-type", "t"},
                      {"content-type", "application/json"}},
                     "{not json")
                .find("not JSON"),
            std::string::npos);
}

TEST(CloudEventTest, MapsEventBridgeEventsBothWays) {
  auto event = json::parse(R"({"version":"0","id":"e-1","detail-type":"OrderPlaced",
    "source":"shop","account":"1","time":"2026-12-05T10:00:00Z","region":"us-east-1",
    "resources":["arn:aws:shop:order/7"],"detail":{"total":3}})");
  json::Value ce = cloudevent_of(*event);
  EXPECT_EQ(ce.find("id")->as_string(), "e-1");
  EXPECT_EQ(ce.find("type")->as_string(), "OrderPlaced");
  EXPECT_EQ(ce.find("subject")->as_string(), "arn:aws:shop:order/7");
  EXPECT_EQ(ce.find("data")->find("total")->as_int64(), 3);
  EXPECT_TRUE(validate_cloudevent(ce, "").has_value());
  // An event that came in as a CloudEvent goes out as that CloudEvent.
  auto carried = json::parse(R"({"id":"x","detail":{"specversion":"1.0","id":"c-1",
    "source":"/books","type":"cmd.fetch","data":{"n":1}}})");
  EXPECT_EQ(cloudevent_of(*carried).find("id")->as_string(), "c-1");
  auto [headers, body] = binary_http(cloudevent_of(*carried));
  EXPECT_EQ(body, R"({"n":1})");
  bool has_type = false;
  for (const auto& [k, v] : headers) has_type = has_type || (k == "ce-type" && v == "cmd.fetch");
  EXPECT_TRUE(has_type);
}

}  // namespace
}  // namespace baton::events
