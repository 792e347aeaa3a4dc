// Executions: starting them (asynchronously and synchronously), describing, listing, stopping
// and redriving them. Their history is in operations_history.cc.

#include "core/random.h"
#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

// AWS limit: an execution's input is at most 256 KiB.
constexpr std::size_t kMaxInputBytes = 262144;

struct StartRequest {
  StepFunctions::Target target;
  std::string name;
  std::string input_text;
  Value input;
  std::string test_case;
  bool express = false;
};

}  // namespace

// Reads and checks what StartExecution and StartSyncExecution share.
static Result<StartRequest> read_start(StepFunctions& d, const Request& r) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return Unexpected<Error>(arn.error());
  auto name = r.string("name");
  auto input = r.string("input");
  if (!name || !input) return fail("SerializationException", "A field has the wrong type");
  auto parsed = parse_arn(*arn);
  if (!parsed || parsed->type != "stateMachine") return invalid_arn(*arn);
  std::string unqualified = *arn;
  if (!parsed->test_case.empty()) unqualified = arn->substr(0, arn->find('#'));
  auto target = d.resolve_target(unqualified);
  if (!target) return Unexpected<Error>(target.error());
  StartRequest s;
  s.target = std::move(*target);
  s.test_case = parsed->test_case;
  s.name = name->value_or(random_uuid());
  if (!valid_name(s.name)) return fail("InvalidName", "Invalid Name: '" + s.name + "'");
  s.input_text = input->value_or("{}");
  if (s.input_text.size() > kMaxInputBytes) {
    return fail("ValidationException",
                "1 validation error detected: Value at 'input' failed to satisfy constraint: "
                "Member must have length less than or equal to 262144");
  }
  auto value = json::parse(s.input_text);
  if (s.input_text.find_first_not_of(" \t\r\n") == std::string::npos) {
    // AWS's words for an empty input.
    return fail("InvalidExecutionInput",
                "Invalid State Machine Execution Input: 'Invalid execution input.'");
  }
  if (!value) {
    return fail("InvalidExecutionInput",
                "Invalid State Machine Execution Input: '" + value.error().message + "'");
  }
  s.input = std::move(*value);
  s.express = s.target.machine.record.find("type")->as_string() == "EXPRESS";
  return s;
}

// Launches what read_start accepted.
static Result<LiveExecution*> launch_start(StepFunctions& d, StartRequest& s, std::string arn,
                                           const Request& r) {
  std::optional<MockTestCase> mocks;
  if (!s.test_case.empty()) {
    if (!d.core.options.mocks) {
      return fail("InvalidName",
                  "Invalid Name: '" + s.test_case + "' (baton serve was started without --mock)");
    }
    auto found = d.core.options.mocks->test_case(s.target.machine.name, s.test_case);
    if (!found)
      return fail("InvalidName", "Invalid Name: '" + s.test_case + "': " + found.error().cause);
    mocks = std::move(*found);
  }
  std::string revision = d.keep_revision(s.target.definition);
  auto definition = d.definition_for(revision, s.target.definition, s.express);
  if (!definition) return Unexpected<Error>(definition.error());
  const Value& machine = s.target.machine.record;
  json::ObjectBuilder record;
  record.add("stateMachineArn", text(s.target.machine.arn));
  record.add("stateMachineName", text(s.target.machine.name));
  record.add("name", text(s.name));
  record.add("input", text(s.input_text));
  record.add("roleArn", *machine.find("roleArn"));
  if (!s.target.version_arn.empty())
    record.add("stateMachineVersionArn", text(s.target.version_arn));
  if (!s.target.alias_arn.empty()) record.add("stateMachineAliasArn", text(s.target.alias_arn));
  if (!s.test_case.empty()) record.add("testCase", text(s.test_case));
  // The revision it runs, for DescribeStateMachineForExecution (none before the first update).
  Value revision_id = machine.find("revisionId") != nullptr ? *machine.find("revisionId") : Value();
  // And when what it runs was last changed: the machine's last update (its creation if none),
  // or the version's creation.
  const Value* updated = machine.find("updateDate");
  std::int64_t update_ms =
      updated != nullptr && updated->is_int64() ? updated->as_int64() : s.target.machine.created_ms;
  if (!s.target.version_arn.empty()) {
    auto version = d.core.store->resource(store::Kind::Version, s.target.version_arn);
    if (version && *version) {
      if ((*version)->record.find("revisionId") != nullptr) {
        revision_id = *(*version)->record.find("revisionId");
      }
      update_ms = (*version)->created_ms;
    }
  }
  record.add("stateMachineUpdateDate", Value::integer(update_ms));
  if (revision_id.is_string() && !revision_id.as_string().empty()) {
    record.add("revisionId", revision_id);
  }
  if (const Value* trace = r.field("traceHeader"); trace != nullptr && trace->is_string()) {
    record.add("traceHeader", *trace);
  }
  engine::ExecutionIdentity identity;
  identity.execution_arn = arn;
  identity.name = s.name;
  identity.state_machine_arn = s.target.machine.arn;
  identity.state_machine_name = s.target.machine.name;
  identity.role_arn = std::string(machine.find("roleArn")->as_string());
  identity.region = d.core.options.partition.region;
  identity.state_machine_version_arn = s.target.version_arn;
  identity.state_machine_alias_arn = s.target.alias_arn;
  return d.launch(std::move(arn), *definition, revision, record.build(), s.input, s.express,
                  std::move(mocks), identity, 0);
}

