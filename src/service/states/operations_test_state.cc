// TestState: one state run on its own, in memory, with an optional mocked result; and what
// its data processing did at each step (inspectionData).

#include <set>

#include "asl/data_flow.h"
#include "asl/parse.h"
#include "core/random.h"
#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

// The names a state transitions to.
void targets_of(const Value& state, std::set<std::string>& out) {
  auto add = [&](const Value* v) {
    if (v != nullptr && v->is_string()) out.insert(std::string(v->as_string()));
  };
  add(state.find("Next"));
  add(state.find("Default"));
  for (std::string_view list : {"Choices", "Catch"}) {
    const Value* items = state.find(list);
    if (items == nullptr || !items->is_array()) continue;
    for (const Value& item : items->as_array()) add(item.find("Next"));
  }
}

// What each step of the state's data processing made, as TestState's inspectionData shows
// it: input, afterInputPath, afterParameters, result, afterResultSelector, afterResultPath.
// A step that fails (the run reports why) is left out.
Value inspection_data(const asl::State& state, const Value& input, const engine::History& history,
                      const Value& output) {
  json::ObjectBuilder inspection;
  auto add = [&](std::string_view key, const Value& v) {
    inspection.add(key, text(json::to_string(v)));
  };
  add("input", input);
  const asl::PayloadTemplate* parameters = nullptr;
  const asl::PayloadTemplate* result_selector = nullptr;
  const std::optional<asl::Path>* result_path = nullptr;
  std::optional<Value> result;
  bool show_result = true;
  if (const auto* task = std::get_if<asl::TaskState>(&state.body)) {
    if (task->parameters) parameters = &*task->parameters;
    if (task->result_selector) result_selector = &*task->result_selector;
    result_path = &task->result_path;
    for (const engine::HistoryEvent& e : history) {
      if (const auto* succeeded = std::get_if<engine::details::TaskOutput>(&e.details)) {
        result = succeeded->output;
      }
    }
  } else if (const auto* pass = std::get_if<asl::PassState>(&state.body)) {
    if (pass->parameters) parameters = &*pass->parameters;
    if (pass->result) result = *pass->result;
    result_path = &pass->result_path;
  } else {
    add("afterInputPath", input);
    if (!output.is_null()) add("afterResultPath", output);
    return inspection.build();
  }
  Random random(os_entropy());
  asl::Scope scope{&input, nullptr, nullptr, &random};
  auto after_input = asl::select_path(state.input_path, scope);
  if (after_input) {
    add("afterInputPath", *after_input);
    scope.input = &*after_input;
    auto after_parameters = parameters ? parameters->evaluate(scope) : Result<Value>(*after_input);
    if (after_parameters) {
      add("afterParameters", *after_parameters);
      // A Pass state without Result passes its parameters on: AWS shows no "result" then.
      if (!result && std::holds_alternative<asl::PassState>(state.body)) {
        result = *after_parameters;
        show_result = false;
      }
    }
  }
  if (!result) {
    if (!output.is_null()) add("afterResultPath", output);
    return inspection.build();
  }
  if (show_result) add("result", *result);
  asl::Scope result_scope{&*result, nullptr, nullptr, &random};
  auto selected =
      result_selector ? result_selector->evaluate(result_scope) : Result<Value>(*result);
  if (!selected) return inspection.build();
  add("afterResultSelector", *selected);
  auto placed = asl::apply_result_path(*result_path, input, *selected);
  if (placed) add("afterResultPath", *placed);
  return inspection.build();
}

}  // namespace

