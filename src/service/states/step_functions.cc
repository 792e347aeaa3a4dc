// The Step Functions service's registration: its operations, in one table.

#include "service/states/step_functions.h"

#include "service/states/states.h"

namespace baton::service::states {

std::unique_ptr<EmulatedService> make(Core& core) { return std::make_unique<StepFunctions>(core); }

StepFunctions::StepFunctions(Core& c)
    : core(c),
      table{
          operation("CreateStateMachine", this, &StepFunctions::create_state_machine),
          operation("DescribeStateMachine", this, &StepFunctions::describe_state_machine, true),
          operation("UpdateStateMachine", this, &StepFunctions::update_state_machine),
          operation("DeleteStateMachine", this, &StepFunctions::delete_state_machine),
          operation("ListStateMachines", this, &StepFunctions::list_state_machines, true),
          operation("ValidateStateMachineDefinition", this,
                    &StepFunctions::validate_state_machine_definition, true),
          operation("PublishStateMachineVersion", this,
                    &StepFunctions::publish_state_machine_version),
          operation("ListStateMachineVersions", this, &StepFunctions::list_state_machine_versions,
                    true),
          operation("DeleteStateMachineVersion", this,
                    &StepFunctions::delete_state_machine_version),
          operation("CreateStateMachineAlias", this, &StepFunctions::create_state_machine_alias),
          operation("DescribeStateMachineAlias", this, &StepFunctions::describe_state_machine_alias,
                    true),
          operation("UpdateStateMachineAlias", this, &StepFunctions::update_state_machine_alias),
          operation("DeleteStateMachineAlias", this, &StepFunctions::delete_state_machine_alias),
          operation("ListStateMachineAliases", this, &StepFunctions::list_state_machine_aliases,
                    true),
          operation("StartExecution", this, &StepFunctions::start_execution),
          operation("StartSyncExecution", this, &StepFunctions::start_sync_execution),
          operation("DescribeExecution", this, &StepFunctions::describe_execution, true),
          operation("DescribeStateMachineForExecution", this,
                    &StepFunctions::describe_state_machine_for_execution, true),
          operation("ListExecutions", this, &StepFunctions::list_executions, true),
          operation("GetExecutionHistory", this, &StepFunctions::get_execution_history, true),
          operation("StopExecution", this, &StepFunctions::stop_execution_op),
          operation("RedriveExecution", this, &StepFunctions::redrive_execution),
          operation("CreateActivity", this, &StepFunctions::create_activity),
          operation("DescribeActivity", this, &StepFunctions::describe_activity, true),
          operation("DescribeMapRun", this, &StepFunctions::describe_map_run, true),
          operation("ListMapRuns", this, &StepFunctions::list_map_runs, true),
          operation("UpdateMapRun", this, &StepFunctions::update_map_run),
          operation("DeleteActivity", this, &StepFunctions::delete_activity),
          operation("ListActivities", this, &StepFunctions::list_activities, true),
          operation("GetActivityTask", this, &StepFunctions::get_activity_task),
          operation("SendTaskSuccess", this, &StepFunctions::send_task_success),
          operation("SendTaskFailure", this, &StepFunctions::send_task_failure),
          operation("SendTaskHeartbeat", this, &StepFunctions::send_task_heartbeat),
          operation("TagResource", this, &StepFunctions::tag_resource),
          operation("UntagResource", this, &StepFunctions::untag_resource),
          operation("ListTagsForResource", this, &StepFunctions::list_tags_for_resource, true),
          operation("TestState", this, &StepFunctions::test_state),
      } {}

Unexpected<Error> invalid_arn(const std::string& arn) {
  return fail("InvalidArn", invalid_arn_message(arn));
}

std::string string_or(const json::Value& record, std::string_view key, std::string fallback) {
  const json::Value* v = record.find(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : fallback;
}

Unexpected<Error> no_execution(const std::string& arn) {
  return fail("ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'");
}

Expected<void, Error> check_execution_arn(const std::string& arn) {
  auto parsed = parse_arn(arn);
  if (parsed && parsed->type == "express") {
    return fail("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: express'");
  }
  if (!parsed || parsed->type != "execution" || parsed->qualifier.empty()) return invalid_arn(arn);
  return {};
}

}  // namespace baton::service::states
