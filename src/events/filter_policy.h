#pragma once

// SNS subscription filter policies, as AWS documents and evaluates them: compiled once when a
// subscription's FilterPolicy is set, then asked of each message published to its topic. With
// scope MessageAttributes a policy reads the message attributes; with MessageBody it reads the
// body as JSON, nested keys walking into objects and arrays matched element by element. The
// matching itself is the rule core EventBridge's event patterns share (events/rule.h).
//
// Pure: no I/O, no clock. A FilterPolicy is immutable and safe to share between threads.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "core/error.h"
#include "core/json.h"
#include "events/rule.h"

namespace baton::events {

// Where a policy looks: the message attributes (AWS's default) or the message body.
enum class FilterPolicyScope { MessageAttributes, MessageBody };

std::string_view to_string(FilterPolicyScope scope);

// "MessageAttributes" or "MessageBody". Errors: InvalidParameter.
[[nodiscard]] Result<FilterPolicyScope> parse_filter_policy_scope(std::string_view text);

// The error name of an invalid policy or scope.
inline constexpr std::string_view kInvalidParameter = "InvalidParameter";

// AWS limits, not the grammar's.
inline constexpr std::size_t kMaxFilterPolicyBytes = 256 * 1024;
inline constexpr std::size_t kMaxFilterPolicyKeys = 5;  // leaf keys, across all $or branches
inline constexpr std::uint64_t kMaxFilterPolicyCombinations = 150;

// A published message as filter policies see it.
struct Message {
  // MessageAttributes as Publish takes them: an object of name -> {"DataType", "StringValue"
  // | "BinaryValue"}. DataType is String, String.Array, Number or Binary, optionally with a
  // custom suffix ("Number.float"). Null when the message has none.
  json::Value attributes;
  // The body parsed as JSON (parse_message_body); nullopt when it is not JSON.
  std::optional<json::Value> body;
};

// A message body as MessageBody-scope policies read it: its JSON, or nullopt when it is not
// JSON. Parse it once per message, not once per subscription.
std::optional<json::Value> parse_message_body(std::string_view body);

class FilterPolicy {
 public:
  // Validates `policy` against AWS's grammar and limits and compiles it. `{}` filters nothing.
  // Errors: InvalidParameter, worded as SetSubscriptionAttributes words them: "Invalid
  // parameter: FilterPolicy: <reason>". (Subscribe gives the same reason as "Invalid parameter:
  // Attributes Reason: FilterPolicy: <reason>".)
  [[nodiscard]] static Result<FilterPolicy> compile(const json::Value& policy,
                                                    FilterPolicyScope scope);

  // As compile, from the FilterPolicy attribute's text, which must be JSON of at most 256 KB.
  [[nodiscard]] static Result<FilterPolicy> parse(std::string_view text, FilterPolicyScope scope);

  FilterPolicyScope scope() const { return scope_; }

  // Whether SNS delivers `message` to a subscription with this policy.
  bool matches(const Message& message) const;

 private:
  FilterPolicy(FilterPolicyScope scope, Rule rule) : scope_(scope), rule_(std::move(rule)) {}

  FilterPolicyScope scope_;
  Rule rule_;
};

}  // namespace baton::events
