// Executions in the service: launching them, feeding them events, keeping what each step did,
// carrying out its commands, and bringing them all back after a restart.

#include "asl/errors.h"
#include "asl/parse.h"
#include "core/crypto.h"
#include "core/random.h"
#include "engine/history_json.h"
#include "engine/state_codec.h"
#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

std::string revision_arn(const std::string& digest) { return "revision:" + digest; }

namespace {

// An execution's record with `key` set.
Value with(const Value& record, std::string_view key, Value value) {
  return json::with_member(record, key, std::move(value));
}

Value text_or_null(const std::optional<std::string>& s) { return s ? Value::string(*s) : Value(); }

}  // namespace

std::string StepFunctions::keep_revision(const std::string& text) {
  std::string digest = crypto::hex_digest(crypto::Digest::SHA256, text);
  if (definitions.find(digest + "/S") == definitions.end() &&
      definitions.find(digest + "/E") == definitions.end()) {
    store::Resource r;
    r.kind = store::Kind::Revision;
    r.arn = revision_arn(digest);
    r.name = digest;
    r.created_ms = core.now_ms();
    r.record = json::ObjectBuilder().add("definition", Value::string(text)).build();
    core.stage(store::ops::PutResource{std::move(r)});
  }
  return digest;
}

Result<std::shared_ptr<const asl::Definition>> StepFunctions::definition_for(
    const std::string& revision, const std::string& text, bool express) {
  std::string key = revision + (express ? "/E" : "/S");
  auto it = definitions.find(key);
  if (it != definitions.end()) return it->second;
  asl::ParseOptions parse_options;
  parse_options.type = express ? asl::StateMachineType::EXPRESS : asl::StateMachineType::STANDARD;
  auto parsed = asl::parse(text, parse_options);
  if (!parsed) return fail("InvalidDefinition", asl::invalid_definition_message(parsed.error()));
  definitions.emplace(key, parsed->definition);
  return parsed->definition;
}

Result<LiveExecution*> StepFunctions::launch(std::string arn,
                                             std::shared_ptr<const asl::Definition> definition,
                                             std::string revision, Value record, Value input,
                                             bool express, std::optional<MockTestCase> mocks,
                                             engine::ExecutionIdentity identity,
                                             std::uint32_t root_graph) {
  auto owned = std::make_unique<LiveExecution>();
  LiveExecution* e = owned.get();
  e->arn = arn;
  e->definition = std::move(definition);
  e->revision = std::move(revision);
  e->express = express;
  e->mocks = std::move(mocks);
  std::int64_t start_ms = core.now_ms();
  record = with(record, "executionArn", Value::string(arn));
  record = with(record, "status", Value::string("RUNNING"));
  record = with(record, "startDate", Value::integer(start_ms));
  record = with(record, "revision", Value::string(e->revision));
  record = with(record, "type", Value::string(express ? "EXPRESS" : "STANDARD"));
  e->record = record;
  if (!express) {
    const Value* map_run = record.find("mapRunArn");
    core.stage(store::ops::PutExecution{store::Execution{
        arn, std::string(record.find("stateMachineArn")->as_string()), "RUNNING", start_ms,
        map_run != nullptr && map_run->is_string() ? std::string(map_run->as_string()) : "", record,
        Value()}});
    emit_status_change(record);
  }
  live.emplace(arn, std::move(owned));
  engine::events::ExecutionStarted start{.time = Timestamp::from_millis(start_ms),
                                         .identity = std::move(identity),
                                         .input = std::move(input),
                                         .seed = os_entropy(),
                                         .max_history_events = express ? 0 : 25000,
                                         .root_graph = root_graph};
  auto applied = apply(*e, start);
  if (!applied) return Unexpected<Error>(std::move(applied).error());
  return e;
}

