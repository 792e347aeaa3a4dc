// HTTP/S delivery policies and the delays of their retry phases.

#include "service/sns/delivery_policy.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace baton::service::sns {

using json::Value;

namespace {

// AWS limits on an HTTP/S retry policy.
constexpr std::int64_t kMaxRetries = 100;
constexpr std::int64_t kMaxDelayTarget = 3600;
constexpr std::int64_t kMaxTotalRetrySeconds = 3600;

Unexpected<Error> invalid(const std::string& reason) {
  return fail("InvalidParameterException", "Invalid parameter: DeliveryPolicy: " + reason);
}

std::string_view backoff_name(BackoffFunction f) {
  switch (f) {
    case BackoffFunction::linear:
      return "linear";
    case BackoffFunction::arithmetic:
      return "arithmetic";
    case BackoffFunction::geometric:
      return "geometric";
    case BackoffFunction::exponential:
      return "exponential";
  }
  return "linear";
}

std::optional<BackoffFunction> backoff_of(std::string_view name) {
  for (BackoffFunction f : {BackoffFunction::linear, BackoffFunction::arithmetic,
                            BackoffFunction::geometric, BackoffFunction::exponential}) {
    if (backoff_name(f) == name) return f;
  }
  return std::nullopt;
}

// Reads a healthyRetryPolicy object over `policy`, checking it as SNS does.
Expected<void, Error> read_retry_policy(const Value& object, std::string_view where,
                                        RetryPolicy& policy) {
  if (!object.is_object()) return invalid(std::string(where) + " must be an object");
  struct Field {
    std::string_view name;
    std::int64_t* target;
  };
  const Field fields[] = {{"minDelayTarget", &policy.min_delay_target},
                          {"maxDelayTarget", &policy.max_delay_target},
                          {"numRetries", &policy.num_retries},
                          {"numNoDelayRetries", &policy.num_no_delay_retries},
                          {"numMinDelayRetries", &policy.num_min_delay_retries},
                          {"numMaxDelayRetries", &policy.num_max_delay_retries}};
  for (const json::Member& m : object.members()) {
    const Field* field = nullptr;
    for (const Field& f : fields) {
      if (f.name == m.name()) field = &f;
    }
    if (field != nullptr) {
      if (!m.value.is_int64() || m.value.as_int64() < 0) {
        return invalid(std::string(where) + "." + std::string(m.name()) +
                       " must be a non-negative integer");
      }
      *field->target = m.value.as_int64();
    } else if (m.name() == "backoffFunction") {
      auto f = m.value.is_string() ? backoff_of(m.value.as_string()) : std::nullopt;
      if (!f) {
        return invalid(std::string(where) +
                       ".backoffFunction must be one of linear, arithmetic, geometric, "
                       "exponential");
      }
      policy.backoff_function = *f;
    } else {
      return invalid("Unknown attribute: " + std::string(where) + "." + std::string(m.name()));
    }
  }
  if (policy.min_delay_target < 1 || policy.min_delay_target > policy.max_delay_target) {
    return invalid(std::string(where) +
                   ".minDelayTarget must be between 1 and maxDelayTarget (inclusive)");
  }
  if (policy.max_delay_target > kMaxDelayTarget) {
    return invalid(std::string(where) + ".maxDelayTarget must be at most 3600");
  }
  if (policy.num_retries > kMaxRetries) {
    return invalid(std::string(where) + ".numRetries must be at most 100");
  }
  if (policy.num_no_delay_retries + policy.num_min_delay_retries + policy.num_max_delay_retries >
      policy.num_retries) {
    return invalid(std::string(where) +
                   ".numRetries must be at least the sum of numNoDelayRetries, "
                   "numMinDelayRetries and numMaxDelayRetries");
  }
  std::int64_t total = 0;
  for (std::int64_t i = 1; i <= policy.num_retries; ++i) total += policy.delay_seconds(i);
  if (total > kMaxTotalRetrySeconds) {
    return invalid("The total retry time of " + std::string(where) +
                   " must be at most 3600 seconds");
  }
  return {};
}

Expected<void, Error> read_request_policy(const Value& object, RetryPolicy& policy) {
  const Value* type = object.is_object() ? object.find("headerContentType") : nullptr;
  if (type == nullptr) return {};
  if (!type->is_string()) return invalid("requestPolicy.headerContentType must be a string");
  policy.header_content_type = std::string(type->as_string());
  return {};
}

Result<Value> parse_policy(std::string_view text) {
  auto parsed = json::parse(text);
  if (!parsed || !parsed->is_object()) return invalid("the policy is not a JSON object");
  return std::move(*parsed);
}

const Value* http_section(const Value& topic) { return topic.find("http"); }

bool overrides_disabled(std::string_view topic_policy) {
  if (topic_policy.empty()) return false;
  auto parsed = json::parse(topic_policy);
  if (!parsed) return false;
  const Value* http = http_section(*parsed);
  const Value* disabled = http != nullptr ? http->find("disableSubscriptionOverrides") : nullptr;
  return disabled != nullptr && disabled->is_bool() && disabled->as_bool();
}

}  // namespace

