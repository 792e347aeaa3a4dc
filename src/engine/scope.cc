// What a state's expressions read: the variables of its thread and the ones around it, and
// the context object ($$), which is built only for expressions that read it.

#include "asl/data_flow.h"
#include "engine/interpreter.h"

namespace baton::engine {

using json::Value;

const Value* FrameVariables::find(std::string_view name) const {
  FrameId id = frame_;
  while (id != kNoFrame) {
    const Frame& f = state_.frames[id];
    if (const Value* v = f.variables.find(name)) return v;
    id = f.parent;
  }
  return nullptr;
}

asl::Scope Interpreter::scope(const Frame&, const Value& input, const Value* context,
                              const FrameVariables& variables) {
  return asl::Scope{&input, context, &variables, &state_.random};
}

Value Interpreter::context_object(const Frame& f, const ContextExtras& extras) {
  const ExecutionIdentity& id = state_.identity;
  json::ObjectBuilder execution;
  execution.add("Id", Value::string(id.execution_arn));
  execution.add("Input", state_.input);
  execution.add("StartTime", Value::string(format_rfc3339_millis(state_.start_time)));
  execution.add("Name", Value::string(id.name));
  execution.add("RoleArn", Value::string(id.role_arn));
  execution.add("RedriveCount", Value::integer(state_.redrive_count));
  json::ObjectBuilder machine;
  machine.add("Id", Value::string(id.state_machine_arn));
  machine.add("Name", Value::string(id.state_machine_name));
  const asl::State& s = state_of(f);
  json::ObjectBuilder state;
  state.add("Name", s.name_value);
  state.add("EnteredTime", Value::string(format_rfc3339_millis(f.entered_time)));
  // AWS shows RetryCount only in the states that can retry.
  if (s.type == asl::StateType::Task || s.type == asl::StateType::Parallel ||
      s.type == asl::StateType::Map) {
    state.add("RetryCount", Value::integer(f.retry_count));
  }
  json::ObjectBuilder context;
  context.add("Execution", execution.build());
  context.add("StateMachine", machine.build());
  context.add("State", state.build());
  if (!extras.task_token.empty()) {
    context.add("Task",
                json::ObjectBuilder().add("Token", Value::string(extras.task_token)).build());
  }
  if (extras.map_item != nullptr) {
    json::ObjectBuilder item;
    item.add("Index", Value::integer(extras.map_index));
    if (extras.map_key != nullptr) item.add("Key", *extras.map_key);
    item.add("Value", *extras.map_item);
    // Items from the state's input rather than an ItemReader.
    item.add("Source", Value::string("STATE_DATA"));
    context.add("Map", json::ObjectBuilder().add("Item", item.build()).build());
  }
  return context.build();
}

Result<Value> Interpreter::evaluate_template(const Frame& f, const asl::PayloadTemplate& t,
                                             const Value& input, const ContextExtras& extras) {
  FrameVariables variables(state_, f.id);
  Value context;
  if (t.reads_context()) context = context_object(f, extras);
  return t.evaluate(scope(f, input, t.reads_context() ? &context : nullptr, variables));
}

Result<Value> Interpreter::select(const Frame& f, const std::optional<asl::Path>& path,
                                  const Value& input) {
  if (!path) return Value::object({});
  if (path->is_root() && path->root() == asl::PathRoot::Input) return input;
  FrameVariables variables(state_, f.id);
  Value context;
  bool needs_context = path->root() == asl::PathRoot::Context;
  if (needs_context) context = context_object(f, {});
  return asl::select_path(path, scope(f, input, needs_context ? &context : nullptr, variables));
}

Result<Value> Interpreter::evaluate_expression(const Frame& f, const asl::Expression& e,
                                               const Value& input, std::string_view field) {
  FrameVariables variables(state_, f.id);
  Value context;
  if (e.reads_context()) context = context_object(f, {});
  return e.evaluate(scope(f, input, e.reads_context() ? &context : nullptr, variables), field);
}

Expected<Value, StateError> Interpreter::evaluate_assign(
    const Frame& f, const std::optional<asl::PayloadTemplate>& assign, const Value& result) {
  if (!assign) return Value();
  auto values = evaluate_template(f, *assign, result, {});
  if (!values) {
    return Unexpected<StateError>(
        StateError{values.error().name, values.error().cause, true, false});
  }
  if (auto error = assign_error(f, *values)) return Unexpected<StateError>(std::move(*error));
  return std::move(*values);
}

void Interpreter::commit_assign(Frame& f, const Value& assigned) {
  if (!assigned.is_object() || assigned.size() == 0) return;
  if (!f.variables.is_object()) {
    f.variables = assigned;
    return;
  }
  std::vector<json::Member> members(f.variables.members().begin(), f.variables.members().end());
  for (const json::Member& m : assigned.members()) members.push_back(m);
  f.variables = Value::object(std::move(members));
}

}  // namespace baton::engine
