// engine::step and the machinery every state shares: events, frames, transitions, the end of
// an execution, timers and tokens.

#include "engine/step.h"

#include <cstdio>

#include "asl/errors.h"
#include "engine/interpreter.h"

namespace baton::engine {

using json::Value;

namespace {

HistoryEventType entered_type(asl::StateType type) {
  switch (type) {
    case asl::StateType::Task:
      return HistoryEventType::TaskStateEntered;
    case asl::StateType::Pass:
      return HistoryEventType::PassStateEntered;
    case asl::StateType::Choice:
      return HistoryEventType::ChoiceStateEntered;
    case asl::StateType::Wait:
      return HistoryEventType::WaitStateEntered;
    case asl::StateType::Succeed:
      return HistoryEventType::SucceedStateEntered;
    case asl::StateType::Fail:
      return HistoryEventType::FailStateEntered;
    case asl::StateType::Parallel:
      return HistoryEventType::ParallelStateEntered;
    case asl::StateType::Map:
      return HistoryEventType::MapStateEntered;
  }
  return HistoryEventType::PassStateEntered;
}

}  // namespace

std::string_view execution_status_name(ExecutionStatus status) {
  switch (status) {
    case ExecutionStatus::RUNNING:
      return "RUNNING";
    case ExecutionStatus::SUCCEEDED:
      return "SUCCEEDED";
    case ExecutionStatus::FAILED:
      return "FAILED";
    case ExecutionStatus::TIMED_OUT:
      return "TIMED_OUT";
    case ExecutionStatus::ABORTED:
      return "ABORTED";
  }
  return "RUNNING";
}

Timestamp event_time(const Event& event) {
  return std::visit([](const auto& e) { return e.time; }, event);
}

HistoryEvent& Interpreter::record_with_previous(std::int64_t previous, HistoryEventType type,
                                                EventDetails&& details) {
  if (halted_) return scratch_;
  if (state_.max_history_events > 0 && state_.next_event_id >= state_.max_history_events &&
      state_.status == ExecutionStatus::RUNNING) {
    // AWS's limit: the last event an execution may have is its failure.
    std::int64_t last = state_.next_event_id - 1;
    end_execution(ExecutionStatus::FAILED, std::nullopt, std::string(asl::errors::kRuntime),
                  "The execution reached the maximum number of history events (" +
                      std::to_string(state_.max_history_events) + ").",
                  HistoryEventType::ExecutionFailed, last);
    halted_ = true;
    return scratch_;
  }
  HistoryEvent& event = history_.emplace_back();
  event.type = type;
  event.id = state_.next_event_id++;
  event.previous_event_id = previous;
  event.timestamp = now_;
  event.details = std::move(details);
  return event;
}

HistoryEvent& Interpreter::record(Frame& f, HistoryEventType type, EventDetails&& details,
                                  bool advance) {
  HistoryEvent& event = record_with_previous(f.last_event_id, type, std::move(details));
  if (advance && &event != &scratch_) f.last_event_id = event.id;
  return event;
}

FrameId Interpreter::new_frame(FrameId parent, std::uint32_t graph, Value input) {
  auto id = static_cast<FrameId>(state_.frames.size());
  Frame& f = state_.frames.emplace_back();
  f.id = id;
  f.parent = parent;
  f.graph = graph;
  f.state = definition_.graphs[graph]->start_at;
  f.input = std::move(input);
  return id;
}

std::uint64_t Interpreter::schedule_timer(TimerPurpose purpose, Timestamp at) {
  std::uint64_t id = state_.next_timer_id++;
  state_.timers.emplace(id, purpose);
  commands_.push_back(commands::ScheduleTimer{id, at});
  return id;
}

void Interpreter::cancel_timer(std::uint64_t& id) {
  if (id == 0) return;
  if (state_.timers.erase(id) > 0) commands_.push_back(commands::CancelTimer{id});
  id = 0;
}

std::string Interpreter::new_task_token() {
  // Opaque and unique: 256 bits from the execution's seeded source, so a replay makes the
  // same tokens. Base64's alphabet, as AWS's tokens: never a leading '-', which command lines
  // would take for an option.
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string token;
  token.reserve(44);
  for (int i = 0; i < 4; ++i) {
    std::uint64_t bits = state_.random.next_u64();
    for (int j = 0; j < 11 && token.size() < 43; ++j) {
      token.push_back(kAlphabet[bits & 63]);
      bits >>= 6;
    }
  }
  return token;
}

std::string Interpreter::state_error_prefix(const Frame& f) const {
  return "An error occurred while executing the state '" + state_of(f).name +
         "' (entered at the event id #" + std::to_string(f.entered_event_id) + "). ";
}

void Interpreter::start(events::ExecutionStarted&& event) {
  auto value_or_null = [](const std::string& s) { return s.empty() ? Value() : Value::string(s); };
  details::ExecutionStarted started{event.input, Value::string(event.identity.role_arn),
                                    value_or_null(event.identity.state_machine_alias_arn),
                                    value_or_null(event.identity.state_machine_version_arn)};
  state_.identity = std::move(event.identity);
  state_.input = event.input;
  state_.start_time = event.time;
  state_.random = Random(event.seed);
  state_.max_history_events = event.max_history_events;
  state_.max_payload_bytes = event.max_payload_bytes;
  state_.root_graph = event.root_graph;
  record_with_previous(0, HistoryEventType::ExecutionStarted, std::move(started));
  FrameId root = new_frame(kNoFrame, event.root_graph, event.input);
  if (definition_.timeout_seconds && event.root_graph == 0) {
    Timestamp at{event.time.seconds + *definition_.timeout_seconds, event.time.nanos};
    schedule_timer({TimerPurpose::Kind::ExecutionTimeout, root}, at);
  }
  make_ready(root);
  run();
}

void Interpreter::make_ready(FrameId id) {
  Frame& f = frame(id);
  if (f.queued || id == advancing_ || !f.alive || f.phase != Phase::Running) return;
  f.queued = true;
  if (ready_tail_ == kNoFrame) {
    ready_head_ = id;
  } else {
    frame(ready_tail_).next_ready = id;
  }
  ready_tail_ = id;
}

void Interpreter::run() {
  while (ready_head_ != kNoFrame && running()) {
    Frame& f = frame(ready_head_);
    ready_head_ = f.next_ready;
    if (ready_head_ == kNoFrame) ready_tail_ = kNoFrame;
    f.next_ready = kNoFrame;
    f.queued = false;
    advancing_ = f.id;
    while (running() && f.alive && f.phase == Phase::Running) enter_state(f);
    advancing_ = kNoFrame;
  }
}

void Interpreter::enter_state(Frame& f) {
  const asl::State& s = state_of(f);
  record(f, entered_type(s.type), details::StateEntered{s.name_value, f.input});
  f.entered_event_id = f.last_event_id;
  f.entered_time = now_;
  f.retry_count = 0;
  f.retry_attempts.clear();
  switch (s.type) {
    case asl::StateType::Pass:
      run_pass(f);
      break;
    case asl::StateType::Task:
      run_task(f);
      break;
    case asl::StateType::Choice:
      run_choice(f);
      break;
    case asl::StateType::Wait:
      run_wait(f);
      break;
    case asl::StateType::Succeed:
      run_succeed(f);
      break;
    case asl::StateType::Fail:
      run_fail(f);
      break;
    case asl::StateType::Parallel:
      run_parallel(f);
      break;
    case asl::StateType::Map:
      run_map(f);
      break;
  }
}

void Interpreter::transition(Frame& f, Value output) {
  const asl::State& s = state_of(f);
  if (s.next) {
    f.state = *s.next;
    f.input = std::move(output);
    f.phase = Phase::Running;
    return;
  }
  finish_frame(f, std::move(output));
}

void Interpreter::finish_frame(Frame& f, Value output) {
  f.alive = false;
  f.phase = Phase::Done;
  if (f.parent == kNoFrame) {
    end_execution(ExecutionStatus::SUCCEEDED, std::move(output), std::nullopt, std::nullopt,
                  HistoryEventType::ExecutionSucceeded, f.last_event_id);
    return;
  }
  Frame& parent = frame(f.parent);
  child_succeeded(parent, f, std::move(output));
}

void Interpreter::fail_frame(Frame& f, const std::string& error,
                             const std::optional<std::string>& cause) {
  f.alive = false;
  f.phase = Phase::Done;
  if (f.parent == kNoFrame) {
    end_execution(ExecutionStatus::FAILED, std::nullopt,
                  error.empty() ? std::nullopt : std::optional<std::string>(error), cause,
                  HistoryEventType::ExecutionFailed, f.last_event_id);
    return;
  }
  Frame& parent = frame(f.parent);
  child_failed(parent, f, error, cause);
}

void Interpreter::end_execution(ExecutionStatus status, std::optional<Value> output,
                                std::optional<std::string> error, std::optional<std::string> cause,
                                HistoryEventType type, std::int64_t previous) {
  if (state_.status != ExecutionStatus::RUNNING) return;
  auto text = [](const std::optional<std::string>& s) { return s ? Value::string(*s) : Value(); };
  EventDetails event_details = details::None{};
  if (type == HistoryEventType::ExecutionSucceeded) {
    event_details = details::Output{output ? *output : Value()};
  } else {
    event_details = details::ErrorCause{text(error), text(cause)};
  }
  // The history limit does not apply to the event that ends the execution.
  HistoryEvent& event = history_.emplace_back();
  event.type = type;
  event.id = state_.next_event_id++;
  event.previous_event_id = previous;
  event.timestamp = now_;
  event.details = std::move(event_details);

  state_.status = status;
  state_.output = output;
  state_.error = error;
  state_.cause = cause;
  state_.stop_time = now_;
  // Whatever is still in flight is no longer wanted.
  for (auto& [token, frame_id] : state_.tasks) {
    (void)frame_id;
    commands_.push_back(commands::CancelTask{token, false});
  }
  state_.tasks.clear();
  for (auto& [id, purpose] : state_.timers) {
    (void)purpose;
    commands_.push_back(commands::CancelTimer{id});
  }
  state_.timers.clear();
  for (auto& [arn, where] : state_.children) {
    (void)where;
    commands_.push_back(commands::StopChildExecution{arn});
  }
  state_.children.clear();
  for (Frame& f : state_.frames) {
    if (awaiting_map_run(f)) record_map_run(f, "ABORTED");
    f.alive = false;
    f.queued = false;
    f.next_ready = kNoFrame;
  }
  ready_head_ = ready_tail_ = kNoFrame;
  commands_.push_back(commands::CompleteExecution{std::string(execution_status_name(status)),
                                                  std::move(output), std::move(error),
                                                  std::move(cause)});
}

void Interpreter::abort_frame(FrameId id) {
  Frame& f = frame(id);
  if (!f.alive) return;
  for (FrameId child : f.running) abort_frame(child);
  f.running.clear();
  if (!f.token.empty()) {
    state_.tasks.erase(f.token);
    commands_.push_back(commands::CancelTask{f.token, false});
    f.token.clear();
  }
  cancel_timer(f.timeout_timer);
  cancel_timer(f.heartbeat_timer);
  cancel_timer(f.wait_timer);
  if (awaiting_map_run(f)) record_map_run(f, "ABORTED");
  for (auto it = state_.children.begin(); it != state_.children.end();) {
    if (it->second.first == id) {
      commands_.push_back(commands::StopChildExecution{it->first});
      it = state_.children.erase(it);
    } else {
      ++it;
    }
  }
  f.alive = false;
  f.phase = Phase::Done;
}

void Interpreter::stop(const events::StopRequested& event) {
  for (Frame& f : state_.frames) {
    if (f.alive) abort_frame(f.id);
  }
  // AWS records the abort right after the start of the execution's thread: previousEventId 0.
  end_execution(ExecutionStatus::ABORTED, std::nullopt, event.error, event.cause,
                HistoryEventType::ExecutionAborted, 0);
}

void Interpreter::redrive() {
  state_.status = ExecutionStatus::RUNNING;
  state_.redrive_count++;
  state_.output.reset();
  state_.error.reset();
  state_.cause.reset();
  record_with_previous(state_.next_event_id - 1, HistoryEventType::ExecutionRedriven,
                       details::Redriven{state_.redrive_count});
  // The top-level thread takes up the state it ended in, with the input it had there.
  Frame& root = frame(0);
  root.alive = true;
  root.phase = Phase::Running;
  root.last_event_id = state_.next_event_id - 1;
  root.token.clear();
  root.running.clear();
  make_ready(root.id);
  run();
}

void Interpreter::handle_timer(std::uint64_t timer_id) {
  auto it = state_.timers.find(timer_id);
  if (it == state_.timers.end()) return;  // cancelled, or fired twice
  TimerPurpose purpose = it->second;
  state_.timers.erase(it);
  Frame& f = frame(purpose.frame);
  switch (purpose.kind) {
    case TimerPurpose::Kind::ExecutionTimeout:
      for (Frame& each : state_.frames) {
        if (each.alive) abort_frame(each.id);
      }
      end_execution(ExecutionStatus::TIMED_OUT, std::nullopt, std::string(asl::errors::kTimeout),
                    std::nullopt, HistoryEventType::ExecutionTimedOut, 0);
      return;
    case TimerPurpose::Kind::Wait:
      f.wait_timer = 0;
      wait_elapsed(f);
      break;
    case TimerPurpose::Kind::Retry:
      f.wait_timer = 0;
      retry_elapsed(f);
      break;
    case TimerPurpose::Kind::TaskTimeout:
    case TimerPurpose::Kind::Heartbeat: {
      bool heartbeat = purpose.kind == TimerPurpose::Kind::Heartbeat;
      (heartbeat ? f.heartbeat_timer : f.timeout_timer) = 0;
      StateError error{std::string(asl::errors::kTimeout), std::nullopt, false, true, heartbeat};
      task_failed(f, std::move(error), HistoryEventType::TaskTimedOut);
      break;
    }
  }
  make_ready(f.id);
  run();
}

Expected<void, Error> Interpreter::handle_task_event(const std::string& token, const Event& event) {
  auto it = state_.tasks.find(token);
  if (it == state_.tasks.end()) {
    return fail("TaskDoesNotExist", "Task Does Not Exist: '" + token + "'");
  }
  Frame& f = frame(it->second);
  if (const auto* succeeded = std::get_if<events::TaskSucceeded>(&event)) {
    task_succeeded(f, succeeded->output);
  } else if (const auto* failed = std::get_if<events::TaskFailed>(&event)) {
    task_failed(f, StateError{failed->error, failed->cause, false, true},
                HistoryEventType::TaskFailed);
  } else if (const auto* started = std::get_if<events::TaskStarted>(&event)) {
    task_started(f, started->worker_name);
  } else if (const auto* submitted = std::get_if<events::TaskSubmitted>(&event)) {
    task_submitted(f, submitted->output);
  } else if (std::holds_alternative<events::HeartbeatReceived>(event)) {
    task_heartbeat(f);
  }
  make_ready(f.id);
  run();
  return {};
}

Expected<void, Error> Interpreter::handle(const Event& event) {
  return std::visit(
      [&](const auto& e) -> Expected<void, Error> {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, events::ExecutionStarted>) {
          return fail("ExecutionAlreadyExists", "The execution has already started");
        } else if constexpr (std::is_same_v<T, events::TimerFired>) {
          if (state_.status == ExecutionStatus::RUNNING) handle_timer(e.timer_id);
          return {};
        } else if constexpr (std::is_same_v<T, events::ChildExecutionFinished>) {
          if (state_.status != ExecutionStatus::RUNNING) return {};
          child_execution_finished(e);
          run();
          return {};
        } else if constexpr (std::is_same_v<T, events::MapRunUpdated>) {
          if (state_.status != ExecutionStatus::RUNNING) {
            return fail("ResourceNotFound", "Map Run is not running: '" + e.map_run_arn + "'");
          }
          auto updated = update_map_run(e);
          run();
          return updated;
        } else if constexpr (std::is_same_v<T, events::RedriveRequested>) {
          if (state_.status == ExecutionStatus::RUNNING ||
              state_.status == ExecutionStatus::SUCCEEDED || state_.frames.empty()) {
            return fail("ExecutionNotRedrivable", "The execution cannot be redriven");
          }
          redrive();
          return {};
        } else if constexpr (std::is_same_v<T, events::StopRequested>) {
          if (state_.status != ExecutionStatus::RUNNING) {
            return fail("ExecutionAlreadyFinished", "The execution has already finished");
          }
          stop(e);
          return {};
        } else {
          if (state_.status != ExecutionStatus::RUNNING) {
            return fail("TaskDoesNotExist", "Task Does Not Exist: '" + e.token + "'");
          }
          return handle_task_event(e.token, event);
        }
      },
      event);
}

Expected<Step, Rejected> step(const asl::Definition& definition, ExecutionState state,
                              Event event) {
  Step result;
  Interpreter interpreter(definition, state, result.history, result.commands, event_time(event));
  if (auto* started = std::get_if<events::ExecutionStarted>(&event)) {
    if (state.next_event_id != 1) {
      return Unexpected<Rejected>(Rejected{
          Error{"ExecutionAlreadyExists", "The execution has already started"}, std::move(state)});
    }
    interpreter.start(std::move(*started));
  } else {
    if (state.next_event_id == 1) {
      return Unexpected<Rejected>(Rejected{
          Error{"ExecutionDoesNotExist", "The execution has not started"}, std::move(state)});
    }
    auto handled = interpreter.handle(event);
    if (!handled) {
      return Unexpected<Rejected>(Rejected{std::move(handled).error(), std::move(state)});
    }
  }
  result.state = std::move(state);
  return result;
}

}  // namespace baton::engine