void StepFunctions::test_state(const Request& r, Reply reply) {
  auto definition_text = r.required("definition");
  if (!definition_text) return core.answer(reply, Unexpected<Error>(definition_text.error()));
  auto input_text = r.string("input");
  auto state_name = r.string("stateName");
  auto level = r.string("inspectionLevel");
  auto variables_text = r.string("variables");
  if (!input_text || !state_name || !level || !variables_text) {
    return core.answer(reply, fail("SerializationException", "A field has the wrong type"));
  }
  auto document = json::parse(*definition_text);
  if (!document || !document->is_object()) {
    return core.answer(reply,
                       fail("InvalidDefinition",
                            "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: the "
                            "definition is not a JSON object'"));
  }
  // A whole state machine and a state name, or one state on its own.
  std::string name = state_name->value_or("");
  Value state = *document;
  if (const Value* states = document->find("States"); states != nullptr && states->is_object()) {
    if (name.empty()) name = std::string(document->find("StartAt")->as_string());
    const Value* chosen = states->find(name);
    if (chosen == nullptr) {
      return core.answer(
          reply, fail("ValidationException", "The state '" + name + "' is not in the definition"));
    }
    state = *chosen;
  } else if (name.empty()) {
    name = "TestState";
  }
  std::string type = state.find("Type") != nullptr && state.find("Type")->is_string()
                         ? std::string(state.find("Type")->as_string())
                         : "";
  const Value* mock = r.field("mock");
  if (mock != nullptr && type == "Pass") {
    return core.answer(reply, fail("ValidationException",
                                   "State type 'Pass' is not supported when a mock is specified"));
  }
  if (type == "Task" && mock == nullptr) {
    return core.answer(reply, fail("ValidationException",
                                   "baton's TestState runs a Task state with a mock: give 'mock' a "
                                   "result or an errorOutput"));
  }
  auto input = json::parse(input_text->value_or("{}"));
  if (!input) {
    return core.answer(
        reply, fail("InvalidExecutionInput",
                    "Invalid State Machine Execution Input: '" + input.error().message + "'"));
  }
  // The state, with a Succeed state standing for each state it can go to, and a first state
  // that sets the variables given.
  std::set<std::string> targets;
  targets_of(state, targets);
  json::ObjectBuilder states;
  std::string start = name;
  if (*variables_text) {
    auto variables = json::parse(**variables_text);
    if (!variables || !variables->is_object()) {
      return core.answer(reply, fail("ValidationException", "variables must be a JSON object"));
    }
    start = "baton:variables";
    states.add(start, json::ObjectBuilder()
                          .add("Type", text("Pass"))
                          .add("Assign", *variables)
                          .add("Next", text(name))
                          .build());
  }
  states.add(name, state);
  for (const std::string& target : targets) {
    if (target != name)
      states.add(target, json::ObjectBuilder().add("Type", text("Succeed")).build());
  }
  std::string machine = json::to_string(
      json::ObjectBuilder().add("StartAt", text(start)).add("States", states.build()).build());
  auto parsed = asl::parse(machine);
  if (!parsed) {
    return core.answer(reply,
                       fail("InvalidDefinition", asl::invalid_definition_message(parsed.error())));
  }
  // Run it in memory: timers fire at once, the mock answers the task.
  engine::ExecutionIdentity identity;
  identity.name = "test-state";
  identity.state_machine_name = "TestState";
  identity.state_machine_arn = core.options.partition.state_machine_arn("TestState");
  identity.execution_arn = core.options.partition.execution_arn("TestState", "test-state");
  identity.role_arn =
      std::string(r.field("roleArn") != nullptr && r.field("roleArn")->is_string()
                      ? r.field("roleArn")->as_string()
                      : "arn:aws:iam::" + core.options.partition.account + ":role/TestState");
  identity.region = core.options.partition.region;
  Timestamp now = core.clock.now();
  auto step =
      engine::step(*parsed->definition, engine::ExecutionState{},
                   engine::events::ExecutionStarted{now, identity, *input, os_entropy(), 0});
  if (!step) return core.answer(reply, fail("InternalFailure", step.error().error.cause));
  engine::ExecutionState s = std::move(step->state);
  engine::History history = std::move(step->history);
  std::optional<std::string> retriable_error;
  std::optional<std::string> retriable_cause;
  for (int rounds = 0; rounds < 1000 && s.status == engine::ExecutionStatus::RUNNING; ++rounds) {
    engine::Event next;
    bool have = false;
    for (const engine::Command& c : step->commands) {
      if (const auto* invoke = std::get_if<engine::commands::InvokeTask>(&c); invoke && mock) {
        if (const Value* error = mock->find("errorOutput");
            error != nullptr && error->is_object()) {
          const Value* e = error->find("error");
          const Value* cause = error->find("cause");
          next = engine::events::TaskFailed{
              now, invoke->token, e != nullptr && e->is_string() ? std::string(e->as_string()) : "",
              cause != nullptr && cause->is_string()
                  ? std::optional<std::string>(std::string(cause->as_string()))
                  : std::nullopt};
        } else {
          const Value* result = mock->find("result");
          auto value = result != nullptr && result->is_string()
                           ? json::parse(result->as_string())
                           : Expected<Value, json::ParseError>(Value());
          next = engine::events::TaskSucceeded{now, invoke->token, value ? *value : Value()};
        }
        have = true;
      } else if (const auto* timer = std::get_if<engine::commands::ScheduleTimer>(&c)) {
        auto purpose = s.timers.find(timer->id);
        if (purpose != s.timers.end() &&
            purpose->second.kind == engine::TimerPurpose::Kind::Retry) {
          // A retrier would try again: TestState says so instead of waiting.
          for (std::size_t i = history.size(); i-- > 0;) {
            if (const auto* d = std::get_if<engine::details::TaskError>(&history[i].details)) {
              if (d->error.is_string()) retriable_error = std::string(d->error.as_string());
              if (d->cause.is_string()) retriable_cause = std::string(d->cause.as_string());
              break;
            }
          }
          break;
        }
        if (!have) {
          next = engine::events::TimerFired{now, timer->id};
          have = true;
        }
      }
    }
    if (retriable_error || !have) break;
    auto advanced = engine::step(*parsed->definition, std::move(s), next);
    if (!advanced) return core.answer(reply, fail("InternalFailure", advanced.error().error.cause));
    s = std::move(advanced->state);
    for (engine::HistoryEvent& e : advanced->history) history.push_back(std::move(e));
    step = std::move(advanced);
  }
  // What the state did, read back from its history.
  json::ObjectBuilder out;
  std::string status;
  Value output;
  std::string next_state;
  bool caught = false;
  for (const engine::HistoryEvent& e : history) {
    if (const auto* exited = std::get_if<engine::details::StateExited>(&e.details)) {
      if (exited->name.as_string() == name) output = exited->output;
    }
    if (const auto* entered = std::get_if<engine::details::StateEntered>(&e.details)) {
      std::string entered_name(entered->name.as_string());
      if (entered_name != name && entered_name != "baton:variables" && next_state.empty() &&
          !output.is_null()) {
        next_state = entered_name;
      }
    }
    if (std::holds_alternative<engine::details::TaskError>(e.details) ||
        std::holds_alternative<engine::details::ErrorCause>(e.details)) {
      caught = true;
    }
  }
  if (retriable_error) {
    status = "RETRIABLE";
    out.add("error", text(*retriable_error));
    if (retriable_cause) out.add("cause", text(*retriable_cause));
  } else if (s.status == engine::ExecutionStatus::FAILED) {
    status = "FAILED";
    if (s.error) out.add("error", text(*s.error));
    if (s.cause) out.add("cause", text(*s.cause));
  } else {
    status = caught && !output.is_null() ? "CAUGHT_ERROR" : "SUCCEEDED";
    if (output.is_null() && s.output) output = *s.output;
    out.add("output", text(json::to_string(output)));
    if (!next_state.empty()) out.add("nextState", text(next_state));
  }
  out.add("status", text(status));
  if (level->value_or("INFO") != "INFO") {
    const asl::State* tested = parsed->definition->root->find(name);
    out.add("inspectionData", inspection_data(*tested, *input, history, output));
  }
  core.answer(reply, out.build());
}

}  // namespace baton::service::states
