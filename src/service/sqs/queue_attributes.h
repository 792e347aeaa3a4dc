#pragma once

// A queue's attributes as AWS documents them: which exist, their ranges, defaults and the words
// of their refusals (InvalidAttributeName, InvalidAttributeValue). Pure; the service checks
// what needs other queues (a RedrivePolicy's dead-letter queue).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace baton::service::sqs {

// The attributes a queue was given or took by default, by AWS's names, values as AWS shows
// them ("30", "true", a policy's JSON text).
using Attributes = std::map<std::string, std::string>;

// RedrivePolicy: where messages received too often go.
struct RedrivePolicy {
  std::string dead_letter_target_arn;
  std::int64_t max_receive_count = 0;
};

// RedriveAllowPolicy: which source queues may name this one their dead-letter queue.
struct RedriveAllowPolicy {
  std::string permission = "allowAll";  // allowAll, denyAll, byQueue
  std::vector<std::string> source_queue_arns;
};

// What the service works from, read from the Attributes.
struct QueueSettings {
  std::int64_t delay_seconds = 0;
  std::int64_t maximum_message_size = 1048576;
  std::int64_t message_retention_period = 345600;
  std::int64_t receive_message_wait_time_seconds = 0;
  std::int64_t visibility_timeout = 30;
  bool fifo = false;
  bool content_based_deduplication = false;
  bool deduplication_scope_group = false;  // DeduplicationScope messageGroup
  std::optional<RedrivePolicy> redrive;
  RedriveAllowPolicy redrive_allow;
};

// AWS limits.
constexpr std::int64_t kMaxVisibilityTimeout = 43200;
constexpr std::int64_t kMaxWaitTimeSeconds = 20;
constexpr std::int64_t kMaxDelaySeconds = 900;
constexpr std::int64_t kMaxMessageSize = 1048576;

// The attributes of a new queue before any is given.
Attributes default_attributes(bool fifo);

// `given` (name -> string value, as CreateQueue and SetQueueAttributes take them) applied to
// `attributes`. Errors: InvalidAttributeName ("Unknown Attribute X."; attributes of FIFO queues
// on a standard one too), InvalidAttributeValue ("Invalid value for the parameter X."),
// InvalidParameterValue for a RedrivePolicy or RedriveAllowPolicy that does not read.
// `creating`: FifoQueue may be given only then.
[[nodiscard]] Result<Attributes> apply_attributes(Attributes attributes, const json::Value& given,
                                                  bool fifo, bool creating);

QueueSettings settings_of(const Attributes& attributes);

// Whether `name` is a queue attribute GetQueueAttributes knows (including the read-only ones).
bool known_attribute(std::string_view name);
// Every attribute GetQueueAttributes answers for All, in AWS's order.
const std::vector<std::string_view>& all_attribute_names();

}  // namespace baton::service::sqs
