#pragma once

// What happens to an execution from outside, as the engine receives it. Each event carries
// its time: the engine reads no clock, so a replay of the same events gives the same history.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "core/json.h"
#include "core/time.h"
#include "engine/data_limits.h"

namespace baton::engine {

// Who the execution is, as the service (or `baton run`) names it.
struct ExecutionIdentity {
  std::string execution_arn;
  std::string name;
  std::string state_machine_arn;
  std::string state_machine_name;
  std::string role_arn;
  std::string region = "us-east-1";
  std::string state_machine_version_arn;  // empty unless started through a version
  std::string state_machine_alias_arn;    // empty unless started through an alias
};

namespace events {

struct ExecutionStarted {
  Timestamp time;
  ExecutionIdentity identity;
  json::Value input;
  std::uint64_t seed = 0;                   // for MathRandom, UUID, task tokens and retry jitter
  std::int64_t max_history_events = 25000;  // AWS's limit for STANDARD; 0: none (EXPRESS)
  // AWS's payload quota (engine/data_limits.h), for every state's input, result and output;
  // 0: none (for runs that go past AWS's quotas on purpose). The depth bound holds regardless.
  std::int64_t max_payload_bytes = kMaxPayloadBytes;
  // The graph the execution runs: 0 for the state machine; a Distributed Map's child
  // execution runs its processor's graph.
  std::uint32_t root_graph = 0;
};

// A worker took an activity task (GetActivityTask).
struct TaskStarted {
  Timestamp time;
  std::string token;
  std::string worker_name;
};

// A `.waitForTaskToken` integration accepted the request; the result comes later.
struct TaskSubmitted {
  Timestamp time;
  std::string token;
  json::Value output;
};

struct TaskSucceeded {
  Timestamp time;
  std::string token;
  json::Value output;
};

struct TaskFailed {
  Timestamp time;
  std::string token;
  std::string error;
  std::optional<std::string> cause;
};

struct HeartbeatReceived {
  Timestamp time;
  std::string token;
};

struct TimerFired {
  Timestamp time;
  std::uint64_t timer_id = 0;
};

// A child execution a Distributed Map started has ended.
struct ChildExecutionFinished {
  Timestamp time;
  std::string execution_arn;
  std::string status;  // SUCCEEDED, FAILED, TIMED_OUT, ABORTED
  json::Value output;
  std::optional<std::string> error;
  std::optional<std::string> cause;
};

// UpdateMapRun: new limits for a running Map Run; those not given stay as they are.
struct MapRunUpdated {
  Timestamp time;
  std::string map_run_arn;
  std::optional<std::int64_t> max_concurrency;  // 0: no limit
  std::optional<std::int64_t> tolerated_failure_count;
  std::optional<double> tolerated_failure_percentage;
};

// RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution starts again from the state
// where it ended.
struct RedriveRequested {
  Timestamp time;
};

struct StopRequested {
  Timestamp time;
  std::optional<std::string> error;
  std::optional<std::string> cause;
};

}  // namespace events

using Event = std::variant<events::ExecutionStarted, events::TaskStarted, events::TaskSubmitted,
                           events::TaskSucceeded, events::TaskFailed, events::HeartbeatReceived,
                           events::TimerFired, events::ChildExecutionFinished,
                           events::RedriveRequested, events::StopRequested, events::MapRunUpdated>;

Timestamp event_time(const Event& event);

}  // namespace baton::engine
