// The Pass state, and the end every state with a result shares (complete_state).

#include "asl/data_flow.h"
#include "engine/interpreter.h"

namespace baton::engine {

using json::Value;

void Interpreter::run_pass(Frame& f) {
  const asl::State& s = state_of(f);
  const auto& pass = s.as<asl::PassState>();
  auto effective = select(f, s.input_path, f.input);
  if (!effective) return raise_state(f, effective.error());
  Value result;
  if (pass.result) {
    result = *pass.result;
  } else if (pass.parameters) {
    auto evaluated = evaluate_template(f, *pass.parameters, *effective, {});
    if (!evaluated) return raise_state(f, evaluated.error());
    if (auto error = payload_error(f, *evaluated, Payload::Input)) return raise(f, *error);
    result = std::move(*evaluated);
  } else {
    result = std::move(*effective);
  }
  complete_state(f, std::move(result), false);
}

namespace {

struct ResultFields {
  const std::optional<asl::PayloadTemplate>* result_selector = nullptr;
  const std::optional<asl::Path>* result_path = nullptr;
};

ResultFields result_fields(const asl::State& s) {
  switch (s.type) {
    case asl::StateType::Pass:
      return {nullptr, &s.as<asl::PassState>().result_path};
    case asl::StateType::Task: {
      const auto& t = s.as<asl::TaskState>();
      return {&t.result_selector, &t.result_path};
    }
    case asl::StateType::Parallel: {
      const auto& p = s.as<asl::ParallelState>();
      return {&p.result_selector, &p.result_path};
    }
    case asl::StateType::Map: {
      const auto& m = s.as<asl::MapState>();
      return {&m.result_selector, &m.result_path};
    }
    default:
      return {};
  }
}

HistoryEventType exited_type(asl::StateType type) {
  switch (type) {
    case asl::StateType::Task:
      return HistoryEventType::TaskStateExited;
    case asl::StateType::Pass:
      return HistoryEventType::PassStateExited;
    case asl::StateType::Choice:
      return HistoryEventType::ChoiceStateExited;
    case asl::StateType::Wait:
      return HistoryEventType::WaitStateExited;
    case asl::StateType::Succeed:
      return HistoryEventType::SucceedStateExited;
    case asl::StateType::Parallel:
      return HistoryEventType::ParallelStateExited;
    case asl::StateType::Map:
      return HistoryEventType::MapStateExited;
    case asl::StateType::Fail:
      break;
  }
  return HistoryEventType::PassStateExited;
}

}  // namespace

void Interpreter::complete_state(Frame& f, Value result, bool apply_result_selector) {
  const asl::State& s = state_of(f);
  ResultFields fields = result_fields(s);
  if (apply_result_selector && fields.result_selector != nullptr && *fields.result_selector) {
    auto selected = evaluate_template(f, **fields.result_selector, result, {});
    if (!selected) return raise_state(f, selected.error());
    if (auto error = payload_error(f, *selected, Payload::Result)) return raise(f, *error);
    result = std::move(*selected);
  }
  auto assigned = evaluate_assign(f, s.assign, result);
  if (!assigned) return raise(f, std::move(assigned).error());
  Value output = std::move(result);
  if (fields.result_path != nullptr) {
    auto merged = asl::apply_result_path(*fields.result_path, f.input, std::move(output));
    if (!merged) return raise_state(f, merged.error());
    output = std::move(*merged);
  }
  auto selected = select(f, s.output_path, output);
  if (!selected) return raise_state(f, selected.error());
  exit_state(f, std::move(*selected), *assigned);
}

void Interpreter::exit_state(Frame& f, Value output, const Value& assigned,
                             std::optional<asl::StateIndex> next) {
  const asl::State& s = state_of(f);
  if (auto error = payload_error(f, output, Payload::Output)) return raise(f, *error);
  record(f, exited_type(s.type), details::StateExited{s.name_value, output, assigned});
  commit_assign(f, assigned);
  if (next) {
    f.state = *next;
    f.input = std::move(output);
    f.phase = Phase::Running;
    return;
  }
  transition(f, std::move(output));
}

void Interpreter::raise_state(Frame& f, const Error& error) {
  raise(f, StateError{error.name, error.cause, true, false});
}

}  // namespace baton::engine