std::int64_t RetryPolicy::delay_seconds(std::int64_t retry) const {
  if (retry <= num_no_delay_retries) return 0;
  retry -= num_no_delay_retries;
  if (retry <= num_min_delay_retries) return min_delay_target;
  retry -= num_min_delay_retries;
  std::int64_t backoff =
      num_retries - num_no_delay_retries - num_min_delay_retries - num_max_delay_retries;
  if (retry > backoff) return max_delay_target;
  // Within the backoff phase: from minDelayTarget at its start to maxDelayTarget at its end.
  double share = backoff <= 0 ? 1.0 : static_cast<double>(retry) / static_cast<double>(backoff);
  double span = static_cast<double>(max_delay_target - min_delay_target);
  double delay = static_cast<double>(min_delay_target);
  switch (backoff_function) {
    case BackoffFunction::linear:
      delay += span * share;
      break;
    case BackoffFunction::arithmetic:
      delay += span * share * share;
      break;
    case BackoffFunction::geometric:
      delay += span * std::sqrt(share);
      break;
    case BackoffFunction::exponential:
      delay = static_cast<double>(min_delay_target) *
              std::pow(static_cast<double>(max_delay_target) /
                           static_cast<double>(std::max<std::int64_t>(min_delay_target, 1)),
                       share);
      break;
  }
  return std::clamp(static_cast<std::int64_t>(std::llround(delay)), min_delay_target,
                    max_delay_target);
}

json::Value RetryPolicy::to_json() const {
  return json::ObjectBuilder()
      .add("minDelayTarget", Value::integer(min_delay_target))
      .add("maxDelayTarget", Value::integer(max_delay_target))
      .add("numRetries", Value::integer(num_retries))
      .add("numMaxDelayRetries", Value::integer(num_max_delay_retries))
      .add("numNoDelayRetries", Value::integer(num_no_delay_retries))
      .add("numMinDelayRetries", Value::integer(num_min_delay_retries))
      .add("backoffFunction", Value::string(backoff_name(backoff_function)))
      .build();
}

RetryPolicy RetryPolicy::from_json(const json::Value& value) {
  RetryPolicy policy;
  (void)read_retry_policy(value, "healthyRetryPolicy", policy);
  if (const Value* type = value.find("headerContentType"); type && type->is_string()) {
    policy.header_content_type = std::string(type->as_string());
  }
  return policy;
}

Expected<void, Error> check_topic_delivery_policy(std::string_view text) {
  auto parsed = parse_policy(text);
  if (!parsed) return Unexpected<Error>(parsed.error());
  for (const json::Member& protocol : parsed->members()) {
    if (protocol.name() != "http") continue;  // the other protocols' policies are AWS's own
    RetryPolicy policy;
    if (const Value* retry = protocol.value.find("defaultHealthyRetryPolicy")) {
      if (auto ok = read_retry_policy(*retry, "http.defaultHealthyRetryPolicy", policy); !ok) {
        return ok;
      }
    }
    if (const Value* request = protocol.value.find("defaultRequestPolicy")) {
      if (auto ok = read_request_policy(*request, policy); !ok) return ok;
    }
  }
  return {};
}

Expected<void, Error> check_subscription_delivery_policy(std::string_view text) {
  auto parsed = parse_policy(text);
  if (!parsed) return Unexpected<Error>(parsed.error());
  RetryPolicy policy;
  if (const Value* retry = parsed->find("healthyRetryPolicy")) {
    if (auto ok = read_retry_policy(*retry, "healthyRetryPolicy", policy); !ok) return ok;
  }
  if (const Value* request = parsed->find("requestPolicy")) {
    if (auto ok = read_request_policy(*request, policy); !ok) return ok;
  }
  return {};
}

RetryPolicy effective_retry_policy(std::string_view topic_policy,
                                   std::string_view subscription_policy) {
  RetryPolicy policy;
  if (!topic_policy.empty()) {
    if (auto parsed = json::parse(topic_policy); parsed) {
      if (const Value* http = http_section(*parsed)) {
        if (const Value* retry = http->find("defaultHealthyRetryPolicy")) {
          (void)read_retry_policy(*retry, "", policy);
        }
        if (const Value* request = http->find("defaultRequestPolicy")) {
          (void)read_request_policy(*request, policy);
        }
      }
    }
  }
  if (!subscription_policy.empty() && !overrides_disabled(topic_policy)) {
    if (auto parsed = json::parse(subscription_policy); parsed) {
      if (const Value* retry = parsed->find("healthyRetryPolicy")) {
        RetryPolicy own;
        if (read_retry_policy(*retry, "", own)) {
          own.header_content_type = policy.header_content_type;
          policy = own;
        }
      }
      if (const Value* request = parsed->find("requestPolicy")) {
        (void)read_request_policy(*request, policy);
      }
    }
  }
  return policy;
}

std::string effective_topic_delivery_policy(std::string_view topic_policy) {
  RetryPolicy policy = effective_retry_policy(topic_policy, "");
  return json::to_string(
      json::ObjectBuilder()
          .add("http",
               json::ObjectBuilder()
                   .add("defaultHealthyRetryPolicy", policy.to_json())
                   .add("disableSubscriptionOverrides",
                        Value::boolean(overrides_disabled(topic_policy)))
                   .add("defaultRequestPolicy",
                        json::ObjectBuilder()
                            .add("headerContentType", Value::string(policy.header_content_type))
                            .build())
                   .build())
          .build());
}

std::string effective_subscription_delivery_policy(std::string_view topic_policy,
                                                   std::string_view subscription_policy) {
  RetryPolicy policy = effective_retry_policy(topic_policy, subscription_policy);
  return json::to_string(
      json::ObjectBuilder()
          .add("healthyRetryPolicy", policy.to_json())
          .add("requestPolicy",
               json::ObjectBuilder()
                   .add("headerContentType", Value::string(policy.header_content_type))
                   .build())
          .build());
}

}  // namespace baton::service::sns
