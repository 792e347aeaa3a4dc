// State machines and definition validation; versions and aliases are in their own files.

#include <algorithm>

#include "asl/parse.h"
#include "core/random.h"
#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

namespace {

Unexpected<Error> does_not_exist(const std::string& arn) {
  return fail("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
}

// AWS's ValidateStateMachineDefinition diagnostic.
Value diagnostic_json(const asl::Diagnostic& d) {
  json::ObjectBuilder b;
  b.add("severity", text(d.severity == asl::Severity::Error ? "ERROR" : "WARNING"));
  b.add("code", text(d.code));
  b.add("message", text(d.message));
  if (!d.location.empty()) b.add("location", text(d.location));
  return b.build();
}

// AWS's answer to a versionDescription without publish: true (CreateStateMachine,
// UpdateStateMachine).
Unexpected<Error> description_needs_publish() {
  return fail("ValidationException", "Version description can only be set when publish is true");
}

// Checks a definition for a state machine of `type`: the InvalidDefinition error or nothing.
Expected<void, Error> check_definition(const std::string& definition, const std::string& type) {
  asl::ParseOptions options;
  options.type =
      type == "EXPRESS" ? asl::StateMachineType::EXPRESS : asl::StateMachineType::STANDARD;
  auto parsed = asl::parse(definition, options);
  if (!parsed) return fail("InvalidDefinition", asl::invalid_definition_message(parsed.error()));
  return {};
}

}  // namespace

Result<store::Resource> StepFunctions::state_machine_or_error(const std::string& arn) {
  auto parsed = parse_arn(arn);
  if (!parsed || parsed->type != "stateMachine") return invalid_arn(arn);
  auto found = core.store->resource(store::Kind::StateMachine,
                                    core.options.partition.state_machine_arn(parsed->name));
  if (!found) return Unexpected<Error>(found.error());
  if (!*found) return does_not_exist(arn);
  return std::move(**found);
}

Result<StepFunctions::Target> StepFunctions::resolve_target(const std::string& arn) {
  auto parsed = parse_arn(arn);
  if (!parsed || parsed->type != "stateMachine") return invalid_arn(arn);
  auto machine = state_machine_or_error(arn);  // its errors name `arn`, qualified or not
  if (!machine) return Unexpected<Error>(machine.error());
  Target t;
  t.machine = std::move(*machine);
  t.definition = string_or(t.machine.record, "definition");
  if (parsed->qualifier.empty()) return t;
  std::string qualified = t.machine.arn + ":" + parsed->qualifier;
  std::string version_arn = qualified;
  bool numeric = parsed->qualifier.find_first_not_of("0123456789") == std::string::npos;
  if (!numeric) {
    auto alias = core.store->resource(store::Kind::Alias, qualified);
    if (!alias) return Unexpected<Error>(alias.error());
    if (!*alias) {
      return fail("ResourceNotFound", "Request references a resource that does not exist.");
    }
    t.alias_arn = qualified;
    // Route by the alias's weights.
    const Value* routing = (*alias)->record.find("routingConfiguration");
    Random r(os_entropy());
    std::int64_t pick = static_cast<std::int64_t>(r.below(100));
    for (const Value& route : routing->as_array()) {
      version_arn = std::string(route.find("stateMachineVersionArn")->as_string());
      pick -= route.find("weight")->as_int64();
      if (pick < 0) break;
    }
  }
  auto version = core.store->resource(store::Kind::Version, version_arn);
  if (!version) return Unexpected<Error>(version.error());
  if (!*version) return does_not_exist(version_arn);
  t.version_arn = version_arn;
  t.definition = string_or((*version)->record, "definition");
  return t;
}

void StepFunctions::create_state_machine(const Request& r, Reply reply) {
  auto name = r.required("name");
  auto definition = r.required("definition");
  auto role = r.required("roleArn");
  auto type = r.string("type");
  auto publish = r.boolean("publish");
  auto description = r.string("versionDescription");
  if (!name) return core.answer(reply, Unexpected<Error>(name.error()));
  if (!definition) return core.answer(reply, Unexpected<Error>(definition.error()));
  if (!role) return core.answer(reply, Unexpected<Error>(role.error()));
  if (!type || !publish || !description) {
    return core.answer(reply, fail("SerializationException", "A field has the wrong type"));
  }
  if (*description && !publish->value_or(false))
    return core.answer(reply, description_needs_publish());
  std::string machine_type = type->value_or("STANDARD");
  if (machine_type != "STANDARD" && machine_type != "EXPRESS") {
    return core.answer(reply,
                       fail("ValidationException",
                            "1 validation error detected: Value '" + machine_type +
                                "' at 'type' failed to satisfy constraint: Member must satisfy "
                                "enum value set: [STANDARD, EXPRESS]"));
  }
  if (!valid_name(*name))
    return core.answer(reply, fail("InvalidName", "Invalid Name: '" + *name + "'"));
  if (!valid_role_arn(*role)) return core.answer(reply, invalid_arn(*role));
  if (definition->size() > 1048576) {
    return core.answer(reply,
                       fail("InvalidDefinition",
                            "Invalid State Machine Definition: 'The definition is larger than "
                            "1048576 characters'"));
  }
  if (auto checked = check_definition(*definition, machine_type); !checked) {
    return core.answer(reply, Unexpected<Error>(checked.error()));
  }
  std::string arn = core.options.partition.state_machine_arn(*name);
  if (auto error = too_many_tags(r, arn)) return core.answer(reply, Unexpected<Error>(*error));
  auto existing = core.store->resource(store::Kind::StateMachine, arn);
  if (!existing) return core.answer(reply, Unexpected<Error>(existing.error()));
  if (*existing) {
    const Value& rec = (*existing)->record;
    // Idempotent: the same request again returns the same state machine.
    if (string_or(rec, "definition") == *definition && string_or(rec, "roleArn") == *role &&
        string_or(rec, "type") == machine_type) {
      return core.answer(reply, json::ObjectBuilder()
                                    .add("stateMachineArn", text(arn))
                                    .add("creationDate", epoch((*existing)->created_ms))
                                    .build());
    }
    return core.answer(
        reply, fail("StateMachineAlreadyExists", "State Machine Already Exists: '" + arn + "'"));
  }
  std::int64_t now = core.now_ms();
  // AWS gives a state machine no revision id until its first update.
  std::string revision_id;
  json::ObjectBuilder record;
  record.add("stateMachineArn", text(arn));
  record.add("name", text(*name));
  record.add("type", text(machine_type));
  record.add("definition", text(*definition));
  record.add("roleArn", text(*role));
  record.add("revisionId", text(revision_id));
  record.add("updateDate", Value::integer(now));
  if (const Value* logging = r.field("loggingConfiguration"))
    record.add("loggingConfiguration", *logging);
  if (const Value* tracing = r.field("tracingConfiguration"))
    record.add("tracingConfiguration", *tracing);
  record.add("nextVersion", Value::integer(publish->value_or(false) ? 2 : 1));
  core.stage(store::ops::PutResource{
      store::Resource{store::Kind::StateMachine, arn, *name, "", now, record.build()}});
  json::ObjectBuilder out;
  out.add("stateMachineArn", text(arn));
  out.add("creationDate", epoch(now));
  if (publish->value_or(false)) {
    std::string version_arn = arn + ":1";
    json::ObjectBuilder version;
    version.add("stateMachineVersionArn", text(version_arn));
    version.add("definition", text(*definition));
    version.add("roleArn", text(*role));
    version.add("type", text(machine_type));
    version.add("revisionId", text(revision_id));
    if (*description) version.add("description", text(**description));
    core.stage(store::ops::PutResource{
        store::Resource{store::Kind::Version, version_arn, "1", arn, now, version.build()}});
    out.add("stateMachineVersionArn", text(version_arn));
  }
  stage_tags(arn, r.field("tags"));
  core.answer(reply, out.build());
}

void StepFunctions::describe_state_machine(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto parsed = parse_arn(*arn);
  if (!parsed || parsed->type != "stateMachine") return core.answer(reply, invalid_arn(*arn));
  auto machine = state_machine_or_error(*arn);
  if (!machine) return core.answer(reply, Unexpected<Error>(machine.error()));
  const Value& rec = machine->record;
  json::ObjectBuilder out;
  Value definition = *rec.find("definition");
  Value role = *rec.find("roleArn");
  Value revision = *rec.find("revisionId");
  std::int64_t created = machine->created_ms;
  std::string described_arn = machine->arn;
  std::string description;
  if (!parsed->qualifier.empty()) {
    // A version's (or an alias's) description.
    std::string qualified = machine->arn + ":" + parsed->qualifier;
    store::Kind kind = parsed->qualifier.find_first_not_of("0123456789") == std::string::npos
                           ? store::Kind::Version
                           : store::Kind::Alias;
    auto found = core.store->resource(kind, qualified);
    if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
    if (!*found) return core.answer(reply, does_not_exist(*arn));
    if (kind == store::Kind::Version) {
      definition = *(*found)->record.find("definition");
      role = *(*found)->record.find("roleArn");
      revision = *(*found)->record.find("revisionId");
      created = (*found)->created_ms;
      described_arn = qualified;
      description = string_or((*found)->record, "description");
    }
  }
  out.add("stateMachineArn", text(described_arn));
  out.add("name", *rec.find("name"));
  out.add("status", text("ACTIVE"));
  out.add("definition", definition);
  out.add("roleArn", role);
  out.add("type", *rec.find("type"));
  out.add("creationDate", epoch(created));
  const Value* logging = rec.find("loggingConfiguration");
  out.add("loggingConfiguration", logging != nullptr
                                      ? *logging
                                      : json::ObjectBuilder()
                                            .add("level", text("OFF"))
                                            .add("includeExecutionData", Value::boolean(false))
                                            .build());
  const Value* tracing = rec.find("tracingConfiguration");
  out.add("tracingConfiguration",
          tracing != nullptr ? *tracing
                             : json::ObjectBuilder().add("enabled", Value::boolean(false)).build());
  if (revision.is_string() && !revision.as_string().empty()) out.add("revisionId", revision);
  if (!description.empty()) out.add("description", text(description));
  core.answer(reply, out.build());
}

void StepFunctions::update_state_machine(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto definition = r.string("definition");
  auto role = r.string("roleArn");
  auto publish = r.boolean("publish");
  auto description = r.string("versionDescription");
  if (!definition || !role || !publish || !description) {
    return core.answer(reply, fail("SerializationException", "A field has the wrong type"));
  }
  if (*description && !publish->value_or(false))
    return core.answer(reply, description_needs_publish());
  if (!*definition && !*role && r.field("loggingConfiguration") == nullptr &&
      r.field("tracingConfiguration") == nullptr) {
    return core.answer(reply,
                       fail("MissingRequiredParameter",
                            "Either the definition, the role ARN, the LoggingConfiguration, or "
                            "the TracingConfiguration must be specified"));
  }
  auto machine = state_machine_or_error(*arn);
  if (!machine) return core.answer(reply, Unexpected<Error>(machine.error()));
  if (*role && !valid_role_arn(**role)) return core.answer(reply, invalid_arn(**role));
  std::string type = string_or(machine->record, "type");
  if (*definition) {
    if (auto checked = check_definition(**definition, type); !checked) {
      return core.answer(reply, Unexpected<Error>(checked.error()));
    }
  }
  std::int64_t now = core.now_ms();
  Value rec = machine->record;
  // A new revision only when something changes; an update that changes nothing keeps it.
  bool changed = false;
  auto set = [&](std::string_view key, const Value& value) {
    const Value* old = rec.find(key);
    if (old != nullptr && *old == value) return;
    changed = true;
    rec = json::with_member(rec, key, value);
  };
  if (*definition) set("definition", text(**definition));
  if (*role) set("roleArn", text(**role));
  if (const Value* logging = r.field("loggingConfiguration")) set("loggingConfiguration", *logging);
  if (const Value* tracing = r.field("tracingConfiguration")) set("tracingConfiguration", *tracing);
  std::string revision_id = string_or(rec, "revisionId");
  if (changed) {
    revision_id = random_uuid();
    rec = json::with_member(rec, "revisionId", text(revision_id));
  }
  rec = json::with_member(rec, "updateDate", Value::integer(now));
  json::ObjectBuilder out;
  out.add("updateDate", epoch(now));
  if (!revision_id.empty()) out.add("revisionId", text(revision_id));
  if (publish->value_or(false)) {
    // The version of this revision when there is one already (AWS publishes each once).
    std::string existing;
    if (!changed) {
      std::string ignored;
      auto versions = core.store->resources(store::Kind::Version, machine->arn,
                                            store::PageRequest{"", 100000}, ignored);
      if (!versions) return core.answer(reply, Unexpected<Error>(versions.error()));
      for (const store::Resource& v : *versions) {
        if (string_or(v.record, "revisionId") == revision_id) existing = v.arn;
      }
    }
    if (!existing.empty()) {
      out.add("stateMachineVersionArn", text(existing));
    } else {
      std::int64_t number = rec.find("nextVersion")->as_int64();
      rec = json::with_member(rec, "nextVersion", Value::integer(number + 1));
      std::string version_arn = machine->arn + ":" + std::to_string(number);
      json::ObjectBuilder version;
      version.add("stateMachineVersionArn", text(version_arn));
      version.add("definition", *rec.find("definition"));
      version.add("roleArn", *rec.find("roleArn"));
      version.add("type", text(type));
      version.add("revisionId", text(revision_id));
      if (*description) version.add("description", text(**description));
      core.stage(store::ops::PutResource{store::Resource{store::Kind::Version, version_arn,
                                                         std::to_string(number), machine->arn, now,
                                                         version.build()}});
      out.add("stateMachineVersionArn", text(version_arn));
    }
  }
  machine->record = rec;
  core.stage(store::ops::PutResource{std::move(*machine)});
  core.answer(reply, out.build());
}

void StepFunctions::delete_state_machine(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto parsed = parse_arn(*arn);
  if (!parsed || parsed->type != "stateMachine") return core.answer(reply, invalid_arn(*arn));
  std::string machine_arn = core.options.partition.state_machine_arn(parsed->name);
  if (!parsed->qualifier.empty()) {
    return core.answer(reply,
                       fail("ValidationException",
                            "Use DeleteStateMachineVersion or DeleteStateMachineAlias to delete "
                            "a version or an alias"));
  }
  // Its versions and aliases go with it; executions already running finish on their own.
  for (store::Kind kind : {store::Kind::Version, store::Kind::Alias}) {
    std::string next;
    auto children = core.store->resources(kind, machine_arn, store::PageRequest{"", 10000}, next);
    if (children) {
      for (const store::Resource& c : *children)
        core.stage(store::ops::DeleteResource{kind, c.arn});
    }
  }
  auto tags = core.store->tags(machine_arn);
  if (tags) {
    for (const auto& [key, value] : *tags) core.stage(store::ops::DeleteTag{machine_arn, key});
  }
  core.stage(store::ops::DeleteResource{store::Kind::StateMachine, machine_arn});
  core.answer(reply, Value::object({}));
}

void StepFunctions::list_state_machines(const Request& r, Reply reply) {
  auto after = page_key(r);
  if (!after) return core.answer(reply, Unexpected<Error>(after.error()));
  // By name, as AWS lists them (recorded: "sm_0", "sm_10", "sm_11", "sm_1", ...); the token
  // holds the last name given.
  std::string from;
  if (!after->empty()) {
    if (!after->starts_with("name|")) {
      return core.answer(
          reply, fail("InvalidToken", "Invalid Token: '" + string_or(r.body(), "nextToken") + "'"));
    }
    from = after->substr(5);
  }
  std::string ignored;
  auto machines = core.store->resources(store::Kind::StateMachine, "",
                                        store::PageRequest{"", 1000000}, ignored);
  if (!machines) return core.answer(reply, Unexpected<Error>(machines.error()));
  std::vector<const store::Resource*> sorted;
  for (const store::Resource& m : *machines) {
    if (from.empty() || m.name > from) sorted.push_back(&m);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const store::Resource* a, const store::Resource* b) { return a->name < b->name; });
  std::size_t limit = page_limit(r);
  std::vector<Value> items;
  for (std::size_t i = 0; i < sorted.size() && i < limit; ++i) {
    const store::Resource& m = *sorted[i];
    items.push_back(json::ObjectBuilder()
                        .add("stateMachineArn", text(m.arn))
                        .add("name", text(m.name))
                        .add("type", *m.record.find("type"))
                        .add("creationDate", epoch(m.created_ms))
                        .build());
  }
  json::ObjectBuilder out;
  out.add("stateMachines", Value::array(std::move(items)));
  if (sorted.size() > limit)
    out.add("nextToken", text(page_token("name|" + sorted[limit - 1]->name)));
  core.answer(reply, out.build());
}