void StepFunctions::start_execution(const Request& r, Reply reply) {
  auto start = read_start(*this, r);
  if (!start) return core.answer(reply, Unexpected<Error>(start.error()));
  std::string arn;
  if (start->express) {
    arn = core.options.partition.express_execution_arn(start->target.machine.name, start->name,
                                                       random_uuid());
  } else {
    arn = core.options.partition.execution_arn(start->target.machine.name, start->name);
    // Idempotent on the name: the same input while the first still runs returns it again.
    Value existing_record;
    if (LiveExecution* e = find_live(arn)) {
      existing_record = e->record;
    } else {
      auto stored = core.store->execution(arn);
      if (!stored) return core.answer(reply, Unexpected<Error>(stored.error()));
      if (*stored) existing_record = (*stored)->record;
    }
    if (!existing_record.is_null()) {
      if (existing_record.find("status")->as_string() == "RUNNING" &&
          existing_record.find("input")->as_string() == start->input_text) {
        return core.answer(
            reply, json::ObjectBuilder()
                       .add("executionArn", text(arn))
                       .add("startDate", epoch(existing_record.find("startDate")->as_int64()))
                       .build());
      }
      return core.answer(reply,
                         fail("ExecutionAlreadyExists", "Execution Already Exists: '" + arn + "'"));
    }
  }
  auto launched = launch_start(*this, *start, arn, r);
  if (!launched) return core.answer(reply, Unexpected<Error>(launched.error()));
  core.answer(reply, json::ObjectBuilder()
                         .add("executionArn", text(arn))
                         .add("startDate", epoch((*launched)->record.find("startDate")->as_int64()))
                         .build());
}

void StepFunctions::start_sync_execution(const Request& r, Reply reply) {
  auto start = read_start(*this, r);
  if (!start) return core.answer(reply, Unexpected<Error>(start.error()));
  if (!start->express) {
    return core.answer(reply,
                       fail("StateMachineTypeNotSupported",
                            "This operation is not supported by this type of state machine"));
  }
  std::string arn = core.options.partition.express_execution_arn(start->target.machine.name,
                                                                 start->name, random_uuid());
  auto launched = launch_start(*this, *start, arn, r);
  if (!launched) return core.answer(reply, Unexpected<Error>(launched.error()));
  auto respond = [this, reply](const Value& record) {
    Value described = describe(record);
    json::ObjectBuilder out;
    for (const json::Member& m : described.members()) {
      std::string_view key = m.name();
      if (key == "redriveCount" || key == "redriveStatus" || key == "redriveStatusReason") continue;
      out.add(m.key, m.value);
    }
    std::int64_t millis =
        record.find("stopDate")->as_int64() - record.find("startDate")->as_int64();
    out.add("billingDetails", json::ObjectBuilder()
                                  .add("billedMemoryUsedInMB", Value::integer(64))
                                  .add("billedDurationInMilliseconds",
                                       Value::integer(std::max<std::int64_t>(100, millis)))
                                  .build());
    reply(out.build());
  };
  LiveExecution* e = *launched;
  if (e->state.status != engine::ExecutionStatus::RUNNING) {
    Value record = e->record;
    core.then([respond, record] { respond(record); });
  } else {
    e->on_end.push_back(respond);
  }
}

