#include "service/sns/delivery_policy.h"

#include <gtest/gtest.h>

namespace baton::service::sns {
namespace {

std::vector<std::int64_t> delays(const RetryPolicy& p) {
  std::vector<std::int64_t> out;
  for (std::int64_t i = 1; i <= p.num_retries; ++i) out.push_back(p.delay_seconds(i));
  return out;
}

TEST(DeliveryPolicyTest, DefaultIsThreeRetriesTwentySecondsApart) {
  EXPECT_EQ(delays(RetryPolicy{}), (std::vector<std::int64_t>{20, 20, 20}));
}

TEST(DeliveryPolicyTest, PhasesRunInAwsOrder) {
  RetryPolicy p;
  p.num_retries = 8;
  p.num_no_delay_retries = 1;
  p.num_min_delay_retries = 2;
  p.num_max_delay_retries = 1;
  p.min_delay_target = 2;
  p.max_delay_target = 10;
  p.backoff_function = BackoffFunction::linear;
  // 1 at once, 2 at min, 4 of backoff rising to max, 1 at max.
  EXPECT_EQ(delays(p), (std::vector<std::int64_t>{0, 2, 2, 4, 6, 8, 10, 10}));
}

TEST(DeliveryPolicyTest, ExponentialBackoffRisesToMax) {
  RetryPolicy p;
  p.num_retries = 4;
  p.min_delay_target = 1;
  p.max_delay_target = 16;
  p.backoff_function = BackoffFunction::exponential;
  EXPECT_EQ(delays(p), (std::vector<std::int64_t>{2, 4, 8, 16}));
}

TEST(DeliveryPolicyTest, SubscriptionPolicyOverridesTheTopicsUnlessDisabled) {
  std::string topic = R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":5,
      "minDelayTarget":3,"maxDelayTarget":3}}})";
  std::string own = R"({"healthyRetryPolicy":{"numRetries":1,"minDelayTarget":1,
      "maxDelayTarget":1},"requestPolicy":{"headerContentType":"application/json"}})";
  EXPECT_EQ(effective_retry_policy(topic, "").num_retries, 5);
  RetryPolicy p = effective_retry_policy(topic, own);
  EXPECT_EQ(p.num_retries, 1);
  EXPECT_EQ(p.header_content_type, "application/json");
  std::string locked = R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":5},
      "disableSubscriptionOverrides":true}})";
  EXPECT_EQ(effective_retry_policy(locked, own).num_retries, 5);
}

TEST(DeliveryPolicyTest, InvalidPoliciesAreRefusedWithTheirReason) {
  auto bad = check_subscription_delivery_policy(
      R"({"healthyRetryPolicy":{"minDelayTarget":30,"maxDelayTarget":10}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().name, "InvalidParameterException");
  EXPECT_NE(bad.error().cause.find("minDelayTarget"), std::string::npos);
  EXPECT_FALSE(check_subscription_delivery_policy(R"({"healthyRetryPolicy":{"numRetries":101}})"));
  EXPECT_FALSE(
      check_subscription_delivery_policy(R"({"healthyRetryPolicy":{"backoffFunction":"cubic"}})"));
  EXPECT_FALSE(check_subscription_delivery_policy("not json"));
  // 100 retries of 3,600 seconds is past the total of an hour.
  EXPECT_FALSE(check_topic_delivery_policy(
      R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":100,"minDelayTarget":3600,
      "maxDelayTarget":3600}}})"));
  EXPECT_TRUE(check_subscription_delivery_policy(
      R"({"healthyRetryPolicy":{"numRetries":3,"minDelayTarget":1,"maxDelayTarget":5,
      "backoffFunction":"geometric"}})"));
}

}  // namespace
}  // namespace baton::service::sns
