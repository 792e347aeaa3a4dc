#pragma once

// The pollers of Lambda's event source mappings from SQS queues. For each enabled mapping, a few
// lanes (ScalingConfig.MaximumConcurrency of them, 5 when unset, never more than kMaxLanes)
// each long-poll the queue through Core::call, gather up to BatchSize messages within the
// batching window, invoke the function with SQS's event (Records[]), and delete what the
// function handled: the whole batch when it succeeds, all but its batchItemFailures with
// ReportBatchItemFailures, nothing when it fails (the messages come back after their visibility
// timeout, and reach the queue's dead-letter queue after its maxReceiveCount). A lane starts its
// next poll once its batch is settled, so that at most one invocation per lane runs at a time.
// FIFO queues keep each message group's order, since SQS hands out no message of a group while
// one of it is in flight. Owned by the Lambda service; lives on the service thread.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/json.h"
#include "runtime/function.h"
#include "store/store.h"

namespace baton::service::lambda {

struct Lambda;

class SqsPollers {
 public:
  // Lanes of one mapping, at most: invocations beyond the function's sandboxes only queue.
  static constexpr int kMaxLanes = 64;

  explicit SqsPollers(Lambda& lambda) : lambda_(lambda) {}

  // Polls for `mapping` (an EventSourceMapping resource) with its settings, replacing the
  // pollers it had.
  void start(const store::Resource& mapping);
  // Stops polling for the mapping `uuid`. Polls still waiting end unused: what they receive is
  // made visible again at once.
  void stop(const std::string& uuid);

 private:
  struct Settings {
    std::string uuid;
    std::string queue_arn;
    std::string queue_url;
    std::string function_arn;  // as the mapping names it, with its qualifier when it has one
    std::int64_t batch_size = 10;
    std::int64_t window_ms = 0;
    bool report_failures = false;
    int lanes = 10;
  };
  struct Running {
    Settings settings;
    std::uint64_t generation = 0;
    bool warned = false;  // about a poll that failed, until one succeeds
  };
  // Messages gathered for one invocation.
  struct Batch {
    std::vector<json::Value> messages;  // as ReceiveMessage answers them
    std::int64_t deadline_ms = 0;       // of the batching window, once the first came
    std::string queue_url;              // where they came from
    bool report_failures = false;       // as the mapping said when they came
  };

  const Running* current(const std::string& uuid, std::uint64_t generation) const;
  void poll(const std::string& uuid, std::uint64_t generation, Batch batch);
  void received(const std::string& uuid, std::uint64_t generation, Batch batch,
                Result<json::Value> answer);
  void invoke(const Running& running, Batch batch);
  void invoked(const std::string& uuid, std::uint64_t generation, Batch batch,
               runtime::InvokeResult result);
  // Polls again after a failure, a second later.
  void retry_later(const std::string& uuid, std::uint64_t generation, const Error& why);
  void release(const std::string& queue_url, const std::vector<json::Value>& messages);
  void remove(const std::string& queue_url, const std::vector<json::Value>& messages);

  Lambda& lambda_;
  std::unordered_map<std::string, Running> running_;
  std::uint64_t next_generation_ = 1;
};

// SQS's event for a function: {"Records": [...]} of the messages ReceiveMessage answered.
json::Value sqs_event(const std::vector<json::Value>& messages, const std::string& queue_arn,
                      const std::string& region);

}  // namespace baton::service::lambda