Result<store::Execution> StepFunctions::requested_execution(const Request& r) {
  auto arn = r.required("executionArn");
  if (!arn) return Unexpected<Error>(arn.error());
  if (auto checked = check_execution_arn(*arn); !checked) {
    return Unexpected<Error>(checked.error());
  }
  auto stored = core.store->execution(*arn);
  if (!stored) return Unexpected<Error>(stored.error());
  if (!*stored) return no_execution(*arn);
  return std::move(**stored);
}

void StepFunctions::describe_execution(const Request& r, Reply reply) {
  auto arn = r.required("executionArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  if (auto checked = check_execution_arn(*arn); !checked) {
    return core.answer(reply, Unexpected<Error>(checked.error()));
  }
  auto included = r.string("includedData");
  if (!included) return core.answer(reply, Unexpected<Error>(included.error()));
  auto stored = core.store->execution(*arn);
  if (!stored) return core.answer(reply, Unexpected<Error>(stored.error()));
  if (!*stored) return core.answer(reply, no_execution(*arn));
  Value described = describe((*stored)->record);
  if (included->value_or("ALL_DATA") == "METADATA_ONLY") {
    // Without the execution's data, as AWS answers METADATA_ONLY.
    json::ObjectBuilder metadata;
    for (const json::Member& m : described.members()) {
      if (m.name() != "input" && m.name() != "output") metadata.add(m.key, m.value);
    }
    described = metadata.build();
  }
  core.answer(reply, described);
}

void StepFunctions::describe_state_machine_for_execution(const Request& r, Reply reply) {
  auto stored = requested_execution(r);
  if (!stored) return core.answer(reply, Unexpected<Error>(stored.error()));
  const Value& record = stored->record;
  auto kept = core.store->resource(store::Kind::Revision,
                                   revision_arn(std::string(record.find("revision")->as_string())));
  if (!kept || !*kept)
    return core.answer(reply, fail("InternalFailure", "The execution's definition is missing"));
  json::ObjectBuilder out;
  out.add("stateMachineArn", *record.find("stateMachineArn"));
  out.add("name", *record.find("stateMachineName"));
  out.add("definition", *(*kept)->record.find("definition"));
  out.add("roleArn", *record.find("roleArn"));
  const Value* updated = record.find("stateMachineUpdateDate");
  out.add("updateDate", epoch(updated != nullptr && updated->is_int64() ? updated->as_int64()
                                                                        : (*kept)->created_ms));
  out.add("loggingConfiguration", json::ObjectBuilder()
                                      .add("level", text("OFF"))
                                      .add("includeExecutionData", Value::boolean(false))
                                      .build());
  out.add("tracingConfiguration",
          json::ObjectBuilder().add("enabled", Value::boolean(false)).build());
  if (const Value* map_run = record.find("mapRunArn")) out.add("mapRunArn", *map_run);
  if (const Value* revision_id = record.find("revisionId")) out.add("revisionId", *revision_id);
  core.answer(reply, out.build());
}

