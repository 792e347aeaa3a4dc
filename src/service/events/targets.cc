// A rule's targets: what an event matching it is sent to, and in what form (the event, a
// constant Input, the part an InputPath selects, or what an InputTransformer makes of it).

#include "service/events/eventbridge.h"

namespace baton::service::events {

using json::Value;

Result<Target> read_target(const Value& entry) {
  Target t;
  t.id = string_member(entry, "Id");
  t.arn = string_member(entry, "Arn");
  t.record = entry;
  std::string where = "Target " + t.id + ": ";
  int forms = 0;
  for (std::string_view form : {"Input", "InputPath", "InputTransformer"}) {
    if (entry.find(form) != nullptr) ++forms;
  }
  if (forms > 1) {
    return validation(where +
                      "Only one of Input, InputPath, or InputTransformer must be provided.");
  }
  if (const Value* spec = entry.find("InputTransformer"); spec != nullptr) {
    auto transformer = InputTransformer::read(*spec, where);
    if (!transformer) return Unexpected<Error>(transformer.error());
    t.transformer = std::move(*transformer);
  }
  if (const Value* input = entry.find("Input"); input != nullptr) {
    if (!input->is_string() || !json::parse(input->as_string())) {
      return validation(where + "Input is not valid JSON text.");
    }
  }
  if (std::string path = string_member(entry, "InputPath"); !path.empty()) {
    auto compiled = asl::Path::compile(path);
    if (!compiled)
      return validation(where + "InputPath is not a valid JSONPath: " + compiled.error());
    t.input_path = std::move(*compiled);
  }
  if (const Value* dlq = entry.find("DeadLetterConfig"); dlq != nullptr) {
    if (!string_member(*dlq, "Arn").starts_with("arn:aws:sqs:")) {
      return validation(where + "DeadLetterConfig.Arn must be the ARN of an SQS queue.");
    }
  }
  return t;
}

void EventBridge::put_targets(const Request& r, Reply reply) {
  auto rule = requested_rule(r, "Rule");
  if (!rule) return reply(Unexpected<Error>(rule.error()));
  if (auto refused = managed(**rule)) return reply(Unexpected<Error>(*refused));
  const Value* entries = r.field("Targets");
  if (entries == nullptr || !entries->is_array()) {
    return reply(validation("Parameter Targets is required."));
  }
  Rule& found = **rule;
  std::vector<Target> targets = found.targets;
  for (const Value& entry : entries->as_array()) {
    auto target = read_target(entry);
    if (!target) return reply(Unexpected<Error>(target.error()));
    auto same = std::find_if(targets.begin(), targets.end(),
                             [&](const Target& t) { return t.id == target->id; });
    if (same != targets.end()) {
      *same = std::move(*target);
    } else {
      targets.push_back(std::move(*target));
    }
  }
  if (targets.size() > kMaxTargetsPerRule) {
    return reply(fail("LimitExceededException",
                      "The requested resource exceeds the maximum number allowed."));
  }
  found.targets = std::move(targets);
  save_rule(found);
  core.answer(reply, json::ObjectBuilder()
                         .add("FailedEntryCount", Value::integer(0))
                         .add("FailedEntries", Value::array({}))
                         .build());
}

void EventBridge::remove_targets(const Request& r, Reply reply) {
  auto rule = requested_rule(r, "Rule");
  if (!rule) return reply(Unexpected<Error>(rule.error()));
  // Force as well: an archive's rule goes only with its archive.
  if (auto refused = managed(**rule)) return reply(Unexpected<Error>(*refused));
  const Value* ids = r.field("Ids");
  if (ids == nullptr || !ids->is_array()) return reply(validation("Parameter Ids is required."));
  Rule& found = **rule;
  for (const Value& id : ids->as_array()) {
    if (!id.is_string()) continue;
    std::erase_if(found.targets, [&](const Target& t) { return t.id == id.as_string(); });
  }
  save_rule(found);
  core.answer(reply, json::ObjectBuilder()
                         .add("FailedEntryCount", Value::integer(0))
                         .add("FailedEntries", Value::array({}))
                         .build());
}

void EventBridge::list_targets_by_rule(const Request& r, Reply reply) {
  auto rule = requested_rule(r, "Rule");
  if (!rule) return reply(Unexpected<Error>(rule.error()));
  std::vector<Value> listed;
  for (const Target& t : (*rule)->targets) listed.push_back(t.record);
  core.answer(reply, json::ObjectBuilder().add("Targets", Value::array(std::move(listed))).build());
}

void EventBridge::list_rule_names_by_target(const Request& r, Reply reply) {
  auto bus = requested_bus(r);
  if (!bus) return reply(Unexpected<Error>(bus.error()));
  auto arn = r.required("TargetArn");
  if (!arn) return reply(Unexpected<Error>(arn.error()));
  std::vector<Value> names;
  for (const auto& [name, rule] : (*bus)->rules) {
    for (const Target& t : rule.targets) {
      if (t.arn == *arn) {
        names.push_back(text(name));
        break;
      }
    }
  }
  core.answer(reply,
              json::ObjectBuilder().add("RuleNames", Value::array(std::move(names))).build());
}

}  // namespace baton::service::events
