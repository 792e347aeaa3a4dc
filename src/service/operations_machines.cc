// State machines, their versions and aliases, and definition validation.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>

#include "asl/parse.h"
#include "core/random.h"
#include "service/service_internal.h"

namespace baton::service {

using json::Value;

namespace {

Unexpected<Error> does_not_exist(const std::string& arn) {
  return fail("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
}

Unexpected<Error> invalid_arn(const std::string& arn) {
  return fail("InvalidArn", invalid_arn_message(arn));
}

Value text(std::string_view s) { return Value::string(s); }

std::string string_or(const Value& record, std::string_view key, std::string fallback = "") {
  const Value* v = record.find(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : fallback;
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

Result<store::Resource> Service::Impl::state_machine_or_error(const std::string& arn) {
  auto parsed = parse_arn(arn);
  if (!parsed || parsed->type != "stateMachine") return invalid_arn(arn);
  auto found =
      store->resource(store::Kind::StateMachine, options.partition.state_machine_arn(parsed->name));
  if (!found) return Unexpected<Error>(found.error());
  if (!*found) return does_not_exist(arn);
  return std::move(**found);
}

Result<Service::Impl::Target> Service::Impl::resolve_target(const std::string& arn) {
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
    auto alias = store->resource(store::Kind::Alias, qualified);
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
  auto version = store->resource(store::Kind::Version, version_arn);
  if (!version) return Unexpected<Error>(version.error());
  if (!*version) return does_not_exist(version_arn);
  t.version_arn = version_arn;
  t.definition = string_or((*version)->record, "definition");
  return t;
}

void Service::Impl::create_state_machine(const Request& r, Reply reply) {
  auto name = r.required("name");
  auto definition = r.required("definition");
  auto role = r.required("roleArn");
  auto type = r.string("type");
  auto publish = r.boolean("publish");
  auto description = r.string("versionDescription");
  if (!name) return answer(reply, Unexpected<Error>(name.error()));
  if (!definition) return answer(reply, Unexpected<Error>(definition.error()));
  if (!role) return answer(reply, Unexpected<Error>(role.error()));
  if (!type || !publish || !description) {
    return answer(reply, fail("SerializationException", "A field has the wrong type"));
  }
  if (*description && !publish->value_or(false)) return answer(reply, description_needs_publish());
  std::string machine_type = type->value_or("STANDARD");
  if (machine_type != "STANDARD" && machine_type != "EXPRESS") {
    return answer(reply, fail("ValidationException",
                              "1 validation error detected: Value '" + machine_type +
                                  "' at 'type' failed to satisfy constraint: Member must satisfy "
                                  "enum value set: [STANDARD, EXPRESS]"));
  }
  if (!valid_name(*name))
    return answer(reply, fail("InvalidName", "Invalid Name: '" + *name + "'"));
  if (!valid_role_arn(*role)) return answer(reply, invalid_arn(*role));
  if (definition->size() > 1048576) {
    return answer(reply, fail("InvalidDefinition",
                              "Invalid State Machine Definition: 'The definition is larger than "
                              "1048576 characters'"));
  }
  if (auto checked = check_definition(*definition, machine_type); !checked) {
    return answer(reply, Unexpected<Error>(checked.error()));
  }
  std::string arn = options.partition.state_machine_arn(*name);
  if (auto error = too_many_tags(r, arn)) return answer(reply, Unexpected<Error>(*error));
  auto existing = store->resource(store::Kind::StateMachine, arn);
  if (!existing) return answer(reply, Unexpected<Error>(existing.error()));
  if (*existing) {
    const Value& rec = (*existing)->record;
    // Idempotent: the same request again returns the same state machine.
    if (string_or(rec, "definition") == *definition && string_or(rec, "roleArn") == *role &&
        string_or(rec, "type") == machine_type) {
      return answer(reply, json::ObjectBuilder()
                               .add("stateMachineArn", text(arn))
                               .add("creationDate", epoch((*existing)->created_ms))
                               .build());
    }
    return answer(reply,
                  fail("StateMachineAlreadyExists", "State Machine Already Exists: '" + arn + "'"));
  }
  std::int64_t now = now_ms();
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
  stage(store::ops::PutResource{
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
    stage(store::ops::PutResource{
        store::Resource{store::Kind::Version, version_arn, "1", arn, now, version.build()}});
    out.add("stateMachineVersionArn", text(version_arn));
  }
  stage_tags(arn, r.field("tags"));
  answer(reply, out.build());
}

void Service::Impl::describe_state_machine(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  auto parsed = parse_arn(*arn);
  if (!parsed || parsed->type != "stateMachine") return answer(reply, invalid_arn(*arn));
  auto machine = state_machine_or_error(*arn);
  if (!machine) return answer(reply, Unexpected<Error>(machine.error()));
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
    auto found = store->resource(kind, qualified);
    if (!found) return answer(reply, Unexpected<Error>(found.error()));
    if (!*found) return answer(reply, does_not_exist(*arn));
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
  answer(reply, out.build());
}

void Service::Impl::update_state_machine(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  auto definition = r.string("definition");
  auto role = r.string("roleArn");
  auto publish = r.boolean("publish");
  auto description = r.string("versionDescription");
  if (!definition || !role || !publish || !description) {
    return answer(reply, fail("SerializationException", "A field has the wrong type"));
  }
  if (*description && !publish->value_or(false)) return answer(reply, description_needs_publish());
  if (!*definition && !*role && r.field("loggingConfiguration") == nullptr &&
      r.field("tracingConfiguration") == nullptr) {
    return answer(reply, fail("MissingRequiredParameter",
                              "Either the definition, the role ARN, the LoggingConfiguration, or "
                              "the TracingConfiguration must be specified"));
  }
  auto machine = state_machine_or_error(*arn);
  if (!machine) return answer(reply, Unexpected<Error>(machine.error()));
  if (*role && !valid_role_arn(**role)) return answer(reply, invalid_arn(**role));
  std::string type = string_or(machine->record, "type");
  if (*definition) {
    if (auto checked = check_definition(**definition, type); !checked) {
      return answer(reply, Unexpected<Error>(checked.error()));
    }
  }
  std::int64_t now = now_ms();
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
      auto versions = store->resources(store::Kind::Version, machine->arn,
                                       store::PageRequest{"", 100000}, ignored);
      if (!versions) return answer(reply, Unexpected<Error>(versions.error()));
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
      stage(store::ops::PutResource{store::Resource{store::Kind::Version, version_arn,
                                                    std::to_string(number), machine->arn, now,
                                                    version.build()}});
      out.add("stateMachineVersionArn", text(version_arn));
    }
  }
  machine->record = rec;
  stage(store::ops::PutResource{std::move(*machine)});
  answer(reply, out.build());
}

void Service::Impl::delete_state_machine(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  auto parsed = parse_arn(*arn);
  if (!parsed || parsed->type != "stateMachine") return answer(reply, invalid_arn(*arn));
  std::string machine_arn = options.partition.state_machine_arn(parsed->name);
  if (!parsed->qualifier.empty()) {
    return answer(reply, fail("ValidationException",
                              "Use DeleteStateMachineVersion or DeleteStateMachineAlias to delete "
                              "a version or an alias"));
  }
  // Its versions and aliases go with it; executions already running finish on their own.
  for (store::Kind kind : {store::Kind::Version, store::Kind::Alias}) {
    std::string next;
    auto children = store->resources(kind, machine_arn, store::PageRequest{"", 10000}, next);
    if (children) {
      for (const store::Resource& c : *children) stage(store::ops::DeleteResource{kind, c.arn});
    }
  }
  auto tags = store->tags(machine_arn);
  if (tags) {
    for (const auto& [key, value] : *tags) stage(store::ops::DeleteTag{machine_arn, key});
  }
  stage(store::ops::DeleteResource{store::Kind::StateMachine, machine_arn});
  answer(reply, Value::object({}));
}

void Service::Impl::list_state_machines(const Request& r, Reply reply) {
  auto after = page_key(r);
  if (!after) return answer(reply, Unexpected<Error>(after.error()));
  // By name, as AWS lists them (recorded: "sm_0", "sm_10", "sm_11", "sm_1", ...); the token
  // holds the last name given.
  std::string from;
  if (!after->empty()) {
    if (!after->starts_with("name|")) {
      return answer(
          reply, fail("InvalidToken", "Invalid Token: '" + string_or(r.body(), "nextToken") + "'"));
    }
    from = after->substr(5);
  }
  std::string ignored;
  auto machines =
      store->resources(store::Kind::StateMachine, "", store::PageRequest{"", 1000000}, ignored);
  if (!machines) return answer(reply, Unexpected<Error>(machines.error()));
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
  answer(reply, out.build());
}

void Service::Impl::validate_state_machine_definition(const Request& r, Reply reply) {
  auto definition = r.required("definition");
  if (!definition) return answer(reply, Unexpected<Error>(definition.error()));
  auto type = r.string("type");
  auto severity = r.string("severity");
  if (!type || !severity)
    return answer(reply, fail("SerializationException", "A field has the wrong type"));
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
  answer(reply, json::ObjectBuilder()
                    .add("result", text(parsed ? "OK" : "FAIL"))
                    .add("diagnostics", Value::array(std::move(diagnostics)))
                    .add("truncated", Value::boolean(truncated))
                    .build());
}

void Service::Impl::publish_state_machine_version(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  auto revision = r.string("revisionId");
  auto description = r.string("description");
  if (!revision || !description)
    return answer(reply, fail("SerializationException", "A field has the wrong type"));
  auto machine = state_machine_or_error(*arn);
  if (!machine) return answer(reply, Unexpected<Error>(machine.error()));
  Value rec = machine->record;
  std::string current = string_or(rec, "revisionId");
  if (*revision && **revision != current) {
    return answer(reply,
                  fail("ConflictException",
                       "Failed to publish the State Machine version for revision " + **revision +
                           ". The current State Machine revision is " + current + "."));
  }
  // Idempotent: the newest version of the current revision is returned again.
  std::string next;
  auto versions =
      store->resources(store::Kind::Version, machine->arn, store::PageRequest{"", 100000}, next);
  if (!versions) return answer(reply, Unexpected<Error>(versions.error()));
  for (const store::Resource& v : *versions) {
    if (string_or(v.record, "revisionId") == current) {
      return answer(reply, json::ObjectBuilder()
                               .add("creationDate", epoch(v.created_ms))
                               .add("stateMachineVersionArn", text(v.arn))
                               .build());
    }
  }
  std::int64_t number = rec.find("nextVersion")->as_int64();
  std::int64_t now = now_ms();
  std::string version_arn = machine->arn + ":" + std::to_string(number);
  json::ObjectBuilder version;
  version.add("stateMachineVersionArn", text(version_arn));
  version.add("definition", *rec.find("definition"));
  version.add("roleArn", *rec.find("roleArn"));
  version.add("type", *rec.find("type"));
  version.add("revisionId", text(current));
  if (*description) version.add("description", text(**description));
  stage(store::ops::PutResource{store::Resource{store::Kind::Version, version_arn,
                                                std::to_string(number), machine->arn, now,
                                                version.build()}});
  machine->record = json::with_member(rec, "nextVersion", Value::integer(number + 1));
  stage(store::ops::PutResource{std::move(*machine)});
  answer(reply, json::ObjectBuilder()
                    .add("creationDate", epoch(now))
                    .add("stateMachineVersionArn", text(version_arn))
                    .build());
}

void Service::Impl::list_state_machine_versions(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  auto machine = state_machine_or_error(*arn);
  if (!machine) return answer(reply, Unexpected<Error>(machine.error()));
  auto after = page_key(r);
  if (!after) return answer(reply, Unexpected<Error>(after.error()));
  // Newest first, as AWS lists them, across pages too: the token holds the number of the last
  // version given. AWS limit: 1,000 versions a state machine, so all of them fit in memory.
  std::int64_t below = INT64_MAX;
  if (!after->empty()) {
    std::int64_t number = 0;
    auto [end, ec] = std::from_chars(after->data() + after->find('|') + 1,
                                     after->data() + after->size(), number);
    if (!after->starts_with("version|") || ec != std::errc() ||
        end != after->data() + after->size()) {
      return answer(
          reply, fail("InvalidToken", "Invalid Token: '" + string_or(r.body(), "nextToken") + "'"));
    }
    below = number;
  }
  std::string ignored;
  auto versions =
      store->resources(store::Kind::Version, machine->arn, store::PageRequest{"", 100000}, ignored);
  if (!versions) return answer(reply, Unexpected<Error>(versions.error()));
  std::vector<std::pair<std::int64_t, const store::Resource*>> numbered;
  for (const store::Resource& v : *versions) {
    std::int64_t number = 0;
    (void)std::from_chars(v.name.data(), v.name.data() + v.name.size(), number);
    if (number < below) numbered.emplace_back(number, &v);
  }
  std::sort(numbered.begin(), numbered.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  std::size_t limit = page_limit(r);
  std::vector<Value> items;
  for (std::size_t i = 0; i < numbered.size() && i < limit; ++i) {
    items.push_back(json::ObjectBuilder()
                        .add("stateMachineVersionArn", text(numbered[i].second->arn))
                        .add("creationDate", epoch(numbered[i].second->created_ms))
                        .build());
  }
  json::ObjectBuilder out;
  out.add("stateMachineVersions", Value::array(std::move(items)));
  if (numbered.size() > limit) {
    out.add("nextToken", text(page_token("version|" + std::to_string(numbered[limit - 1].first))));
  }
  answer(reply, out.build());
}

void Service::Impl::delete_state_machine_version(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineVersionArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  auto parsed = parse_arn(*arn);
  if (!parsed || parsed->type != "stateMachine" || parsed->qualifier.empty() ||
      parsed->qualifier.find_first_not_of("0123456789") != std::string::npos) {
    return answer(reply, invalid_arn(*arn));
  }
  std::string machine_arn = options.partition.state_machine_arn(parsed->name);
  std::string next;
  auto aliases =
      store->resources(store::Kind::Alias, machine_arn, store::PageRequest{"", 10000}, next);
  if (!aliases) return answer(reply, Unexpected<Error>(aliases.error()));
  for (const store::Resource& a : *aliases) {
    for (const Value& route : a.record.find("routingConfiguration")->as_array()) {
      if (route.find("stateMachineVersionArn")->as_string() == *arn) {
        return answer(reply, fail("ConflictException",
                                  "Version to be deleted must not be referenced by an alias. "
                                  "Current list of aliases referencing this version: [" +
                                      a.name + "]"));
      }
    }
  }
  stage(store::ops::DeleteResource{store::Kind::Version, *arn});
  answer(reply, Value::object({}));
}

namespace {

// "[a, b]", as AWS lists what it received in its messages.
std::string bracketed(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ", " : "") + items[i];
  return out + "]";
}

// An alias's routing: one or two distinct versions of one state machine (of `machine_arn` when
// given), weights 0-100 summing to 100. The messages are AWS's.
Expected<void, Error> check_routing(const Value* routing, const std::string& machine_arn) {
  if (routing == nullptr || !routing->is_array() || routing->size() == 0) {
    return fail("ValidationException",
                "1 validation error detected: Value null at 'routingConfiguration' failed to "
                "satisfy constraint: Member must not be null");
  }
  std::vector<std::string> arns;
  std::vector<std::string> weights;
  std::int64_t total = 0;
  bool all_versions = true;
  std::string machine = machine_arn;
  for (std::size_t i = 0; i < routing->size(); ++i) {
    const Value& route = (*routing)[i];
    const Value* version = route.find("stateMachineVersionArn");
    const Value* weight = route.find("weight");
    if (version == nullptr || !version->is_string() || weight == nullptr || !weight->is_int64()) {
      return fail("ValidationException",
                  "1 validation error detected: Value null at 'routingConfiguration." +
                      std::to_string(i + 1) +
                      ".member' failed to satisfy constraint: Member "
                      "must not be null");
    }
    if (weight->as_int64() < 0 || weight->as_int64() > 100) {
      return fail("ValidationException",
                  "1 validation error detected: Value '" + std::to_string(weight->as_int64()) +
                      "' at 'routingConfiguration." + std::to_string(i + 1) +
                      ".member.weight' failed to satisfy constraint: Member must have value " +
                      (weight->as_int64() < 0 ? "greater than or equal to 0"
                                              : "less than or equal to 100"));
    }
    std::string arn(version->as_string());
    auto parsed = parse_arn(arn);
    bool is_version = parsed && parsed->type == "stateMachine" && !parsed->qualifier.empty() &&
                      parsed->qualifier.find_first_not_of("0123456789") == std::string::npos;
    if (is_version) {
      std::string owner = arn.substr(0, arn.rfind(':'));
      if (machine.empty()) machine = owner;
      if (owner != machine) is_version = false;
    }
    all_versions = all_versions && is_version;
    arns.push_back(arn);
    weights.push_back(std::to_string(weight->as_int64()));
    total += weight->as_int64();
  }
  if (!all_versions) {
    return fail("ValidationException",
                "Routing configuration must contain state machine version ARNs. Received: " +
                    bracketed(arns));
  }
  if (arns.size() == 2 && arns[0] == arns[1]) {
    return fail("ValidationException",
                "Routing configuration must contain distinct state machine version ARNs. "
                "Received: " +
                    bracketed(arns));
  }
  if (total != 100) {
    return fail(
        "ValidationException",
        "Sum of routing configuration weights must equal 100. Received: " + bracketed(weights));
  }
  return {};
}

// AWS's rule for alias names: letters, digits, _ - . and at least one that is not a digit.
bool valid_alias_name(std::string_view name) {
  bool non_digit = false;
  for (unsigned char c : name) {
    bool digit = c >= '0' && c <= '9';
    if (!digit && !std::isalpha(c) && c != '_' && c != '-' && c != '.') return false;
    non_digit = non_digit || !digit;
  }
  return !name.empty() && non_digit;
}

Unexpected<Error> no_such_alias() {
  return fail("ResourceNotFound", "Request references a resource that does not exist.");
}

}  // namespace

void Service::Impl::create_state_machine_alias(const Request& r, Reply reply) {
  auto name = r.required("name");
  if (!name) return answer(reply, Unexpected<Error>(name.error()));
  auto description = r.string("description");
  if (!description) return answer(reply, Unexpected<Error>(description.error()));
  const Value* routing = r.field("routingConfiguration");
  if (!valid_alias_name(*name)) {
    return answer(reply, fail("ValidationException",
                              "1 validation error detected: Value '" + *name +
                                  "' at 'name' failed to satisfy constraint: Member must satisfy "
                                  "regular expression pattern: "
                                  "^(?=.*[a-zA-Z_\\\\-\\\\.])[a-zA-Z0-9_\\\\-\\\\.]+$"));
  }
  if (auto checked = check_routing(routing, ""); !checked) {
    return answer(reply, Unexpected<Error>(checked.error()));
  }
  std::string first(routing->as_array()[0].find("stateMachineVersionArn")->as_string());
  std::string machine_arn = first.substr(0, first.rfind(':'));
  auto machine = state_machine_or_error(machine_arn);
  if (!machine) return answer(reply, Unexpected<Error>(machine.error()));
  for (const Value& route : routing->as_array()) {
    std::string version(route.find("stateMachineVersionArn")->as_string());
    auto found = store->resource(store::Kind::Version, version);
    if (!found) return answer(reply, Unexpected<Error>(found.error()));
    if (!*found) return answer(reply, no_such_alias());
  }
  std::string alias_arn = machine_arn + ":" + *name;
  auto existing = store->resource(store::Kind::Alias, alias_arn);
  if (!existing) return answer(reply, Unexpected<Error>(existing.error()));
  if (*existing) {
    // Idempotent only for the same routing and description.
    const Value& rec = (*existing)->record;
    if (rec.find("routingConfiguration") != nullptr &&
        *rec.find("routingConfiguration") == *routing &&
        string_or(rec, "description") == description->value_or("")) {
      return answer(reply, json::ObjectBuilder()
                               .add("stateMachineAliasArn", text(alias_arn))
                               .add("creationDate", epoch((*existing)->created_ms))
                               .build());
    }
    return answer(reply, fail("ConflictException",
                              "Failed to create alias because an alias with the same name and a "
                              "different routing configuration already exists."));
  }
  std::int64_t now = now_ms();
  json::ObjectBuilder record;
  record.add("stateMachineAliasArn", text(alias_arn));
  record.add("name", text(*name));
  if (*description) record.add("description", text(**description));
  record.add("routingConfiguration", *routing);
  record.add("updateDate", Value::integer(now));
  stage(store::ops::PutResource{
      store::Resource{store::Kind::Alias, alias_arn, *name, machine_arn, now, record.build()}});
  answer(reply, json::ObjectBuilder()
                    .add("stateMachineAliasArn", text(alias_arn))
                    .add("creationDate", epoch(now))
                    .build());
}

void Service::Impl::describe_state_machine_alias(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineAliasArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  auto parsed = parse_arn(*arn);
  if (!parsed || parsed->type != "stateMachine" || parsed->qualifier.empty()) {
    return answer(reply, invalid_arn(*arn));
  }
  auto alias = store->resource(store::Kind::Alias, *arn);
  if (!alias) return answer(reply, Unexpected<Error>(alias.error()));
  if (!*alias) return answer(reply, no_such_alias());
  const Value& rec = (*alias)->record;
  json::ObjectBuilder out;
  out.add("stateMachineAliasArn", text(*arn));
  out.add("name", *rec.find("name"));
  if (const Value* d = rec.find("description")) out.add("description", *d);
  out.add("routingConfiguration", *rec.find("routingConfiguration"));
  out.add("creationDate", epoch((*alias)->created_ms));
  out.add("updateDate", epoch(rec.find("updateDate")->as_int64()));
  answer(reply, out.build());
}

void Service::Impl::update_state_machine_alias(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineAliasArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  auto description = r.string("description");
  if (!description) return answer(reply, Unexpected<Error>(description.error()));
  auto alias = store->resource(store::Kind::Alias, *arn);
  if (!alias) return answer(reply, Unexpected<Error>(alias.error()));
  if (!*alias) return answer(reply, no_such_alias());
  Value rec = (*alias)->record;
  if (const Value* routing = r.field("routingConfiguration")) {
    if (auto checked = check_routing(routing, (*alias)->parent_arn); !checked) {
      return answer(reply, Unexpected<Error>(checked.error()));
    }
    for (const Value& route : routing->as_array()) {
      std::string version(route.find("stateMachineVersionArn")->as_string());
      auto found = store->resource(store::Kind::Version, version);
      if (!found) return answer(reply, Unexpected<Error>(found.error()));
      if (!*found) return answer(reply, no_such_alias());
    }
    rec = json::with_member(rec, "routingConfiguration", *routing);
  }
  if (*description) rec = json::with_member(rec, "description", text(**description));
  std::int64_t now = now_ms();
  rec = json::with_member(rec, "updateDate", Value::integer(now));
  (*alias)->record = rec;
  stage(store::ops::PutResource{std::move(**alias)});
  answer(reply, json::ObjectBuilder().add("updateDate", epoch(now)).build());
}

void Service::Impl::delete_state_machine_alias(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineAliasArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  auto parsed = parse_arn(*arn);
  if (!parsed || parsed->qualifier.empty()) return answer(reply, invalid_arn(*arn));
  // Deleting an alias that is not there succeeds, as on AWS.
  stage(store::ops::DeleteResource{store::Kind::Alias, *arn});
  answer(reply, Value::object({}));
}

void Service::Impl::list_state_machine_aliases(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return answer(reply, Unexpected<Error>(arn.error()));
  auto machine = state_machine_or_error(*arn);
  if (!machine) return answer(reply, Unexpected<Error>(machine.error()));
  answer_resource_page(
      store::Kind::Alias, machine->arn, r, "stateMachineAliases",
      [](const store::Resource& a) {
        return json::ObjectBuilder()
            .add("stateMachineAliasArn", text(a.arn))
            .add("creationDate", epoch(a.created_ms))
            .build();
      },
      reply);
}

}  // namespace baton::service
