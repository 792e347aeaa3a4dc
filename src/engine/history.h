#pragma once

// Execution history: events with AWS's type names and detail fields, so GetExecutionHistory is
// a direct read. Events are typed records; JSON is made only when asked for
// (history_json.h). Plain values.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/json.h"
#include "core/time.h"

namespace baton::engine {

// Every history event type of the Step Functions API model.
enum class HistoryEventType : std::uint8_t {
  ActivityFailed,
  ActivityScheduled,
  ActivityScheduleFailed,
  ActivityStarted,
  ActivitySucceeded,
  ActivityTimedOut,
  ChoiceStateEntered,
  ChoiceStateExited,
  ExecutionAborted,
  ExecutionFailed,
  ExecutionStarted,
  ExecutionSucceeded,
  ExecutionTimedOut,
  ExecutionRedriven,
  FailStateEntered,
  LambdaFunctionFailed,
  LambdaFunctionScheduled,
  LambdaFunctionScheduleFailed,
  LambdaFunctionStarted,
  LambdaFunctionStartFailed,
  LambdaFunctionSucceeded,
  LambdaFunctionTimedOut,
  MapIterationAborted,
  MapIterationFailed,
  MapIterationStarted,
  MapIterationSucceeded,
  MapStateAborted,
  MapStateEntered,
  MapStateExited,
  MapStateFailed,
  MapStateStarted,
  MapStateSucceeded,
  ParallelStateAborted,
  ParallelStateEntered,
  ParallelStateExited,
  ParallelStateFailed,
  ParallelStateStarted,
  ParallelStateSucceeded,
  PassStateEntered,
  PassStateExited,
  SucceedStateEntered,
  SucceedStateExited,
  TaskFailed,
  TaskScheduled,
  TaskStarted,
  TaskStartFailed,
  TaskStateAborted,
  TaskStateEntered,
  TaskStateExited,
  TaskSubmitFailed,
  TaskSubmitted,
  TaskSucceeded,
  TaskTimedOut,
  WaitStateAborted,
  WaitStateEntered,
  WaitStateExited,
  MapRunAborted,
  MapRunFailed,
  MapRunStarted,
  MapRunSucceeded,
  MapRunRedriven,
  EvaluationFailed,
};

std::string_view history_event_type_name(HistoryEventType type);
bool parse_history_event_type(std::string_view name, HistoryEventType& out);

// Detail shapes, one per group of event types that share AWS's fields. A json::Value that is
// null means the field is absent.
namespace details {
struct None {};
struct StateEntered {  // *StateEntered: stateEnteredEventDetails
  json::Value name, input;
};
struct StateExited {                             // *StateExited: stateExitedEventDetails
  json::Value name, output, assigned_variables;  // assigned_variables: object or null
};
struct ExecutionStarted {
  json::Value input, role_arn, state_machine_alias_arn, state_machine_version_arn;
};
struct Output {  // ExecutionSucceeded, ActivitySucceeded, LambdaFunctionSucceeded
  json::Value output;
};
struct ErrorCause {  // Execution{Failed,Aborted,TimedOut}, Activity*Failed/TimedOut, Lambda*...
  json::Value error, cause;
};
struct TaskScheduled {
  json::Value resource_type, resource, region, parameters;
  std::int64_t timeout_in_seconds = -1;
  std::int64_t heartbeat_in_seconds = -1;
};
struct TaskResource {  // TaskStarted
  json::Value resource_type, resource;
};
struct TaskOutput {  // TaskSubmitted, TaskSucceeded
  json::Value resource_type, resource, output;
};
struct TaskError {  // TaskFailed, TaskStartFailed, TaskSubmitFailed, TaskTimedOut
  json::Value resource_type, resource, error, cause;
};
struct FunctionScheduled {  // LambdaFunctionScheduled, ActivityScheduled
  json::Value resource, input;
  std::int64_t timeout_in_seconds = -1;
  std::int64_t heartbeat_in_seconds = -1;
};
struct ActivityStarted {
  json::Value worker_name;
};
struct MapStarted {  // MapStateStarted
  std::int64_t length = 0;
};
struct MapIteration {  // MapIteration*
  json::Value name;
  std::int64_t index = 0;
};
struct MapRun {  // MapRunStarted, MapRunRedriven
  json::Value map_run_arn;
  std::int64_t redrive_count = -1;
};
struct Redriven {  // ExecutionRedriven
  std::int64_t redrive_count = 0;
};
struct EvaluationFailed {
  json::Value error, cause, location, state;
};
}  // namespace details

using EventDetails =
    std::variant<details::None, details::StateEntered, details::StateExited,
                 details::ExecutionStarted, details::Output, details::ErrorCause,
                 details::TaskScheduled, details::TaskResource, details::TaskOutput,
                 details::TaskError, details::FunctionScheduled, details::ActivityStarted,
                 details::MapStarted, details::MapIteration, details::MapRun, details::Redriven,
                 details::EvaluationFailed>;

struct HistoryEvent {
  HistoryEventType type = HistoryEventType::ExecutionStarted;
  std::int64_t id = 0;
  std::int64_t previous_event_id = 0;
  Timestamp timestamp;
  EventDetails details;
};

using History = std::vector<HistoryEvent>;

}  // namespace baton::engine
