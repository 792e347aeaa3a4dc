// Executions started by executions: nested state machines (states:startExecution) and a
// Distributed Map's child executions; and stopping an execution.

#include "asl/errors.h"
#include "core/random.h"
#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

// A name for a nested execution derived from its parent's task token, so that starting it
// again after a crash finds the same execution instead of making a second one.
std::string name_from_token(const std::string& token) {
  Random r(mix64(std::hash<std::string>{}(token)));
  return uuid_v4(r);
}

std::string_view pattern_name(asl::IntegrationPattern pattern) {
  switch (pattern) {
    case asl::IntegrationPattern::RequestResponse:
      return "requestResponse";
    case asl::IntegrationPattern::Sync:
      return "sync";
    case asl::IntegrationPattern::Sync2:
      return "sync2";
    case asl::IntegrationPattern::WaitForTaskToken:
      return "callback";
  }
  return "requestResponse";
}

}  // namespace

void StepFunctions::start_nested(const std::string& parent_arn,
                                 const engine::commands::InvokeTask& task) {
  core.stage(store::ops::DeleteOutbox{task.token});
  Timestamp now = core.clock.now();
  auto reject = [&](const std::string& error, const std::string& cause) {
    complete_task(parent_arn, engine::events::TaskFailed{now, task.token, error, cause});
  };
  const Value& p = task.payload;
  const Value* machine = p.find("StateMachineArn");
  if (machine == nullptr || !machine->is_string()) {
    return reject(std::string(asl::errors::kTaskFailed),
                  "The parameter StateMachineArn is required to start an execution");
  }
  auto target = resolve_target(std::string(machine->as_string()));
  if (!target)
    return reject("StepFunctions." + target.error().name + "Exception", target.error().cause);
  std::string name = name_from_token(task.token);
  if (const Value* given = p.find("Name"); given != nullptr && given->is_string()) {
    name = std::string(given->as_string());
  }
  Value input = Value::object({});
  if (const Value* given = p.find("Input"); given != nullptr) {
    if (given->is_string()) {
      auto parsed = json::parse(given->as_string());
      if (!parsed) {
        return reject("StepFunctions.InvalidExecutionInputException",
                      "Invalid State Machine Execution Input: '" + parsed.error().message + "'");
      }
      input = *parsed;
    } else {
      input = *given;
    }
  }
  const std::string machine_name = target->machine.name;
  std::string arn = core.options.partition.execution_arn(machine_name, name);
  bool express = target->machine.record.find("type")->as_string() == "EXPRESS";
  auto existing = core.store->execution(arn);
  bool started_before = existing && *existing;
  if (started_before) {
    // Started before a restart: only the reply to the parent is left to do.
  } else {
    std::string revision = keep_revision(target->definition);
    auto definition = definition_for(revision, target->definition, express);
    if (!definition) return reject(std::string(asl::errors::kTaskFailed), definition.error().cause);
    json::ObjectBuilder record;
    record.add("stateMachineArn", Value::string(target->machine.arn));
    record.add("stateMachineName", Value::string(machine_name));
    record.add("name", Value::string(name));
    record.add("input", Value::string(json::to_string(input)));
    record.add("roleArn", *target->machine.record.find("roleArn"));
    if (!target->version_arn.empty()) {
      record.add("stateMachineVersionArn", Value::string(target->version_arn));
    }
    if (!target->alias_arn.empty())
      record.add("stateMachineAliasArn", Value::string(target->alias_arn));
    // When what it runs was last changed, for DescribeStateMachineForExecution.
    const Value* updated = target->machine.record.find("updateDate");
    std::int64_t update_ms = updated != nullptr && updated->is_int64() ? updated->as_int64()
                                                                       : target->machine.created_ms;
    if (!target->version_arn.empty()) {
      auto version = core.store->resource(store::Kind::Version, target->version_arn);
      if (version && *version) update_ms = (*version)->created_ms;
    }
    record.add("stateMachineUpdateDate", Value::integer(update_ms));
    record.add("parent", json::ObjectBuilder()
                             .add("executionArn", Value::string(parent_arn))
                             .add("token", Value::string(task.token))
                             .add("pattern", Value::string(pattern_name(task.resource.pattern)))
                             .build());
    engine::ExecutionIdentity identity;
    identity.execution_arn = arn;
    identity.name = name;
    identity.state_machine_arn = target->machine.arn;
    identity.state_machine_name = machine_name;
    identity.role_arn = std::string(target->machine.record.find("roleArn")->as_string());
    identity.region = core.options.partition.region;
    identity.state_machine_version_arn = target->version_arn;
    identity.state_machine_alias_arn = target->alias_arn;
    auto launched = launch(arn, *definition, revision, record.build(), input, express, std::nullopt,
                           identity, 0);
    if (!launched) return reject(std::string(asl::errors::kTaskFailed), launched.error().cause);
  }
  Value response = json::ObjectBuilder()
                       .add("ExecutionArn", Value::string(arn))
                       .add("StartDate", Value::string(format_rfc3339_millis(now)))
                       .build();
  if (task.resource.pattern == asl::IntegrationPattern::RequestResponse) {
    complete_task(parent_arn, engine::events::TaskSucceeded{now, task.token, response});
  } else if (!started_before) {
    // .sync, .sync:2, .waitForTaskToken: the request was accepted (TaskSubmitted), the result
    // comes later. Recorded in the commit that starts the child, so once only.
    complete_task(parent_arn, engine::events::TaskSubmitted{now, task.token, response});
  }
}

void StepFunctions::start_map_child(LiveExecution& parent,
                                    const engine::commands::StartChildExecution& child,
                                    bool count) {
  json::ObjectBuilder record;
  record.add("stateMachineArn", Value::string(child.identity.state_machine_arn));
  record.add("stateMachineName", Value::string(child.identity.state_machine_name));
  record.add("name", Value::string(child.identity.name));
  record.add("input", Value::string(json::to_string(child.input)));
  record.add("roleArn", Value::string(child.identity.role_arn));
  record.add("mapRunArn", Value::string(child.map_run_arn));
  record.add("mapParent", json::ObjectBuilder()
                              .add("executionArn", Value::string(parent.arn))
                              .add("mapRunArn", Value::string(child.map_run_arn))
                              .add("items", Value::integer(child.items))
                              .build());
  if (!parent.express && count) count_map_child(child.map_run_arn, "started", child.items);
  auto launched =
      launch(child.identity.execution_arn, parent.definition, parent.revision, record.build(),
             child.input, child.express, parent.mocks, child.identity, child.graph);
  if (!launched) {
    (void)apply(parent, engine::events::ChildExecutionFinished{
                            core.clock.now(), child.identity.execution_arn, "FAILED", Value(),
                            std::string(asl::errors::kRuntime), launched.error().cause});
  }
}

Timestamp StepFunctions::stop_execution(const std::string& arn, std::optional<std::string> error,
                                        std::optional<std::string> cause) {
  Timestamp now = core.clock.now();
  LiveExecution* e = find_live(arn);
  if (e == nullptr) return now;
  (void)apply(*e, engine::events::StopRequested{now, std::move(error), std::move(cause)});
  return now;
}

}  // namespace baton::service::states
