// State machine aliases, which route executions to versions by weight.

#include <cctype>

#include "service/states/step_functions.h"

namespace baton::service::states {

using json::Value;

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

void StepFunctions::create_state_machine_alias(const Request& r, Reply reply) {
  auto name = r.required("name");
  if (!name) return core.answer(reply, Unexpected<Error>(name.error()));
  auto description = r.string("description");
  if (!description) return core.answer(reply, Unexpected<Error>(description.error()));
  const Value* routing = r.field("routingConfiguration");
  if (!valid_alias_name(*name)) {
    return core.answer(reply,
                       fail("ValidationException",
                            "1 validation error detected: Value '" + *name +
                                "' at 'name' failed to satisfy constraint: Member must satisfy "
                                "regular expression pattern: "
                                "^(?=.*[a-zA-Z_\\\\-\\\\.])[a-zA-Z0-9_\\\\-\\\\.]+$"));
  }
  if (auto checked = check_routing(routing, ""); !checked) {
    return core.answer(reply, Unexpected<Error>(checked.error()));
  }
  std::string first(routing->as_array()[0].find("stateMachineVersionArn")->as_string());
  std::string machine_arn = first.substr(0, first.rfind(':'));
  auto machine = state_machine_or_error(machine_arn);
  if (!machine) return core.answer(reply, Unexpected<Error>(machine.error()));
  for (const Value& route : routing->as_array()) {
    std::string version(route.find("stateMachineVersionArn")->as_string());
    auto found = core.store->resource(store::Kind::Version, version);
    if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
    if (!*found) return core.answer(reply, no_such_alias());
  }
  std::string alias_arn = machine_arn + ":" + *name;
  auto existing = core.store->resource(store::Kind::Alias, alias_arn);
  if (!existing) return core.answer(reply, Unexpected<Error>(existing.error()));
  if (*existing) {
    // Idempotent only for the same routing and description.
    const Value& rec = (*existing)->record;
    if (rec.find("routingConfiguration") != nullptr &&
        *rec.find("routingConfiguration") == *routing &&
        string_or(rec, "description") == description->value_or("")) {
      return core.answer(reply, json::ObjectBuilder()
                                    .add("stateMachineAliasArn", text(alias_arn))
                                    .add("creationDate", epoch((*existing)->created_ms))
                                    .build());
    }
    return core.answer(reply,
                       fail("ConflictException",
                            "Failed to create alias because an alias with the same name and a "
                            "different routing configuration already exists."));
  }
  std::int64_t now = core.now_ms();
  json::ObjectBuilder record;
  record.add("stateMachineAliasArn", text(alias_arn));
  record.add("name", text(*name));
  if (*description) record.add("description", text(**description));
  record.add("routingConfiguration", *routing);
  record.add("updateDate", Value::integer(now));
  core.stage(store::ops::PutResource{
      store::Resource{store::Kind::Alias, alias_arn, *name, machine_arn, now, record.build()}});
  core.answer(reply, json::ObjectBuilder()
                         .add("stateMachineAliasArn", text(alias_arn))
                         .add("creationDate", epoch(now))
                         .build());
}

void StepFunctions::describe_state_machine_alias(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineAliasArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto parsed = parse_arn(*arn);
  if (!parsed || parsed->type != "stateMachine" || parsed->qualifier.empty()) {
    return core.answer(reply, invalid_arn(*arn));
  }
  auto alias = core.store->resource(store::Kind::Alias, *arn);
  if (!alias) return core.answer(reply, Unexpected<Error>(alias.error()));
  if (!*alias) return core.answer(reply, no_such_alias());
  const Value& rec = (*alias)->record;
  json::ObjectBuilder out;
  out.add("stateMachineAliasArn", text(*arn));
  out.add("name", *rec.find("name"));
  if (const Value* d = rec.find("description")) out.add("description", *d);
  out.add("routingConfiguration", *rec.find("routingConfiguration"));
  out.add("creationDate", epoch((*alias)->created_ms));
  out.add("updateDate", epoch(rec.find("updateDate")->as_int64()));
  core.answer(reply, out.build());
}

void StepFunctions::update_state_machine_alias(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineAliasArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto description = r.string("description");
  if (!description) return core.answer(reply, Unexpected<Error>(description.error()));
  auto alias = core.store->resource(store::Kind::Alias, *arn);
  if (!alias) return core.answer(reply, Unexpected<Error>(alias.error()));
  if (!*alias) return core.answer(reply, no_such_alias());
  Value rec = (*alias)->record;
  if (const Value* routing = r.field("routingConfiguration")) {
    if (auto checked = check_routing(routing, (*alias)->parent_arn); !checked) {
      return core.answer(reply, Unexpected<Error>(checked.error()));
    }
    for (const Value& route : routing->as_array()) {
      std::string version(route.find("stateMachineVersionArn")->as_string());
      auto found = core.store->resource(store::Kind::Version, version);
      if (!found) return core.answer(reply, Unexpected<Error>(found.error()));
      if (!*found) return core.answer(reply, no_such_alias());
    }
    rec = json::with_member(rec, "routingConfiguration", *routing);
  }
  if (*description) rec = json::with_member(rec, "description", text(**description));
  std::int64_t now = core.now_ms();
  rec = json::with_member(rec, "updateDate", Value::integer(now));
  (*alias)->record = rec;
  core.stage(store::ops::PutResource{std::move(**alias)});
  core.answer(reply, json::ObjectBuilder().add("updateDate", epoch(now)).build());
}

void StepFunctions::delete_state_machine_alias(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineAliasArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto parsed = parse_arn(*arn);
  if (!parsed || parsed->qualifier.empty()) return core.answer(reply, invalid_arn(*arn));
  // Deleting an alias that is not there succeeds, as on AWS.
  core.stage(store::ops::DeleteResource{store::Kind::Alias, *arn});
  core.answer(reply, Value::object({}));
}

void StepFunctions::list_state_machine_aliases(const Request& r, Reply reply) {
  auto arn = r.required("stateMachineArn");
  if (!arn) return core.answer(reply, Unexpected<Error>(arn.error()));
  auto machine = state_machine_or_error(*arn);
  if (!machine) return core.answer(reply, Unexpected<Error>(machine.error()));
  answer_resource_page(
      core, store::Kind::Alias, machine->arn, r, "stateMachineAliases",
      [](const store::Resource& a) {
        return json::ObjectBuilder()
            .add("stateMachineAliasArn", text(a.arn))
            .add("creationDate", epoch(a.created_ms))
            .build();
      },
      reply);
}

}  // namespace baton::service::states
