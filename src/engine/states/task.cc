// The Task state: sending the task, and what comes back (result, failure, timeout, heartbeat).

#include "asl/errors.h"
#include "engine/data_limits.h"
#include "engine/interpreter.h"

namespace baton::engine {

using json::Value;

namespace {

// How history names a service integration's resource: "invoke", "startExecution.sync:2".
std::string resource_name(const asl::Resource& r) {
  switch (r.pattern) {
    case asl::IntegrationPattern::RequestResponse:
      return r.action;
    case asl::IntegrationPattern::Sync:
      return r.action + ".sync";
    case asl::IntegrationPattern::Sync2:
      return r.action + ".sync:2";
    case asl::IntegrationPattern::WaitForTaskToken:
      return r.action + ".waitForTaskToken";
  }
  return r.action;
}

// A TimeoutSecondsPath / HeartbeatSecondsPath value: a positive integer.
Result<std::int64_t> seconds_from(const Result<Value>& v, const asl::Path& path,
                                  std::string_view field) {
  if (!v) {
    return fail(std::string(asl::errors::kRuntime),
                "The " + std::string(field) +
                    " parameter does not reference an input value: " + path.text());
  }
  if (!v->is_int64() || v->as_int64() <= 0) {
    return fail(std::string(asl::errors::kRuntime),
                "The " + std::string(field) + " parameter does not reference a positive integer: " +
                    path.text() + " == " + json::to_string(*v));
  }
  return v->as_int64();
}

}  // namespace

void Interpreter::run_task(Frame& f) {
  const asl::State& s = state_of(f);
  auto effective = select(f, s.input_path, f.input);
  if (!effective) return raise_state(f, effective.error());
  f.effective = std::move(*effective);
  invoke_task(f);
}

void Interpreter::invoke_task(Frame& f) {
  const asl::State& s = state_of(f);
  const auto& task = s.as<asl::TaskState>();
  const asl::Resource& resource = task.resource;
  std::string token = new_task_token();
  Value payload = f.effective;
  if (task.parameters) {
    ContextExtras extras;
    if (resource.pattern == asl::IntegrationPattern::WaitForTaskToken) extras.task_token = token;
    auto evaluated = evaluate_template(f, *task.parameters, f.effective, extras);
    if (!evaluated) return raise_state(f, evaluated.error());
    if (auto error = payload_error(f, *evaluated, Payload::Input)) return raise(f, *error);
    payload = std::move(*evaluated);
  }
  std::optional<std::int64_t> timeout = task.timeout.value;
  if (task.timeout.path) {
    auto seconds = seconds_from(select(f, *task.timeout.path, f.effective), *task.timeout.path,
                                "TimeoutSecondsPath");
    if (!seconds) return raise_state(f, seconds.error());
    timeout = *seconds;
  }
  std::optional<std::int64_t> heartbeat = task.heartbeat.value;
  if (task.heartbeat.path) {
    auto seconds = seconds_from(select(f, *task.heartbeat.path, f.effective), *task.heartbeat.path,
                                "HeartbeatSecondsPath");
    if (!seconds) return raise_state(f, seconds.error());
    heartbeat = *seconds;
  }

  switch (resource.kind) {
    case asl::ResourceKind::LambdaFunction:
      record(f, HistoryEventType::LambdaFunctionScheduled,
             details::FunctionScheduled{Value::string(resource.arn), payload, timeout.value_or(-1),
                                        -1});
      record(f, HistoryEventType::LambdaFunctionStarted, details::None{});
      break;
    case asl::ResourceKind::Activity:
      record(f, HistoryEventType::ActivityScheduled,
             details::FunctionScheduled{Value::string(resource.arn), payload, timeout.value_or(-1),
                                        heartbeat.value_or(-1)});
      break;
    case asl::ResourceKind::Integration:
    case asl::ResourceKind::SdkIntegration:
      record(f, HistoryEventType::TaskScheduled,
             details::TaskScheduled{Value::string(resource.service),
                                    Value::string(resource_name(resource)),
                                    Value::string(state_.identity.region), payload,
                                    timeout.value_or(-1), heartbeat.value_or(-1)});
      record(f, HistoryEventType::TaskStarted,
             details::TaskResource{Value::string(resource.service),
                                   Value::string(resource_name(resource))});
      break;
  }
  if (!running()) return;
  state_.tasks[token] = f.id;
  f.token = token;
  f.heartbeat_seconds = heartbeat.value_or(0);
  f.phase = Phase::AwaitingTask;
  if (timeout) {
    f.timeout_timer = schedule_timer({TimerPurpose::Kind::TaskTimeout, f.id},
                                     Timestamp{now_.seconds + *timeout, now_.nanos});
  }
  if (heartbeat) {
    f.heartbeat_timer = schedule_timer({TimerPurpose::Kind::Heartbeat, f.id},
                                       Timestamp{now_.seconds + *heartbeat, now_.nanos});
  }
  commands_.push_back(commands::InvokeTask{token, resource, std::move(payload), s.name,
                                           f.retry_count, timeout, heartbeat, task.credentials});
}

void Interpreter::task_succeeded(Frame& f, Value result) {
  const auto& resource = state_of(f).as<asl::TaskState>().resource;
  cancel_timer(f.timeout_timer);
  cancel_timer(f.heartbeat_timer);
  state_.tasks.erase(f.token);
  f.token.clear();
  switch (resource.kind) {
    case asl::ResourceKind::LambdaFunction:
      record(f, HistoryEventType::LambdaFunctionSucceeded, details::Output{result});
      break;
    case asl::ResourceKind::Activity:
      record(f, HistoryEventType::ActivitySucceeded, details::Output{result});
      break;
    case asl::ResourceKind::Integration:
    case asl::ResourceKind::SdkIntegration:
      record(f, HistoryEventType::TaskSucceeded,
             details::TaskOutput{Value::string(resource.service),
                                 Value::string(resource_name(resource)), result});
      break;
  }
  // AWS names the resource here, not the state.
  if (auto error = limit_error(
          resource.kind == asl::ResourceKind::LambdaFunction ? resource.arn : resource.service,
          json::measure(result), Payload::Result)) {
    error->from_task = true;
    return raise(f, std::move(*error));
  }
  complete_state(f, std::move(result), true);
}

void Interpreter::task_failed(Frame& f, StateError error, HistoryEventType event_type) {
  const auto& resource = state_of(f).as<asl::TaskState>().resource;
  bool timed_out = event_type == HistoryEventType::TaskTimedOut;
  cancel_timer(f.timeout_timer);
  cancel_timer(f.heartbeat_timer);
  state_.tasks.erase(f.token);
  if (timed_out) commands_.push_back(commands::CancelTask{f.token, true});
  f.token.clear();
  Value error_value = error.error.empty() ? Value() : Value::string(error.error);
  Value cause_value = error.cause ? Value::string(*error.cause) : Value();
  switch (resource.kind) {
    case asl::ResourceKind::LambdaFunction:
      record(f,
             timed_out ? HistoryEventType::LambdaFunctionTimedOut
                       : HistoryEventType::LambdaFunctionFailed,
             details::ErrorCause{error_value, cause_value});
      break;
    case asl::ResourceKind::Activity:
      record(f, timed_out ? HistoryEventType::ActivityTimedOut : HistoryEventType::ActivityFailed,
             details::ErrorCause{error_value, cause_value});
      break;
    case asl::ResourceKind::Integration:
    case asl::ResourceKind::SdkIntegration:
      record(f, timed_out ? HistoryEventType::TaskTimedOut : HistoryEventType::TaskFailed,
             details::TaskError{Value::string(resource.service),
                                Value::string(resource_name(resource)), error_value, cause_value});
      break;
  }
  raise(f, std::move(error));
}

void Interpreter::task_started(Frame& f, const std::string& worker_name) {
  const auto& resource = state_of(f).as<asl::TaskState>().resource;
  if (resource.kind != asl::ResourceKind::Activity) return;
  record(f, HistoryEventType::ActivityStarted,
         details::ActivityStarted{worker_name.empty() ? Value() : Value::string(worker_name)});
}

void Interpreter::task_submitted(Frame& f, Value output) {
  const auto& resource = state_of(f).as<asl::TaskState>().resource;
  record(f, HistoryEventType::TaskSubmitted,
         details::TaskOutput{Value::string(resource.service),
                             Value::string(resource_name(resource)), std::move(output)});
}

void Interpreter::task_heartbeat(Frame& f) {
  if (f.heartbeat_timer == 0 || f.heartbeat_seconds <= 0) return;
  cancel_timer(f.heartbeat_timer);
  f.heartbeat_timer = schedule_timer({TimerPurpose::Kind::Heartbeat, f.id},
                                     Timestamp{now_.seconds + f.heartbeat_seconds, now_.nanos});
}

}  // namespace baton::engine
