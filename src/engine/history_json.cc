// History events as GetExecutionHistory returns them: envelope fields in the API model's
// order, one `...EventDetails` member, JSON payloads as strings.

#include "engine/history_json.h"

#include <cstring>

namespace baton::engine {

using json::Value;

namespace {

struct TypeInfo {
  HistoryEventType type;
  const char* name;
  const char* details;  // the details member, or nullptr when the type has none
};

// Every event type with AWS's name and the name of its details member.
constexpr TypeInfo kTypes[] = {
    {HistoryEventType::ActivityFailed, "ActivityFailed", "activityFailedEventDetails"},
    {HistoryEventType::ActivityScheduled, "ActivityScheduled", "activityScheduledEventDetails"},
    {HistoryEventType::ActivityScheduleFailed, "ActivityScheduleFailed",
     "activityScheduleFailedEventDetails"},
    {HistoryEventType::ActivityStarted, "ActivityStarted", "activityStartedEventDetails"},
    {HistoryEventType::ActivitySucceeded, "ActivitySucceeded", "activitySucceededEventDetails"},
    {HistoryEventType::ActivityTimedOut, "ActivityTimedOut", "activityTimedOutEventDetails"},
    {HistoryEventType::ChoiceStateEntered, "ChoiceStateEntered", "stateEnteredEventDetails"},
    {HistoryEventType::ChoiceStateExited, "ChoiceStateExited", "stateExitedEventDetails"},
    {HistoryEventType::ExecutionAborted, "ExecutionAborted", "executionAbortedEventDetails"},
    {HistoryEventType::ExecutionFailed, "ExecutionFailed", "executionFailedEventDetails"},
    {HistoryEventType::ExecutionStarted, "ExecutionStarted", "executionStartedEventDetails"},
    {HistoryEventType::ExecutionSucceeded, "ExecutionSucceeded", "executionSucceededEventDetails"},
    {HistoryEventType::ExecutionTimedOut, "ExecutionTimedOut", "executionTimedOutEventDetails"},
    {HistoryEventType::ExecutionRedriven, "ExecutionRedriven", "executionRedrivenEventDetails"},
    {HistoryEventType::FailStateEntered, "FailStateEntered", "stateEnteredEventDetails"},
    {HistoryEventType::LambdaFunctionFailed, "LambdaFunctionFailed",
     "lambdaFunctionFailedEventDetails"},
    {HistoryEventType::LambdaFunctionScheduled, "LambdaFunctionScheduled",
     "lambdaFunctionScheduledEventDetails"},
    {HistoryEventType::LambdaFunctionScheduleFailed, "LambdaFunctionScheduleFailed",
     "lambdaFunctionScheduleFailedEventDetails"},
    {HistoryEventType::LambdaFunctionStarted, "LambdaFunctionStarted", nullptr},
    {HistoryEventType::LambdaFunctionStartFailed, "LambdaFunctionStartFailed",
     "lambdaFunctionStartFailedEventDetails"},
    {HistoryEventType::LambdaFunctionSucceeded, "LambdaFunctionSucceeded",
     "lambdaFunctionSucceededEventDetails"},
    {HistoryEventType::LambdaFunctionTimedOut, "LambdaFunctionTimedOut",
     "lambdaFunctionTimedOutEventDetails"},
    {HistoryEventType::MapIterationAborted, "MapIterationAborted",
     "mapIterationAbortedEventDetails"},
    {HistoryEventType::MapIterationFailed, "MapIterationFailed", "mapIterationFailedEventDetails"},
    {HistoryEventType::MapIterationStarted, "MapIterationStarted",
     "mapIterationStartedEventDetails"},
    {HistoryEventType::MapIterationSucceeded, "MapIterationSucceeded",
     "mapIterationSucceededEventDetails"},
    {HistoryEventType::MapStateAborted, "MapStateAborted", nullptr},
    {HistoryEventType::MapStateEntered, "MapStateEntered", "stateEnteredEventDetails"},
    {HistoryEventType::MapStateExited, "MapStateExited", "stateExitedEventDetails"},
    {HistoryEventType::MapStateFailed, "MapStateFailed", nullptr},
    {HistoryEventType::MapStateStarted, "MapStateStarted", "mapStateStartedEventDetails"},
    {HistoryEventType::MapStateSucceeded, "MapStateSucceeded", nullptr},
    {HistoryEventType::ParallelStateAborted, "ParallelStateAborted", nullptr},
    {HistoryEventType::ParallelStateEntered, "ParallelStateEntered", "stateEnteredEventDetails"},
    {HistoryEventType::ParallelStateExited, "ParallelStateExited", "stateExitedEventDetails"},
    {HistoryEventType::ParallelStateFailed, "ParallelStateFailed", nullptr},
    {HistoryEventType::ParallelStateStarted, "ParallelStateStarted", nullptr},
    {HistoryEventType::ParallelStateSucceeded, "ParallelStateSucceeded", nullptr},
    {HistoryEventType::PassStateEntered, "PassStateEntered", "stateEnteredEventDetails"},
    {HistoryEventType::PassStateExited, "PassStateExited", "stateExitedEventDetails"},
    {HistoryEventType::SucceedStateEntered, "SucceedStateEntered", "stateEnteredEventDetails"},
    {HistoryEventType::SucceedStateExited, "SucceedStateExited", "stateExitedEventDetails"},
    {HistoryEventType::TaskFailed, "TaskFailed", "taskFailedEventDetails"},
    {HistoryEventType::TaskScheduled, "TaskScheduled", "taskScheduledEventDetails"},
    {HistoryEventType::TaskStarted, "TaskStarted", "taskStartedEventDetails"},
    {HistoryEventType::TaskStartFailed, "TaskStartFailed", "taskStartFailedEventDetails"},
    {HistoryEventType::TaskStateAborted, "TaskStateAborted", nullptr},
    {HistoryEventType::TaskStateEntered, "TaskStateEntered", "stateEnteredEventDetails"},
    {HistoryEventType::TaskStateExited, "TaskStateExited", "stateExitedEventDetails"},
    {HistoryEventType::TaskSubmitFailed, "TaskSubmitFailed", "taskSubmitFailedEventDetails"},
    {HistoryEventType::TaskSubmitted, "TaskSubmitted", "taskSubmittedEventDetails"},
    {HistoryEventType::TaskSucceeded, "TaskSucceeded", "taskSucceededEventDetails"},
    {HistoryEventType::TaskTimedOut, "TaskTimedOut", "taskTimedOutEventDetails"},
    {HistoryEventType::WaitStateAborted, "WaitStateAborted", nullptr},
    {HistoryEventType::WaitStateEntered, "WaitStateEntered", "stateEnteredEventDetails"},
    {HistoryEventType::WaitStateExited, "WaitStateExited", "stateExitedEventDetails"},
    {HistoryEventType::MapRunAborted, "MapRunAborted", nullptr},
    {HistoryEventType::MapRunFailed, "MapRunFailed", "mapRunFailedEventDetails"},
    {HistoryEventType::MapRunStarted, "MapRunStarted", "mapRunStartedEventDetails"},
    {HistoryEventType::MapRunSucceeded, "MapRunSucceeded", nullptr},
    {HistoryEventType::MapRunRedriven, "MapRunRedriven", "mapRunRedrivenEventDetails"},
    {HistoryEventType::EvaluationFailed, "EvaluationFailed", "evaluationFailedEventDetails"},
};

const TypeInfo& info(HistoryEventType type) {
  for (const TypeInfo& t : kTypes) {
    if (t.type == type) return t;
  }
  return kTypes[0];
}

Value truncated_false() {
  return json::ObjectBuilder().add("truncated", Value::boolean(false)).build();
}

// A payload as the API carries it: JSON text in a string, with `{"truncated": false}` beside.
void add_payload(json::ObjectBuilder& b, const char* name, const char* details_name,
                 const Value& payload, const HistoryOptions& options) {
  if (!options.include_execution_data) return;
  b.add(name, Value::string(json::to_string(payload)));
  b.add(details_name, truncated_false());
}

void add_if(json::ObjectBuilder& b, const char* name, const Value& v) {
  if (!v.is_null()) b.add(name, v);
}

void add_seconds(json::ObjectBuilder& b, const char* name, std::int64_t v) {
  if (v >= 0) b.add(name, Value::integer(v));
}

Value details_json(const HistoryEvent& event, const HistoryOptions& options) {
  json::ObjectBuilder b;
  std::visit(
      [&](const auto& d) {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, details::StateEntered>) {
          b.add("name", d.name);
          add_payload(b, "input", "inputDetails", d.input, options);
        } else if constexpr (std::is_same_v<T, details::StateExited>) {
          b.add("name", d.name);
          add_payload(b, "output", "outputDetails", d.output, options);
          if (d.assigned_variables.is_object()) {
            json::ObjectBuilder assigned;
            for (const json::Member& m : d.assigned_variables.members()) {
              assigned.add(m.key, Value::string(json::to_string(m.value)));
            }
            b.add("assignedVariables", assigned.build());
            b.add("assignedVariablesDetails", truncated_false());
          }
        } else if constexpr (std::is_same_v<T, details::ExecutionStarted>) {
          add_payload(b, "input", "inputDetails", d.input, options);
          add_if(b, "roleArn", d.role_arn);
          add_if(b, "stateMachineAliasArn", d.state_machine_alias_arn);
          add_if(b, "stateMachineVersionArn", d.state_machine_version_arn);
        } else if constexpr (std::is_same_v<T, details::Output>) {
          add_payload(b, "output", "outputDetails", d.output, options);
        } else if constexpr (std::is_same_v<T, details::ErrorCause>) {
          add_if(b, "error", d.error);
          add_if(b, "cause", d.cause);
        } else if constexpr (std::is_same_v<T, details::TaskScheduled>) {
          b.add("resourceType", d.resource_type);
          b.add("resource", d.resource);
          b.add("region", d.region);
          b.add("parameters", Value::string(json::to_string(d.parameters)));
          add_seconds(b, "timeoutInSeconds", d.timeout_in_seconds);
          add_seconds(b, "heartbeatInSeconds", d.heartbeat_in_seconds);
        } else if constexpr (std::is_same_v<T, details::TaskResource>) {
          b.add("resourceType", d.resource_type);
          b.add("resource", d.resource);
        } else if constexpr (std::is_same_v<T, details::TaskOutput>) {
          b.add("resourceType", d.resource_type);
          b.add("resource", d.resource);
          add_payload(b, "output", "outputDetails", d.output, options);
        } else if constexpr (std::is_same_v<T, details::TaskError>) {
          b.add("resourceType", d.resource_type);
          b.add("resource", d.resource);
          add_if(b, "error", d.error);
          add_if(b, "cause", d.cause);
        } else if constexpr (std::is_same_v<T, details::FunctionScheduled>) {
          b.add("resource", d.resource);
          add_payload(b, "input", "inputDetails", d.input, options);
          add_seconds(b, "timeoutInSeconds", d.timeout_in_seconds);
          add_seconds(b, "heartbeatInSeconds", d.heartbeat_in_seconds);
        } else if constexpr (std::is_same_v<T, details::ActivityStarted>) {
          add_if(b, "workerName", d.worker_name);
        } else if constexpr (std::is_same_v<T, details::MapStarted>) {
          b.add("length", Value::integer(d.length));
        } else if constexpr (std::is_same_v<T, details::MapIteration>) {
          b.add("name", d.name);
          b.add("index", Value::integer(d.index));
        } else if constexpr (std::is_same_v<T, details::MapRun>) {
          b.add("mapRunArn", d.map_run_arn);
          if (d.redrive_count >= 0) b.add("redriveCount", Value::integer(d.redrive_count));
        } else if constexpr (std::is_same_v<T, details::Redriven>) {
          b.add("redriveCount", Value::integer(d.redrive_count));
        } else if constexpr (std::is_same_v<T, details::EvaluationFailed>) {
          add_if(b, "error", d.error);
          add_if(b, "cause", d.cause);
          add_if(b, "location", d.location);
          b.add("state", d.state);
        }
      },
      event.details);
  return b.build();
}

}  // namespace