void StepFunctions::list_executions(const Request& r, Reply reply) {
  auto machine_arn = r.string("stateMachineArn");
  auto map_run = r.string("mapRunArn");
  auto status = r.string("statusFilter");
  if (!machine_arn || !map_run || !status) {
    return core.answer(reply, fail("SerializationException", "A field has the wrong type"));
  }
  if (const Value* max = r.field("maxResults");
      max != nullptr && max->is_int64() && max->as_int64() > 1000) {
    return core.answer(
        reply, fail("ValidationException",
                    "1 validation error detected: Value '" + std::to_string(max->as_int64()) +
                        "' at 'maxResults' failed to satisfy constraint: Member must have "
                        "value less than or equal to 1000"));
  }
  if (!*machine_arn && !*map_run) {
    return core.answer(
        reply, fail("ValidationException", "Must provide a StateMachine ARN or a MapRun ARN"));
  }
  std::string machine;
  // A version or alias ARN lists the executions started with it, as on AWS.
  std::string qualified_key;
  std::string qualified_arn;
  if (*machine_arn) {
    auto found = state_machine_or_error(**machine_arn);
    if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
    if (found->record.find("type")->as_string() == "EXPRESS") {
      return core.answer(reply,
                         fail("StateMachineTypeNotSupported",
                              "This operation is not supported by this type of state machine"));
    }
    machine = found->arn;
    auto parsed = parse_arn(**machine_arn);
    if (parsed && !parsed->qualifier.empty()) {
      bool version = parsed->qualifier.find_first_not_of("0123456789") == std::string::npos;
      qualified_arn = machine + ":" + parsed->qualifier;
      qualified_key = version ? "stateMachineVersionArn" : "stateMachineAliasArn";
      auto exists =
          core.store->resource(version ? store::Kind::Version : store::Kind::Alias, qualified_arn);
      if (!exists) return core.answer(reply, Unexpected<Error>(exists.error()));
      if (!*exists) {
        return core.answer(reply,
                           fail("ResourceNotFound", "Resource not found: '" + qualified_arn + "'"));
      }
    }
  }
  auto after = page_key(r);
  if (!after) return core.answer(reply, Unexpected<Error>(after.error()));
  std::size_t limit = page_limit(r);
  auto redrive_filter = r.string("redriveFilter");
  if (!redrive_filter) return core.answer(reply, Unexpected<Error>(redrive_filter.error()));
  std::string redriven = redrive_filter->value_or("");
  auto wanted = [&](const store::Execution& x) {
    if (!redriven.empty()) {
      const Value* count = x.record.find("redriveCount");
      bool was_redriven = count != nullptr && count->is_int64() && count->as_int64() > 0;
      if (was_redriven != (redriven == "REDRIVEN")) return false;
    }
    if (qualified_key.empty()) return true;
    const Value* v = x.record.find(qualified_key);
    return v != nullptr && v->is_string() && v->as_string() == qualified_arn;
  };
  // Pages of the store, filtered; the token is always a key the store gave.
  std::vector<store::Execution> picked;
  std::string next;
  std::string from = *after;
  while (true) {
    std::string chunk_next;
    auto chunk = core.store->executions(machine, map_run->value_or(""), status->value_or(""),
                                        store::PageRequest{from, limit}, chunk_next);
    if (!chunk) return core.answer(reply, Unexpected<Error>(chunk.error()));
    std::size_t i = 0;
    bool full = false;
    for (; i < chunk->size(); ++i) {
      if (!wanted((*chunk)[i])) continue;
      picked.push_back(std::move((*chunk)[i]));
      if (picked.size() == limit) {
        full = true;
        break;
      }
    }
    if (full) {
      if (i + 1 == chunk->size()) {
        next = chunk_next;
      } else {
        // The key just after item i: ask the store for the same page cut there.
        auto cut = core.store->executions(machine, map_run->value_or(""), status->value_or(""),
                                          store::PageRequest{from, i + 1}, next);
        if (!cut) return core.answer(reply, Unexpected<Error>(cut.error()));
      }
      break;
    }
    if (chunk_next.empty()) break;
    from = chunk_next;
  }
  // No token when nothing that passes the filter is left: no empty last page.
  if (!next.empty() && (!qualified_key.empty() || !redriven.empty())) {
    bool more = false;
    for (std::string ahead = next; !ahead.empty() && !more;) {
      std::string ahead_next;
      auto chunk = core.store->executions(machine, map_run->value_or(""), status->value_or(""),
                                          store::PageRequest{ahead, limit}, ahead_next);
      if (!chunk) return core.answer(reply, Unexpected<Error>(chunk.error()));
      for (const store::Execution& x : *chunk) more = more || wanted(x);
      ahead = ahead_next;
    }
    if (!more) next.clear();
  }
  std::vector<Value> items;
  for (const store::Execution& x : picked) {
    const Value& rec = x.record;
    json::ObjectBuilder item;
    item.add("executionArn", text(x.arn));
    item.add("stateMachineArn", *rec.find("stateMachineArn"));
    item.add("name", *rec.find("name"));
    item.add("status", text(x.status));
    item.add("startDate", epoch(x.start_ms));
    if (const Value* stop = rec.find("stopDate"); stop != nullptr && stop->is_int64()) {
      item.add("stopDate", epoch(stop->as_int64()));
    }
    if (!x.map_run_arn.empty()) item.add("mapRunArn", text(x.map_run_arn));
    if (const Value* v = rec.find("stateMachineVersionArn")) item.add("stateMachineVersionArn", *v);
    if (const Value* v = rec.find("stateMachineAliasArn")) item.add("stateMachineAliasArn", *v);
    const Value* redrives = rec.find("redriveCount");
    item.add("redriveCount", redrives != nullptr ? *redrives : Value::integer(0));
    items.push_back(item.build());
  }
  json::ObjectBuilder out;
  out.add("executions", Value::array(std::move(items)));
  if (!next.empty()) out.add("nextToken", text(page_token(next)));
  core.answer(reply, out.build());
}

