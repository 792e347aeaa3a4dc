// The Parallel state, and how a Parallel or a Map hears from its children.

#include "engine/interpreter.h"

namespace baton::engine {

using json::Value;

void Interpreter::run_parallel(Frame& f) {
  const asl::State& s = state_of(f);
  const auto& parallel = s.as<asl::ParallelState>();
  auto effective = select(f, s.input_path, f.input);
  if (!effective) return raise_state(f, effective.error());
  if (parallel.parameters) {
    auto input = evaluate_template(f, *parallel.parameters, *effective, {});
    if (!input) return raise_state(f, input.error());
    if (auto error = payload_error(f, *input, Payload::Input)) return raise(f, *error);
    effective = std::move(input);
  }
  f.effective = std::move(*effective);
  start_parallel(f);
}

void Interpreter::start_parallel(Frame& f) {
  const auto& parallel = state_of(f).as<asl::ParallelState>();
  record(f, HistoryEventType::ParallelStateStarted, details::None{});
  if (!running()) return;
  std::int64_t started = f.last_event_id;
  f.results.assign(parallel.branches.size(), Value());
  f.results_bytes = 0;
  f.running.clear();
  f.completed = 0;
  f.phase = Phase::AwaitingChildren;
  for (std::size_t i = 0; i < parallel.branches.size(); ++i) {
    FrameId id = new_frame(f.id, parallel.branches[i]->id, f.effective);
    Frame& branch = frame(id);
    branch.index = static_cast<std::int64_t>(i);
    branch.last_event_id = started;  // each branch's first event follows ParallelStateStarted
    f.running.push_back(id);
    make_ready(id);
  }
}

void Interpreter::record_aborted(Frame& f, std::int64_t previous) {
  HistoryEventType type = HistoryEventType::TaskStateAborted;
  switch (f.phase) {
    case Phase::AwaitingTask:
    case Phase::AwaitingRetry:
      type = state_of(f).type == asl::StateType::Task  ? HistoryEventType::TaskStateAborted
             : state_of(f).type == asl::StateType::Map ? HistoryEventType::MapStateAborted
                                                       : HistoryEventType::ParallelStateAborted;
      break;
    case Phase::AwaitingTimer:
      type = HistoryEventType::WaitStateAborted;
      break;
    case Phase::AwaitingChildren:
      type = state_of(f).type == asl::StateType::Map ? HistoryEventType::MapStateAborted
                                                     : HistoryEventType::ParallelStateAborted;
      break;
    case Phase::Running:
    case Phase::Done:
      return;
  }
  record_with_previous(previous, type, details::None{});
}

namespace {

void remove_child(Frame& parent, FrameId child) {
  auto& running = parent.running;
  for (auto it = running.begin(); it != running.end(); ++it) {
    if (*it == child) {
      running.erase(it);
      return;
    }
  }
}

}  // namespace

void Interpreter::child_succeeded(Frame& parent, Frame& child, Value output) {
  remove_child(parent, child.id);
  const asl::State& s = state_of(parent);
  if (s.type == asl::StateType::Map) {
    record_with_previous(child.last_event_id, HistoryEventType::MapIterationSucceeded,
                         details::MapIteration{s.name_value, child.index});
    parent.last_event_id = state_.next_event_id - 1;
  } else {
    parent.last_event_id = child.last_event_id;
  }
  if (!gather_result(parent, output)) return make_ready(parent.id);
  parent.results[static_cast<std::size_t>(child.index)] = std::move(output);
  parent.completed++;
  if (s.type == asl::StateType::Map) {
    auto total = static_cast<std::int64_t>(parent.items.size());
    if (parent.next_item < total) {
      start_iteration(parent, child.last_event_id);
    } else if (parent.completed == total) {
      record(parent, HistoryEventType::MapStateSucceeded, details::None{}, false);
      complete_state(parent, Value::array(std::move(parent.results)), true);
    }
  } else {
    // The Parallel's next events follow the last event any branch published.
    if (parent.completed == static_cast<std::int64_t>(parent.results.size())) {
      record(parent, HistoryEventType::ParallelStateSucceeded, details::None{}, false);
      complete_state(parent, Value::array(std::move(parent.results)), true);
    }
  }
  make_ready(parent.id);
}

void Interpreter::child_failed(Frame& parent, Frame& child, const std::string& error,
                               const std::optional<std::string>& cause) {
  if (!running()) return;
  remove_child(parent, child.id);
  std::int64_t failing = child.last_event_id;
  const asl::State& s = state_of(parent);
  bool map = s.type == asl::StateType::Map;
  if (map) {
    record_with_previous(failing, HistoryEventType::MapIterationFailed,
                         details::MapIteration{s.name_value, child.index});
  } else if (state_of(child).type == asl::StateType::Task) {
    // A branch that fails in a Task marks that Task aborted too.
    record_with_previous(failing, HistoryEventType::TaskStateAborted, details::None{});
  }
  abort_children(parent, failing);
  raise(parent, StateError{error, cause, false, false});
  make_ready(parent.id);
}

void Interpreter::abort_children(Frame& parent, std::int64_t failing) {
  const asl::State& s = state_of(parent);
  bool map = s.type == asl::StateType::Map;
  // The others stop; every event of the stop follows the failing event.
  for (FrameId id : std::vector<FrameId>(parent.running)) {
    Frame& other = frame(id);
    record_aborted(other, failing);
    if (map) {
      record_with_previous(failing, HistoryEventType::MapIterationAborted,
                           details::MapIteration{s.name_value, other.index});
    }
    abort_frame(id);
  }
  parent.running.clear();
  parent.last_event_id = failing;
}

bool Interpreter::gather_result(Frame& parent, const Value& output) {
  parent.results_bytes += json::measure(output).bytes + 1;
  auto error = limit_error(state_of(parent).name, {parent.results_bytes, 0}, Payload::Result);
  if (!error) return true;
  abort_children(parent, parent.last_event_id);
  raise(parent, std::move(*error));
  return false;
}

}  // namespace baton::engine