std::string_view history_event_type_name(HistoryEventType type) { return info(type).name; }

bool parse_history_event_type(std::string_view name, HistoryEventType& out) {
  for (const TypeInfo& t : kTypes) {
    if (name == t.name) {
      out = t.type;
      return true;
    }
  }
  return false;
}

Value epoch_seconds(Timestamp t) {
  // Milliseconds, as the API shows them.
  std::int64_t millis = t.millis();
  if (millis % 1000 == 0) return Value::integer(millis / 1000);
  return Value::number(static_cast<double>(millis) / 1000.0);
}

Value history_event_json(const HistoryEvent& event, const HistoryOptions& options) {
  const TypeInfo& t = info(event.type);
  json::ObjectBuilder b;
  b.add("timestamp", epoch_seconds(event.timestamp));
  b.add("type", Value::string(t.name));
  b.add("id", Value::integer(event.id));
  b.add("previousEventId", Value::integer(event.previous_event_id));
  if (t.details != nullptr && !std::holds_alternative<details::None>(event.details)) {
    b.add(t.details, details_json(event, options));
  } else if (event.type == HistoryEventType::ExecutionAborted) {
    b.add("executionAbortedEventDetails", Value::object({}));
  }
  return b.build();
}

Value history_json(const History& history, const HistoryOptions& options) {
  std::vector<Value> events;
  events.reserve(history.size());
  for (const HistoryEvent& e : history) events.push_back(history_event_json(e, options));
  return Value::array(std::move(events));
}

}  // namespace baton::engine
