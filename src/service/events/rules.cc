// Rules: an event pattern on a bus, or a schedule (scheduled_rules.cc), enabled or not. PutRule
// replaces what it names, keeping the rule's targets; the bus's index holds the patterns of its
// enabled rules.

#include "service/events/eventbridge.h"

namespace baton::service::events {

using json::Value;

namespace {

Value rule_summary(const Rule& rule) {
  json::ObjectBuilder out;
  out.add("Name", text(rule.name));
  out.add("Arn", text(rule.arn));
  if (!rule.pattern_text.empty()) out.add("EventPattern", text(rule.pattern_text));
  if (rule.schedule) out.add("ScheduleExpression", text(rule.schedule->text()));
  out.add("State", text(rule.enabled ? "ENABLED" : "DISABLED"));
  if (!rule.description.empty()) out.add("Description", text(rule.description));
  if (!rule.role_arn.empty()) out.add("RoleArn", text(rule.role_arn));
  if (!rule.managed_by.empty()) out.add("ManagedBy", text(rule.managed_by));
  out.add("EventBusName", text(rule.bus));
  return out.build();
}

}  // namespace

Value EventBridge::describe(const Rule& rule) const {
  Value summary = rule_summary(rule);
  json::ObjectBuilder out;
  for (const json::Member& m : summary.members()) out.add(m.name(), m.value);
  out.add("CreatedBy", text(core.options.partition.account));
  return out.build();
}

void EventBridge::put_rule(const Request& r, Reply reply) {
  auto bus = requested_bus(r);
  if (!bus) return reply(Unexpected<Error>(bus.error()));
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto pattern_text = r.string("EventPattern");
  if (!pattern_text) return reply(Unexpected<Error>(pattern_text.error()));
  auto schedule = r.string("ScheduleExpression");
  if (!schedule) return reply(Unexpected<Error>(schedule.error()));
  auto state = r.string("State");
  if (!state) return reply(Unexpected<Error>(state.error()));
  auto description = r.string("Description");
  if (!description) return reply(Unexpected<Error>(description.error()));
  auto role = r.string("RoleArn");
  if (!role) return reply(Unexpected<Error>(role.error()));
  if (!*pattern_text && !*schedule) {
    return reply(validation("Parameter(s) EventPattern or ScheduleExpression must be specified."));
  }
  std::optional<baton::events::EventPattern> pattern;
  if (*pattern_text) {
    auto compiled = baton::events::EventPattern::parse(**pattern_text);
    if (!compiled) return reply(Unexpected<Error>(compiled.error()));
    pattern = std::move(*compiled);
  }
  std::optional<baton::events::ScheduleExpression> expression;
  if (*schedule) {
    if ((*bus)->name != "default") {
      return reply(validation("ScheduleExpression is supported only on the default event bus."));
    }
    auto parsed =
        baton::events::ScheduleExpression::parse(**schedule, baton::events::ScheduleFlavour::Rule);
    if (!parsed) return reply(Unexpected<Error>(parsed.error()));
    expression = std::move(*parsed);
  }
  std::string wanted_state = state->value_or("ENABLED");
  if (wanted_state != "ENABLED" && wanted_state != "DISABLED" &&
      wanted_state != "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS") {
    return reply(validation("1 validation error detected: Value '" + wanted_state +
                            "' at 'state' failed to satisfy constraint: Member must satisfy "
                            "enum value set: [ENABLED, DISABLED, "
                            "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]"));
  }
  Bus& b = **bus;
  if (auto existing = b.rules.find(*name); existing != b.rules.end()) {
    if (auto refused = managed(existing->second)) return reply(Unexpected<Error>(*refused));
  }
  auto [it, added] = b.rules.try_emplace(*name);
  Rule& rule = it->second;
  if (added) {
    rule.name = *name;
    rule.arn = rule_arn(b.name, *name);
    rule.bus = b.name;
    rule.created_ms = core.now_ms();
  }
  rule.pattern_text = pattern_text->value_or("");
  bool was_enabled = rule.enabled && !added;
  rule.enabled = wanted_state != "DISABLED";
  rule.description = description->value_or("");
  rule.role_arn = role->value_or("");
  b.index.erase(rule.name);
  if (rule.enabled && pattern) b.index.put(rule.name, std::move(*pattern));
  // A new or changed schedule counts from now.
  bool same = rule.schedule && expression && rule.schedule->text() == expression->text();
  if (!same) {
    rule.schedule_from_ms = core.now_ms();
    rule.fired_through_ms = 0;
  } else if (rule.enabled && !was_enabled) {
    // What came due while it was disabled is not fired.
    rule.fired_through_ms = std::max(rule.fired_through_ms, core.now_ms());
  }
  rule.schedule = std::move(expression);
  arm(rule);
  save_rule(rule);
  core.answer(reply, json::ObjectBuilder().add("RuleArn", text(rule.arn)).build());
}

void EventBridge::describe_rule(const Request& r, Reply reply) {
  auto rule = requested_rule(r, "Name");
  if (!rule) return reply(Unexpected<Error>(rule.error()));
  core.answer(reply, describe(**rule));
}

void EventBridge::delete_rule(const Request& r, Reply reply) {
  auto bus = requested_bus(r);
  if (!bus) return reply(Unexpected<Error>(bus.error()));
  auto name = r.required("Name");
  if (!name) return reply(Unexpected<Error>(name.error()));
  auto it = (*bus)->rules.find(*name);
  // Deleting a rule that is not there succeeds, as on AWS.
  if (it == (*bus)->rules.end()) return core.answer(reply, Value::object({}));
  // Force as well: an archive's rule goes only with its archive.
  if (auto refused = managed(it->second)) return reply(Unexpected<Error>(*refused));
  if (!it->second.targets.empty()) {
    return reply(validation("Rule can't be deleted since it has targets."));
  }
  core.stage(store::ops::DeleteResource{store::Kind::EventRule, it->second.arn});
  (*bus)->index.erase(*name);
  (*bus)->rules.erase(it);
  core.answer(reply, Value::object({}));
}

void EventBridge::list_rules(const Request& r, Reply reply) {
  auto bus = requested_bus(r);
  if (!bus) return reply(Unexpected<Error>(bus.error()));
  auto page = name_page<Rule>(r, (*bus)->rules, "Rules", rule_summary);
  if (!page) return reply(Unexpected<Error>(page.error()));
  core.answer(reply, std::move(*page));
}

void EventBridge::set_enabled(const Request& r, Reply reply, bool enabled) {
  auto rule = requested_rule(r, "Name");
  if (!rule) return reply(Unexpected<Error>(rule.error()));
  Rule& found = **rule;
  if (auto refused = managed(found)) return reply(Unexpected<Error>(*refused));
  // What came due while it was disabled is not fired.
  if (enabled && !found.enabled)
    found.fired_through_ms = std::max(found.fired_through_ms, core.now_ms());
  found.enabled = enabled;
  index_rule(buses.at(found.bus), found);
  arm(found);
  save_rule(found);
  core.answer(reply, Value::object({}));
}

void EventBridge::enable_rule(const Request& r, Reply reply) { set_enabled(r, reply, true); }

void EventBridge::disable_rule(const Request& r, Reply reply) { set_enabled(r, reply, false); }

}  // namespace baton::service::events
