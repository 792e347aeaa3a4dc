// Map Runs: what a Distributed Map's run is doing (DescribeMapRun, ListMapRuns) and changing
// its limits while it runs (UpdateMapRun).
//
// A Map Run is a resource whose parent is the execution that started it. The engine says when
// it starts, changes and ends (commands::RecordMapRun); the service counts its child
// executions, and their items, as they start and end. Express children are counted too,
// although they are not kept. Records not yet final are cached, so that two changes in one
// group of writes see each other.

#include <sstream>

#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

// The counters a Map Run keeps, for executions and for items alike.
constexpr std::string_view kStarted = "started";
constexpr std::string_view kEnded[] = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"};

Value zero_counts(std::int64_t total) {
  json::ObjectBuilder b;
  b.add("total", Value::integer(total)).add(kStarted, Value::integer(0));
  for (std::string_view status : kEnded) b.add(status, Value::integer(0));
  return b.build();
}

std::int64_t count_of(const Value& counts, std::string_view key) {
  const Value* v = counts.find(key);
  return v != nullptr && v->is_integer() ? v->as_int64() : 0;
}

Value add_to(const Value& counts, std::string_view key, std::int64_t n) {
  return json::with_member(counts, key, Value::integer(count_of(counts, key) + n));
}

// As DescribeMapRun shows them (MapRunItemCounts, MapRunExecutionCounts).
Value described_counts(const Value& counts) {
  std::int64_t total = count_of(counts, "total");
  std::int64_t started = count_of(counts, kStarted);
  std::int64_t ended = 0;
  for (std::string_view status : kEnded) ended += count_of(counts, status);
  return json::ObjectBuilder()
      .add("pending", Value::integer(std::max<std::int64_t>(total - started, 0)))
      .add("running", Value::integer(std::max<std::int64_t>(started - ended, 0)))
      .add("succeeded", Value::integer(count_of(counts, "SUCCEEDED")))
      .add("failed", Value::integer(count_of(counts, "FAILED")))
      .add("timedOut", Value::integer(count_of(counts, "TIMED_OUT")))
      .add("aborted", Value::integer(count_of(counts, "ABORTED")))
      .add("total", Value::integer(total))
      .add("resultsWritten", Value::integer(0))  // no ResultWriter yet
      .add("failuresNotRedrivable", Value::integer(0))
      .add("pendingRedrive", Value::integer(0))
      .build();
}

bool is_map_run_arn(const std::string& arn) {
  auto parsed = parse_arn(arn);
  return parsed && parsed->type == "mapRun";
}

// The Map Run's own state machine, "<machine>/<label>", as its child executions name it.
std::string map_run_machine_arn(const std::string& map_run_arn) {
  std::size_t type = map_run_arn.find(":mapRun:");
  std::string run = map_run_arn.substr(type + 8);
  return map_run_arn.substr(0, type) + ":stateMachine:" + run.substr(0, run.rfind(':'));
}

std::string format_percentage(double p) {
  std::ostringstream s;
  s << p;
  std::string out = s.str();
  if (out.find('.') == std::string::npos) out += ".0";
  return out;
}

}  // namespace

Result<std::optional<Value>> StepFunctions::map_run(const std::string& arn) {
  if (auto it = map_runs.find(arn); it != map_runs.end()) return std::optional<Value>(it->second);
  auto found = core.store->resource(store::Kind::MapRun, arn);
  if (!found) return Unexpected<Error>(found.error());
  if (!*found) return std::optional<Value>();
  return std::optional<Value>((*found)->record);
}

void StepFunctions::put_map_run(const Value& record) {
  std::string arn(record.find("mapRunArn")->as_string());
  std::string parent(record.find("executionArn")->as_string());
  map_runs[arn] = record;
  core.stage(store::ops::PutResource{store::Resource{
      store::Kind::MapRun, arn, arn, parent, record.find("startDate")->as_int64(), record}});
  if (record.find("status")->as_string() != "RUNNING") {
    // Once committed, the store has the last word.
    core.then([this, arn] {
      auto it = map_runs.find(arn);
      if (it != map_runs.end() && it->second.find("status")->as_string() != "RUNNING") {
        map_runs.erase(it);
      }
    });
  }
}

void StepFunctions::record_map_run(const LiveExecution& parent,
                                   const engine::commands::RecordMapRun& run) {
  auto existing = map_run(run.map_run_arn);
  if (!existing) return;  // the store failed; the error shows on the next request
  Value record;
  if (*existing) {
    record = **existing;
    // A Map Run that has ended stays ended (an abort after a failure changes nothing).
    if (record.find("status")->as_string() != "RUNNING") return;
  } else {
    record = json::ObjectBuilder()
                 .add("mapRunArn", text(run.map_run_arn))
                 .add("executionArn", text(parent.arn))
                 .add("stateMachineArn", text(map_run_machine_arn(run.map_run_arn)))
                 .add("status", text("RUNNING"))
                 .add("startDate", Value::integer(core.now_ms()))
                 .add("executions", zero_counts(run.execution_total))
                 .add("items", zero_counts(run.item_total))
                 .build();
  }
  record = json::with_member(record, "status", text(run.status));
  record = json::with_member(record, "maxConcurrency", Value::integer(run.max_concurrency));
  record = json::with_member(record, "toleratedFailureCount",
                             Value::integer(run.tolerated_failure_count.value_or(0)));
  record = json::with_member(record, "toleratedFailurePercentage",
                             Value::number(run.tolerated_failure_percentage.value_or(0)));
  if (run.status != "RUNNING") record = json::with_member(record, "stopDate", epoch(core.now_ms()));
  put_map_run(record);
}

