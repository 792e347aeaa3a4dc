#pragma once

// What the engine asks its host to do after a step. Commands are committed with the step
// that made them, then carried out; a command carried out twice is harmless (a duplicate task
// result is rejected by its token, a duplicate timer fires for nothing).

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "asl/definition.h"
#include "core/json.h"
#include "core/time.h"
#include "engine/event.h"

namespace baton::engine {

namespace commands {

// Run a Task state's resource with `payload`; report back with the token.
struct InvokeTask {
  std::string token;
  asl::Resource resource;
  json::Value payload;
  std::string state_name;
  std::int64_t attempt = 0;                     // 0 for the first try, then each retry
  std::optional<std::int64_t> timeout_seconds;  // the engine times the task out itself
  std::optional<std::int64_t> heartbeat_seconds;
  std::optional<json::Value> credentials;
};

// Deliver TimerFired{id} at `at` (or at once when `at` has passed).
struct ScheduleTimer {
  std::uint64_t id = 0;
  Timestamp at;
};

struct CancelTimer {
  std::uint64_t id = 0;
};

// A task's result is no longer wanted (its branch was aborted, it timed out, the execution
// stopped): drop it, and stop the work if that is possible.
struct CancelTask {
  std::string token;
  bool timed_out = false;  // the engine gave up on it (TimeoutSeconds, HeartbeatSeconds)
};

// Start a child execution of a Distributed Map: the processor graph of the same definition,
// run as an execution of its own. Report its end with ChildExecutionFinished.
struct StartChildExecution {
  ExecutionIdentity identity;  // the child's ARN, name, and its state machine's
  std::uint32_t graph = 0;
  json::Value input;
  bool express = false;
  std::string map_run_arn;
  std::int64_t items = 1;  // the items it runs: more than one for a batch
};

// A child execution is no longer wanted: stop it.
struct StopChildExecution {
  std::string execution_arn;
};

// The execution has ended.
struct CompleteExecution {
  std::string status;  // SUCCEEDED, FAILED, TIMED_OUT, ABORTED
  std::optional<json::Value> output;
  std::optional<std::string> error;
  std::optional<std::string> cause;
};

// A Distributed Map's Map Run began, was changed (UpdateMapRun) or ended: the host keeps it
// for DescribeMapRun and ListMapRuns.
struct RecordMapRun {
  std::string map_run_arn;
  std::string status;                // RUNNING, SUCCEEDED, FAILED, ABORTED
  std::int64_t max_concurrency = 0;  // 0: no limit
  std::optional<std::int64_t> tolerated_failure_count;
  std::optional<double> tolerated_failure_percentage;
  std::int64_t execution_total = 0;  // child executions: one per item or batch
  std::int64_t item_total = 0;
};

}  // namespace commands

using Command =
    std::variant<commands::InvokeTask, commands::ScheduleTimer, commands::CancelTimer,
                 commands::CancelTask, commands::StartChildExecution, commands::StopChildExecution,
                 commands::CompleteExecution, commands::RecordMapRun>;

}  // namespace baton::engine