Expected<void, Error> StepFunctions::apply(LiveExecution& e, const engine::Event& event) {
  auto step = engine::step(*e.definition, std::move(e.state), event);
  if (!step) {
    e.state = std::move(step.error().state);
    return Unexpected<Error>(std::move(step.error().error));
  }
  e.state = std::move(step->state);
  if (!e.express) {
    for (const engine::HistoryEvent& h : step->history) {
      core.stage(
          store::ops::AppendHistory{e.arn, h.id, json::to_string(engine::history_event_json(h))});
    }
  }
  for (engine::Command& command : step->commands) carry_out(e, command);
  if (e.state.status == engine::ExecutionStatus::RUNNING) {
    if (!e.express) {
      core.stage(store::ops::UpdateExecutionState{e.arn, "RUNNING", engine::encode_state(e.state)});
    }
  } else {
    finish(e);
  }
  return {};
}

void StepFunctions::carry_out(LiveExecution& e, engine::Command& command) {
  std::visit(
      [&](auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, engine::commands::ScheduleTimer>) {
          if (!e.express) {
            core.stage(store::ops::PutTimer{store::Timer{e.arn, c.id, c.at.millis()}});
          }
          schedule_timer(e.arn, c.id, c.at.millis());
        } else if constexpr (std::is_same_v<T, engine::commands::CancelTimer>) {
          if (!e.express) core.stage(store::ops::DeleteTimer{e.arn, c.id});
        } else if constexpr (std::is_same_v<T, engine::commands::InvokeTask>) {
          dispatch_task(e, c);
        } else if constexpr (std::is_same_v<T, engine::commands::CancelTask>) {
          auto task = core.store->task(c.token);
          if (task && *task) {
            store::Task t = **task;
            t.status = c.timed_out ? "TIMED_OUT" : "CANCELLED";
            core.stage(store::ops::PutTask{std::move(t)});
          }
        } else if constexpr (std::is_same_v<T, engine::commands::StartChildExecution>) {
          std::string parent = e.arn;
          core.post([this, parent, child = c] {
            if (LiveExecution* p = find_live(parent)) start_map_child(*p, child);
          });
        } else if constexpr (std::is_same_v<T, engine::commands::RecordMapRun>) {
          if (!e.express) record_map_run(e, c);
        } else if constexpr (std::is_same_v<T, engine::commands::StopChildExecution>) {
          core.post(
              [this, arn = c.execution_arn] { stop_execution(arn, std::nullopt, std::nullopt); });
        } else {
          // CompleteExecution: finish() reads the end from the state.
        }
      },
      command);
}