void StepFunctions::count_map_child(const std::string& map_run_arn, std::string_view counter,
                                    std::int64_t items) {
  auto existing = map_run(map_run_arn);
  if (!existing || !*existing) return;
  Value record = **existing;
  record = json::with_member(record, "executions", add_to(*record.find("executions"), counter, 1));
  record = json::with_member(record, "items", add_to(*record.find("items"), counter, items));
  put_map_run(record);
}

void StepFunctions::describe_map_run(const Request& r, Reply reply) {
  auto arn = r.required("mapRunArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  if (!is_map_run_arn(*arn))
    return core.answer(reply, fail("InvalidArn", invalid_arn_message(*arn)));
  auto found = map_run(*arn);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  if (!*found) {
    return core.answer(reply, fail("ResourceNotFound", "Map Run Does Not Exist: '" + *arn + "'"));
  }
  const Value& record = **found;
  json::ObjectBuilder out;
  out.add("mapRunArn", *record.find("mapRunArn"))
      .add("executionArn", *record.find("executionArn"))
      .add("status", *record.find("status"))
      .add("startDate", epoch(record.find("startDate")->as_int64()));
  if (const Value* stop = record.find("stopDate")) out.add("stopDate", *stop);
  out.add("maxConcurrency", *record.find("maxConcurrency"))
      .add("toleratedFailurePercentage", *record.find("toleratedFailurePercentage"))
      .add("toleratedFailureCount", *record.find("toleratedFailureCount"))
      .add("itemCounts", described_counts(*record.find("items")))
      .add("executionCounts", described_counts(*record.find("executions")))
      .add("redriveCount", Value::integer(0));
  core.answer(reply, out.build());
}

void StepFunctions::list_map_runs(const Request& r, Reply reply) {
  auto arn = r.required("executionArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto parsed = parse_arn(*arn);
  if (!parsed || (parsed->type != "execution" && parsed->type != "express")) {
    return core.answer(reply, fail("InvalidArn", invalid_arn_message(*arn)));
  }
  auto execution = core.store->execution(*arn);
  if (!execution) return core.answer(reply, Unexpected<Error>(execution.error()));
  if (!*execution) {
    return core.answer(reply,
                       fail("ExecutionDoesNotExist", "Execution Does Not Exist: '" + *arn + "'"));
  }
  answer_resource_page(
      core, store::Kind::MapRun, *arn, r, "mapRuns",
      [](const store::Resource& run) {
        json::ObjectBuilder item;
        item.add("executionArn", *run.record.find("executionArn"))
            .add("mapRunArn", *run.record.find("mapRunArn"))
            .add("stateMachineArn", *run.record.find("stateMachineArn"))
            .add("startDate", epoch(run.record.find("startDate")->as_int64()));
        if (const Value* stop = run.record.find("stopDate")) item.add("stopDate", *stop);
        return item.build();
      },
      reply);
}

void StepFunctions::update_map_run(const Request& r, Reply reply) {
  auto arn = r.required("mapRunArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto max_concurrency = r.integer("maxConcurrency");
  if (!max_concurrency) return core.answer(reply, Unexpected<Error>(max_concurrency.error()));
  auto tolerated_count = r.integer("toleratedFailureCount");
  if (!tolerated_count) return core.answer(reply, Unexpected<Error>(tolerated_count.error()));
  std::optional<double> tolerated_percentage;
  if (const Value* p = r.field("toleratedFailurePercentage"); p != nullptr && !p->is_null()) {
    if (!p->is_number()) {
      return core.answer(reply, fail("SerializationException",
                                     "Expected a number for toleratedFailurePercentage"));
    }
    tolerated_percentage = p->as_double();
    if (*tolerated_percentage < 0 || *tolerated_percentage > 100) {
      return core.answer(
          reply,
          fail("ValidationException",
               "1 validation error detected: Value '" + format_percentage(*tolerated_percentage) +
                   "' at 'toleratedFailurePercentage' failed to satisfy constraint: "
                   "Member must have value " +
                   (*tolerated_percentage < 0 ? "greater than or equal to 0"
                                              : "less than or equal to 100")));
    }
  }
  if (!*max_concurrency && !*tolerated_count && !tolerated_percentage) {
    return core.answer(reply, fail("ValidationException",
                                   "At least one of the parameters maxConcurrency, "
                                   "toleratedFailurePercentage or toleratedFailureCount must be "
                                   "specified"));
  }
  if (!is_map_run_arn(*arn))
    return core.answer(reply, fail("InvalidArn", invalid_arn_message(*arn)));
  auto found = map_run(*arn);
  if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
  if (!*found) {
    return core.answer(reply, fail("ResourceNotFound", "Map Run Does Not Exist: '" + *arn + "'"));
  }
  std::string parent((*found)->find("executionArn")->as_string());
  LiveExecution* e = find_live(parent);
  if (e == nullptr || (*found)->find("status")->as_string() != "RUNNING") {
    return core.answer(reply, fail("ResourceNotFound", "Map Run is not running: '" + *arn + "'"));
  }
  auto applied = apply(*e, engine::events::MapRunUpdated{core.clock.now(), *arn, *max_concurrency,
                                                         *tolerated_count, tolerated_percentage});
  if (!applied) return core.answer(reply, Unexpected<Error>(applied.error()));
  core.answer(reply, Value::object({}));
}

}  // namespace baton::service::states
