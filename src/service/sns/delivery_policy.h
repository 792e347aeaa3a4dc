#pragma once

// HTTP/S delivery policies, as SNS takes them on a topic ({"http": {"defaultHealthyRetryPolicy":
// ...}}) or a subscription ({"healthyRetryPolicy": ...}), and the delays of AWS's four retry
// phases: immediate retries, pre-backoff at minDelayTarget, backoff from minDelayTarget to
// maxDelayTarget by backoffFunction, post-backoff at maxDelayTarget. Pure; internal to sns/.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"

namespace baton::service::sns {

enum class BackoffFunction { linear, arithmetic, geometric, exponential };

struct RetryPolicy {
  // AWS's default HTTP/S policy: three retries, 20 seconds apart.
  std::int64_t min_delay_target = 20;
  std::int64_t max_delay_target = 20;
  std::int64_t num_retries = 3;
  std::int64_t num_no_delay_retries = 0;
  std::int64_t num_min_delay_retries = 0;
  std::int64_t num_max_delay_retries = 0;
  BackoffFunction backoff_function = BackoffFunction::linear;
  std::string header_content_type = "text/plain; charset=UTF-8";

  // Seconds to wait before retry `retry` (1 = the first retry); requires retry <= num_retries.
  std::int64_t delay_seconds(std::int64_t retry) const;
  json::Value to_json() const;
  static RetryPolicy from_json(const json::Value& value);
};

// Checks a topic's DeliveryPolicy attribute. Errors: InvalidParameterException.
[[nodiscard]] Expected<void, Error> check_topic_delivery_policy(std::string_view text);
// Checks a subscription's DeliveryPolicy attribute. Errors: InvalidParameterException.
[[nodiscard]] Expected<void, Error> check_subscription_delivery_policy(std::string_view text);

// The policy an HTTP/S subscription is delivered by: its own, unless the topic's says
// disableSubscriptionOverrides; else the topic's; else AWS's default. Both texts may be "".
RetryPolicy effective_retry_policy(std::string_view topic_policy,
                                   std::string_view subscription_policy);

// EffectiveDeliveryPolicy as GetTopicAttributes shows it.
std::string effective_topic_delivery_policy(std::string_view topic_policy);
// EffectiveDeliveryPolicy as GetSubscriptionAttributes shows it for an HTTP/S subscription.
std::string effective_subscription_delivery_policy(std::string_view topic_policy,
                                                   std::string_view subscription_policy);

}  // namespace baton::service::sns