void StepFunctions::finish(LiveExecution& e) {
  const engine::ExecutionState& s = e.state;
  std::string status(engine::execution_status_name(s.status));
  Value record = e.record;
  record = with(record, "status", Value::string(status));
  record = with(record, "stopDate", Value::integer(s.stop_time.millis()));
  if (s.status == engine::ExecutionStatus::SUCCEEDED && s.output) {
    record = with(record, "output", Value::string(json::to_string(*s.output)));
  }
  // AWS shows no error or cause for a timed-out execution.
  if (s.status != engine::ExecutionStatus::TIMED_OUT) {
    record = with(record, "error", text_or_null(s.error));
    record = with(record, "cause", text_or_null(s.cause));
  }
  e.record = record;
  if (!e.express) {
    const Value* map_run = record.find("mapRunArn");
    core.stage(store::ops::PutExecution{store::Execution{
        e.arn, std::string(record.find("stateMachineArn")->as_string()), status,
        record.find("startDate")->as_int64(),
        map_run != nullptr && map_run->is_string() ? std::string(map_run->as_string()) : "", record,
        engine::encode_state(e.state)}});
    emit_status_change(record);
  }
  auto waiting = std::move(e.on_end);
  e.on_end.clear();
  std::string arn = e.arn;
  core.then([this, arn, record, waiting = std::move(waiting)] {
    for (const auto& w : waiting) w(record);
    live.erase(arn);
  });
  // A parent waiting on this execution hears of its end.
  if (const Value* parent = record.find("parent"); parent != nullptr && parent->is_object()) {
    std::string parent_arn(parent->find("executionArn")->as_string());
    std::string token(parent->find("token")->as_string());
    std::string pattern(parent->find("pattern")->as_string());
    if (pattern == "sync" || pattern == "sync2") {
      Value output = describe(record);
      json::ObjectBuilder sdk;  // the SDK's shape: PascalCase members
      for (const json::Member& m : output.members()) {
        std::string key(m.name());
        key[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(key[0])));
        Value v = m.value;
        if (pattern == "sync2" && (key == "Output" || key == "Input") && v.is_string()) {
          auto parsed = json::parse(v.as_string());
          if (parsed) v = *parsed;
        }
        sdk.add(key, v);
      }
      engine::Event event;
      if (s.status == engine::ExecutionStatus::SUCCEEDED) {
        event = engine::events::TaskSucceeded{s.stop_time, token, sdk.build()};
      } else {
        event = engine::events::TaskFailed{s.stop_time, token, "States.TaskFailed",
                                           json::to_string(sdk.build())};
      }
      // In the same commit as the child's end: a crash cannot separate the two.
      core.before_commit([this, parent_arn, event] { complete_task(parent_arn, event); });
    }
  }
  if (const Value* parent = record.find("mapParent"); parent != nullptr && parent->is_object()) {
    std::string parent_arn(parent->find("executionArn")->as_string());
    const Value* items = parent->find("items");
    count_map_child(std::string(parent->find("mapRunArn")->as_string()), status,
                    items != nullptr && items->is_integer() ? items->as_int64() : 1);
    engine::events::ChildExecutionFinished event{
        s.stop_time, e.arn, status, s.output.value_or(Value()), s.error, s.cause};
    core.before_commit([this, parent_arn, event] {
      if (LiveExecution* p = find_live(parent_arn)) (void)apply(*p, event);
    });
  }
}

Result<std::unique_ptr<LiveExecution>> StepFunctions::revive(const store::Execution& stored,
                                                             Error missing) {
  const Value* revision = stored.record.find("revision");
  if (revision == nullptr || !revision->is_string()) return Unexpected<Error>(std::move(missing));
  std::string digest(revision->as_string());
  auto kept = core.store->resource(store::Kind::Revision, revision_arn(digest));
  if (!kept || !*kept) return Unexpected<Error>(std::move(missing));
  auto definition =
      definition_for(digest, std::string((*kept)->record.find("definition")->as_string()), false);
  if (!definition) return Unexpected<Error>(definition.error());
  auto state = engine::decode_state(stored.state);
  if (!state) return Unexpected<Error>(state.error());
  auto e = std::make_unique<LiveExecution>();
  e->arn = stored.arn;
  e->definition = *definition;
  e->revision = digest;
  e->state = std::move(*state);
  e->record = stored.record;
  return e;
}

void StepFunctions::fail_unrecoverable(const store::Execution& stored, const Error& why) {
  std::string cause = "baton could not take up this execution again after a restart: " + why.cause;
  core.warn("execution " + stored.arn + " cannot be recovered (" + why.cause +
            "); it is marked FAILED");
  auto e = std::make_unique<LiveExecution>();
  e->arn = stored.arn;
  e->record = stored.record;
  e->state.status = engine::ExecutionStatus::FAILED;
  e->state.error = std::string(asl::errors::kRuntime);
  e->state.cause = cause;
  e->state.stop_time = core.clock.now();
  // Its history ends with the failure, after the last event it has.
  std::int64_t last = 0;
  if (auto events = core.store->history(stored.arn, 0, 0, true, 1); events && !events->empty()) {
    if (auto event = json::parse(events->front(), json::kMaxStoredDepth); event) {
      if (const Value* id = event->find("id"); id != nullptr && id->is_int64())
        last = id->as_int64();
    }
  }
  engine::HistoryEvent failed;
  failed.type = engine::HistoryEventType::ExecutionFailed;
  failed.id = last + 1;
  failed.previous_event_id = last;
  failed.timestamp = e->state.stop_time;
  failed.details =
      engine::details::ErrorCause{Value::string(*e->state.error), Value::string(cause)};
  core.stage(store::ops::AppendHistory{stored.arn, failed.id,
                                       json::to_string(engine::history_event_json(failed))});
  // Not among the live executions: it has no definition to step with, and its timers and
  // tasks, found nowhere, are dropped.
  LiveExecution* failed_execution = e.get();
  unrecoverable.push_back(std::move(e));
  core.post([this, failed_execution] {
    finish(*failed_execution);
    core.then([this, failed_execution] {
      std::erase_if(unrecoverable, [&](const auto& u) { return u.get() == failed_execution; });
    });
  });
}

