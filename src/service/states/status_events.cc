// "Step Functions Execution Status Change": the event AWS puts on the default event bus each
// time a STANDARD execution starts, is redriven or ends, so that rules on source "aws.states"
// work as on AWS. EXPRESS executions send none, as on AWS.

#include "service/service_events.h"
#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

Value member_or_null(const Value& record, std::string_view key) {
  const Value* v = record.find(key);
  return v != nullptr ? *v : Value();
}

}  // namespace

void StepFunctions::emit_status_change(const Value& record) {
  if (!core.serves("events")) return;
  std::string status(record.find("status")->as_string());
  bool ended = status != "RUNNING";
  Value included = json::ObjectBuilder().add("included", Value::boolean(true)).build();
  const Value* output = record.find("output");
  bool has_output = output != nullptr && output->is_string();
  const Value* redrives = record.find("redriveCount");
  std::string redrive_status = !ended                  ? "NOT_REDRIVABLE"
                               : status == "SUCCEEDED" ? "NOT_REDRIVABLE"
                                                       : "REDRIVABLE";
  Value reason = redrive_status == "REDRIVABLE"
                     ? Value()
                     : Value::string("Execution is " + status + " and cannot be redriven");
  Value detail = json::ObjectBuilder()
                     .add("executionArn", member_or_null(record, "executionArn"))
                     .add("stateMachineArn", member_or_null(record, "stateMachineArn"))
                     .add("name", member_or_null(record, "name"))
                     .add("status", Value::string(status))
                     .add("startDate", member_or_null(record, "startDate"))
                     .add("stopDate", ended ? member_or_null(record, "stopDate") : Value())
                     .add("input", member_or_null(record, "input"))
                     .add("output", has_output ? *output : Value())
                     .add("inputDetails", included)
                     .add("outputDetails", has_output ? included : Value())
                     .add("error", ended ? member_or_null(record, "error") : Value())
                     .add("cause", ended ? member_or_null(record, "cause") : Value())
                     .add("redriveCount", redrives != nullptr ? *redrives : Value::integer(0))
                     .add("redriveDate", member_or_null(record, "redriveDate"))
                     .add("redriveStatus", Value::string(redrive_status))
                     .add("redriveStatusReason", std::move(reason))
                     .build();
  Value request = json::ObjectBuilder()
                      .add("Source", Value::string("aws.states"))
                      .add("DetailType", Value::string("Step Functions Execution Status Change"))
                      .add("Detail", std::move(detail))
                      .add("Resources", Value::array({member_or_null(record, "executionArn")}))
                      .build();
  core.call("events", kPutServiceEvent, std::move(request), [this](Result<Value> put) {
    if (!put) core.warn("Step Functions: status change event: " + put.error().cause);
  });
}

}  // namespace baton::service::states