void StepFunctions::validate_state_machine_definition(const Request& r, Reply reply) {
  auto definition = r.required("definition");
  if (!definition) return core.answer(reply, Unexpected<Error>(definition.error()));
  auto type = r.string("type");
  auto severity = r.string("severity");
  if (!type || !severity)
    return core.answer(reply, fail("SerializationException", "A field has the wrong type"));
  asl::ParseOptions options_for_type;
  options_for_type.type = type->value_or("STANDARD") == "EXPRESS" ? asl::StateMachineType::EXPRESS
                                                                  : asl::StateMachineType::STANDARD;
  auto parsed = asl::parse(*definition, options_for_type);
  const asl::Diagnostics& found = parsed ? parsed->warnings : parsed.error();
  bool errors_only = severity->value_or("ERROR") == "ERROR";
  std::size_t limit = 100;
  if (const Value* max = r.field("maxResults");
      max != nullptr && max->is_int64() && max->as_int64() > 0) {
    limit = static_cast<std::size_t>(max->as_int64());
  }
  std::vector<Value> diagnostics;
  bool truncated = false;
  for (const asl::Diagnostic& d : found) {
    if (errors_only && d.severity == asl::Severity::Warning) continue;
    if (diagnostics.size() == limit) {
      truncated = true;
      break;
    }
    diagnostics.push_back(diagnostic_json(d));
  }
  core.answer(reply, json::ObjectBuilder()
                         .add("result", text(parsed ? "OK" : "FAIL"))
                         .add("diagnostics", Value::array(std::move(diagnostics)))
                         .add("truncated", Value::boolean(truncated))
                         .build());
}

}  // namespace baton::service::states