Expected<void, Error> StepFunctions::redrive(const store::Execution& stored) {
  const Value& record = stored.record;
  auto revived = revive(stored, Error{"InternalFailure", "The execution's definition is missing"});
  if (!revived) return Unexpected<Error>(revived.error());
  std::unique_ptr<LiveExecution> e = std::move(*revived);
  std::int64_t now = core.now_ms();
  json::ObjectBuilder updated;
  for (const json::Member& m : record.members()) {
    std::string_view k = m.name();
    if (k == "stopDate" || k == "error" || k == "cause" || k == "output") continue;
    if (k == "status" || k == "redriveCount" || k == "redriveDate") continue;
    updated.add(m.key, m.value);
  }
  const Value* count = record.find("redriveCount");
  updated.add("status", Value::string("RUNNING"));
  updated.add("redriveCount",
              Value::integer((count != nullptr && count->is_int64() ? count->as_int64() : 0) + 1));
  updated.add("redriveDate", Value::integer(now));
  e->record = updated.build();
  core.stage(store::ops::PutExecution{store::Execution{stored.arn, stored.state_machine_arn,
                                                       "RUNNING", stored.start_ms,
                                                       stored.map_run_arn, e->record, Value()}});
  emit_status_change(e->record);
  LiveExecution* live_execution = e.get();
  live[stored.arn] = std::move(e);
  return apply(*live_execution, engine::events::RedriveRequested{Timestamp::from_millis(now)});
}

void StepFunctions::schedule_timer(const std::string& execution_arn, std::uint64_t id,
                                   std::int64_t at_ms) {
  core.at(at_ms, [this, execution_arn, id] { fire_timer(execution_arn, id); });
}

void StepFunctions::fire_timer(const std::string& execution_arn, std::uint64_t id) {
  LiveExecution* e = find_live(execution_arn);
  if (e == nullptr) return;
  if (e->state.timers.find(id) == e->state.timers.end()) return;  // cancelled
  if (!e->express) core.stage(store::ops::DeleteTimer{e->arn, id});
  (void)apply(*e, engine::events::TimerFired{Timestamp::from_millis(core.now_ms()), id});
}

Value StepFunctions::describe(const Value& record) const {
  json::ObjectBuilder b;
  auto copy = [&](std::string_view key) {
    const Value* v = record.find(key);
    if (v != nullptr && !v->is_null()) b.add(key, *v);
  };
  copy("executionArn");
  copy("stateMachineArn");
  copy("name");
  copy("status");
  b.add("startDate", epoch(record.find("startDate")->as_int64()));
  if (const Value* stop = record.find("stopDate"); stop != nullptr && stop->is_int64()) {
    b.add("stopDate", epoch(stop->as_int64()));
  }
  copy("input");
  b.add("inputDetails", json::ObjectBuilder().add("included", Value::boolean(true)).build());
  if (const Value* output = record.find("output"); output != nullptr && output->is_string()) {
    b.add("output", *output);
    b.add("outputDetails", json::ObjectBuilder().add("included", Value::boolean(true)).build());
  }
  copy("traceHeader");
  copy("mapRunArn");
  copy("error");
  copy("cause");
  copy("stateMachineVersionArn");
  copy("stateMachineAliasArn");
  const Value* redrives = record.find("redriveCount");
  b.add("redriveCount", redrives != nullptr ? *redrives : Value::integer(0));
  if (const Value* redrive = record.find("redriveDate");
      redrive != nullptr && redrive->is_int64()) {
    b.add("redriveDate", epoch(redrive->as_int64()));
  }
  std::string status(record.find("status")->as_string());
  if (status != "RUNNING") {
    bool redrivable = status != "SUCCEEDED";
    b.add("redriveStatus", Value::string(redrivable ? "REDRIVABLE" : "NOT_REDRIVABLE"));
    if (!redrivable) {
      b.add("redriveStatusReason", Value::string("Execution is SUCCEEDED and cannot be redriven"));
    }
  }
  return b.build();
}

