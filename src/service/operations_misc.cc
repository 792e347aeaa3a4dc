// Tags, and TestState: one state run on its own, with an optional mocked result.

#include <set>

#include "asl/data_flow.h"
#include "asl/parse.h"
#include "core/random.h"
#include "service/service_internal.h"

namespace baton::service {

using json::Value;

namespace {

// AWS limit: 50 tags a resource.
constexpr std::size_t kMaxTags = 50;

Value text(std::string_view s) { return Value::string(s); }

}  // namespace

// The resource a tag call names: a state machine or an activity that exists.
static Expected<void, Error> check_taggable(Service::Impl& d, const std::string& arn) {
  auto parsed = parse_arn(arn);
  if (!parsed || (parsed->type != "stateMachine" && parsed->type != "activity")) {
    return fail("InvalidArn", invalid_arn_message(arn));
  }
  store::Kind kind = parsed->type == "activity" ? store::Kind::Activity : store::Kind::StateMachine;
  auto found = d.store->resource(kind, arn);
  if (!found) return Unexpected<Error>(found.error());
  if (!*found) return fail("ResourceNotFound", "Resource not found: '" + arn + "'");
  return {};
}

void Service::Impl::tag_resource(const Request& r, Reply reply) {
  auto arn = r.required("resourceArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  if (auto ok = check_taggable(*this, *arn); !ok)
    return answer(reply, Unexpected<Error>(ok.error()));
  const Value* tags = r.field("tags");
  if (tags == nullptr || !tags->is_array()) {
    return answer(reply, fail("ValidationException",
                              "1 validation error detected: Value null at 'tags' failed to satisfy "
                              "constraint: Member must not be null"));
  }
  auto existing = store->tags(*arn);
  if (!existing) return answer(reply, Unexpected<Error>(existing.error()));
  std::set<std::string> keys;
  for (const auto& [key, value] : *existing) keys.insert(key);
  // Every tag is checked before any is kept: a bad one leaves the resource as it was.
  for (const Value& tag : tags->as_array()) {
    const Value* key = tag.find("key");
    const Value* value = tag.find("value");
    if (key == nullptr || !key->is_string() || key->as_string().empty() ||
        key->as_string().size() > 128) {
      return answer(reply, fail("ValidationException",
                                "1 validation error detected: Value at 'tags.member.key' failed "
                                "to satisfy constraint: Member must have length between 1 and "
                                "128"));
    }
    if (value != nullptr && !value->is_null() &&
        (!value->is_string() || value->as_string().size() > 256)) {
      return answer(reply, fail("ValidationException",
                                "1 validation error detected: Value at 'tags.member.value' "
                                "failed to satisfy constraint: Member must have length less than "
                                "or equal to 256"));
    }
    keys.insert(std::string(key->as_string()));
  }
  if (keys.size() > kMaxTags) {
    return answer(reply,
                  fail("TooManyTags", "Too many tags for resource: '" + *arn + "' (at most 50)"));
  }
  for (const Value& tag : tags->as_array()) {
    const Value* value = tag.find("value");
    stage(store::ops::PutTag{
        *arn, std::string(tag.find("key")->as_string()),
        value != nullptr && value->is_string() ? std::string(value->as_string()) : ""});
  }
  answer(reply, Value::object({}));
}

void Service::Impl::untag_resource(const Request& r, Reply reply) {
  auto arn = r.required("resourceArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  if (auto ok = check_taggable(*this, *arn); !ok)
    return answer(reply, Unexpected<Error>(ok.error()));
  const Value* keys = r.field("tagKeys");
  if (keys != nullptr && keys->is_array()) {
    for (const Value& key : keys->as_array()) {
      if (key.is_string()) stage(store::ops::DeleteTag{*arn, std::string(key.as_string())});
    }
  }
  answer(reply, Value::object({}));
}

void Service::Impl::list_tags_for_resource(const Request& r, Reply reply) {
  auto arn = r.required("resourceArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  if (auto ok = check_taggable(*this, *arn); !ok)
    return answer(reply, Unexpected<Error>(ok.error()));
  auto tags = store->tags(*arn);
  if (!tags) return answer(reply, Unexpected<Error>(tags.error()));
  std::vector<Value> items;
  for (const auto& [key, value] : *tags) {
    items.push_back(json::ObjectBuilder().add("key", text(key)).add("value", text(value)).build());
  }
  answer(reply, json::ObjectBuilder().add("tags", Value::array(std::move(items))).build());
}

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

}  // namespace

void Service::Impl::test_state(const Request& r, Reply reply) {
  auto definition_text = r.required("definition");
  if (!definition_text) return answer(reply, Unexpected<Error>(definition_text.error()));
  auto input_text = r.string("input");
  auto state_name = r.string("stateName");
  auto level = r.string("inspectionLevel");
  auto variables_text = r.string("variables");
  if (!input_text || !state_name || !level || !variables_text) {
    return answer(reply, fail("SerializationException", "A field has the wrong type"));
  }
  auto document = json::parse(*definition_text);
  if (!document || !document->is_object()) {
    return answer(reply, fail("InvalidDefinition",
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
      return answer(
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
    return answer(reply, fail("ValidationException",
                              "State type 'Pass' is not supported when a mock is specified"));
  }
  if (type == "Task" && mock == nullptr) {
    return answer(reply, fail("ValidationException",
                              "baton's TestState runs a Task state with a mock: give 'mock' a "
                              "result or an errorOutput"));
  }
  auto input = json::parse(input_text->value_or("{}"));
  if (!input) {
    return answer(reply, fail("InvalidExecutionInput", "Invalid State Machine Execution Input: '" +
                                                           input.error().message + "'"));
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
      return answer(reply, fail("ValidationException", "variables must be a JSON object"));
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
    return answer(reply,
                  fail("InvalidDefinition", asl::invalid_definition_message(parsed.error())));
  }
  // Run it in memory: timers fire at once, the mock answers the task.
  engine::ExecutionIdentity identity;
  identity.name = "test-state";
  identity.state_machine_name = "TestState";
  identity.state_machine_arn = options.partition.state_machine_arn("TestState");
  identity.execution_arn = options.partition.execution_arn("TestState", "test-state");
  identity.role_arn =
      std::string(r.field("roleArn") != nullptr && r.field("roleArn")->is_string()
                      ? r.field("roleArn")->as_string()
                      : "arn:aws:iam::" + options.partition.account + ":role/TestState");
  identity.region = options.partition.region;
  Timestamp now = clock.now();
  auto step =
      engine::step(*parsed->definition, engine::ExecutionState{},
                   engine::events::ExecutionStarted{now, identity, *input, os_entropy(), 0});
  if (!step) return answer(reply, fail("InternalFailure", step.error().error.cause));
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
          for (auto it = history.rbegin(); it != history.rend(); ++it) {
            if (const auto* d = std::get_if<engine::details::TaskError>(&it->details)) {
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
    if (!advanced) return answer(reply, fail("InternalFailure", advanced.error().error.cause));
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
    json::ObjectBuilder inspection;
    inspection.add("input", text(json::to_string(*input)));
    if (!output.is_null()) inspection.add("afterResultPath", text(json::to_string(output)));
    for (const engine::HistoryEvent& e : history) {
      if (const auto* scheduled = std::get_if<engine::details::TaskScheduled>(&e.details)) {
        inspection.add("afterParameters", text(json::to_string(scheduled->parameters)));
      }
      if (const auto* succeeded = std::get_if<engine::details::TaskOutput>(&e.details)) {
        inspection.add("result", text(json::to_string(succeeded->output)));
      }
    }
    out.add("inspectionData", inspection.build());
  }
  answer(reply, out.build());
}

}  // namespace baton::service