void StepFunctions::stop_execution_op(const Request& r, Reply reply) {
  auto arn = r.required("executionArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto error = r.string("error");
  auto cause = r.string("cause");
  if (!error || !cause)
    return core.answer(reply, fail("SerializationException", "A field has the wrong type"));
  auto parsed = parse_arn(*arn);
  if (!parsed || (parsed->type != "execution" && parsed->type != "express")) {
    return core.answer(reply, invalid_arn(*arn));
  }
  LiveExecution* e = find_live(*arn);
  if (e == nullptr) {
    auto stored = core.store->execution(*arn);
    if (!stored) return core.answer(reply, Unexpected<Error>(stored.error()));
    if (!*stored) return core.answer(reply, no_execution(*arn));
    const Value* stop = (*stored)->record.find("stopDate");
    return core.answer(
        reply, json::ObjectBuilder()
                   .add("stopDate", epoch(stop != nullptr && stop->is_int64() ? stop->as_int64()
                                                                              : core.now_ms()))
                   .build());
  }
  Timestamp stopped = stop_execution(*arn, *error, *cause);
  core.answer(reply, json::ObjectBuilder().add("stopDate", epoch(stopped.millis())).build());
}

void StepFunctions::redrive_execution(const Request& r, Reply reply) {
  auto stored = requested_execution(r);
  if (!stored) return core.answer(reply, Unexpected<Error>(stored.error()));
  const Value& record = stored->record;
  const std::string& arn = stored->arn;
  std::string status(stored->status);
  if (status != "FAILED" && status != "TIMED_OUT" && status != "ABORTED") {
    return core.answer(reply, fail("ExecutionNotRedrivable", "Execution " + arn + " is " + status +
                                                                 " and cannot be redriven"));
  }
  // AWS limit: 14 days after the execution ended.
  std::int64_t stopped = record.find("stopDate")->as_int64();
  if (core.now_ms() - stopped > 14LL * 24 * 3600 * 1000) {
    return core.answer(
        reply, fail("ExecutionNotRedrivable", "Execution " + arn + " ended more than 14 days ago"));
  }
  auto redriven = redrive(*stored);
  if (!redriven) return core.answer(reply, Unexpected<Error>(redriven.error()));
  // The date DescribeExecution shows from now on.
  std::int64_t date = core.now_ms();
  if (LiveExecution* e = find_live(arn)) {
    if (const Value* d = e->record.find("redriveDate"); d != nullptr && d->is_int64()) {
      date = d->as_int64();
    }
  }
  core.answer(reply, json::ObjectBuilder().add("redriveDate", epoch(date)).build());
}

}  // namespace baton::service::states