Expected<void, Error> StepFunctions::recover() {
  auto running = core.store->running_executions();
  if (!running) return Unexpected<Error>(running.error());
  for (store::Execution& x : *running) {
    const Value* revision = x.record.find("revision");
    if (revision == nullptr || !revision->is_string()) continue;
    auto revived = revive(x, Error{"StoreError", "its definition is missing"});
    if (!revived) {
      fail_unrecoverable(x, revived.error());
      continue;
    }
    std::unique_ptr<LiveExecution> e = std::move(*revived);
    if (const Value* test_case = x.record.find("testCase");
        test_case != nullptr && test_case->is_string() && core.options.mocks) {
      auto mocks =
          core.options.mocks->test_case(std::string(x.record.find("stateMachineName")->as_string()),
                                        std::string(test_case->as_string()));
      if (mocks) e->mocks = std::move(*mocks);
    }
    live.emplace(x.arn, std::move(e));
  }
  // A Distributed Map's child whose start was not committed before a crash, or an Express
  // child that was running in memory, is started again (under the same name).
  for (auto& [arn, e] : live) {
    for (auto& child : engine::awaited_child_executions(*e->definition, e->state)) {
      if (live.contains(child.identity.execution_arn)) continue;
      auto stored = core.store->execution(child.identity.execution_arn);
      if (!stored) return Unexpected<Error>(stored.error());
      if (*stored) continue;  // it has ended, and its parent heard so in the same commit
      std::string parent = arn;
      core.post([this, parent, child = std::move(child)] {
        if (LiveExecution* p = find_live(parent)) start_map_child(*p, child, !child.express);
      });
    }
  }
  auto kept_timers = core.store->timers();
  if (!kept_timers) return Unexpected<Error>(kept_timers.error());
  for (const store::Timer& t : *kept_timers) {
    schedule_timer(t.execution_arn, t.timer_id, t.fire_ms);
  }
  auto tasks = core.store->open_tasks();
  if (!tasks) return Unexpected<Error>(tasks.error());
  for (const store::Task& t : *tasks) {
    // A task handed out just before a crash may never have reached its worker: it is offered
    // again (dispatch is at least once; the first answer wins, a later one is TaskTimedOut).
    if (!t.activity_arn.empty() && (t.status == "PENDING" || t.status == "STARTED")) {
      activity_queue[t.activity_arn].push_back(t);
    }
  }
  // Commands whose work may not have happened: do them again (each is safe to repeat).
  auto pending = core.store->outbox();
  if (!pending) return Unexpected<Error>(pending.error());
  for (const store::OutboxEntry& entry : *pending) {
    const Value& c = entry.command;
    auto resource = asl::resource_from_arn(c.find("resource")->as_string());
    if (!resource) continue;
    engine::commands::InvokeTask task;
    task.token = std::string(c.find("token")->as_string());
    task.resource = *resource;
    task.payload = *c.find("payload");
    task.state_name = std::string(c.find("stateName")->as_string());
    std::string arn = entry.execution_arn;
    core.post([this, arn, task] {
      if (task.resource.service == "states") {
        start_nested(arn, task);
      } else if (LiveExecution* e = find_live(arn)) {
        dispatch_task(*e, task);
      }
    });
  }
  return {};
}

}  // namespace baton::service::states
